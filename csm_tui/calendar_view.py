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


def calendar_items(session: Session, start: date, end: date) -> list[CalItem]:
    items: list[CalItem] = []
    for ev in qe.events_between(session, start=start - timedelta(days=366), end=end):
        span = (ev.end_date - ev.on_date).days if ev.end_date else 0
        for first in occurrences(ev, start - timedelta(days=span), end):
            for i in range(span + 1):
                day = first + timedelta(days=i)
                if start <= day <= end:
                    items.append(CalItem(day, ev.kind, ev.title, ev.account_id, f"event:{ev.id}"))
    for aid, name, c_start, c_end, founded, stage in qa.account_dates(session):
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
            session, start=start, end=end):
        shown = f"{label('channel', channel)}: {name}" + (f" — {step}" if step else "")
        items.append(CalItem(due, "touchpoint", shown,
                             aid, f"touchpoint:{tid}"))
    for tid, aid, name, title, due in qt.open_tasks_between(session, start=start, end=end):
        items.append(CalItem(due, "task", f"{title} ({name})", aid, f"task:{tid}"))
    items.sort(key=lambda i: (i.day, KIND_ORDER.index(i.kind) if i.kind in KIND_ORDER else 99,
                              i.title))
    return items


def counts_by_day(items: list[CalItem]) -> dict[date, Counter[str]]:
    out: dict[date, Counter[str]] = {}
    for item in items:
        out.setdefault(item.day, Counter())[item.kind] += 1
    return out
