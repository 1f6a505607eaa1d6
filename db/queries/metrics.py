"""Metric readings: the dated history of NPS, open tickets, last login and usage that
the churn signals compare (latest reading against the one before)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import ScalarSelect, delete, func, select
from sqlmodel import Session, col

from db.bulk import bulk_insert, table_of
from db.models import Account, MetricReading, utcnow
from db.queries.common import AnyRow, RowSelect, active, among


def insert_readings(session: Session, rows: Iterable[dict[str, object]]) -> int:
    """Add readings in the caller's transaction: dicts with account_id, metric, value
    (a number or None), day (a date or None), on_date and source. Returns the count."""
    now = utcnow()
    return bulk_insert(session, MetricReading, ({**row, "created_at": now} for row in rows))


def account_readings(session: Session, account_id: int, *, metric: str | None = None
                     ) -> Sequence[MetricReading]:
    """One account's readings, newest first (for its trend)."""
    stmt = select(MetricReading).where(col(MetricReading.account_id) == account_id)
    if metric is not None:
        stmt = stmt.where(col(MetricReading.metric) == metric)
    stmt = stmt.order_by(col(MetricReading.on_date).desc(), col(MetricReading.id).desc())
    return session.scalars(stmt).all()


def latest_two(session: Session, metric: str, *, since: date | None = None,
               account_ids: Iterable[int] | None = None) -> Sequence[AnyRow]:
    """Per account, its newest and second newest reading of `metric` (on or after
    `since`, if given): rows of (account_id, value, day, on_date, rank) with rank 1
    for the newest. One query with a window function (SQLite and PostgreSQL)."""
    rank = func.row_number().over(partition_by=col(MetricReading.account_id),
                                  order_by=(col(MetricReading.on_date).desc(),
                                            col(MetricReading.id).desc())).label("rank")
    inner = select(col(MetricReading.account_id), col(MetricReading.value),
                   col(MetricReading.day), col(MetricReading.on_date), rank
                   ).where(col(MetricReading.metric) == metric)
    if since is not None:
        inner = inner.where(col(MetricReading.on_date) >= since)
    inner = among(inner, col(MetricReading.account_id), account_ids)
    ranked = inner.subquery()
    stmt = select(ranked.c.account_id, ranked.c.value, ranked.c.day, ranked.c.on_date,
                  ranked.c.rank).where(ranked.c.rank <= 2)
    return session.execute(stmt).all()


def delete_reading(session: Session, reading_id: int) -> None:
    """Remove one reading (undo of `csm metric`)."""
    session.execute(delete(MetricReading).where(col(MetricReading.id) == reading_id))


def newest_reading_id(session: Session, account_id: int, metric: str) -> int | None:
    """The id of an account's newest reading of `metric` (by day, then by id)."""
    stmt = (select(col(MetricReading.id))
            .where(col(MetricReading.account_id) == account_id,
                   col(MetricReading.metric) == metric)
            .order_by(col(MetricReading.on_date).desc(), col(MetricReading.id).desc())
            .limit(1))
    return session.scalars(stmt).first()


def latest_and_previous(session: Session, metric: str, *, since: date | None = None,
                        account_ids: Iterable[int] | None = None) -> Sequence[AnyRow]:
    """Per active account with a reading of `metric` (on or after `since`, if given),
    its newest reading and the one before it, in one row: (account_id, value, on_date,
    previous, previous_on), the last two None when there is none. Newest by day, then
    by id. Two index seeks per account find the readings' ids (the readings' index
    holds the id), a join reads them: a few times faster than ranking every reading
    in a window (SQLite and PostgreSQL)."""
    readings = table_of(MetricReading)  # Core aliases: much cheaper to build than ORM ones

    def nth(offset: int) -> ScalarSelect[int | None]:
        r = readings.alias()
        stmt = select(r.c.id).where(r.c.account_id == Account.id, r.c.metric == metric)
        if since is not None:
            stmt = stmt.where(r.c.on_date >= since)
        return (stmt.order_by(r.c.on_date.desc(), r.c.id.desc())
                .limit(1).offset(offset).correlate(Account).scalar_subquery())

    ids: RowSelect = select(col(Account.id).label("account_id"), nth(0).label("latest"),
                            nth(1).label("previous")).where(active())
    found = among(ids, col(Account.id), account_ids).subquery()
    latest, previous = readings.alias(), readings.alias()
    stmt = (select(found.c.account_id, latest.c.value, latest.c.on_date,
                   previous.c.value, previous.c.on_date)
            .join(latest, latest.c.id == found.c.latest)
            .outerjoin(previous, previous.c.id == found.c.previous))
    return session.execute(stmt).all()
