"""Bulk writes for seeding and imports: batched executemany, sequences kept right."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import islice
from typing import Any, cast

from sqlalchemy import Table, func, insert, inspect, select, text
from sqlmodel import Session, SQLModel

from db.derived import WATCHED, touch_accounts, touch_all

BATCH = 5000

Target = type[SQLModel] | Table  # a table class, or a Core table


def table_of(target: Target) -> Table:
    """The Core table behind a SQLModel table class (SQLModel does not declare
    `__table__`; a table class is always mapped to a Table)."""
    if isinstance(target, Table):
        return target
    return cast(Table, inspect(target).local_table)


def table_name(model: type[SQLModel]) -> str:
    """The name of a table class's table (export keys and messages use it)."""
    return table_of(model).name


def bulk_insert(session: Session, model: Target, rows: Iterable[Mapping[str, Any]], *,
                batch: int = BATCH) -> int:
    """Insert dict rows in batches inside the caller's transaction; returns the count.
    A table class goes through the ORM's bulk insert, a Core table straight to Core."""
    total = 0
    it = iter(rows)
    while chunk := list(islice(it, batch)):
        session.execute(insert(model), chunk)
        total += len(chunk)
    return total


def insert_columns(session: Session, target: Target, keys: list[str],
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
    table = table_of(target)
    watched = WATCHED.get(table.name)
    if watched is not None and watched in keys:  # the driver's executemany: not seen by
        touch_accounts(session, columns[keys.index(watched)])  # the session's hook
    elif watched is not None:
        touch_all(session)
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


def next_id(session: Session, model: type[SQLModel]) -> int:
    """The first id after the largest in use, for writers that assign ids themselves."""
    ids = table_of(model).c.id
    return int(session.execute(select(func.coalesce(func.max(ids), 0))).scalar_one()) + 1


def sync_sequence(session: Session, model: Target) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequence past them (SQLite
    needs nothing: its rowid follows the largest id)."""
    if session.get_bind().dialect.name != "postgresql" or "id" not in table_of(model).c:
        return  # (a table keyed by something else, the derived state's, has no sequence)
    table = table_of(model).name
    session.execute(text(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))


# An advisory lock key of our own on PostgreSQL (any 64-bit number no other program of
# this database uses): "csm-tui import" as ASCII bytes.
IMPORT_LOCK_KEY = 0x63736D2D696D70


def try_import_lock(session: Session) -> bool:
    """Take the database's import lock for the rest of this transaction, without
    waiting; False when another import (on SQLite: any other writer) holds it.

    PostgreSQL: a transaction-level advisory lock (released at commit or rollback).
    SQLite: BEGIN IMMEDIATE, the file's write lock, taken before anything is read, so
    ids and matches are decided with no other writer in between. The lock must be the
    first thing the transaction does."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return bool(connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                       {"key": IMPORT_LOCK_KEY}).scalar_one())
    if connection.dialect.name != "sqlite":
        return True
    raw = connection.connection.dbapi_connection
    if raw is None or raw.in_transaction:
        return True  # already inside a write (a caller's larger transaction)
    cursor = raw.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=250")
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except Exception as exc:  # sqlite3.OperationalError: database is locked
            if "locked" in str(exc) or "busy" in str(exc):
                return False
            raise
        return True
    finally:
        from db.engine import BUSY_TIMEOUT_MS

        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()


def reserve_ids(session: Session, model: Target, count: int) -> list[int]:
    """`count` new ids for rows a writer inserts with explicit ids: taken from the id
    sequence on PostgreSQL (so a concurrent insert through the sequence never collides),
    after the largest id on SQLite (where the import holds the write lock)."""
    table = table_of(model)
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, :n)"), {"n": count}).scalars().all()
        return sorted(int(r) for r in rows)
    first = int(session.execute(select(func.coalesce(func.max(table.c.id), 0)))
                .scalar_one()) + 1
    return list(range(first, first + count))
