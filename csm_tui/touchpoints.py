"""Touchpoints that are due: grouped Overdue / Today / This week / Later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from db.queries.touchpoints import planned_touchpoints

if TYPE_CHECKING:
    from sqlmodel import Session

GROUPS = ("Overdue", "Today", "This week", "Later")
HORIZON_DAYS = 90


@dataclass(frozen=True, slots=True)
class DueTouchpoint:
    id: int
    account_id: int
    account: str
    tier: str
    channel: str
    due_date: date
    next_step: str
    contact: str = ""
    contact_role: str = ""
    contract_end: date | None = None

    def days_overdue(self, today: date) -> int:
        return (today - self.due_date).days


def group_of(due: date, today: date) -> str:
    if due < today:
        return "Overdue"
    if due == today:
        return "Today"
    if due <= today + timedelta(days=6 - today.weekday() if today.weekday() < 6 else 6):
        return "This week"
    return "Later"


def due_touchpoints(session: Session, today: date, *,
                    horizon_days: int = HORIZON_DAYS,
                    owner: str | None = None) -> list[DueTouchpoint]:
    """Planned touchpoints due up to `horizon_days` ahead, overdue first (of the accounts
    `owner` owns, if given)."""
    rows = planned_touchpoints(session, due_before=today + timedelta(days=horizon_days),
                               owner=owner)
    return [DueTouchpoint(r.id, r.account_id, r.name, r.tier, r.channel, r.due_date,
                          r.next_step, r.contact or "", r.contact_role or "", r.contract_end)
            for r in rows]


def grouped(items: list[DueTouchpoint], today: date) -> dict[str, list[DueTouchpoint]]:
    groups: dict[str, list[DueTouchpoint]] = {g: [] for g in GROUPS}
    for item in items:
        groups[group_of(item.due_date, today)].append(item)
    return groups
