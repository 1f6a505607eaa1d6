"""Bulk writes for seeding and imports: batched executemany, sequences kept right."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from sqlalchemy import func, insert, select, text
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
