"""Undo: put back the user's last change from the change log.

The change log is in the database, so undo works after a restart. Undo is a stack per
user: it takes the current user's latest entry that is not undone yet. Each undoable
action keeps in its payload what undo needs (the values before, the rows it created,
the account's version after it). In one transaction undo checks that the rows are
still as the action left them, puts the old values back, marks the entry undone and
records an `undo` entry. If anything changed since (another edit: the account's
version moved on; a row deleted or closed), it refuses and writes nothing.

Not undoable (undo stops there and says so): bulk actions (retier, imports, task
generation, event planning) and anything recorded before undo existed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import current_user, record
from csm_tui.i18n import N_, label, t
from db.models import Account, Task, Touchpoint, utcnow
from db.queries import accounts as qa
from db.queries import changelog as qlog
from db.queries import history as qh
from db.queries import metrics as qm
from db.queries import tasks as qt
from db.queries import touchpoints as qtp

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.models import ChangeLog
    from db.store import Store

HISTORY = 10
NOT_UNDOABLE = {
    "tier.retier": N_("retier can't be undone; use csm tier to override"),
    "tasks.generate": N_("SOP task generation can't be undone"),
    "events.plan": N_("event planning can't be undone"),
    "events.import": N_("a calendar import can't be undone"),
    "event.add": N_("adding an event can't be undone"),
    "undo": N_("an undo can't be undone"),
}
STATES = {"deleted": N_("deleted"), "done": N_("done"), "planned": N_("planned")}


@dataclass(frozen=True)
class Shown:
    """A stored value in a message (a stage, a field): its key in the log, its display
    name for the user (`label(kind, value)`); a list is joined."""

    kind: str
    value: str | tuple[str, ...]

    def render(self, shown: bool) -> str:
        values = (self.value,) if isinstance(self.value, str) else self.value
        if not shown:
            return ", ".join(values)
        return t(", ").join(label(self.kind, v) for v in values)


class Msg:
    """A message kept as msgid and values: English for the change log (an audit record,
    like every other summary), the interface language for the user."""

    def __init__(self, msgid: str, /, **kwargs: object) -> None:
        self.msgid, self.kwargs = msgid, kwargs

    def _values(self, shown: bool) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, value in self.kwargs.items():
            if isinstance(value, Msg):
                value = value.text() if shown else value.english()
            elif isinstance(value, Shown):
                value = value.render(shown)
            out[key] = value
        return out

    def text(self) -> str:
        return t(self.msgid, **self._values(True))

    def english(self) -> str:
        values = self._values(False)
        return self.msgid.format(**values) if values else self.msgid


class Refused(Exception):
    """The change can no longer be undone; the message says why."""

    def __init__(self, msgid: str, /, **kwargs: object) -> None:
        self.msg = Msg(msgid, **kwargs)
        super().__init__(self.msg.english())


@dataclass(frozen=True)
class UndoResult:
    done: bool
    message: str  # "Undone: …", or why nothing was undone
    entry_id: int | None = None
    action: str = ""


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _datetime(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _account(session: Session, entry: ChangeLog, payload: dict[str, Any]) -> Account:
    """The account the entry changed, still at the version the change left it."""
    account = session.get(Account, entry.entity_id) if entry.entity_id else None
    if account is None:
        raise Refused(N_("the account no longer exists"))
    if "version" not in payload:
        raise Refused(N_("it was recorded before undo existed"))
    expected = _expected_version(session, entry, payload["version"])
    if account.version != expected:
        raise Refused(N_("{name} was changed since (version {expected}, now {version})"),
                      name=account.name, expected=expected, version=account.version)
    return account


def _expected_version(session: Session, entry: ChangeLog, version: int) -> int:
    """The version the account should have if nothing but undone changes and their
    undos happened since `entry` (each undo bumps the version, so open forms notice)."""
    later = qlog.later_entries(session, "account", entry.entity_id, after_id=entry.id or 0)
    if later and later[-1].action == "undo" and all(e.undone or e.action == "undo"
                                                    for e in later):
        return int(json.loads(later[-1].payload).get("version", -1))
    return version


def _touched(account: Account) -> None:
    account.version += 1  # open forms see the change
    account.updated_at = utcnow()


def _revert_tasks(session: Session, tasks: dict[str, list[Any]] | None) -> None:
    """Put an account's SOP tasks back as they were before the action's sync."""
    if not tasks:
        return
    created = tasks.get("created", [])
    if created:
        done = qt.first_done_title(session, created)
        if done is not None:
            raise Refused(N_("its SOP step “{title}” was ticked since"), title=done)
        qt.delete_tasks(session, created)
    for tid, old, _new in tasks.get("moved", []):
        qt.reopen_due_date(session, tid, _date(old))
    rows = tasks.get("dropped", [])
    if rows:
        for row in rows:
            for key in ("due_date",):
                row[key] = _date(row[key])
            for key in ("done_at", "created_at"):
                row[key] = _datetime(row[key])
        qt.insert_task_rows(session, rows)
    qt.reopen_tasks(session, tasks.get("superseded", []))
    qt.resupersede_tasks(session, [(tid, _datetime(at)) for tid, at in tasks.get("reopened", [])])
    session.expire_all()


def _revert_next(session: Session, p: dict[str, Any]) -> None:
    """Put back what a follow-up did to the next planned touch: the one it made goes,
    the one it moved goes back to its date, the duplicates it skipped are planned again."""
    planned = session.get(Touchpoint, p["planned"]) if p.get("planned") else None
    if p.get("planned") and (planned is None or planned.status != "planned"):
        state = "deleted" if planned is None else planned.status
        raise Refused(N_("the next follow-up it planned was {state} since"),
                      state=Msg(STATES.get(state, state)))
    moved = p.get("moved")
    if moved:
        tp = session.get(Touchpoint, moved["id"])
        if tp is None or tp.status != "planned":
            state = "deleted" if tp is None else tp.status
            raise Refused(N_("the next follow-up it planned was {state} since"),
                          state=Msg(STATES.get(state, state)))
        tp.due_date = _date(moved["due_date"])
        tp.next_step, tp.channel, tp.contact_id = (moved["next_step"], moved["channel"],
                                                   moved["contact_id"])
    qtp.set_planned_status(session, p.get("skipped") or [], status="planned", was="skipped")
    if planned is not None:
        session.delete(planned)


def _revert_term(session: Session, account: Account, before: dict[str, Any] | None) -> None:
    """The term a renewal or churn closed is as it was."""
    if not before:
        return
    row = qh.term_row(session, account.id or 0, int(before["term"]))
    if row is not None:
        row.outcome, row.closed_on = before["outcome"], _date(before["closed_on"])


# ---- one function per action: check, revert, and say what was undone -------------

def _followup(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    account = session.get(Account, p.get("account_id"))
    if account is None:
        raise Refused(N_("the account no longer exists"))
    for tp_id in p.get("created", []):
        if session.get(Touchpoint, tp_id) is None:
            raise Refused(N_("the logged touchpoint was deleted since"))
    _revert_next(session, p)
    closed = p.get("closed")
    if closed:
        tp = session.get(Touchpoint, closed["id"])
        if tp is None or tp.status != "done":
            raise Refused(N_("the touchpoint it closed was changed since"))
        for key in ("status", "summary", "channel", "contact_id", "outcome", "next_step"):
            setattr(tp, key, closed[key])
        tp.done_at = None
    if p.get("task"):
        task = session.get(Task, p["task"])
        if task is not None and task.closed_as == "done":
            qt.reopen_tasks(session, [task.id or 0])
            session.expire(task)
    for tp_id in p.get("created", []):
        session.delete(session.get(Touchpoint, tp_id))
    on = p.get("on") or f"{entry.at:%Y-%m-%d}"
    return Msg(N_("logged follow-up with {name} on {on}"), name=account.name, on=on)


def _touchpoint(session: Session, entry: ChangeLog, p: dict[str, Any], needs: str
                ) -> Touchpoint:
    """The touchpoint an entry changed, if it still exists and the entry's payload has
    what undo needs (`needs`)."""
    tp = session.get(Touchpoint, entry.entity_id)
    if tp is None:
        raise Refused(N_("the touchpoint was deleted since"))
    if needs not in p:
        raise Refused(N_("it was recorded before undo existed"))
    return tp


def _touchpoint_done(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    tp = _touchpoint(session, entry, p, "summary")
    if tp.status != "done":
        raise Refused(N_("the touchpoint is {state} now"),
                      state=Msg(STATES.get(tp.status, tp.status)))
    _revert_next(session, p)
    tp.status, tp.done_at, tp.summary = p["status"], None, p["summary"]
    account = session.get(Account, tp.account_id)
    return Msg(N_("marked done: {name} ({due})"),
               name=account.name if account else tp.account_id, due=tp.due_date)


def _reschedule(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    tp = _touchpoint(session, entry, p, "new_due_date")
    if tp.status != "planned" or str(tp.due_date) != p["new_due_date"]:
        raise Refused(N_("the touchpoint was changed since"))
    tp.due_date = _date(p["due_date"])
    account = session.get(Account, tp.account_id)
    msgid = (N_("snoozed {name} to {new} (due {due} again)") if entry.action.endswith("snooze")
             else N_("rescheduled {name} to {new} (due {due} again)"))
    return Msg(msgid, name=account.name if account else tp.account_id, new=p["new_due_date"],
               due=tp.due_date)


def _task_complete(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    task = session.get(Task, entry.entity_id)
    if task is None:
        raise Refused(N_("the task was deleted since"))
    if task.done_at is None:
        raise Refused(N_("the task is open again already"))
    tp = session.get(Touchpoint, p.get("touchpoint")) if p.get("touchpoint") else None
    task.done_at, task.closed_as = None, None
    if tp is not None:
        session.delete(tp)
    account = session.get(Account, task.account_id)
    return Msg(N_("completed “{title}” ({name})"), title=task.title,
               name=account.name if account else task.account_id)


def _stage_move(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    account = _account(session, entry, p)
    new = account.stage
    _revert_tasks(session, p.get("tasks"))
    account.stage, account.stage_entered = p["stage"], _date(p["stage_entered"])
    qh.delete_stage_changes(session, p.get("stage_changes", []))
    qtp.set_planned_status(session, p.get("skipped") or [], status="planned", was="skipped")
    _revert_term(session, account, p.get("term_before"))
    _touched(account)
    return Msg(N_("moved {name} from {old} to {new}"), name=account.name,
               old=Shown("stage", p["stage"]), new=Shown("stage", new))


def _renew(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    account = _account(session, entry, p)
    term = account.term
    _revert_tasks(session, p.get("tasks"))
    account.stage, account.stage_entered = p["stage"], _date(p["stage_entered"])
    account.term, account.arr_minor = p["term"], p["arr_minor"]
    account.contract_start = _date(p["contract_start"])
    account.contract_end = _date(p["contract_end"])
    qh.delete_stage_changes(session, p.get("stage_changes", []))
    if term != p["term"]:
        qh.delete_term(session, account.id or 0, term)
    _revert_term(session, account, p.get("term_before"))
    _touched(account)
    return Msg(N_("renewal of {name} (term {term} back to term {old})"), name=account.name,
               term=term, old=p["term"])


def _tier(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    account = _account(session, entry, p)
    new = account.tier
    _revert_tasks(session, p.get("tasks"))
    account.tier, account.tier_locked, account.tier_reason = (
        p["tier"], p["tier_locked"], p["tier_reason"])
    qh.delete_tier_changes(session, p.get("tier_changes", []))
    _touched(account)
    msgid = (N_("tier override of {name} ({old} → {new}; {old} again)")
             if entry.action == "tier.override"
             else N_("tier unlock of {name} ({old} → {new}; {old} again)"))
    return Msg(msgid, name=account.name, old=p["tier"], new=new)


def _edit(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    from csm_tui.account_edit import DATE_FIELDS, TERM_FIELDS
    from csm_tui.lifecycle import refresh_term

    account = _account(session, entry, p)
    _revert_tasks(session, p.get("tasks"))
    for key, value in p["before"].items():
        setattr(account, key, _date(value) if key in DATE_FIELDS else value)
    for reading in p.get("readings", []):
        qm.delete_reading(session, reading)
    if TERM_FIELDS & set(p["before"]):
        refresh_term(session, account)
    _touched(account)
    return Msg(N_("edit of {name} ({fields})"), name=account.name,
               fields=Shown("field", tuple(p["before"])))


def _plan(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    account = session.get(Account, p.get("account_id"))
    if account is None:
        raise Refused(N_("the account no longer exists"))
    _revert_next(session, p)
    return Msg(N_("planned the next touch with {name}"), name=account.name)


def _metric(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    account = session.get(Account, entry.entity_id) if entry.entity_id else None
    if account is None:
        raise Refused(N_("the account no longer exists"))
    qm.delete_reading(session, p["reading"])
    if p.get("column"):
        before = p.get("before")
        setattr(account, p["column"],
                _date(before) if p["column"] == "last_login" else before)
    return Msg(N_("{metric} reading of {name}"), metric=p["metric"], name=account.name)


UNDOERS: dict[str, Callable[[Session, ChangeLog, dict[str, Any]], Msg]] = {
    "followup.log": _followup,
    "touchpoint.done": _touchpoint_done,
    "touchpoint.reschedule": _reschedule,
    "touchpoint.snooze": _reschedule,
    "task.complete": _task_complete,
    "stage.move": _stage_move,
    "stage.renew": _renew,
    "tier.override": _tier,
    "tier.unlock": _tier,
    "account.edit": _edit,
    "touchpoint.plan": _plan,
    "metric.record": _metric,
}


def _book_undoers() -> None:
    """Keeping the book by hand (accounts, stakeholders, notes, touches, tasks, events):
    its undoers live beside it, in csm_tui/undo_book.py."""
    from csm_tui.undo_book import BOOK_UNDOERS

    UNDOERS.update(BOOK_UNDOERS)


_book_undoers()


def undo_last(store: Store, *, actor: str | None = None) -> UndoResult:
    """Undo the user's latest change that is not undone yet, in one transaction."""
    actor = actor if actor is not None else current_user()
    with store.transaction() as session:
        entry = qlog.last_undoable(session, actor)
        if entry is None:
            return UndoResult(False, t("Nothing to undo"))
        undoer = UNDOERS.get(entry.action)
        if undoer is None:
            why = (Msg(NOT_UNDOABLE[entry.action]) if entry.action in NOT_UNDOABLE
                   else Msg(N_("imports can't be undone")) if entry.action.startswith("import.")
                   else Msg(N_("{action} can't be undone"), action=entry.action))
            return UndoResult(False, t("Can't undo “{summary}”: {why}", summary=entry.summary,
                                       why=why.text()), entry.id, entry.action)
        payload = json.loads(entry.payload or "{}")
        account_id = entry.entity_id if entry.entity == "account" else payload.get("account_id")
        if isinstance(account_id, int):  # checked and put back under the account's row lock
            qa.lock_account(session, account_id)
        try:
            what = undoer(session, entry, payload)
            session.flush()
        except Refused as exc:
            session.rollback()
            return UndoResult(False, t("Can't undo “{summary}”: {why}; nothing changed",
                                       summary=entry.summary, why=exc.msg.text()),
                              entry.id, entry.action)
        entry.undone = True
        done = Msg(N_("Undone: {what}"), what=what)
        payload = {"undid": entry.id}
        if entry.entity == "account" and entry.entity_id is not None:
            account = session.get(Account, entry.entity_id)
            payload["version"] = account.version if account else None
        record(session, action="undo", entity=entry.entity, entity_id=entry.entity_id,
               summary=done.english(), payload=payload)  # the log stays English
        return UndoResult(True, done.text(), entry.id, entry.action)


@dataclass(frozen=True)
class HistoryLine:
    id: int
    at: datetime
    actor: str
    action: str
    summary: str
    undone: bool


def recent_changes(session: Session, limit: int = HISTORY) -> list[HistoryLine]:
    """The latest change-log entries, newest first (for `csm undo --list`)."""
    rows = qlog.recent_entries(session, limit=limit)
    return [HistoryLine(r.id or 0, r.at, r.actor, r.action, r.summary, r.undone) for r in rows]
