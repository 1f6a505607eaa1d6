"""The one door to the database: an engine plus short-lived sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.engine import make_engine, new_session, sqlite_path, store_error_for, to_url
from db.migrate import ensure_schema
from db.queries.changelog import newest_change_id


@dataclass
class Store:
    """What the CLI and the TUI share: where the data is and how to open a session."""

    url: str
    engine: Engine
    backup_made: Path | None = field(default=None)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        return new_session(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action = one transaction: commit on success, roll back on any error."""
        with new_session(self.engine) as session:
            try:
                yield session
                session.commit()
            except BaseException as exc:
                session.rollback()
                clear = store_error_for(exc, self.url)
                if clear is not None:
                    raise clear from exc
                raise

    def newest_change_id(self) -> int:
        """The database's own write counter: every user action writes a change-log entry
        in its own transaction, so a new id means something was written, here, by
        another instance or by the CLI (SQLite and PostgreSQL alike)."""
        with self.session() as session:
            return newest_change_id(session) or 0

    def close(self) -> None:
        self.engine.dispose()


def open_store(db: str, *, migrate: bool = True) -> Store:
    """Open (and, unless told not to, create or upgrade) the database at a path or URL."""
    url = to_url(db)
    engine = make_engine(url)
    backup = ensure_schema(engine) if migrate else None
    return Store(url=url, engine=engine, backup_made=backup)
