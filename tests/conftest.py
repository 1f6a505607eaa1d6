"""Shared fixtures: every test runs on its own database, away from the user's real data."""

from __future__ import annotations

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


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty database at the current schema (SQLite file; fast and real)."""
    s = open_store(str(tmp_path / "test.db"))
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
