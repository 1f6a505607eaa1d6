"""Reads and bulk writes over SOP tasks: what is open and due, what the generator
plans from, and the statements it and undo write with."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, or_, select, update
from sqlmodel import Session, col

from db.bulk import table_of
from db.models import Account, Task
from db.queries.common import AnyRow, AnySelect, active, active_counts_by_day, owned_by

CUSTOM_PREFIX = "custom:"  # the step key of a task the user added (not from a playbook)


def not_custom() -> Any:
    """Tasks from a playbook: a user's own task is never superseded by a stage move."""
    return col(Task.step_key).not_like(f"{CUSTOM_PREFIX}%")


# Above this many ids a planning read asks for the id range and filters in Python,
# instead of an IN list of thousands of parameters (compiled and bound again for
# every chunk of a big import).
RANGE_AFTER = 50


def open_tasks_due(session: Session, *, due_before: date,
                   owner: str | None = None) -> Sequence[AnyRow]:
    """Open SOP tasks due on or before a date, with account name and tier."""
    stmt = (
        select(col(Task.id), col(Task.account_id), col(Account.name), col(Account.tier),
               col(Task.title), col(Task.due_date), col(Task.stage), col(Account.contract_end))
        .join(Account, col(Account.id) == Task.account_id)
        .where(col(Task.done_at).is_(None), col(Task.due_date) <= due_before)
        .where(active())
        .order_by(col(Task.due_date))
    )
    return session.execute(owned_by(stmt, owner)).all()


def open_tasks_between(session: Session, *, start: date, end: date,
                       owner: str | None = None) -> Sequence[AnyRow]:
    """Open tasks due in [start, end] with the account's name (the calendar; an archived
    account's are off it)."""
    stmt = (select(col(Task.id), col(Task.account_id), col(Account.name), col(Task.title),
                   col(Task.due_date))
            .join(Account, col(Account.id) == Task.account_id)
            .where(col(Task.done_at).is_(None), col(Task.due_date) >= start,
                   col(Task.due_date) <= end, active()))
    return session.execute(owned_by(stmt, owner)).all()


def open_task_counts_by_day(session: Session, *, start: date, end: date,
                            owner: str | None = None) -> list[tuple[date, int]]:
    """(due date, count) of the open tasks of active accounts due in [start, end]: the
    calendar's markers. For the whole book: every account's from the (done_at, due
    date) index alone, less the archived accounts' (few, found from them)."""
    due = col(Task.due_date)
    return active_counts_by_day(session, due, col(Task.account_id),
                                [col(Task.done_at).is_(None), due >= start, due <= end],
                                owner)


def open_dated_tasks(session: Session) -> Sequence[AnyRow]:
    """(id, account_id, due date, title) of every open task with a date: what a calendar
    export lists."""
    stmt = (select(col(Task.id), col(Task.account_id), col(Task.due_date), col(Task.title))
            .where(col(Task.done_at).is_(None), col(Task.due_date).is_not(None)))
    return session.execute(stmt).all()


def open_tasks_before(session: Session, cutoff: date) -> Sequence[Task]:
    """Open tasks due before `cutoff`, as objects to tick (the demo's lived-in past)."""
    stmt = select(Task).where(col(Task.due_date) < cutoff, col(Task.done_at).is_(None))
    return session.scalars(stmt).all()


def account_tasks(session: Session, account_id: int, *, stage: str | None = None,
                  term: int | None = None) -> Sequence[Task]:
    """An account's tasks (of one stage and term, if given), by due date."""
    stmt = select(Task).where(col(Task.account_id) == account_id)
    if stage is not None:
        stmt = stmt.where(col(Task.stage) == stage)
    if term is not None:
        stmt = stmt.where(col(Task.term) == term)
    return session.scalars(stmt.order_by(col(Task.due_date), col(Task.id))).all()


