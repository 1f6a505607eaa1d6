"""Working days: weekends off (configurable), imported holidays off, and make-up
working days (调休补班) on. Every date the app generates or suggests lands on one:
SOP steps, cadence touches, event touches, snoozes, and a next follow-up typed as a
relative date ("+14d", "2w", "eom"); a date typed in full (2026-12-05) is the user's
and is kept as typed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from csm_tui.i18n import long_day, t

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass
class WorkCalendar:
    holidays: set[date] = field(default_factory=set)
    workdays: set[date] = field(default_factory=set)
    skip_weekends: bool = True
    names: dict[date, str] = field(default_factory=dict)  # a holiday's title, by day

    def is_working(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return not (self.skip_weekends and day.weekday() >= 5)

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the next one."""
        for _ in range(366):
            if self.is_working(day):
                return day
            day += timedelta(days=1)
        return day

    def why_off(self, day: date) -> str | None:
        """Why a day is not a working day (a holiday's name, "weekend"); None if it is."""
        if self.is_working(day):
            return None
        if day in self.holidays:
            return self.names.get(day) or t("holiday")
        return t("weekend")

    def moved(self, day: date) -> tuple[date, str | None]:
        """The working day a generated date lands on, and why it moved (None: it did
        not), for forms that show "→ Mon 7 Dec (moved: weekend)"."""
        return self.next_working_day(day), self.why_off(day)


# A date written out in full: the user's own choice, never moved.
_ABSOLUTE = re.compile(r"\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*|\s*\d{4}年\d{1,2}月\d{1,2}日\s*")


def is_relative(text: str) -> bool:
    """"+14d", "2w", "next mon", "eom" ... (moved to a working day), not "2026-12-05"."""
    return not _ABSOLUTE.fullmatch(text)


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a typed date resolves to: the day used, and the day it moved from (None if
    it did not move) with why."""

    day: date
    moved_from: date | None = None
    why: str | None = None

    def text(self) -> str:
        """"→ Mon 7 Dec (moved from Sat 5 Dec: weekend)" for the forms."""
        if self.moved_from is None:
            return f"→ {long_day(self.day)}"
        return t("→ {day} (moved from {original}: {why})", day=long_day(self.day),
                 original=long_day(self.moved_from), why=self.why or "")


def resolve(text: str, today: date, calendar: WorkCalendar | None) -> Resolved:
    """Parse what the user typed (csm_tui.dateparse); a relative date moves to the next
    working day. Raises ValueError as parse_when does."""
    from csm_tui.dateparse import parse_when

    day = parse_when(text, today)
    if calendar is None or not is_relative(text):
        return Resolved(day)
    moved, why = calendar.moved(day)
    return Resolved(moved, day, why) if moved != day else Resolved(day)


def working_calendar(session: Session, today: date) -> WorkCalendar:
    """The calendar every generated date is moved by: weekends per settings.toml
    ([tasks] skip_weekends), imported holidays and make-up working days."""
    from csm_tui.settings import current_settings

    skip = bool(current_settings().extra.get("tasks", {}).get("skip_weekends", True))
    return load_work_calendar(session, start_year=today.year - 1, end_year=today.year + 3,
                              skip_weekends=skip)


def on_working_day(session: Session, day: date, today: date) -> date:
    """`day`, or the next working day after it: for a date generated in a write."""
    return working_calendar(session, today).next_working_day(day)


def _days(start: date, end: date | None) -> list[date]:
    last = end or start
    return [start + timedelta(days=i) for i in range((last - start).days + 1)] if last >= start \
        else [start]


def load_work_calendar(session: Session, *, start_year: int, end_year: int,
                       skip_weekends: bool = True) -> WorkCalendar:
    """Holiday (kind "holiday") and make-up working day (kind "workday") events; ranges
    are inclusive of end_date; yearly ones are placed in every year asked for."""
    from csm_tui.events import yearly_date  # the database layer loads after first paint
    from db.queries.events import days_off_and_on

    cal = WorkCalendar(skip_weekends=skip_weekends)
    for on_date, end_date, yearly, kind, title, recurrence in days_off_and_on(session):
        target = cal.holidays if kind == "holiday" else cal.workdays
        days: list[date] = []
        if recurrence:
            from csm_tui.ical import expand

            span = (end_date - on_date).days if end_date else 0
            for first, _at in expand(recurrence, date(start_year, 1, 1),
                                     date(end_year, 12, 31)):
                days += _days(first, first + timedelta(days=span))
        elif yearly:
            span = (end_date - on_date).days if end_date else 0
            for year in range(start_year, end_year + 1):
                first = yearly_date(on_date, year)
                days += _days(first, first + timedelta(days=span))
        else:
            days = _days(on_date, end_date)
        target.update(days)
        if kind == "holiday":
            cal.names.update(dict.fromkeys(days, title))
    return cal
