"""Shared fixtures: every test runs on its own database, away from the user's real data."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from db.store import Store, open_store

if TYPE_CHECKING:
    from sqlalchemy import Table

TODAY = date(2026, 11, 24)
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolate_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's real database and config out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CSM_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("CSM_CONFIG_DIR", str(home / "config"))
    monkeypatch.delenv("CSM_DB", raising=False)
    monkeypatch.delenv("CSM_TODAY", raising=False)
    # The interface language: English unless a test asks (the CLI reads these).
    for name in ("CSM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    from csm_tui.i18n import set_language

    set_language("en")


@pytest.fixture
def today() -> date:
    return TODAY


PG_URL = os.environ.get("CSM_TEST_DB", "")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: needs a SQLite file (pragmas, file modes, "
                            "online backup); skipped when CSM_TEST_DB selects PostgreSQL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PG_URL:
        return
    skip = pytest.mark.skip(reason="SQLite-specific; this run targets CSM_TEST_DB (PostgreSQL)")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


def _wipe_postgres(url: str, *, schema: bool) -> None:
    """Empty the team database: every table (ids restarting at 1), or with `schema`
    the whole schema, for a first run or when a test left it broken."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            # A test that left a session open must not block the next one.
            conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = current_database() "
                                 "AND pid <> pg_backend_pid()")
            if schema:
                conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
            else:
                names = ", ".join(f'"{t.name}"' for t in _tables())
                conn.exec_driver_sql(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE")
    finally:
        engine.dispose()


def _empty_postgres(url: str) -> Store:
    """The team database with its schema kept and every table emptied (much faster than
    dropping and migrating the schema for every test)."""
    try:
        _wipe_postgres(url, schema=False)
    except Exception:  # a table is missing: start from nothing
        _wipe_postgres(url, schema=True)
    return open_store(url)


@contextmanager
def _template_env(home: Path) -> Iterator[None]:
    """A template is built as a test would see it: no user data, config or language."""
    from csm_tui.i18n import current_language, set_language

    lang = current_language()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CSM_DATA_DIR", str(home / "data"))
        mp.setenv("CSM_CONFIG_DIR", str(home / "config"))
        for name in ("CSM_DB", "CSM_TODAY", "CSM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
            mp.delenv(name, raising=False)
        set_language("en")
        try:
            yield
        finally:
            set_language(lang)


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SQLite: a database file at the current schema, migrated once and copied for each
    test. PostgreSQL: the schema is rebuilt once here; tests then only empty it."""
    folder = tmp_path_factory.mktemp("templates")
    if PG_URL:
        _wipe_postgres(PG_URL, schema=True)
        open_store(PG_URL).close()
    else:
        open_store(str(folder / "empty.db")).close()
    return folder


@pytest.fixture(scope="session")
def _demo_template(_templates: Path) -> Path | dict[str, list[dict[str, Any]]]:
    """The demo portfolio seeded once around TODAY (the seed is deterministic): a SQLite
    file to copy, or for PostgreSQL every table's rows to insert again."""
    from csm_tui.demo import prepare_demo
    from db.queries.tables import table_rows

    with _template_env(_templates / "home"):
        if PG_URL:
            s = _empty_postgres(PG_URL)
            prepare_demo(s, TODAY)
            with s.session() as session:
                rows = {t.name: [dict(r) for r in table_rows(session, t)] for t in _tables()}
            s.close()
            return rows
        path = _templates / "demo.db"
        shutil.copyfile(_templates / "empty.db", path)
        s = open_store(str(path))
        prepare_demo(s, TODAY)
        s.close()
        return path


def _tables() -> list[Table]:
    """Every table, parents before children (a restore never breaks a key)."""
    from sqlmodel import SQLModel

    import db.models  # noqa: F401  (registers the tables)

    return list(SQLModel.metadata.sorted_tables)


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path, _templates: Path) -> Iterator[Store]:
    """An empty database at the current schema, of its own for each test: a copy of
    the template SQLite file, or the PostgreSQL database named by CSM_TEST_DB (the
    team-mode run in CI) emptied. A test that asks for `demo_store` gets the demo
    portfolio in it instead, copied from its template."""
    # Built (once) before this test's database is touched: on PostgreSQL it is the same.
    demo = request.getfixturevalue("_demo_template") if "demo_store" in \
        request.fixturenames else None
    if PG_URL:
        s = _empty_postgres(PG_URL)
        if demo is not None:
            _restore_rows(s, demo)
    else:
        template = _templates / "empty.db" if demo is None else demo
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        path.chmod(0o600)  # as open_store creates a new file
        s = open_store(str(path))
    yield s
    s.close()


def _restore_rows(s: Store, tables: dict[str, list[dict[str, Any]]]) -> None:
    from db.bulk import sync_sequence
    from db.queries.tables import insert_rows

    with s.transaction() as session:
        for table in _tables():
            insert_rows(session, table, tables.get(table.name, []))
            sync_sequence(session, table)


@pytest.fixture
def demo_store(store: Store) -> Store:
    """The hand-made demo portfolio, laid out around TODAY (`store` copied it in)."""
    return store


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data sets not found at {SHARED_DATA}")
    return SHARED_DATA
