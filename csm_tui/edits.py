"""Fixing the record: a logged touch corrected or deleted, a task of one's own added,
a task's title or due date changed, a task deleted. One transaction each, under the
account's row lock, with its change-log entry for undo.

The daily loop's rule holds after every one of these: an account keeps at most one
plain planned touch (an edit never adds one; deleting the only one leaves the
cadence to plan the next), and a touch planned for an event that is removed is kept
as skipped, so the event does not plan it again. Editing a touch or task that someone
else deleted, or closed since the form opened, is refused with one line and writes
nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.i18n import t
from db.models import Contact, Task, Touchpoint
from db.queries.tasks import CUSTOM_PREFIX
from db.vocab import CHANNELS, OUTCOMES

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

KEEP: Any = object()  # "leave this field as it is" (None is a value: no contact, no date)
TOUCH_FIELDS = ("summary", "channel", "contact_id", "outcome", "next_step", "due_date",
                "done_at")


@dataclass(frozen=True)
class Saved:
    id: int
    account_id: int
    what: str  # "deleted", "skipped", "removed", "edited", "added"


def _touch(session: Session, touchpoint_id: int) -> Touchpoint:
    tp = session.get(Touchpoint, touchpoint_id, populate_existing=True)
    if tp is None:
        raise LookupError(t("touch #{id} no longer exists (deleted by someone else?); "
                            "nothing was saved", id=touchpoint_id))
    return tp


def _lock(session: Session, account_id: int) -> Any:
    from csm_tui.followup import locked_account

    return locked_account(session, account_id)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def edit_touch(store: Store, touchpoint_id: int, *, today: date, summary: Any = KEEP,
               day: Any = KEEP, channel: Any = KEEP, contact_id: Any = KEEP,
               outcome: Any = KEEP, next_step: Any = KEEP,
               expected_status: str | None = None) -> Saved:
    """Correct a touch. A done one: its summary, date (not in the future), channel,
    stakeholder and outcome; a planned one: its due date (not in the past), channel,
    stakeholder and next step. `expected_status`: what the form showed (a touch closed
    meanwhile by someone else is refused)."""
    with store.transaction() as session:
        account = _lock(session, _touch(session, touchpoint_id).account_id)
        tp = _touch(session, touchpoint_id)
        if expected_status is not None and tp.status != expected_status:
            raise ValueError(t("touch #{id} is {status} now (changed by someone else); "
                               "nothing was saved", id=touchpoint_id, status=tp.status))
        new: dict[str, Any] = {}
        if summary is not KEEP:
            if tp.status == "done" and not str(summary).strip():
                raise ValueError(t("summary: required — what happened?"))
            new["summary"] = str(summary).strip()
        if channel is not KEEP:
            if channel not in CHANNELS:
                raise ValueError(t("channel: {channel!r} is not one of {value}",
                                   channel=channel, value=", ".join(CHANNELS)))
            new["channel"] = channel
        if outcome is not KEEP:
            if outcome and outcome not in OUTCOMES:
                raise ValueError(t("outcome: {outcome!r} is not one of {value}",
                                   outcome=outcome, value=", ".join(OUTCOMES)))
            new["outcome"] = outcome or ""
        if next_step is not KEEP:
            new["next_step"] = str(next_step).strip()
        if contact_id is not KEEP and contact_id is not None:
            contact = session.get(Contact, contact_id)
            if contact is None or contact.account_id != tp.account_id:
                raise ValueError(t("contact: {contact_id} is not a stakeholder of this "
                                   "account", contact_id=contact_id))
        if contact_id is not KEEP:
            new["contact_id"] = contact_id
        if day is not KEEP and day is not None:
            if tp.status == "done":
                if day > today:
                    raise ValueError(t("date: {day} is in the future", day=day))
                when = tp.done_at.astimezone(UTC).timetz() if tp.done_at else time(tzinfo=UTC)
                new["done_at"] = datetime.combine(day, when)
            else:
                if day < today:
                    raise ValueError(t("date: {new_date} is in the past", new_date=day))
                new["due_date"] = day
        before = {k: getattr(tp, k) for k, v in new.items() if getattr(tp, k) != v}
        if not before:
            session.rollback()
            return Saved(touchpoint_id, tp.account_id, "unchanged")
        for key in before:
            setattr(tp, key, new[key])
        record(session, action="touchpoint.edit", entity="touchpoint", entity_id=touchpoint_id,
               summary=f"Corrected a touch with {account.name}: {', '.join(before)}",
               payload={"account_id": tp.account_id,
                        "before": {k: _iso(v) for k, v in before.items()},
                        "after": {k: _iso(new[k]) for k in before}})
        return Saved(touchpoint_id, tp.account_id, "edited")


def delete_touch(store: Store, touchpoint_id: int, *, expected_status: str | None = None
                 ) -> Saved:
    """Delete a touch (a mistyped log, a wrong plan). A touch an event planned is
    closed as skipped instead (kept, so the event does not plan it again)."""
    from csm_tui.book import row_of

    with store.transaction() as session:
        account = _lock(session, _touch(session, touchpoint_id).account_id)
        tp = _touch(session, touchpoint_id)
        if expected_status is not None and tp.status != expected_status:
            raise ValueError(t("touch #{id} is {status} now (changed by someone else); "
                               "nothing was saved", id=touchpoint_id, status=tp.status))
        if tp.origin and tp.status == "planned":
            tp.status = "skipped"
            what = "skipped"
        else:
            what = "deleted"
        record(session, action="touchpoint.delete", entity="touchpoint",
               entity_id=touchpoint_id,
               summary=f"Deleted a touch with {account.name}: "
                       f"{(tp.summary or tp.next_step)[:60]}",
               payload={"account_id": tp.account_id, "how": what, "row": row_of(tp)})
        if what == "deleted":
            session.delete(tp)
        return Saved(touchpoint_id, account.id or 0, what)


# ---- tasks ----------------------------------------------------------------------

def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise ValueError(t("title: required"))
    if len(title) > 200:
        raise ValueError(t("title: {n} characters is more than {max}", n=len(title), max=200))
    return title


def _task(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id, populate_existing=True)
    if task is None:
        raise LookupError(t("task #{id} no longer exists (deleted by someone else?); "
                            "nothing was saved", id=task_id))
    return task


def is_custom(task: Task) -> bool:
    return task.step_key.startswith(CUSTOM_PREFIX)


def add_task(store: Store, account_id: int, title: str, *, due: date | None,
             description: str = "", channel: str = "") -> Saved:
    """The user's own task on the account, due on `due`: on Today and the checklist
    like an SOP step, never moved or superseded by the playbook."""
    from csm_tui.tasks import USER_DATED

    name = _title(title)
    if channel and channel not in CHANNELS:
        raise ValueError(t("channel: {channel!r} is not one of {value}", channel=channel,
                           value=", ".join(CHANNELS)))
    with store.transaction() as session:
        account = _lock(session, account_id)
        task = Task(account_id=account_id, stage=account.stage, term=account.term,
                    step_key=f"{CUSTOM_PREFIX}{uuid.uuid4().hex[:16]}", title=name,
                    description=description.strip(), channel=channel, anchor=USER_DATED,
                    due_date=due)
        session.add(task)
        session.flush()
        record(session, action="task.add", entity="task", entity_id=task.id,
               summary=f"Task for {account.name}: {name}", payload={"account_id": account_id})
        return Saved(task.id or 0, account_id, "added")


def edit_task(store: Store, task_id: int, *, title: Any = KEEP, due: Any = KEEP) -> Saved:
    """A task's title or due date. An SOP step dated by hand keeps that date: the
    playbook no longer moves it."""
    from csm_tui.tasks import USER_DATED

    name = _title(title) if title is not KEEP else None
    with store.transaction() as session:
        account = _lock(session, _task(session, task_id).account_id)
        task = _task(session, task_id)
        before: dict[str, Any] = {}
        if name is not None and name != task.title:
            before["title"] = task.title
            task.title = name
        if due is not KEEP and due != task.due_date:
            if task.done_at is not None:
                raise ValueError(t("“{title}” is closed; its due date stays", title=task.title))
            before["due_date"] = _iso(task.due_date)
            before["anchor"] = task.anchor
            task.due_date, task.anchor = due, USER_DATED
        if not before:
            session.rollback()
            return Saved(task_id, task.account_id, "unchanged")
        record(session, action="task.edit", entity="task", entity_id=task_id,
               summary=f"Edited task “{task.title}” of {account.name}",
               payload={"account_id": task.account_id, "before": before,
                        "after": {"title": task.title, "due_date": _iso(task.due_date),
                                  "anchor": task.anchor}})
        return Saved(task_id, task.account_id, "edited")


def delete_task(store: Store, task_id: int, *, now: datetime) -> Saved:
    """Delete the user's own task; an SOP step is closed as removed instead (kept, so
    the playbook does not plan it again)."""
    from csm_tui.book import row_of

    with store.transaction() as session:
        account = _lock(session, _task(session, task_id).account_id)
        task = _task(session, task_id)
        row = row_of(task)
        if is_custom(task):
            what = "deleted"
        else:
            if task.closed_as == "removed":
                raise ValueError(t("“{title}” is removed already", title=task.title))
            what = "removed"
            task.done_at, task.closed_as = now, "removed"
        record(session, action="task.delete", entity="task", entity_id=task_id,
               summary=f"Deleted task “{task.title}” of {account.name}",
               payload={"account_id": task.account_id, "how": what, "row": row})
        if what == "deleted":
            session.delete(task)
        return Saved(task_id, task.account_id, what)
