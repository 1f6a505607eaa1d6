"""Derived state kept true by the writes themselves: a session hook, not a call in each
write function.

Every session (ORM or Core statements alike) notes which accounts a write touched:
after a flush, the account ids of new, changed and deleted Account, Touchpoint, Task,
Contact and MetricReading objects; for a Core INSERT through the session, the ids in
its parameters; for a Core UPDATE or DELETE of those tables, the ids its WHERE clause
selects (read just before the statement runs). Just before the transaction commits,
the recompute the domain registered (`register_recompute`) rewrites the derived rows of
those accounts in the same transaction, so the stored state never lags the data.

A writer that bypasses the session's statements (a driver-level executemany) says what
it touched with `touch_accounts`; `touch_all` asks for the whole book (a calendar of
holidays changed every cadence date). db/ cannot import the domain, so the domain
registers its function in db/registry.py (csm_tui/__init__.py, lazily).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Delete, Insert, Table, Update, event, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from db.registry import recompute

_DIRTY = "csm_dirty_accounts"  # session.info: set of account ids, or ALL
_RUNNING = "csm_recomputing"
ALL = "all"
# Tables whose rows are inputs of an account's derived state, and the column naming it.
WATCHED = {"account": "id", "touchpoint": "account_id", "task": "account_id",
           "contact": "account_id", "metricreading": "account_id"}
# Past this many accounts one full recompute is cheaper than a long id list.
WHOLE_BOOK_AFTER = 2000

def touch_accounts(session: Session, account_ids: Iterable[int]) -> None:
    """These accounts' derived state must be recomputed before this transaction
    commits (for writes the hook cannot see)."""
    dirty = session.info.get(_DIRTY)
    if dirty == ALL:
        return
    ids = dirty if isinstance(dirty, set) else set()
    ids.update(int(a) for a in account_ids if a is not None)
    session.info[_DIRTY] = ALL if len(ids) > WHOLE_BOOK_AFTER else ids


def touch_all(session: Session) -> None:
    """Every account's derived state is recomputed before this transaction commits."""
    session.info[_DIRTY] = ALL


def pending(session: Session) -> set[int] | str | None:
    """What the next commit will recompute (for tests)."""
    return session.info.get(_DIRTY)


def _account_of(obj: object) -> int | None:
    name = getattr(getattr(obj, "__table__", None), "name", None)
    if name is None:
        from sqlalchemy import inspect

        try:
            name = inspect(type(obj)).local_table.name
        except Exception:
            return None
    column = WATCHED.get(str(name))
    return None if column is None else getattr(obj, column, None)


def _table_name(target: Any) -> str | None:
    table = getattr(target, "local_table", None) or target
    if isinstance(table, Table):
        return table.name
    try:
        from sqlalchemy import inspect

        return str(inspect(target).local_table.name)
    except Exception:
        return None


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    if session.info.get(_RUNNING):
        return
    ids = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        aid = _account_of(obj)
        if aid is not None:
            ids.append(aid)
        if type(obj).__name__ == "Event" and getattr(obj, "kind", "") in ("holiday",
                                                                          "workday"):
            touch_all(session)
    if ids:
        touch_accounts(session, ids)


@event.listens_for(Session, "do_orm_execute")
def _statement(state: ORMExecuteState) -> None:
    session = state.session
    if session.info.get(_RUNNING) or state.is_select or session.info.get(_DIRTY) == ALL:
        return
    stmt = state.statement
    if not isinstance(stmt, Insert | Update | Delete):
        return
    name = _table_name(stmt.table)
    if name == "event":
        touch_all(session)  # holidays move every cadence date
        return
    column = WATCHED.get(name or "")
    if column is None:
        return
    if isinstance(stmt, Insert):
        params = state.parameters
        rows = params if isinstance(params, list) else [params or {}]
        ids = [row.get(column) for row in rows if isinstance(row, dict)]
        if not rows or any(a is None for a in ids):
            touch_all(session)  # ids assigned by the database: not known here
        else:
            touch_accounts(session, (int(a) for a in ids if a is not None))
        return
    if isinstance(stmt, Update) and state.parameters and isinstance(state.parameters, list):
        ids = [row.get(column) for row in state.parameters if isinstance(row, dict)]
        if ids and all(a is not None for a in ids):  # bulk UPDATE by primary key
            touch_accounts(session, (int(a) for a in ids if a is not None))
            return
    where = stmt.whereclause
    table = stmt.table
    local = table if isinstance(table, Table) else getattr(table, "local_table", table)
    target = local.c[column]
    if where is None:
        touch_all(session)
        return
    session.info[_RUNNING] = True
    try:
        found = session.execute(select(target).where(where).distinct()).scalars().all()
    finally:
        session.info[_RUNNING] = False
    touch_accounts(session, found)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    fn = recompute()
    if session.info.get(_RUNNING) or fn is None:
        return
    session.flush()
    dirty = session.info.pop(_DIRTY, None)
    if not dirty:
        return
    session.info[_RUNNING] = True
    try:
        fn(session, None if dirty == ALL else set(dirty))
        session.flush()
    finally:
        session.info[_RUNNING] = False
        session.info.pop(_DIRTY, None)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_DIRTY, None)