def next_open_tasks(session: Session, account_ids: list[int]) -> Sequence[AnyRow]:
    """(account_id, title, due date, stage, term) of these accounts' open tasks, soonest
    first: the kanban card's next step."""
    stmt = (select(col(Task.account_id), col(Task.title), col(Task.due_date), col(Task.stage),
                   col(Task.term))
            .where(col(Task.account_id).in_(account_ids), col(Task.done_at).is_(None))
            .order_by(col(Task.due_date)))
    return session.execute(stmt).all()


def task_ids_of(session: Session, account_id: int) -> set[int]:
    """The ids of an account's tasks (to tell which ones a sync created)."""
    return {tid for tid in session.scalars(select(col(Task.id))
                                           .where(col(Task.account_id) == account_id))
            if tid is not None}


def tasks_by_ids(session: Session, task_ids: list[int]) -> list[Task]:
    """Tasks as objects, by id (to keep whole rows of what a sync drops)."""
    return list(session.scalars(select(Task).where(col(Task.id).in_(task_ids))))


def first_done_title(session: Session, task_ids: list[int]) -> str | None:
    """The title of one of these tasks that is done, if any (undo refuses then)."""
    stmt = select(col(Task.title)).where(col(Task.id).in_(task_ids),
                                         col(Task.done_at).is_not(None))
    return session.scalars(stmt).first()


def _planned_ids(stmt: AnySelect, column: Any, account_ids: list[int] | None
                 ) -> tuple[AnySelect, set[int] | None]:
    if account_ids is not None and len(account_ids) > RANGE_AFTER:
        wanted = set(account_ids)
        return stmt.where(column.between(min(wanted), max(wanted))), wanted
    if account_ids is not None:
        return stmt.where(column.in_(account_ids)), None
    return stmt, None


def _only(rows: Iterable[AnyRow], wanted: set[int] | None, index: int) -> Iterator[AnyRow]:
    return iter(rows) if wanted is None else (r for r in rows if r[index] in wanted)


def plan_tasks(session: Session, *, account_ids: list[int] | None = None
               ) -> Iterator[AnyRow]:
    """(id, account_id, term, stage, step_key, due date, done_at, anchor) of the tasks of
    these accounts (None: all), streamed: what the generator compares with the playbooks."""
    stmt, wanted = _planned_ids(
        select(col(Task.id), col(Task.account_id), col(Task.term), col(Task.stage),
               col(Task.step_key), col(Task.due_date), col(Task.done_at), col(Task.anchor)),
        col(Task.account_id), account_ids)
    return _only(session.execute(stmt), wanted, 1)


def plan_accounts(session: Session, *, account_ids: list[int] | None = None
                  ) -> Iterator[AnyRow]:
    """(id, name, stage, term, tier, stage entered, contract end) of these active
    accounts (None: all), streamed: what the generator plans for."""
    stmt, wanted = _planned_ids(
        select(col(Account.id), col(Account.name), col(Account.stage), col(Account.term),
               col(Account.tier), col(Account.stage_entered), col(Account.contract_end))
        .where(active()),
        col(Account.id), account_ids)
    return _only(session.execute(stmt), wanted, 0)


def move_due_dates(session: Session, moves: list[dict[str, Any]]) -> None:
    """Bulk UPDATE of due dates: each dict is {"id": task id, "due_date": new date}."""
    session.execute(update(Task), moves)


def reopen_due_date(session: Session, task_id: int, due: date | None) -> None:
    """Put an open task's due date back (a done one keeps its date)."""
    session.execute(update(Task).where(col(Task.id) == task_id, col(Task.done_at).is_(None))
                    .values(due_date=due))


def delete_tasks(session: Session, task_ids: list[int]) -> None:
    """Delete tasks by id in one statement (the ORM is not told: expunge them first)."""
    session.execute(delete(Task).where(col(Task.id).in_(task_ids)))


