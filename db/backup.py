"""Consistent copies of a SQLite database with SQLite's online backup API, copied a
few megabytes at a time: memory stays flat for any size, and a writer elsewhere only
makes the copy start over from where it is (SQLite's own rule)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from db.engine import StoreError
from db.store import Store

PAGES_PER_STEP = 1024  # 4 MB with the default page size


def backup_to(store: Store, out: Path, *,
              progress: Callable[[str, int, int], None] | None = None) -> int:
    """Copy the live database to `out` (safe while the app is open); returns the
    number of accounts in the copy, read back from the copy itself. The CLI passes a
    0600 temporary file beside the target (csm_tui.safe_files) and moves it into place.
    `progress("backup", pages copied, pages in all)` after every step."""
    if store.path is None:
        raise StoreError("backup works on SQLite files; use pg_dump for a PostgreSQL database"
                         " (or csm export json for a portable copy)")

    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress("backup", total - remaining, total)

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(store.path)
        dst = sqlite3.connect(out)
        try:
            dst.execute("PRAGMA cache_size=-4096")  # 4 MB of pages in memory at most
            src.backup(dst, pages=PAGES_PER_STEP, progress=step)
            count = dst.execute("SELECT count(*) FROM account").fetchone()[0]
        finally:
            dst.close()
            src.close()
        out.chmod(0o600)
    except (OSError, sqlite3.Error) as exc:
        out.unlink(missing_ok=True)
        raise StoreError(f"backup to {out} failed: {exc}") from None
    return int(count)
