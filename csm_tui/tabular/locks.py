"""One import at a time per database: a second import waits (a bounded time, saying so)
for the first to end, then goes on, or is told clearly; never a raw database error
about duplicate keys. PostgreSQL: an advisory lock; SQLite: the file's write lock."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from csm_tui.i18n import t

if TYPE_CHECKING:
    from sqlmodel import Session

WAIT_SECONDS = 60.0  # how long a second import waits for the first; $CSM_IMPORT_WAIT
POLL = 0.25


class ImportBusy(ValueError):
    """Another import is running on this database."""


def import_wait() -> float:
    try:
        return max(0.0, float(os.environ.get("CSM_IMPORT_WAIT", WAIT_SECONDS)))
    except ValueError:
        return WAIT_SECONDS


def hold_import_lock(session: Session, *, wait: float | None = None,
                     progress: Callable[[str, int, int], None] | None = None) -> None:
    """Take the import lock first thing in the import's transaction, waiting up to
    `wait` seconds (default $CSM_IMPORT_WAIT, else 60) while another import runs;
    `progress("wait", 0, 0)` is called once when it has to wait."""
    from db.bulk import try_import_lock

    limit = import_wait() if wait is None else wait
    deadline = time.monotonic() + limit
    told = False
    while not try_import_lock(session):
        if time.monotonic() >= deadline:
            raise ImportBusy(t("another import (or another long write) is running on this "
                               "database (waited {n} s); try again when it ends; nothing "
                               "was written",
                               n=round(limit)))
        if not told and progress is not None:
            progress("wait", 0, 0)
            told = True
        time.sleep(POLL)
