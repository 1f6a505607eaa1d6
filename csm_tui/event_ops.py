"""Event operations: an event with a lead time and a target segment plans one
touchpoint per matching account, that many days ahead (on a working day), once (the
touchpoint's `origin` key is unique), so Touchpoints and Today show it when it is due.
A new holiday calendar re-plans the open generated dates (`replan_working_days`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.events import occurrences
from csm_tui.i18n import short_day, t
from csm_tui.workdays import WorkCalendar, working_calendar
from db.bulk import bulk_insert
from db.models import Touchpoint, utcnow
from db.queries.accounts import account_segments
from db.queries.events import events_with_lead
from db.queries.touchpoints import event_origins

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.models import Event
    from db.store import Store

HORIZON_DAYS = 60


def _targets(event: Event, accounts: list[tuple[int, str, str]]) -> list[int]:
    """Accounts (id, tier, industry) an event concerns."""
    if event.scope == "account":
        return [aid for aid, _t, _i in accounts if aid == event.account_id]
    tiers = set(filter(None, event.target_tiers.split(",")))
    industries = set(filter(None, event.target_industries.split(",")))
    if event.scope == "industry" and event.industry:
        industries = industries or {event.industry}
    return [aid for aid, tier, industry in accounts
            if (not tiers or tier in tiers) and (not industries or industry in industries)]


def event_touch_due(day: date, lead_days: int, today: date, calendar: WorkCalendar) -> date:
    """`lead_days` before the occurrence (not before today), on a working day."""
    return calendar.next_working_day(max(today, day - timedelta(days=lead_days)))


def plan_in(session: Session, today: date, *, horizon_days: int = HORIZON_DAYS,
            only: int | None = None, log: bool = True) -> int:
    """Plan the touchpoints inside the caller's transaction; returns how many were new.
    `only`: just that event's (a new event, logged by its own entry when `log` is off)."""
    events = [e for e in events_with_lead(session) if only is None or e.id == only]
    if not events:
        return 0
    accounts: list[tuple[int, str, str]] = [(aid, tier, industry) for aid, tier, industry
                                            in account_segments(session)]
    known = event_origins(session)
    rows: list[dict[str, Any]] = []
    now = utcnow()
    calendar = working_calendar(session, today)
    for event in events:
        for day in occurrences(event, today, today + timedelta(days=horizon_days)):
            due = event_touch_due(day, event.lead_days, today, calendar)
            for aid in _targets(event, accounts):
                origin = f"event:{event.id}:{day.isoformat()}:{aid}"
                if origin in known:
                    continue
                known.add(origin)
                rows.append({"account_id": aid, "contact_id": None, "channel": "email",
                             "due_date": due, "done_at": None, "status": "planned",
                             "summary": "", "outcome": "",
                             "next_step": t("Event: {title} ({day})", title=event.title,
                                            day=short_day(day)),
                             "origin": origin, "created_at": now})
    bulk_insert(session, Touchpoint, rows)
    if rows and log:
        record(session, action="events.plan", entity="touchpoint", entity_id=None,
               summary=f"Event operations: {len(rows)} touchpoints planned",
               payload={"origins": [r["origin"] for r in rows[:2000]]})
    return len(rows)


def plan_event_touchpoints(store: Store, today: date, *,
                           horizon_days: int = HORIZON_DAYS) -> int:
    """Plan the touchpoints of every event with a lead time, in one transaction."""
    with store.transaction() as session:
        return plan_in(session, today, horizon_days=horizon_days)


@dataclass
class Replanned:
    """What a new holiday calendar moved: open SOP steps and planned touchpoints."""

    tasks: int = 0
    touchpoints: int = 0
    examples: list[str] = field(default_factory=list)  # "2026-10-01 → 2026-10-08"

    def summary(self) -> str:
        return t("re-planned on working days: {tasks} SOP steps and {touchpoints} planned "
                 "touchpoints moved", tasks=self.tasks, touchpoints=self.touchpoints)


def replan_working_days(store: Store, today: date) -> Replanned:
    """After a holiday calendar is imported: open SOP steps get their due dates again
    under the new calendar, and planned touchpoints from today on that now fall on a
    day off move to the next working day (event touches are placed again from their
    event). One transaction with its change-log entry; nothing is created or dropped."""
    from csm_tui.tasks import plan
    from db.queries import tasks as qt
    from db.queries.touchpoints import move_planned, planned_from

    done = Replanned()
    with store.transaction() as session:
        calendar = working_calendar(session, today)
        report = plan(session, today)
        moves = [(tid, old, new) for tid, old, new in report.moved
                 if new is not None and (old is None or old >= today or new >= today)]
        if moves:
            qt.move_due_dates(session, [{"id": tid, "due_date": new} for tid, _o, new in moves])
        done.tasks = len(moves)
        done.examples += [f"{old} → {new}" for _t, old, new in moves[:3]]
        tp_moves: list[dict[str, object]] = []
        for tid, due, _origin in planned_from(session, today):
            if due is not None and not calendar.is_working(due):
                new = calendar.next_working_day(due)
                tp_moves.append({"id": tid, "due_date": new})
                if len(done.examples) < 6:
                    done.examples.append(f"{due} → {new}")
        move_planned(session, tp_moves)
        done.touchpoints = len(tp_moves)
        if moves or tp_moves:
            record(session, action="calendar.replan", entity="task", entity_id=None,
                   summary=f"Working days: {done.tasks} SOP steps, {done.touchpoints} "
                           "touchpoints moved",
                   payload={"tasks": [[tid, str(o), str(n)] for tid, o, n in moves[:2000]],
                            "touchpoints": [[m["id"], str(m["due_date"])]
                                            for m in tp_moves[:2000]]})
    return done
