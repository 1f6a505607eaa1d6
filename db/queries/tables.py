"""Whole tables, for the lossless JSON export and its restore into an empty database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Date, DateTime, RowMapping, Time, func, select
from sqlmodel import Session

from db.bulk import Target, bulk_insert, table_of


def count_rows(session: Session, model: Target) -> int:
    """How many rows a table holds."""
    return session.execute(select(func.count()).select_from(table_of(model))).scalar_one()


def table_rows(session: Session, model: Target) -> Sequence[RowMapping]:
    """Every row of a table as column → value mappings, by primary key."""
    table = table_of(model)
    return session.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()


def typed_row(model: Target, row: Mapping[str, Any]) -> dict[str, Any]:
    """A row read back from JSON with its dates, timestamps and times parsed, by the
    column types; ValueError names an unknown column (or a malformed value)."""
    table = table_of(model)
    out = {}
    for key, value in row.items():
        if key not in table.c:
            raise ValueError(f"{table.name}: unknown column {key!r}")
        column_type = table.c[key].type
        if value is not None and isinstance(value, str):
            if isinstance(column_type, DateTime) or column_type.__class__.__name__ == \
                    "UTCDateTime":
                value = datetime.fromisoformat(value)
            elif isinstance(column_type, Date):
                value = date.fromisoformat(value)
            elif isinstance(column_type, Time):
                value = time.fromisoformat(value)
        out[key] = value
    return out


def insert_rows(session: Session, model: Target, rows: list[dict[str, Any]]) -> int:
    """Insert whole rows, ids included, through Core in batches of 2,000."""
    return bulk_insert(session, table_of(model), rows, batch=2000)
