"""Engine and session setup.

SQLite gets foreign keys, WAL and a busy timeout on every connection, so that two
app instances can share one file and a writer waits instead of failing. A new
SQLite file is created with mode 0600: it holds notes about real people.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

import db.derived  # noqa: F401  (the derived state's session hook)
from db.errors import StoreError

BUSY_TIMEOUT_MS = 5000


def store_error_for(exc: BaseException, url: str, *, writing: bool = True
                    ) -> StoreError | None:
    """The clear error for a database failure the user can act on (busy, read-only,
    disk full, corrupt), naming the database; None for anything else."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError | sqlite3.Error):
        return None
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig).lower()
    where = make_url(url).render_as_string(hide_password=True)
    path = sqlite_path(url)
    if path is not None:
        where = str(path)
    busy = "the database is busy (locked by another program)"
    read_only = "the database is read-only (file or folder not writable)"
    full = "the disk is full (or the database reached its size limit)"
    damaged = "the database file is damaged; restore it from a backup"
    for needle, why in (("locked", busy), ("busy", busy), ("readonly", read_only),
                        ("read-only", read_only), ("is full", full),
                        ("disk i/o error", "a disk I/O error occurred"),
                        ("malformed", damaged), ("not a database", "the file is not a database"),
                        ("unable to open", "cannot open the database file")):
        if needle in text:
            tail = ""
            if writing:
                tail = "; nothing was saved, try again" if why == busy else "; nothing was saved"
            return StoreError(f"{where}: {why}{tail}")
    return None


def to_url(db: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path and return a URL."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory databases and servers."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _prepare_sqlite_file(path: Path) -> None:
    """Create the parent folder and an empty 0600 file, or say clearly why not."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise StoreError(f"{path}: cannot read the database file (permission denied)")
        # Refused up front rather than after the user has typed something to save.
        if not os.access(path, os.W_OK):
            raise StoreError(f"{path}: the database file is read-only "
                             "(no write permission); csm needs to write to it")
        if not os.access(path.parent, os.W_OK):
            raise StoreError(f"{path}: its folder is read-only; SQLite needs to write its "
                             "journal beside the database")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        raise StoreError(
            f"cannot create database {path}: {exc.strerror or exc}"
        ) from None


def _set_sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    with contextlib.suppress(sqlite3.OperationalError):  # read-only media: keep the mode
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Build an engine for a URL (file, memory or PostgreSQL) and check it answers."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL or path: {url!r}") from None
    if parsed.drivername.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            _prepare_sqlite_file(path)
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            )
        else:
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=StaticPool
            )
        event.listen(engine, "connect", _set_sqlite_pragmas)
    else:
        try:
            engine = create_engine(url, pool_pre_ping=True)
        except Exception as exc:  # missing driver and the like
            raise StoreError(f"cannot use database {parsed.render_as_string()}: {exc}") from None
    check_readable(engine)
    return engine


def check_readable(engine: Engine) -> None:
    """Touch the database so that a non-database file fails here, clearly."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA schema_version").fetchone()
            else:
                conn.exec_driver_sql("SELECT 1").fetchone()
    except SADatabaseError as exc:
        clear = store_error_for(exc, str(engine.url), writing=False)
        if clear is not None:
            raise clear from None
        detail = str(exc.orig) if exc.orig is not None else str(exc)
        raise StoreError(f"{where}: {detail}") from None


def new_session(engine: Engine) -> Session:
    """One short-lived session per unit of work; objects stay usable after commit."""
    return Session(engine, expire_on_commit=False)
