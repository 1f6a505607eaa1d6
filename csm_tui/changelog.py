"""The append-only change log: every user action leaves one entry, written in the
same transaction as the change itself, with what undo needs in `payload`."""

from __future__ import annotations

import getpass
import json
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # kept light: the app imports current_user before its first paint
    from sqlmodel import Session

    from db.models import ChangeLog


def current_user() -> str:
    """Who is acting: $CSM_USER, else the login name."""
    user = os.environ.get("CSM_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def record(session: Session, *, action: str, entity: str, entity_id: int | None,
           summary: str, payload: dict[str, Any] | None = None) -> ChangeLog:
    """Add a change-log entry to the caller's transaction (no commit here)."""
    from db.models import ChangeLog

    entry = ChangeLog(action=action, entity=entity, entity_id=entity_id, summary=summary,
                      actor=current_user(),
                      payload=json.dumps(payload or {}, default=str, ensure_ascii=False))
    session.add(entry)
    return entry
