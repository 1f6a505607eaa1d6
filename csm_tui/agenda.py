"""`csm agenda`: the occurrences of every event in a date range, recurrences expanded
as RFC 5545 says (csm_tui.ical.expand), one-off and yearly events placed as the
calendar places them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING

from csm_tui.events import occurrences
from db.queries.events import events_between

if TYPE_CHECKING:
    from sqlmodel import Session

MAX_DAYS = 3660


@dataclass(frozen=True, slots=True)
class AgendaItem:
    day: date
    at: time | None  # None: all day
    tzid: str  # the time's zone: an IANA name, "UTC", or "" (local)
    title: str
    kind: str
    event_id: int
    end_date: date | None = None  # the last day of a multi-day occurrence


def agenda(session: Session, start: date, end: date) -> list[AgendaItem]:
    """Every occurrence starting in [start, end], by day and time."""
    from csm_tui.ical import expand

    items: list[AgendaItem] = []
    for ev in events_between(session, start=start, end=end):
        span = (ev.end_date - ev.on_date) if ev.end_date else None
        if ev.recurrence:
            found = expand(ev.recurrence, start, end)
        else:
            found = [(day, ev.at_time) for day in occurrences(ev, start, end)]
        for day, at in found:
            items.append(AgendaItem(day, at, ev.tzid if at is not None else "", ev.title,
                                    ev.kind, ev.id or 0, day + span if span else None))
    return sorted(items, key=lambda i: (i.day, i.at or time(0), i.title))
