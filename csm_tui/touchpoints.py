"""Touchpoints that are due: the CSM's contact list for the coming days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from db.queries import planned_touchpoints


@dataclass(frozen=True, slots=True)
class DueTouchpoint:
    id: int
    account_id: int
    account: str
    tier: str
    channel: str
    due_date: date
    next_step: str

    def days_overdue(self, today: date) -> int:
        return (today - self.due_date).days


def due_touchpoints(session: Session, today: date, *, horizon_days: int = 7) -> list[DueTouchpoint]:
    """Planned touchpoints due up to `horizon_days` ahead, overdue first."""
    rows = planned_touchpoints(session, due_before=today + timedelta(days=horizon_days))
    return [DueTouchpoint(r.id, r.account_id, r.name, r.tier, r.channel, r.due_date, r.next_step)
            for r in rows]
