"""Whole tables, for the lossless JSON export and its restore into an empty database:
every table of the schema, read in batches inside one consistent snapshot, and typed
back from JSON column by column."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Date, DateTime, RowMapping, Table, Time, func, select
from sqlmodel import Session, SQLModel

import db.models  # noqa: F401  (every table class registered on the metadata)
from db.bulk import Target, bulk_insert, table_of


def export_tables() -> list[Table]:
    """Every table of the schema, parents before children (so a restore in this order
    never breaks a foreign key); a table added later is exported without a change here."""
    return list(SQLModel.metadata.sorted_tables)


def table_named(name: str) -> Table | None:
    return SQLModel.metadata.tables.get(name)


def begin_snapshot(session: Session) -> None:
    """Make every read of this session see one moment of the database, even while others
    write: SQLite opens its read transaction now (WAL keeps that snapshot), PostgreSQL
    reads in one REPEATABLE READ, read-only transaction."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN")
    else:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ",
                                              "postgresql_readonly": True})


def count_rows(session: Session, model: Target) -> int:
    """How many rows a table holds."""
    return session.execute(select(func.count()).select_from(table_of(model))).scalar_one()


def table_rows(session: Session, model: Target) -> Sequence[RowMapping]:
    """Every row of a table as column → value mappings, by primary key (small tables
    only: the export streams with `stream_rows`)."""
    table = table_of(model)
    return session.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()


def stream_rows(session: Session, model: Target, *, batch: int = 2000
                ) -> Iterator[Sequence[tuple[Any, ...]]]:
    """Every row of a table by id, as tuples in the order of `table.c`, `batch` rows at a
    time (a server-side cursor on PostgreSQL): memory stays flat for any size."""
    table = table_of(model)
    result = session.execute(select(table).order_by(*table.primary_key.columns)
                             .execution_options(yield_per=batch))
    for part in result.partitions(batch):
        yield [tuple(row) for row in part]


def column_names(model: Target) -> list[str]:
    return [c.name for c in table_of(model).c]


def _is_datetime(column_type: Any) -> bool:
    return isinstance(column_type, DateTime) or column_type.__class__.__name__ == "UTCDateTime"


def column_parsers(model: Target) -> dict[str, Callable[[str], Any] | None]:
    """Per column, how a JSON string becomes its value (dates, timestamps and times
    parsed; None: kept as it is)."""
    out: dict[str, Callable[[str], Any] | None] = {}
    for column in table_of(model).c:
        kind = column.type
        out[column.name] = (datetime.fromisoformat if _is_datetime(kind) else
                            date.fromisoformat if isinstance(kind, Date) else
                            time.fromisoformat if isinstance(kind, Time) else None)
    return out


def column_defaults(model: Target) -> dict[str, Any]:
    """The model's default of each column that has one (a restore of an export made
    before the column existed gets it): value, or a factory called per row."""
    table = table_of(model)
    for mapper in SQLModel._sa_registry.mappers:
        if mapper.local_table is table:
            cls = mapper.class_
            break
    else:
        return {}
    out: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if name == "id" or name not in table.c:
            continue
        if info.default_factory is not None:
            out[name] = info.default_factory
        elif not info.is_required():
            out[name] = info.default
    return out


def typed_row(model: Target, row: Mapping[str, Any]) -> dict[str, Any]:
    """A row read back from JSON with its dates, timestamps and times parsed, by the
    column types; ValueError names an unknown column (or a malformed value)."""
    parsers = column_parsers(model)
    out = {}
    for key, value in row.items():
        if key not in parsers:
            raise ValueError(f"{table_of(model).name}: unknown column {key!r}")
        parse = parsers[key]
        out[key] = parse(value) if parse is not None and isinstance(value, str) else value
    return out


def insert_rows(session: Session, model: Target, rows: list[dict[str, Any]]) -> int:
    """Insert whole rows, ids included, through Core in batches of 2,000."""
    return bulk_insert(session, table_of(model), rows, batch=2000)
