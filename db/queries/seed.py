"""Statements only a generated demo book needs (`csm seed-demo`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from db.models import Event, Task


def event_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Event)).scalar_one())


def close_past_tasks(session: Session, *, cutoff: date, keep_open_every: int,
                     account_ids: list[int]) -> int:
    """Mark the open SOP steps of these accounts due before `cutoff` done on their due
    day at 10:00, but every `keep_open_every`-th one (by id); returns how many."""
    low, high = min(account_ids), max(account_ids)
    stmt = (select(col(Task.id), col(Task.due_date))
            .where(col(Task.done_at).is_(None), col(Task.due_date) < cutoff,
                   col(Task.account_id).between(low, high)))
    rows = [{"id": tid, "done_at": datetime.combine(due, time(10, 0), tzinfo=UTC),
             "closed_as": "done"}
            for tid, due in session.execute(stmt) if tid % keep_open_every]
    for start in range(0, len(rows), 5000):
        session.execute(update(Task), rows[start:start + 5000])
    return len(rows)
