"""Round trips for every table, engine settings, and clear errors for bad databases."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import StoreError
from db.models import (
    Account,
    ChangeLog,
    Contact,
    Deal,
    Event,
    StageChange,
    Task,
    TierChange,
    Touchpoint,
)
from db.store import Store, open_store


def _roundtrip(store: Store, obj):  # type: ignore[no-untyped-def]
    with store.transaction() as session:
        session.add(obj)
        session.flush()
        ident = obj.id
    with store.session() as session:
        return session.get(type(obj), ident)


def _account(store: Store, **kw) -> Account:  # type: ignore[no-untyped-def]
    values = dict(name="清华大学", tier="S", arr_minor=88_000_000, currency="CNY",
                  contract_start=date(2026, 1, 1), contract_end=date(2027, 1, 1),
                  stage="adoption", nps=50, last_login=date(2026, 11, 20))
    values.update(kw)
    return _roundtrip(store, Account(**values))


def test_account_roundtrip(store: Store) -> None:
    got = _account(store, tier_locked=True, tier_reason="strategic logo")
    assert got.name == "清华大学"
    assert got.arr_minor == 88_000_000
    assert got.contract_end == date(2027, 1, 1)
    assert got.tier_locked and got.tier_reason == "strategic logo"
    assert got.created_at.tzinfo is not None


def test_every_other_table_roundtrips(store: Store) -> None:
    acc = _account(store)
    contact = _roundtrip(store, Contact(account_id=acc.id, name="王芳", role="decision_maker",
                                        level="executive", email="w@example.com"))
    assert contact.role == "decision_maker"
    done = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    tp = _roundtrip(store, Touchpoint(account_id=acc.id, contact_id=contact.id, channel="call",
                                      status="done", done_at=done, summary="QBR 准备"))
    assert tp.done_at == done and tp.summary == "QBR 准备"
    task = _roundtrip(store, Task(account_id=acc.id, stage="renewal", step_key="t90",
                                  title="T-90 value review", due_date=date(2026, 10, 3)))
    assert task.due_date == date(2026, 10, 3)
    ev = _roundtrip(store, Event(title="教师节", on_date=date(2026, 9, 10), yearly=True,
                                 at_time=time(9, 0), scope="industry",
                                 industry="higher-education", lead_days=3))
    assert ev.yearly and ev.at_time == time(9, 0)
    deal = _roundtrip(store, Deal(account_id=acc.id, stage="won", value_minor=105400,
                                  close_date=date(2017, 3, 1)))
    assert deal.value_minor == 105400
    tc = _roundtrip(store, TierChange(account_id=acc.id, old_tier="A", new_tier="S",
                                      manual=True, reason="board member"))
    assert tc.manual and tc.new_tier == "S"
    sc = _roundtrip(store, StageChange(account_id=acc.id, old_stage="onboarding",
                                       new_stage="adoption", reason="two months in"))
    assert sc.new_stage == "adoption"
    log = _roundtrip(store, ChangeLog(action="log", entity="touchpoint", entity_id=tp.id,
                                      payload='{"id": 1}'))
    assert log.payload == '{"id": 1}' and not log.undone


def test_task_generation_key_is_unique(store: Store) -> None:
    acc = _account(store)
    _roundtrip(store, Task(account_id=acc.id, stage="handover", step_key="kickoff", title="K"))
    with pytest.raises(Exception):  # noqa: B017 - the database itself refuses
        _roundtrip(store, Task(account_id=acc.id, stage="handover", step_key="kickoff",
                               title="K"))


def test_failed_transaction_writes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as session:
        session.add(Account(name="half-written"))
        session.flush()
        raise RuntimeError("boom")
    with store.session() as session:
        assert session.execute(text("SELECT count(*) FROM account")).scalar_one() == 0


@pytest.mark.sqlite_only
def test_sqlite_pragmas(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_new_database_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.db"
    open_store(str(path)).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not a database\n" * 100)
    with pytest.raises(StoreError, match="not a database"):
        open_store(str(bogus))
    assert bogus.read_text().startswith("this is not a database")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(StoreError, match="cannot create"):
        open_store(str(locked / "x.db"))


def test_folder_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_store(str(tmp_path))


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_store(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer csm"):
        open_store(str(path))
    assert path.read_bytes() == before
