"""Streaming reads for the exports (CSV, Excel, iCalendar): rows come `batch` at a
time (a server-side cursor on PostgreSQL), in a stable order, so an export's memory
stays flat whatever the size of the book."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, case, literal, null, or_, select
from sqlmodel import Session, col

from db.models import Account, Event, Task, Touchpoint
from db.queries.common import AnyRow, active

BATCH = 2000


def _stream(session: Session, stmt: Any, batch: int) -> Iterator[Sequence[AnyRow]]:
    result = session.execute(stmt.execution_options(yield_per=batch))
    yield from result.partitions(batch)


def accounts_by_base_arr(session: Session, *, rates: Mapping[str, float], base: str,
                         batch: int = BATCH) -> Iterator[Sequence[AnyRow]]:
    """Active accounts, largest ARR in the base currency first (`rates`: base units per
    unit of each other currency; an account in a currency without a rate comes after
    those with one), ties by ARR then id. Columns: id, name, external_id, tier,
    tier_locked, score, stage, arr_minor, currency, contract_start, contract_end,
    industry, region, owner."""
    whens = [(col(Account.currency) == base, literal(1.0)),
             (col(Account.currency) == "", literal(1.0))]
    whens += [(col(Account.currency) == cur, literal(float(rate)))
              for cur, rate in sorted(rates.items()) if cur != base]
    in_base = case(*whens, else_=null()) * col(Account.arr_minor)
    stmt = (select(col(Account.id), col(Account.name), col(Account.external_id),
                   col(Account.tier), col(Account.tier_locked), col(Account.score),
                   col(Account.stage), col(Account.arr_minor), col(Account.currency),
                   col(Account.contract_start), col(Account.contract_end),
                   col(Account.industry), col(Account.region), col(Account.owner))
            .where(active())
            .order_by(in_base.desc().nulls_last(), col(Account.arr_minor).desc(),
                      col(Account.id)))
    return _stream(session, stmt, batch)


def event_zones(session: Session) -> Iterator[tuple[str, str]]:
    """(tzid, recurrence) of every stored event that may name a time zone."""
    stmt = (select(col(Event.tzid), col(Event.recurrence))
            .where(or_(col(Event.recurrence) != "",
                       and_(col(Event.at_time).is_not(None), col(Event.tzid) != "")))
            .order_by(col(Event.id)))
    for part in _stream(session, stmt, BATCH):
        for tzid, recurrence in part:
            yield tzid or "", recurrence or ""


def events_by_id(session: Session, *, batch: int = 500) -> Iterator[Sequence[Event]]:
    """Every stored event, by id, `batch` at a time."""
    result = session.scalars(select(Event).order_by(col(Event.id))
                             .execution_options(yield_per=batch))
    yield from result.partitions(batch)


def _renewing() -> Any:
    return and_(active(), col(Account.stage) != "churned")


def renewals(session: Session, *, batch: int = BATCH) -> Iterator[Sequence[AnyRow]]:
    """(id, name, contract end, term) of active accounts not churned, with an end, by
    id: the renewals a calendar export lists."""
    stmt = (select(col(Account.id), col(Account.name), col(Account.contract_end),
                   col(Account.term))
            .where(_renewing(), col(Account.contract_end).is_not(None))
            .order_by(col(Account.id)))
    return _stream(session, stmt, batch)


def planned_touches(session: Session, *, batch: int = BATCH) -> Iterator[Sequence[AnyRow]]:
    """(id, account_id, due date, channel, next step, account name or None) of every
    dated planned touchpoint, by id (the name only for an active account not churned)."""
    stmt = (select(col(Touchpoint.id), col(Touchpoint.account_id), col(Touchpoint.due_date),
                   col(Touchpoint.channel), col(Touchpoint.next_step), col(Account.name))
            .outerjoin(Account, and_(col(Account.id) == col(Touchpoint.account_id),
                                     _renewing()))
            .where(col(Touchpoint.status) == "planned", col(Touchpoint.due_date).is_not(None))
            .order_by(col(Touchpoint.id)))
    return _stream(session, stmt, batch)


def open_tasks(session: Session, *, batch: int = BATCH) -> Iterator[Sequence[AnyRow]]:
    """(id, account_id, due date, title, account name or None) of every open task with
    a date, by id."""
    stmt = (select(col(Task.id), col(Task.account_id), col(Task.due_date), col(Task.title),
                   col(Account.name))
            .outerjoin(Account, and_(col(Account.id) == col(Task.account_id), _renewing()))
            .where(col(Task.done_at).is_(None), col(Task.due_date).is_not(None))
            .order_by(col(Task.id)))
    return _stream(session, stmt, batch)


def active_account_count(session: Session) -> int:
    """How many accounts an accounts export writes (for its progress bar)."""
    from sqlalchemy import func

    return int(session.execute(select(func.count()).select_from(Account).where(active()))
               .scalar_one())
