"""Shared fixtures: every test runs on its own database, away from the user's real data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from db.store import Store, open_store

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


def _fresh_postgres(url: str) -> Store:
    """Empty the team database's schema so each test starts from nothing."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        # A test that left a session open must not block the next one.
        conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return open_store(url)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty database at the current schema: a SQLite file, or the PostgreSQL
    database named by CSM_TEST_DB (the team-mode run in CI)."""
    s = _fresh_postgres(PG_URL) if PG_URL else open_store(str(tmp_path / "test.db"))
    yield s
    s.close()


@pytest.fixture
def demo_store(store: Store) -> Store:
    """The hand-made demo portfolio, laid out around TODAY."""
    from csm_tui.demo import prepare_demo

    prepare_demo(store, TODAY)
    return store


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data sets not found at {SHARED_DATA}")
    return SHARED_DATA
