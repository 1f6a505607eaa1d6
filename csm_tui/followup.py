"""Logging follow-ups and handling planned touchpoints: each call is one user action,
one transaction, one change-log entry whose payload lets undo put things back.

One rule for a follow-up, wherever it is logged (Today, Portfolio, the account, the
kanban, Touchpoints, `csm log`, `csm done`): it closes the touch it was logged for (the
selected one, else the account's earliest overdue or due planned touch, else its next
plain planned touch), and it leaves exactly one next plain planned touch: on the date
given, else at the tier's cadence (a churned account has no cadence). A planned touch
left over beside it (a duplicate from before) is closed as skipped, kept in history.
Touches planned for events (`origin` set) are left alone unless they are the one closed.

Every close checks and writes in one statement (`… WHERE status = 'planned'`), under the
account's row lock: two people closing the same touch cannot both succeed; the second
is told, and nothing of theirs is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.i18n import t
from db.models import Account, Contact, Task, Touchpoint
from db.queries import accounts as qa
from db.queries import tasks as qt
from db.queries import touchpoints as qtp
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
    closed_id: int | None = None  # the planned touch this follow-up closed
    ticked: str | None = None  # the SOP step ticked with it (its title)
    skipped: list[int] = field(default_factory=list)  # duplicate planned touches closed


class AlreadyClosed(ValueError):
    """Someone else closed this touchpoint or SOP step first; nothing was written."""


def _account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise LookupError(t("account {account_id} not found", account_id=account_id))
    return account


def locked_account(session: Session, account_id: int) -> Account:
    """The account, read after taking its row for this transaction (see
    `db.queries.accounts.lock_account`): what every write of one account starts with."""
    if not qa.lock_account(session, account_id):
        raise LookupError(t("account {account_id} not found", account_id=account_id))
    account = session.get(Account, account_id, populate_existing=True)
    assert account is not None
    return account


def _planned(session: Session, touchpoint_id: int) -> Touchpoint:
    tp = session.get(Touchpoint, touchpoint_id, populate_existing=True)
    if tp is None:
        raise LookupError(t("touchpoint {touchpoint_id} not found",
                            touchpoint_id=touchpoint_id))
    if tp.status != "planned":
        raise AlreadyClosed(t("touchpoint {touchpoint_id} is already {status}",
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


def cadence_date(account: Account, today: date) -> date | None:
    """When the next touch is due by the tier's cadence; None for a churned account."""
    from csm_tui.cadence import cadence_days

    if account.stage == "churned":
        return None
    return today + timedelta(days=cadence_days(account.tier))


def _close(session: Session, tp: Touchpoint, values: dict[str, Any]) -> dict[str, Any]:
    """Close `tp` atomically; the values before, for undo. Raises AlreadyClosed when
    another writer closed it first."""
    before = {"id": tp.id, "status": tp.status, "summary": tp.summary, "channel": tp.channel,
              "contact_id": tp.contact_id, "outcome": tp.outcome, "next_step": tp.next_step,
              "done_at": None}
    if qtp.close_planned(session, tp.id or 0, values) != 1:
        session.refresh(tp)
        raise AlreadyClosed(t("touchpoint {touchpoint_id} was already closed by someone "
                              "else ({status}); nothing was saved",
                              touchpoint_id=tp.id, status=tp.status))
    session.refresh(tp)
    return before


def _to_close(open_: list[Touchpoint], today: date) -> Touchpoint | None:
    """No touch selected: the earliest overdue or due planned touch, else the next plain
    one (an event's touch in the future stays for its event)."""
    due = [tp for tp in open_ if tp.due_date is not None and tp.due_date <= today]
    if due:
        return due[0]
    plain = [tp for tp in open_ if tp.origin is None]
    return plain[0] if plain else None


def _leave_next(session: Session, account: Account, open_: list[Touchpoint], *,
                want: date | None, channel: str, contact_id: int | None, next_step: str
                ) -> dict[str, Any]:
    """Exactly one next plain planned touch, on `want`: the earliest one left is moved
    there (or a new one made); other plain ones are closed as skipped. What it did, for
    undo: planned (a new id), moved (the old values), skipped (ids)."""
    out: dict[str, Any] = {"planned": None, "moved": None, "skipped": []}
    if want is None:
        return out
    plain = [tp for tp in open_ if tp.origin is None]
    if plain:
        keep, extra = plain[0], plain[1:]
        out["moved"] = {"id": keep.id, "due_date": str(keep.due_date or ""),
                        "next_step": keep.next_step, "channel": keep.channel,
                        "contact_id": keep.contact_id}
        keep.due_date = want
        if next_step.strip():
            keep.next_step = next_step.strip()
        keep.channel = channel
        keep.contact_id = contact_id if contact_id is not None else keep.contact_id
        out["skipped"] = [tp.id for tp in extra]
        qtp.set_planned_status(session, out["skipped"], status="skipped", was="planned")
        for tp in extra:
            session.expire(tp)
        out["next_id"] = keep.id
    else:
        planned = Touchpoint(account_id=account.id or 0, contact_id=contact_id,
                             channel=channel, due_date=want, status="planned",
                             next_step=next_step.strip())
        session.add(planned)
        session.flush()
        out["planned"] = out["next_id"] = planned.id
    return out


