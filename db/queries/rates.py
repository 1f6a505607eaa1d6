"""Exchange rates and the per-currency sums that base-currency totals are made from:
a total over several currencies is never one SQL sum, it is one sum per currency,
each converted (or named as missing) by the domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import Account, ExchangeRate, utcnow
from db.queries.common import AnyRow, active, owned_by


def latest_rates(session: Session, *, on: date) -> Sequence[AnyRow]:
    """(currency, base, rate, as_of) of the newest rate per currency and base on or
    before `on`."""
    newest = (select(col(ExchangeRate.currency), col(ExchangeRate.base),
                     func.max(ExchangeRate.as_of).label("as_of"))
              .where(col(ExchangeRate.as_of) <= on)
              .group_by(col(ExchangeRate.currency), col(ExchangeRate.base)).subquery())
    stmt = (select(col(ExchangeRate.currency), col(ExchangeRate.base), col(ExchangeRate.rate),
                   col(ExchangeRate.as_of))
            .join(newest, (newest.c.currency == col(ExchangeRate.currency))
                  & (newest.c.base == col(ExchangeRate.base))
                  & (newest.c.as_of == col(ExchangeRate.as_of))))
    return session.execute(stmt).all()


def rate_keys(session: Session) -> dict[tuple[str, str, date], int]:
    """(currency, base, as_of) -> id of every stored rate (an import updates those)."""
    stmt = select(col(ExchangeRate.id), col(ExchangeRate.currency), col(ExchangeRate.base),
                  col(ExchangeRate.as_of))
    return {(c, b, d): i for i, c, b, d in session.execute(stmt).all()}


def save_rates(session: Session, rows: Sequence[tuple[str, str, float, date, str]]
               ) -> tuple[int, int]:
    """Insert (currency, base, rate, as_of, source) rows, updating a stored rate of the
    same currency, base and day; returns (inserted, updated). In the caller's
    transaction."""
    existing = rate_keys(session)
    inserted = updated = 0
    for currency, base, rate, as_of, source in rows:
        rid = existing.get((currency, base, as_of))
        row = session.get(ExchangeRate, rid) if rid is not None else None
        if row is not None:
            row.rate, row.source = rate, source
            updated += 1
        else:
            session.add(ExchangeRate(currency=currency, base=base, rate=rate, as_of=as_of,
                                     source=source, created_at=utcnow()))
            inserted += 1
    session.flush()
    return inserted, updated


def arr_by_currency(session: Session) -> Sequence[AnyRow]:
    """(currency, ARR, accounts) over active accounts not churned: which currency most
    of the book is in."""
    stmt = (select(col(Account.currency), func.coalesce(func.sum(Account.arr_minor), 0),
                   func.count())
            .where(active(), col(Account.stage) != "churned")
            .group_by(col(Account.currency)))
    return session.execute(stmt).all()


def renewals_per_month_by_currency(session: Session, *, start: date, end: date,
                                   owner: str | None = None) -> Sequence[AnyRow]:
    """(year, month, currency, count, arr) of active accounts' contract ends in
    [start, end), grouped by calendar month and currency."""
    year = func.extract("year", col(Account.contract_end))
    month = func.extract("month", col(Account.contract_end))
    stmt = (
        select(year.label("year"), month.label("month"), col(Account.currency),
               func.count().label("count"), func.sum(Account.arr_minor).label("arr"))
        .where(active(), col(Account.stage) != "churned")
        .where(col(Account.contract_end) >= start, col(Account.contract_end) < end)
        .group_by(year, month, col(Account.currency))
    )
    return session.execute(owned_by(stmt, owner)).all()


def stage_totals_by_currency(session: Session, *, tier: str | None = None,
                             owner: str | None = None) -> Sequence[AnyRow]:
    """(stage, currency, count, ARR) of active accounts: the kanban's column heads."""
    conditions = [active()]
    if owner is not None:
        conditions.append(col(Account.owner) == owner)
    if tier:
        conditions.append(col(Account.tier) == tier)
    stmt = (select(col(Account.stage), col(Account.currency), func.count(),
                   func.coalesce(func.sum(Account.arr_minor), 0))
            .where(*conditions).group_by(col(Account.stage), col(Account.currency)))
    return session.execute(stmt).all()
