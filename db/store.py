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
    commits: int = field(default=0)  # bumped by every transaction committed here

    @property
    def generation(self) -> tuple[int, tuple[int, ...] | None]:
        """Changes whenever the data may have changed: a commit through this store, or,
        for a SQLite file, a commit by another instance or program (seen in the size and
        modification time of the file and its WAL). Compare for equality only."""
        return self.commits, self._file_stamp()

    def _file_stamp(self) -> tuple[int, ...] | None:
        path = self.path
        if path is None:
            return None
        stamp: list[int] = []
        for p in (path, path.with_name(path.name + "-wal")):
            try:
                st = p.stat()
            except OSError:
                stamp += [-1, -1]
            else:
                stamp += [st.st_mtime_ns, st.st_size]
        return tuple(stamp)

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
                self.commits += 1
            except BaseException as exc:
                session.rollback()
                clear = store_error_for(exc, self.url)
                if clear is not None:
                    raise clear from exc
                raise

    def data_version(self) -> tuple[object, int]:
        """What a screen compares to know whether to reload: `generation` and the newest
        change-log id. Every user action writes a change-log entry in its own
        transaction, so a new id also shows another instance's writes on PostgreSQL,
        where there is no file to watch."""
        with self.session() as session:
            newest = newest_change_id(session)
        return self.generation, int(newest or 0)

    def close(self) -> None:
        self.engine.dispose()


def open_store(db: str, *, migrate: bool = True) -> Store:
    """Open (and, unless told not to, create or upgrade) the database at a path or URL."""
    url = to_url(db)
    engine = make_engine(url)
    backup = ensure_schema(engine) if migrate else None
    return Store(url=url, engine=engine, backup_made=backup)
