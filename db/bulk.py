"""Bulk writes for seeding and imports: batched executemany, sequences kept right."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlmodel import Session

BATCH = 5000


def bulk_insert(session: Session, model: type, rows: Iterable[dict], *,
                batch: int = BATCH) -> int:
    """Insert dict rows in batches inside the caller's transaction; returns the count."""
    total = 0
    it = iter(rows)
    while chunk := list(islice(it, batch)):
        session.execute(insert(model), chunk)
        total += len(chunk)
    return total


def insert_columns(session: Session, table: Table, keys: list[str],
                   columns: list[list[Any]]) -> None:
    """Insert rows given column by column (`columns[i]` holds every row's value of
    `keys[i]`), inside the caller's transaction. A big import builds its columns
    directly: no dict per row.

    On SQLite the values go through each column's bind processor (looked up once per
    column) straight to the driver's executemany: SQLAlchemy's own executemany spends
    most of a big import re-deriving the same per-row parameter handling. Other
    databases take the ordinary Core path."""
    if not columns or not columns[0]:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), [dict(zip(keys, values, strict=True))
                                           for values in zip(*columns, strict=True)])
        return
    procs = [table.c[k].type._cached_bind_processor(dialect) for k in keys]
    names = ", ".join(f'"{k}"' for k in keys)
    marks = ", ".join("?" for _ in keys)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
    values = []
    for column, proc in zip(columns, procs, strict=True):
        if proc is not None:  # dates and timestamps repeat a lot in a batch: memoise
            memo: dict[Any, Any] = {None: None}
            column = [memo[v] if v in memo else memo.setdefault(v, proc(v)) for v in column]
        values.append(column)
    connection.exec_driver_sql(sql, list(zip(*values, strict=True)))


def next_id(session: Session, model: type) -> int:
    """The first id after the largest in use, for writers that assign ids themselves."""
    return int(session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()) + 1  # type: ignore[attr-defined]


def sync_sequence(session: Session, model: type) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequence past them (SQLite
    needs nothing: its rowid follows the largest id)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    table = model.__tablename__  # type: ignore[attr-defined]
    session.execute(text(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))
