"""Reads over the change log: the newest entry (what changed), the undo stack, and
the recent history."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import ChangeLog


def newest_change_id(session: Session) -> int | None:
    """The newest entry's id: it moves with every user action, from any instance."""
    return session.execute(select(func.max(ChangeLog.id))).scalar()


def last_undoable(session: Session, actor: str) -> ChangeLog | None:
    """The actor's latest entry that is neither undone nor an undo: the top of the stack."""
    stmt = (select(ChangeLog)
            .where(col(ChangeLog.actor) == actor, col(ChangeLog.undone) == False,  # noqa: E712
                   col(ChangeLog.action) != "undo")
            .order_by(col(ChangeLog.id).desc()).limit(1))
    return session.scalars(stmt).first()


def later_entries(session: Session, entity: str, entity_id: int | None, *, after_id: int
                  ) -> list[ChangeLog]:
    """Entries about the same row after `after_id`, oldest first."""
    stmt = (select(ChangeLog)
            .where(col(ChangeLog.entity) == entity, col(ChangeLog.entity_id) == entity_id,
                   col(ChangeLog.id) > after_id)
            .order_by(col(ChangeLog.id)))
    return list(session.scalars(stmt))


def recent_entries(session: Session, *, limit: int) -> Sequence[ChangeLog]:
    """The latest entries, newest first."""
    stmt = select(ChangeLog).order_by(col(ChangeLog.id).desc()).limit(limit)
    return session.scalars(stmt).all()
