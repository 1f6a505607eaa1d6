"""What the calendar shows for a date range: stored events (yearly ones repeated,
ranges spread over their days) plus what is derived, not typed twice: renewals
and contract starts from the accounts, founding anniversaries, planned touchpoints
and open SOP tasks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from csm_tui.events import occurrences, yearly_date
from csm_tui.i18n import label, t
from db.queries import accounts as qa
from db.queries import events as qe
from db.queries import tasks as qt
from db.queries import touchpoints as qtp

if TYPE_CHECKING:
    from sqlmodel import Session

KIND_ORDER = ("holiday", "workday", "event", "renewal", "start", "anniversary", "touchpoint",
              "task")
KIND_MARK = {"holiday": "休", "workday": "班", "event": "●", "renewal": "R", "start": "S",
             "anniversary": "★", "touchpoint": "T", "task": "✓"}


@dataclass(frozen=True, slots=True)
class CalItem:
    day: date
    kind: str
    title: str
    account_id: int | None = None
    ref: str = ""


# A grid range holding at most this many items loads them all at once: the day's list,
# the filter and the agenda then need no further read. Above it the grid's markers
# are counted by the database and only the selected day's items load.
FULL_UP_TO = 1000


@dataclass(frozen=True, slots=True)
class CalendarView:
    """What the calendar shows for [start, end]: the markers per day and kind, and the
    items, either all of the range's (`full`) or only `day`'s. `asked` is the request it
    answers (the screen's, kept so a full view answers every day of its range)."""

    start: date
    end: date
    counts: dict[date, Counter[str]]
    items: list[CalItem]
    full: bool
    day: date | None
    asked: tuple[object, ...] = ()

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())


def _event_items(session: Session, start: date, end: date, owner: str | None
                 ) -> list[CalItem]:
    items = []
    for ev in qe.events_between(session, start=start - timedelta(days=366), end=end,
                                owner=owner):
        span = (ev.end_date - ev.on_date).days if ev.end_date else 0
        for first in occurrences(ev, start - timedelta(days=span), end):
            for i in range(span + 1):
                day = first + timedelta(days=i)
                if start <= day <= end:
                    items.append(CalItem(day, ev.kind, ev.title, ev.account_id, f"event:{ev.id}"))
    return items


def calendar_items(session: Session, start: date, end: date, *,
                   owner: str | None = None) -> list[CalItem]:
    """Every item in [start, end], in the order a day lists them; with an owner, only
    that owner's accounts' (global and industry events stay)."""
    items = _event_items(session, start, end, owner)
    for aid, name, c_start, c_end, founded, stage in qa.account_dates_between(
            session, start=start, end=end, owner=owner):
        if c_end and start <= c_end <= end and stage != "churned":
            items.append(CalItem(c_end, "renewal", t("Renewal: {name}", name=name), aid,
                                 f"account:{aid}"))
        if c_start and start <= c_start <= end:
            items.append(CalItem(c_start, "start", t("Contract start: {name}", name=name), aid,
                                 f"account:{aid}"))
        if founded:
            for year in range(start.year, end.year + 1):
                day = yearly_date(founded, year)
                if start <= day <= end and year > founded.year:
                    items.append(CalItem(day, "anniversary",
                                         t("{name}: founded {years} years ago", name=name,
                                           years=year - founded.year),
                                         aid, f"account:{aid}"))
    for tid, aid, name, channel, due, step in qtp.planned_touchpoints_between(
            session, start=start, end=end, owner=owner):
        shown = f"{label('channel', channel)}: {name}" + (f" — {step}" if step else "")
        items.append(CalItem(due, "touchpoint", shown,
                             aid, f"touchpoint:{tid}"))
    for tid, aid, name, title, due in qt.open_tasks_between(session, start=start, end=end,
                                                           owner=owner):
        items.append(CalItem(due, "task", f"{title} ({name})", aid, f"task:{tid}"))
    items.sort(key=lambda i: (i.day, KIND_ORDER.index(i.kind) if i.kind in KIND_ORDER else 99,
                              i.title))
    return items


def calendar_counts(session: Session, start: date, end: date, *,
                    owner: str | None = None) -> dict[date, Counter[str]]:
    """Items per day and kind in [start, end], counted by the database (events, few,
    expanded here): equal to `counts_by_day(calendar_items(...))` without loading the
    items."""
    out = counts_by_day(_event_items(session, start, end, owner))
    rows: list[tuple[str, date, int]] = []
    for kind, when, n in qa.account_date_counts(session, start=start, end=end, owner=owner):
        if kind == "anniversary":  # 29 February in a common year: the 28th
            year, md = when
            when = yearly_date(date(2000, md // 100, md % 100), year)
        rows.append((kind, when, n))
    rows += [("touchpoint", day, n) for day, n in qtp.planned_counts_by_day(
        session, start=start, end=end, owner=owner)]
    rows += [("task", day, n) for day, n in qt.open_task_counts_by_day(
        session, start=start, end=end, owner=owner)]
    for kind, day, n in rows:
        out.setdefault(day, Counter())[kind] += n
    return out


def calendar_view(session: Session, start: date, end: date, *, day: date | None,
                  counts: dict[date, Counter[str]] | None, owner: str | None = None,
                  full_up_to: int = FULL_UP_TO, asked: tuple[object, ...] = ()
                  ) -> CalendarView:
    """The month grid's view. Without `counts` (the agenda, a filter: every item is
    wanted) or when the counts say the range holds few items: all of them. Otherwise
    the counts (`calendar_counts`) and `day`'s items only, so the work follows what
    is shown, not the size of the book."""
    if counts is not None and day is not None \
            and sum(sum(c.values()) for c in counts.values()) > full_up_to:
        items = calendar_items(session, day, day, owner=owner) if start <= day <= end else []
        return CalendarView(start, end, counts, items, False, day, asked)
    items = calendar_items(session, start, end, owner=owner)
    return CalendarView(start, end, counts_by_day(items), items, True, day, asked)


def counts_by_day(items: list[CalItem]) -> dict[date, Counter[str]]:
    out: dict[date, Counter[str]] = {}
    for item in items:
        out.setdefault(item.day, Counter())[item.kind] += 1
    return out
