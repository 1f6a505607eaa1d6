"""Schema versions: create, check and upgrade, keeping every row.

Checking the version is a single SELECT so start-up never pays for importing
alembic; alembic is loaded only when an upgrade is really due.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from db import models  # noqa: F401  (registers the tables)
from db.engine import StoreError, sqlite_path

if TYPE_CHECKING:  # alembic loads only when an upgrade is really due
    from alembic.config import Config

# Every revision this build knows, oldest first. A test keeps this in step with
# the alembic scripts in db/migrations/versions.
REVISIONS: tuple[str, ...] = ("0001_initial", "0002_terms_metrics_rates",
                             "0003_notes_search", "0004_stored_health")
HEAD = REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def current_revision(engine: Engine) -> str | None:
    """The stamped revision, or None for a database without our tables."""
    insp = inspect(engine)
    if not insp.has_table("alembic_version"):
        if insp.has_table("account"):
            raise StoreError(
                f"{where(engine)}: has csm tables but no schema version; refusing to touch it"
            )
        return None
    with engine.connect() as conn:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def where(engine: Engine) -> str:
    """The database as a message names it (no password)."""
    return engine.url.render_as_string(hide_password=True)


def alembic_config(engine: Engine, connection: Connection | None = None) -> Config:
    """Alembic's configuration for this database, on `connection` when given (so the
    upgrade runs in the caller's transaction)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["connection"] = connection
    return cfg


def run_alembic_upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(engine, conn), target)


def backup_file(path: Path, stamp: datetime | None = None) -> Path:
    """Copy a SQLite file (with its WAL folded in) beside itself, timestamped."""
    import sqlite3

    stamp = stamp or datetime.now()
    target = path.with_name(f"{path.stem}.backup-{stamp:%Y%m%d-%H%M%S}{path.suffix}")
    # Created private and new (never through a link or over a file) before a byte of
    # the copy, which holds notes about real people, lands in it.
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600))
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    shutil.copymode(path, target)
    return target


def ensure_schema(engine: Engine) -> Path | None:
    """Bring the database to HEAD. Returns the backup made before an upgrade, if any.

    A new, empty database gets the tables straight from the models and is stamped
    at HEAD (identical to running every migration; a test proves it). A database
    behind HEAD is backed up, then upgraded by alembic in one transaction. A
    database from a newer build is refused and left untouched.
    """
    rev = current_revision(engine)
    if rev == HEAD:
        return None
    if rev is None:
        with engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
            from db.fulltext import create_search_index

            create_search_index(conn)
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                              "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD})
        return None
    if rev not in REVISIONS:
        raise StoreError(
            f"{where(engine)}: made by a newer csm (schema {rev}); "
            "upgrade csm-tui to open it. The file was not changed."
        )
    backup = None
    path = sqlite_path(str(engine.url))
    if path is not None:
        backup = backup_file(path)
    run_alembic_upgrade(engine)
    return backup
