"""What is due today: overdue and today's touchpoints, and this fortnight's events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from csm_tui.events import Occurrence, events_in_range
from csm_tui.touchpoints import DueTouchpoint, due_touchpoints


@dataclass
class TodayAgenda:
    due: list[DueTouchpoint]
    events: list[Occurrence]


def today_agenda(session: Session, today: date) -> TodayAgenda:
    due = due_touchpoints(session, today, horizon_days=0)
    events = events_in_range(session, today, today + timedelta(days=14))
    return TodayAgenda(due=due, events=events)