def _tick(session: Session, task_id: int, account_id: int, now: datetime) -> Task:
    """Close an open SOP step as done in one checked statement (the follow-up logged
    on its row says what was done)."""
    task = session.get(Task, task_id)
    if task is None or task.account_id != account_id:
        raise LookupError(t("task {task_id} not found", task_id=task_id))
    if qt.close_open_task(session, task_id, at=now, how="done") != 1:
        session.refresh(task)
        raise AlreadyClosed(t("“{title}” is already done", title=task.title))
    session.refresh(task)
    return task


def log_followup(store: Store, account_id: int, *, summary: str, channel: str = "call",
                 contact_id: int | None = None, outcome: str = "",
                 next_date: date | None = None, next_step: str = "",
                 touchpoint_id: int | None = None, task_id: int | None = None,
                 now: datetime, today: date | None = None) -> LogResult:
    """Write the follow-up by the one rule (module docstring): the done touch (closing
    `touchpoint_id`, else the account's earliest open one), exactly one next planned
    touch (`next_date`, else the cadence), the SOP step `task_id` ticked if given, and
    the change-log entry, all in one transaction."""
    today = today or now.date()
    with store.transaction() as session:
        account = locked_account(session, account_id)
        validate_followup(session, account_id, summary=summary, channel=channel,
                          contact_id=contact_id, outcome=outcome)
        if next_date is not None and next_date < today:
            raise ValueError(t("next follow-up: {next_date} is in the past",
                               next_date=next_date))
        open_ = qtp.open_touchpoints(session, account_id)
        if touchpoint_id is not None:
            target: Touchpoint | None = _planned(session, touchpoint_id)
            assert target is not None
            if target.account_id != account_id:
                raise ValueError(t("touchpoint {touchpoint_id} belongs to another account",
                                   touchpoint_id=touchpoint_id))
        else:
            target = _to_close(open_, today)
        ticked = _tick(session, task_id, account_id, now) if task_id is not None else None
        text = summary.strip()
        closed = None
        if target is not None:
            closed = _close(session, target, {
                "status": "done", "done_at": now, "summary": text, "channel": channel,
                "outcome": outcome,
                "contact_id": contact_id if contact_id is not None else target.contact_id})
            done = target
        else:
            done = Touchpoint(account_id=account_id, contact_id=contact_id, channel=channel,
                              due_date=now.date(), done_at=now, status="done",
                              summary=text, outcome=outcome, next_step=next_step.strip())
            session.add(done)
        session.flush()
        rest = [tp for tp in open_ if tp.id != (target.id if target else None)]
        want = next_date if next_date is not None else cadence_date(account, today)
        nxt = _leave_next(session, account, rest, want=want, channel=channel,
                          contact_id=contact_id, next_step=next_step)
        session.flush()
        record(session, action="followup.log", entity="touchpoint", entity_id=done.id,
               summary=f"Logged {CHANNEL_LABELS.get(channel, channel)} with {account.name}: "
                       f"{text[:60]}",
               payload={"account_id": account_id, "created": [] if closed else [done.id],
                        "closed": closed, "planned": nxt["planned"], "moved": nxt["moved"],
                        "skipped": nxt["skipped"], "task": task_id,
                        "on": now.date().isoformat()})
        return LogResult(done.id or 0, nxt.get("next_id"), want, target.id if target else None,
                         ticked.title if ticked else None, nxt["skipped"])