def insert_task_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert whole task rows, ids included, in one Core executemany (undo puts back
    what a sync dropped)."""
    session.execute(insert(table_of(Task)), rows)


def _rows(result: object) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


def close_open_task(session: Session, task_id: int, *, at: datetime, how: str) -> int:
    """Close an open SOP step in one statement that checks it is still open
    (`… WHERE id = :id AND done_at IS NULL`): 1 if this writer closed it, 0 if it was
    closed already (by someone else). `how`: done | superseded."""
    stmt = (update(Task).where(col(Task.id) == task_id, col(Task.done_at).is_(None))
            .values(done_at=at, closed_as=how))
    return _rows(session.execute(stmt, execution_options={"synchronize_session": False}))


def stale_open_tasks(session: Session, account_id: int, *, stage: str, term: int
                     ) -> list[int]:
    """Ids of an account's open steps that are not of its current stage and term: what
    a stage move or a new term closes as superseded."""
    stmt = (select(col(Task.id))
            .where(col(Task.account_id) == account_id, col(Task.done_at).is_(None),
                   not_custom(), or_(col(Task.stage) != stage, col(Task.term) != term)))
    return [tid for tid in session.scalars(stmt) if tid is not None]


def superseded_of(session: Session, account_id: int, *, stage: str, term: int
                  ) -> Sequence[AnyRow]:
    """(id, done_at) of the superseded steps of one stage and term: the ones that open
    again when the account comes back to that stage in the same term."""
    stmt = (select(col(Task.id), col(Task.done_at))
            .where(col(Task.account_id) == account_id, col(Task.stage) == stage,
                   col(Task.term) == term, col(Task.closed_as) == "superseded"))
    return session.execute(stmt).all()


def close_tasks(session: Session, task_ids: list[int], *, at: datetime, how: str) -> None:
    """Close open steps by id (superseded ones, in bulk)."""
    if task_ids:
        session.execute(update(Task).where(col(Task.id).in_(task_ids),
                                           col(Task.done_at).is_(None))
                        .values(done_at=at, closed_as=how),
                        execution_options={"synchronize_session": False})


def supersede_stale(session: Session, *, at: datetime,
                    account_ids: list[int] | None = None) -> int:
    """Close as superseded every open step whose account has moved on to another stage
    or term, in one statement (a whole-portfolio sync or an import)."""
    moved_on = (select(col(Account.id))
                .where(col(Account.id) == Task.account_id,
                       or_(col(Account.stage) != Task.stage, col(Account.term) != Task.term))
                .exists())
    stmt = update(Task).where(col(Task.done_at).is_(None), not_custom(), moved_on)
    if account_ids is not None:
        stmt = stmt.where(col(Task.account_id).in_(account_ids))
    return _rows(session.execute(stmt.values(done_at=at, closed_as="superseded"),
                                 execution_options={"synchronize_session": False}))


def reopen_tasks(session: Session, task_ids: list[int]) -> None:
    """Open steps again (undo of a tick or of a stage move; a stage entered again)."""
    if task_ids:
        session.execute(update(Task).where(col(Task.id).in_(task_ids))
                        .values(done_at=None, closed_as=None),
                        execution_options={"synchronize_session": False})


def resupersede_tasks(session: Session, rows: list[tuple[int, datetime | None]]) -> None:
    """Close steps as superseded again at their old time (undo of a reopening)."""
    for tid, at in rows:
        session.execute(update(Task).where(col(Task.id) == tid)
                        .values(done_at=at, closed_as="superseded"),
                        execution_options={"synchronize_session": False})


def closed_steps(session: Session, account_id: int) -> Sequence[AnyRow]:
    """(title, stage, term, done_at, closed_as) of an account's closed steps: the
    timeline shows what was done and what was superseded."""
    stmt = (select(col(Task.title), col(Task.stage), col(Task.term), col(Task.done_at),
                   col(Task.closed_as))
            .where(col(Task.account_id) == account_id, col(Task.done_at).is_not(None)))
    return session.execute(stmt).all()
