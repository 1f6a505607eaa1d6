"""Logging follow-ups and handling planned touchpoints: each call is one user action,
one transaction, one change-log entry whose payload lets undo put things back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from csm_tui.changelog import record
from csm_tui.i18n import t
from db.models import Account, Contact, Touchpoint
from db.vocab import CHANNELS, OUTCOMES

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

CHANNEL_LABELS = {"call": "call", "email": "email", "meeting": "meeting", "visit": "visit",
                  "training": "training", "qbr": "QBR", "chat": "chat/WeChat"}


@dataclass(frozen=True)
class LogResult:
    done_id: int
    next_id: int | None
    next_date: date | None


def _account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise LookupError(t("account {account_id} not found", account_id=account_id))
    return account


def _planned(session: Session, touchpoint_id: int) -> Touchpoint:
    tp = session.get(Touchpoint, touchpoint_id)
    if tp is None:
        raise LookupError(t("touchpoint {touchpoint_id} not found",
                            touchpoint_id=touchpoint_id))
    if tp.status != "planned":
        raise ValueError(t("touchpoint {touchpoint_id} is already {status}",
                           touchpoint_id=touchpoint_id, status=tp.status))
    return tp


def validate_followup(session: Session, account_id: int, *, summary: str, channel: str,
                      contact_id: int | None, outcome: str) -> None:
    """Raise ValueError naming the field at fault."""
    if not summary.strip():
        raise ValueError(t("summary: required — what happened?"))
    if channel not in CHANNELS:
        raise ValueError(t("channel: {channel!r} is not one of {value}",
                           channel=channel, value=', '.join(CHANNELS)))
    if outcome and outcome not in OUTCOMES:
        raise ValueError(t("outcome: {outcome!r} is not one of {value}",
                           outcome=outcome, value=', '.join(OUTCOMES)))
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.account_id != account_id:
            raise ValueError(t("contact: {contact_id} is not a stakeholder of this account",
                               contact_id=contact_id))


def log_followup(store: Store, account_id: int, *, summary: str, channel: str = "call",
                 contact_id: int | None = None, outcome: str = "",
                 next_date: date | None = None, next_step: str = "",
                 touchpoint_id: int | None = None, now: datetime,
                 today: date | None = None) -> LogResult:
    """Write the done touchpoint (closing `touchpoint_id` if given), the next planned one
    (when `next_date` is given) and the change-log entry, all in one transaction."""
    with store.transaction() as session:
        account = _account(session, account_id)
        validate_followup(session, account_id, summary=summary, channel=channel,
                          contact_id=contact_id, outcome=outcome)
        if next_date is not None and next_date < (today or now.date()):
            raise ValueError(t("next follow-up: {next_date} is in the past",
                               next_date=next_date))
        closed = None
        if touchpoint_id is not None:
            tp = _planned(session, touchpoint_id)
            if tp.account_id != account_id:
                raise ValueError(t("touchpoint {touchpoint_id} belongs to another account",
                                   touchpoint_id=touchpoint_id))
            closed = {"id": tp.id, "status": tp.status, "summary": tp.summary,
                      "channel": tp.channel, "contact_id": tp.contact_id,
                      "outcome": tp.outcome, "next_step": tp.next_step,
                      "done_at": None}
            tp.status, tp.done_at = "done", now
            tp.summary, tp.channel, tp.outcome = summary.strip(), channel, outcome
            tp.contact_id = contact_id if contact_id is not None else tp.contact_id
            done = tp
        else:
            done = Touchpoint(account_id=account_id, contact_id=contact_id, channel=channel,
                              due_date=now.date(), done_at=now, status="done",
                              summary=summary.strip(), outcome=outcome,
                              next_step=next_step.strip())
            session.add(done)
        planned = None
        if next_date is not None:
            planned = Touchpoint(account_id=account_id, contact_id=contact_id,
                                 channel=channel, due_date=next_date, status="planned",
                                 next_step=next_step.strip())
            session.add(planned)
        session.flush()
        record(session, action="followup.log", entity="touchpoint", entity_id=done.id,
               summary=f"Logged {CHANNEL_LABELS.get(channel, channel)} with {account.name}: "
                       f"{summary.strip()[:60]}",
               payload={"account_id": account_id, "created": [] if closed else [done.id],
                        "closed": closed, "planned": planned.id if planned else None,
                        "on": now.date().isoformat()})
        return LogResult(done.id or 0, planned.id if planned else None, next_date)


def mark_done(store: Store, touchpoint_id: int, *, now: datetime) -> None:
    with store.transaction() as session:
        tp = _planned(session, touchpoint_id)
        account = _account(session, tp.account_id)
        before = {"status": tp.status, "summary": tp.summary}
        tp.status, tp.done_at = "done", now
        tp.summary = tp.summary or tp.next_step or "Done"
        record(session, action="touchpoint.done", entity="touchpoint", entity_id=tp.id,
               summary=f"Marked done: {account.name}",
               payload={**before, "account_id": tp.account_id, "done_at": str(now)})


def reschedule(store: Store, touchpoint_id: int, new_date: date, *, today: date,
               action: str = "touchpoint.reschedule") -> date:
    """Move a planned touchpoint to `new_date` (snooze is the same with a relative date)."""
    if new_date < today:
        raise ValueError(t("date: {new_date} is in the past", new_date=new_date))
    with store.transaction() as session:
        tp = _planned(session, touchpoint_id)
        old = tp.due_date
        tp.due_date = new_date
        account = _account(session, tp.account_id)
        verb = "Snoozed" if action.endswith("snooze") else "Rescheduled"
        record(session, action=action, entity="touchpoint", entity_id=tp.id,
               summary=f"{verb} {account.name} to {new_date}",
               payload={"due_date": old.isoformat() if old else None,
                        "new_due_date": new_date.isoformat(), "account_id": tp.account_id})
    return new_date


def snooze(store: Store, touchpoint_id: int, days: int, *, today: date) -> date:
    if days < 1:
        raise ValueError(t("snooze: days must be at least 1"))
    from csm_tui.workdays import on_working_day

    with store.session() as session:
        tp = _planned(session, touchpoint_id)
        base = max(tp.due_date or today, today)
        day = on_working_day(session, base + timedelta(days=days), today)  # working days
    return reschedule(store, touchpoint_id, day, today=today, action="touchpoint.snooze")


@dataclass(frozen=True)
class LogContext:
    """What the log form needs to open pre-filled: the account, its stakeholders and
    sensible defaults (the planned touchpoint's channel and contact, next touch at the
    tier's cadence)."""

    account_id: int
    account: str
    tier: str
    contacts: list[tuple[int, str, str, str]]  # id, name, role, level
    channel: str
    contact_id: int | None
    next_default: str
    touchpoint_id: int | None
    next_step: str


def log_context(session: Session, account_id: int, touchpoint_id: int | None = None
                ) -> LogContext:
    from csm_tui.cadence import cadence_days
    from db.queries.contacts import account_contacts

    account = _account(session, account_id)
    contacts = [(c.id or 0, c.name, c.role, c.level)
                for c in account_contacts(session, account_id)]
    channel, contact_id, next_step = "call", None, ""
    if touchpoint_id is not None:
        tp = session.get(Touchpoint, touchpoint_id)
        if tp is not None and tp.account_id == account_id:
            channel, contact_id, next_step = tp.channel, tp.contact_id, tp.next_step
    if contact_id is None and contacts:
        contact_id = contacts[0][0]
    return LogContext(account_id, account.name, account.tier, contacts, channel, contact_id,
                      f"+{cadence_days(account.tier)}d", touchpoint_id, next_step)
