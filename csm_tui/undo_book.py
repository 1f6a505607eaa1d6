"""Undo for keeping the book by hand (csm_tui.book, contacts, notes, edits, event_book):
each undoer checks that what it puts back is still as the action left it (a row
someone changed or deleted since is refused with the reason), then reverts it through
the ORM. Registered in `csm_tui.undo.UNDOERS`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from csm_tui.i18n import N_
from csm_tui.undo import Msg, Refused, _account, _touched
from db.models import Account, Contact, Event, Note, Task, Touchpoint
from db.queries import rows as qr
from db.queries.tables import typed_row

if TYPE_CHECKING:
    from sqlmodel import Session, SQLModel

    from db.models import ChangeLog


def _value(model: type[SQLModel], key: str, value: Any) -> Any:
    return typed_row(model, {key: value})[key]


def _same(obj: Any, after: dict[str, Any]) -> bool:
    """Whether the row still holds what the action wrote (compared as the log keeps it)."""
    def norm(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date | datetime) else value

    return all(norm(getattr(obj, k)) == norm(_value(type(obj), k, v)) for k, v in after.items())


def _put_back(session: Session, obj: Any, before: dict[str, Any]) -> None:
    for key, value in before.items():
        setattr(obj, key, _value(type(obj), key, value))


def _name(session: Session, account_id: Any) -> str:
    account = session.get(Account, account_id) if account_id else None
    return account.name if account else str(account_id)


def _restore(session: Session, model: type[SQLModel], row: dict[str, Any]) -> Any:
    if qr.existing_ids(session, model, [row["id"]]):
        raise Refused(N_("its id was taken since"))
    obj = model(**typed_row(model, row))
    session.add(obj)
    session.flush()
    return obj


# ---- accounts -------------------------------------------------------------------

def _account_add(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    account = _account(session, entry, p)
    counts = qr.account_counts(session, account.id or 0)
    if counts["contact"] or counts["note"] or counts["touchpoint"] - counts["planned"]:
        raise Refused(N_("{name} has stakeholders, notes or touches since; delete it "
                         "instead"), name=account.name)
    session.delete(account)
    return Msg(N_("added account {name}"), name=account.name)


def _archive(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    account = _account(session, entry, p)
    account.archived = bool(p["archived"])
    _touched(account)
    msgid = (N_("archived {name}") if entry.action == "account.archive"
             else N_("unarchived {name}"))
    return Msg(msgid, name=account.name)


def _account_delete(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    from csm_tui.book import restore_deleted

    try:
        account = restore_deleted(session, p)
    except LookupError as exc:
        raise Refused(N_("{why}"), why=str(exc)) from None
    return Msg(N_("deleted account {name} (everything it had is back)"), name=account.name)


# ---- stakeholders -----------------------------------------------------------------

def _contact_add(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    contact = session.get(Contact, entry.entity_id)
    if contact is None:
        raise Refused(N_("the stakeholder was removed since"))
    if qr.touch_ids_of_contact(session, contact.id or 0):
        raise Refused(N_("{name} was named in a touch since"), name=contact.name)
    session.delete(contact)
    return Msg(N_("added stakeholder {name}"), name=contact.name)


def _contact_edit(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    contact = session.get(Contact, entry.entity_id)
    if contact is None:
        raise Refused(N_("the stakeholder was removed since"))
    if not _same(contact, p["after"]):
        raise Refused(N_("{name} was changed since"), name=contact.name)
    _put_back(session, contact, p["before"])
    return Msg(N_("edit of stakeholder {name}"), name=contact.name)


def _contact_remove(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    contact = _restore(session, Contact, p["contact"])
    for tp in qr.touches_by_ids(session, p.get("touches", [])):
        if tp.contact_id is None:
            tp.contact_id = contact.id
    return Msg(N_("removal of stakeholder {name}"), name=contact.name)


# ---- notes ------------------------------------------------------------------------

def _note_add(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    note = session.get(Note, entry.entity_id)
    if note is None:
        raise Refused(N_("the note was deleted since"))
    session.delete(note)
    return Msg(N_("note on {name}"), name=_name(session, note.account_id))


def _note_edit(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    note = session.get(Note, entry.entity_id)
    if note is None:
        raise Refused(N_("the note was deleted since"))
    if not _same(note, p["after"]):
        raise Refused(N_("the note was changed since"))
    _put_back(session, note, p["before"])
    return Msg(N_("edit of a note on {name}"), name=_name(session, note.account_id))


def _note_delete(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    note = _restore(session, Note, p["note"])
    return Msg(N_("deleted note on {name}"), name=_name(session, note.account_id))


# ---- touches and tasks ------------------------------------------------------------

def _touch_edit(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    tp = session.get(Touchpoint, entry.entity_id)
    if tp is None:
        raise Refused(N_("the touchpoint was deleted since"))
    if not _same(tp, p["after"]):
        raise Refused(N_("the touchpoint was changed since"))
    _put_back(session, tp, p["before"])
    return Msg(N_("correction of a touch with {name}"), name=_name(session, tp.account_id))


def _touch_delete(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    row = p["row"]
    if p.get("how") == "skipped":
        tp = session.get(Touchpoint, entry.entity_id)
        if tp is None or tp.status != "skipped":
            raise Refused(N_("the touchpoint was changed since"))
        tp.status = "planned"
    else:
        if row["status"] == "planned" and not row.get("origin"):
            from db.queries.touchpoints import open_touchpoints

            if any(o.origin is None for o in open_touchpoints(session, row["account_id"])):
                raise Refused(N_("{name} has another planned touch now"),
                              name=_name(session, row["account_id"]))
        _restore(session, Touchpoint, row)
    return Msg(N_("deleted touch with {name}"), name=_name(session, row["account_id"]))


def _task_add(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    task = session.get(Task, entry.entity_id)
    if task is None:
        raise Refused(N_("the task was deleted since"))
    if task.done_at is not None:
        raise Refused(N_("“{title}” was ticked since"), title=task.title)
    session.delete(task)
    return Msg(N_("added task “{title}”"), title=task.title)


def _task_edit(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    task = session.get(Task, entry.entity_id)
    if task is None:
        raise Refused(N_("the task was deleted since"))
    if not _same(task, {k: v for k, v in p["after"].items() if k in p["before"]}):
        raise Refused(N_("“{title}” was changed since"), title=task.title)
    _put_back(session, task, p["before"])
    return Msg(N_("edit of task “{title}”"), title=task.title)


def _task_delete(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    row = p["row"]
    if p.get("how") == "removed":
        task = session.get(Task, entry.entity_id)
        if task is None or task.closed_as != "removed":
            raise Refused(N_("the task was changed since"))
        _put_back(session, task, {"done_at": row["done_at"], "closed_as": row["closed_as"]})
    else:
        task = _restore(session, Task, row)
    return Msg(N_("deleted task “{title}”"), title=task.title)


# ---- events -----------------------------------------------------------------------

def _event_save(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    event = session.get(Event, entry.entity_id)
    if event is None:
        raise Refused(N_("the event was deleted since"))
    touches = qr.touches_with_origins(session, p.get("origins", []))
    if any(tp.status == "done" for tp in touches):
        raise Refused(N_("a touch it planned was logged since"))
    for tp in touches:
        session.delete(tp)
    session.delete(event)
    return Msg(N_("added event {title}"), title=event.title)


def _event_edit(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    event = session.get(Event, entry.entity_id)
    if event is None:
        raise Refused(N_("the event was deleted since"))
    if not _same(event, p["after"]):
        raise Refused(N_("the event was changed since"))
    planned = qr.touches_with_origins(session, p.get("origins", []))
    if any(tp.status == "done" for tp in planned):
        raise Refused(N_("a touch it planned was logged since"))
    for tp in planned:  # the new plan goes, the old one comes back
        session.delete(tp)
    session.flush()
    for row in p.get("dropped", []):
        _restore(session, Touchpoint, row)
    _put_back(session, event, p["before"])
    return Msg(N_("edit of event {title}"), title=event.title)


def _event_delete(session: Session, entry: ChangeLog, p: dict[str, Any]) -> Msg:
    event = _restore(session, Event, p["event"])
    for row in p.get("touches", []):
        _restore(session, Touchpoint, row)
    return Msg(N_("deleted event {title}"), title=event.title)


BOOK_UNDOERS: dict[str, Callable[[Session, ChangeLog, dict[str, Any]], Msg]] = {
    "account.add": _account_add,
    "account.archive": _archive,
    "account.unarchive": _archive,
    "account.delete": _account_delete,
    "contact.add": _contact_add,
    "contact.edit": _contact_edit,
    "contact.remove": _contact_remove,
    "note.add": _note_add,
    "note.edit": _note_edit,
    "note.delete": _note_delete,
    "touchpoint.edit": _touch_edit,
    "touchpoint.delete": _touch_delete,
    "task.add": _task_add,
    "task.edit": _task_edit,
    "task.delete": _task_delete,
    "event.save": _event_save,
    "event.edit": _event_edit,
    "event.delete": _event_delete,
}
