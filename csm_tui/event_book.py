"""Events by hand: added (with the touches it plans, in the same transaction, so one
undo takes both back), edited, or deleted (showing the planned touches it made and
removing them if asked). Account events (a leadership change, the founding day) are
events with scope "account"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.events import event_values
from csm_tui.i18n import t
from db.models import Account, Event
from db.queries import rows as qr

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

EDITABLE = ("title", "on_date", "end_date", "yearly", "kind", "scope", "industry",
            "account_id", "lead_days", "target_tiers", "target_industries", "description")


@dataclass(frozen=True)
class PlannedTouch:
    id: int
    account: str
    due_date: date | None
    next_step: str


@dataclass(frozen=True)
class EventInfo:
    """An event as its form shows it, with the planned touches it made."""

    id: int
    fields: dict[str, Any]
    account: str
    touches: list[PlannedTouch]


def _event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise LookupError(t("event #{id} no longer exists (deleted by someone else?); "
                            "nothing was saved", id=event_id))
    return event


def _planned(session: Session, event_id: int) -> list[PlannedTouch]:
    names = {}
    out = []
    for tp in qr.event_planned_touches(session, event_id):
        if tp.account_id not in names:
            account = session.get(Account, tp.account_id)
            names[tp.account_id] = account.name if account else str(tp.account_id)
        out.append(PlannedTouch(tp.id or 0, names[tp.account_id], tp.due_date, tp.next_step))
    return out


def event_info(session: Session, event_id: int) -> EventInfo:
    event = _event(session, event_id)
    account = session.get(Account, event.account_id) if event.account_id else None
    return EventInfo(event_id, {k: getattr(event, k) for k in EDITABLE},
                     account.name if account else "", _planned(session, event_id))


def _check_account(session: Session, values: dict[str, Any]) -> None:
    aid = values.get("account_id")
    if aid is not None and session.get(Account, aid) is None:
        raise ValueError(t("account: {account_id} not found", account_id=aid))


def save_event(store: Store, *, today: date, **fields: Any) -> int:
    """Store a new event and plan its touches (lead days, target segment) at once."""
    from csm_tui.event_ops import plan_in

    values = event_values(**fields)
    with store.transaction() as session:
        _check_account(session, values)
        event = Event(**values, source="manual")
        session.add(event)
        session.flush()
        planned = (plan_in(session, today, only=event.id, log=False)
                   if event.lead_days > 0 else 0)
        origins = [tp.origin for tp in qr.event_planned_touches(session, event.id or 0)
                   ] if planned else []
        record(session, action="event.save", entity="event", entity_id=event.id,
               summary=f"Added event {event.title} on {event.on_date}",
               payload={"id": event.id, "origins": origins})
        return event.id or 0


# What an event's planned touches follow: a change to one of these plans them again.
PLANNING = {"title", "on_date", "end_date", "yearly", "scope", "industry", "account_id",
            "lead_days", "target_tiers", "target_industries"}


def edit_event(store: Store, event_id: int, *, today: date | None = None,
               **fields: Any) -> int:
    """Change an event's fields (all checked again, as when it was added). With `today`,
    a change of its date, lead days or targets plans its touches again: the ones it
    planned that are still planned go, the new plan comes, in the same transaction
    (one undo takes it all back); the done ones stay, they happened."""
    from csm_tui.book import row_of
    from csm_tui.event_ops import plan_in

    values = event_values(**fields)
    with store.transaction() as session:
        _check_account(session, values)
        event = _event(session, event_id)
        before = {k: getattr(event, k) for k in EDITABLE if getattr(event, k) != values[k]}
        if not before:
            return event_id
        for key in before:
            setattr(event, key, values[key])
        dropped: list[dict[str, Any]] = []
        origins: list[str] = []
        if today is not None and PLANNING & set(before):
            old = qr.event_planned_touches(session, event_id)
            dropped = [row_of(tp) for tp in old]
            for tp in old:
                session.delete(tp)
            session.flush()
            if event.lead_days > 0 and plan_in(session, today, only=event_id, log=False):
                origins = [tp.origin or "" for tp in qr.event_planned_touches(session, event_id)]
        record(session, action="event.edit", entity="event", entity_id=event_id,
               summary=f"Edited event {event.title}: {', '.join(before)}",
               payload={"before": {k: _iso(v) for k, v in before.items()},
                        "after": {k: _iso(values[k]) for k in before},
                        "dropped": dropped, "origins": origins})
        return event_id


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def delete_event(store: Store, event_id: int, *, remove_touches: bool) -> int:
    """Delete an event; with `remove_touches` the touches it planned that are still
    planned go too (the done ones always stay: they happened). Returns how many
    touches were removed."""
    from csm_tui.book import row_of

    with store.transaction() as session:
        event = _event(session, event_id)
        touches = qr.event_planned_touches(session, event_id) if remove_touches else []
        record(session, action="event.delete", entity="event", entity_id=event_id,
               summary=f"Deleted event {event.title}"
                       + (f" and {len(touches)} planned touches" if touches else ""),
               payload={"event": row_of(event), "touches": [row_of(tp) for tp in touches]})
        for tp in touches:
            session.delete(tp)
        session.delete(event)
        return len(touches)
