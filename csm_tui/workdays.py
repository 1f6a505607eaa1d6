"""Working days: weekends off (configurable), imported holidays off, and make-up
working days (调休补班) on, as the task generator needs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from csm_tui.events import yearly_date
from csm_tui.i18n import t
from db.queries.events import days_off_and_on

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


def _days(start: date, end: date | None) -> list[date]:
    last = end or start
    return [start + timedelta(days=i) for i in range((last - start).days + 1)] if last >= start \
        else [start]


def load_work_calendar(session: Session, *, start_year: int, end_year: int,
                       skip_weekends: bool = True) -> WorkCalendar:
    """Holiday (kind "holiday") and make-up working day (kind "workday") events; ranges
    are inclusive of end_date; yearly ones are placed in every year asked for."""
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