def mark_done(store: Store, touchpoint_id: int, *, now: datetime,
              today: date | None = None) -> LogResult:
    """`d` / `csm done T…`: the planned touch happened as planned. The same rule as a
    logged follow-up: it is closed (once: a second closer is told), and the account is
    left with one next planned touch at its cadence."""
    today = today or now.date()
    with store.transaction() as session:
        tp = session.get(Touchpoint, touchpoint_id)
        if tp is None:
            raise LookupError(t("touchpoint {touchpoint_id} not found",
                                touchpoint_id=touchpoint_id))
        account = locked_account(session, tp.account_id)
        tp = _planned(session, touchpoint_id)
        before = {"status": tp.status, "summary": tp.summary}
        _close(session, tp, {"status": "done", "done_at": now,
                             "summary": tp.summary or tp.next_step or "Done"})
        rest = [o for o in qtp.open_touchpoints(session, account.id or 0) if o.id != tp.id]
        plain = [o for o in rest if o.origin is None]
        nxt: dict[str, Any] = {"planned": None, "moved": None, "skipped": [],
                               "next_id": plain[0].id if plain else None}
        if not plain:
            nxt = _leave_next(session, account, rest, want=cadence_date(account, today),
                              channel=tp.channel, contact_id=tp.contact_id, next_step="")
        elif len(plain) > 1:  # duplicates from before: the earliest stays
            nxt["skipped"] = [o.id for o in plain[1:]]
            qtp.set_planned_status(session, nxt["skipped"], status="skipped", was="planned")
        session.flush()
        record(session, action="touchpoint.done", entity="touchpoint", entity_id=tp.id,
               summary=f"Marked done: {account.name}",
               payload={**before, "account_id": tp.account_id, "done_at": str(now),
                        "planned": nxt["planned"], "moved": nxt["moved"],
                        "skipped": nxt["skipped"]})
        next_id = nxt.get("next_id")
        return LogResult(tp.id or 0, next_id, None, tp.id, None, nxt["skipped"])


def reschedule(store: Store, touchpoint_id: int, new_date: date, *, today: date,
               action: str = "touchpoint.reschedule") -> date:
    """Move a planned touchpoint to `new_date` (snooze is the same with a relative date)."""
    if new_date < today:
        raise ValueError(t("date: {new_date} is in the past", new_date=new_date))
    with store.transaction() as session:
        tp = session.get(Touchpoint, touchpoint_id)
        if tp is None:
            raise LookupError(t("touchpoint {touchpoint_id} not found",
                                touchpoint_id=touchpoint_id))
        account = locked_account(session, tp.account_id)
        tp = _planned(session, touchpoint_id)
        old = tp.due_date
        tp.due_date = new_date
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


def plan_touch(store: Store, account_id: int, day: date, *, today: date,
               action: str = "touchpoint.snooze") -> int:
    """A cadence row snoozed or rescheduled (nothing was planned): plan the account's
    next touch on `day` (the one plain planned touch; an existing one moves there)."""
    if day < today:
        raise ValueError(t("date: {new_date} is in the past", new_date=day))
    with store.transaction() as session:
        account = locked_account(session, account_id)
        open_ = qtp.open_touchpoints(session, account_id)
        nxt = _leave_next(session, account, open_, want=day, channel="call", contact_id=None,
                          next_step="")
        session.flush()
        record(session, action="touchpoint.plan", entity="touchpoint",
               entity_id=nxt["next_id"],
               summary=f"Planned the next touch with {account.name} on {day}",
               payload={"account_id": account_id, "created": [], "closed": None,
                        "planned": nxt["planned"], "moved": nxt["moved"],
                        "skipped": nxt["skipped"], "task": None, "on": today.isoformat()})
        return int(nxt["next_id"] or 0)


@dataclass(frozen=True)
class LogContext:
    """What the log form needs to open pre-filled: the account, its stakeholders and
    sensible defaults (the planned touchpoint's channel and contact, or the SOP step's
    channel and title; next touch at the tier's cadence)."""

    account_id: int
    account: str
    tier: str
    contacts: list[tuple[int, str, str, str]]  # id, name, role, level
    channel: str
    contact_id: int | None
    next_default: str
    touchpoint_id: int | None
    next_step: str
    task_id: int | None = None
    task_title: str = ""  # the SOP step the form was opened on ("" for none)
    task_open: bool = False


def log_context(session: Session, account_id: int, touchpoint_id: int | None = None,
                task_id: int | None = None) -> LogContext:
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
    title, task_open = "", False
    if task_id is not None:
        task = session.get(Task, task_id)
        if task is not None and task.account_id == account_id:
            title, task_open = task.title, task.done_at is None
            channel = task.channel or channel
    if contact_id is None and contacts:
        contact_id = contacts[0][0]
    next_default = "" if account.stage == "churned" else f"+{cadence_days(account.tier)}d"
    return LogContext(account_id, account.name, account.tier, contacts, channel, contact_id,
                      next_default, touchpoint_id, next_step, task_id, title, task_open)
