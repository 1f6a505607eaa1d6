"""The history search index, kept in step with every write by the database itself.

SQLite: one FTS5 table `search_index` (trigram tokenizer: substrings of three or more
characters, CJK included, case-insensitive) holding one document per touchpoint, note
and task, written by triggers on those tables, so an import, a bulk insert, a cascade
or an undo that puts rows back all keep it current. A document's rowid is its row's id
times 4 plus its kind (0 touch, 1 note, 2 task): a trigger finds it without a scan.
Columns besides `body` are UNINDEXED: what a hit needs to be ranked (its day) and
shown (kind, row id, account) without reading the row.

PostgreSQL: trigram GIN indexes (pg_trgm) on the same texts, used by ILIKE.

Both: a table `search_name` of the words an account's or a stakeholder's name is
found by (the name folded, its pinyin and its initials: `csm_tui.namesearch.name_keys`),
one row per distinct name, so a search reads them instead of converting every CJK name
to pinyin in each process (about 1.5 s for 10,000 names). A pure function of the name:
it never goes stale, a rename or a new name only adds a row. The writes that name
accounts and stakeholders add their rows; a search that meets a name without one
matches it the slow way and has the missing rows added (`csm_tui.search`).

Not in SQLModel.metadata (a virtual table is not a table the ORM can describe): the
schema is made by `create_search_index` from both `ensure_schema` (a new database) and
revision 0003 (an upgrade), and `is_search_object` keeps these names out of the
model/migration comparison.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.engine import Connection

KINDS = {"touch": 0, "note": 1, "task": 2}
FTS_TABLE = "search_index"
NAME_TABLE = "search_name"
PG_INDEXES = ("ix_search_touch_trgm", "ix_search_note_trgm", "ix_search_task_trgm")

# The FTS table as SQLAlchemy sees it (its own metadata: never created by create_all).
search_index = Table(
    FTS_TABLE, MetaData(),
    Column("rowid", Integer, primary_key=True),
    Column("body", String), Column("kind", String), Column("ref", Integer),
    Column("account_id", Integer), Column("day", String),
)

# One row per distinct account or stakeholder name: the words it is found by.
search_name = Table(
    NAME_TABLE, MetaData(),
    Column("name", String, primary_key=True), Column("words", String, nullable=False),
)
NAME_TABLE_SQL = (f"CREATE TABLE IF NOT EXISTS {NAME_TABLE} "
                  "(name TEXT PRIMARY KEY, words TEXT NOT NULL)")

_TOUCH_BODY = "trim(coalesce({r}.summary, '') || ' ' || coalesce({r}.next_step, ''))"
_TOUCH_DAY = "substr(coalesce({r}.done_at, {r}.due_date, {r}.created_at), 1, 10)"
_TASK_BODY = "trim(coalesce({r}.title, ''))"
_TASK_DAY = "substr(coalesce({r}.done_at, {r}.due_date, {r}.created_at), 1, 10)"
_NOTE_BODY = "trim(coalesce({r}.text, ''))"
_NOTE_DAY = "substr({r}.on_date, 1, 10)"

# (kind, table, body, day, columns whose change re-indexes the row)
_SOURCES = (
    ("touch", "touchpoint", _TOUCH_BODY, _TOUCH_DAY,
     "summary, next_step, done_at, due_date, account_id"),
    ("note", "note", _NOTE_BODY, _NOTE_DAY, "text, on_date, account_id"),
    ("task", "task", _TASK_BODY, _TASK_DAY, "title, done_at, due_date, account_id"),
)


def _insert(kind: str, body: str, day: str, r: str, source: str = "") -> str:
    """One document from row `r` (a trigger's `new`, or `source`'s rows)."""
    code = KINDS[kind]
    return (f"INSERT INTO {FTS_TABLE}(rowid, body, kind, ref, account_id, day) "
            f"SELECT {r}.id * 4 + {code}, {body.format(r=r)}, '{kind}', {r}.id, "
            f"{r}.account_id, {day.format(r=r)}{source} WHERE {body.format(r=r)} <> ''")


def sqlite_statements() -> list[str]:
    """The FTS table and its triggers (insert, delete, update of the indexed columns)."""
    out = [f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(body, "
           "kind UNINDEXED, ref UNINDEXED, account_id UNINDEXED, day UNINDEXED, "
           "tokenize = 'trigram')", NAME_TABLE_SQL]
    for kind, table, body, day, columns in _SOURCES:
        code = KINDS[kind]
        delete = f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id * 4 + {code};"
        out += [
            f"CREATE TRIGGER IF NOT EXISTS search_{kind}_ai AFTER INSERT ON {table} "
            f"BEGIN {_insert(kind, body, day, 'new')}; END",
            f"CREATE TRIGGER IF NOT EXISTS search_{kind}_ad AFTER DELETE ON {table} "
            f"BEGIN {delete} END",
            f"CREATE TRIGGER IF NOT EXISTS search_{kind}_au AFTER UPDATE OF {columns} "
            f"ON {table} BEGIN {delete} {_insert(kind, body, day, 'new')}; END",
        ]
    return out


def sqlite_backfill() -> list[str]:
    """Index every existing row (an upgrade of a database made before the index)."""
    return [_insert(kind, body, day, "r", f" FROM {table} AS r")
            for kind, table, body, day, _columns in _SOURCES]


def postgresql_statements() -> list[str]:
    """pg_trgm and one GIN trigram index per searched text (ILIKE uses them)."""
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX IF NOT EXISTS ix_search_touch_trgm ON touchpoint USING gin "
        "((summary || ' ' || next_step) gin_trgm_ops)",
        "CREATE INDEX IF NOT EXISTS ix_search_note_trgm ON note USING gin (text gin_trgm_ops)",
        "CREATE INDEX IF NOT EXISTS ix_search_task_trgm ON task USING gin (title gin_trgm_ops)",
        NAME_TABLE_SQL,
    ]


def create_search_index(conn: Connection, *, backfill: bool = False) -> None:
    """Make the search index on this connection (inside the caller's transaction);
    `backfill`: index the rows already there."""
    if conn.dialect.name == "sqlite":
        for statement in sqlite_statements():
            conn.exec_driver_sql(statement)
        if backfill:
            for statement in sqlite_backfill():
                conn.exec_driver_sql(statement)
    elif conn.dialect.name == "postgresql":
        for statement in postgresql_statements():
            conn.exec_driver_sql(statement)


def drop_search_index(conn: Connection) -> None:
    """Remove the index (a downgrade below 0003)."""
    if conn.dialect.name == "sqlite":
        for kind in KINDS:
            for suffix in ("ai", "ad", "au"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS search_{kind}_{suffix}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif conn.dialect.name == "postgresql":
        for name in PG_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {NAME_TABLE}")


def is_search_object(name: str | None, type_: Any, parent_names: Any) -> bool:
    """The index's own tables and indexes, which the models do not describe."""
    if name is None:
        return False
    return (name in (FTS_TABLE, NAME_TABLE) or name.startswith(f"{FTS_TABLE}_")
            or name in PG_INDEXES or name == f"sqlite_autoindex_{NAME_TABLE}_1")


def include_name(name: str | None, type_: Any, parent_names: Any) -> bool:
    """Alembic's `include_name`: compare everything but the search index."""
    return not is_search_object(name, type_, parent_names)
