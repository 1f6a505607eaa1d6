"""Event operations: an event with a lead time and a target segment plans one
touchpoint per matching account, that many days ahead, once (the touchpoint's
`origin` key is unique), so Touchpoints and Today show it when it is due."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlmodel import Session

from csm_tui.changelog import record
from csm_tui.events import occurrences
from db.models import Account, Event, Touchpoint, utcnow
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


def plan_in(session: Session, today: date, *, horizon_days: int = HORIZON_DAYS) -> int:
    """Plan the touchpoints inside the caller's transaction; returns how many were new."""
    kinds = ("event", "anniversary")
    events = session.exec(select(Event).where(  # type: ignore[call-overload]
        Event.lead_days > 0, Event.kind.in_(kinds))).scalars().all()  # type: ignore[attr-defined]
    if not events:
        return 0
    accounts = [tuple(r) for r in session.execute(
        select(Account.id, Account.tier, Account.industry)
        .where(Account.archived == False, Account.stage != "churned"))]  # noqa: E712
    known = set(session.execute(select(Touchpoint.origin).where(
        Touchpoint.origin.like("event:%"))).scalars())  # type: ignore[union-attr]
    rows = []
    now = utcnow()
    for event in events:
        for day in occurrences(event, today, today + timedelta(days=horizon_days)):
            due = max(today, day - timedelta(days=event.lead_days))
            for aid in _targets(event, accounts):  # type: ignore[arg-type]
                origin = f"event:{event.id}:{day.isoformat()}:{aid}"
                if origin in known:
                    continue
                known.add(origin)
                rows.append({"account_id": aid, "contact_id": None, "channel": "email",
                             "due_date": due, "done_at": None, "status": "planned",
                             "summary": "", "outcome": "",
                             "next_step": f"Event: {event.title} ({day:%d %b})",
                             "origin": origin, "created_at": now})
    for start in range(0, len(rows), 5000):
        session.execute(insert(Touchpoint), rows[start:start + 5000])
    if rows:
        record(session, action="events.plan", entity="touchpoint", entity_id=None,
               summary=f"Event operations: {len(rows)} touchpoints planned",
               payload={"origins": [r["origin"] for r in rows[:2000]]})
    return len(rows)


def plan_event_touchpoints(store: Store, today: date, *,
                           horizon_days: int = HORIZON_DAYS) -> int:
    with store.transaction() as session:
        return plan_in(session, today, horizon_days=horizon_days)
