"""Events and their occurrences in a date range (yearly ones repeat)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from db.models import Event
from db.queries import events_between


@dataclass(frozen=True, slots=True)
class Occurrence:
    event_id: int
    title: str
    day: date
    kind: str
    scope: str


def yearly_date(original: date, year: int) -> date:
    """The date a yearly event falls on in `year`; 29 February falls on 28 February."""
    last = calendar.monthrange(year, original.month)[1]
    return date(year, original.month, min(original.day, last))


def occurrences(event: Event, start: date, end: date) -> list[date]:
    """Days in [start, end] on which an event happens."""
    if not event.yearly:
        return [event.on_date] if start <= event.on_date <= end else []
    days = []
    for year in range(max(start.year, event.on_date.year), end.year + 1):
        day = yearly_date(event.on_date, year)
        if start <= day <= end:
            days.append(day)
    return days


def events_in_range(session: Session, start: date, end: date) -> list[Occurrence]:
    found = []
    for event in events_between(session, start=start, end=end):
        for day in occurrences(event, start, end):
            found.append(Occurrence(event.id or 0, event.title, day, event.kind, event.scope))
    return sorted(found, key=lambda o: (o.day, o.title))


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
