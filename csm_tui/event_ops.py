"""Event operations: an event with a lead time and a target segment plans one
touchpoint per matching account, that many days ahead, once (the touchpoint's
`origin` key is unique), so Touchpoints and Today show it when it is due."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.events import occurrences
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


def plan_in(session: Session, today: date, *, horizon_days: int = HORIZON_DAYS) -> int:
    """Plan the touchpoints inside the caller's transaction; returns how many were new."""
    events = events_with_lead(session)
    if not events:
        return 0
    accounts: list[tuple[int, str, str]] = [(aid, tier, industry) for aid, tier, industry
                                            in account_segments(session)]
    known = event_origins(session)
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for event in events:
        for day in occurrences(event, today, today + timedelta(days=horizon_days)):
            due = max(today, day - timedelta(days=event.lead_days))
            for aid in _targets(event, accounts):
                origin = f"event:{event.id}:{day.isoformat()}:{aid}"
                if origin in known:
                    continue
                known.add(origin)
                rows.append({"account_id": aid, "contact_id": None, "channel": "email",
                             "due_date": due, "done_at": None, "status": "planned",
                             "summary": "", "outcome": "",
                             "next_step": f"Event: {event.title} ({day:%d %b})",
                             "origin": origin, "created_at": now})
    bulk_insert(session, Touchpoint, rows)
    if rows:
        record(session, action="events.plan", entity="touchpoint", entity_id=None,
               summary=f"Event operations: {len(rows)} touchpoints planned",
               payload={"origins": [r["origin"] for r in rows[:2000]]})
    return len(rows)


def plan_event_touchpoints(store: Store, today: date, *,
                           horizon_days: int = HORIZON_DAYS) -> int:
    """Plan the touchpoints of every event with a lead time, in one transaction."""
    with store.transaction() as session:
        return plan_in(session, today, horizon_days=horizon_days)
