"""Two app instances (two Stores, or two processes) on one SQLite file: both read, each
sees the other's writes, a writer waits out a short lock, and a lock that outlasts the
busy timeout gives the project's clear error with nothing half-written."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select
from textual.pilot import Pilot
from textual.worker import WorkerFailed

import db.engine
from csm_tui.app import CsmApp
from csm_tui.errors import describe_error
from csm_tui.followup import log_followup
from db.engine import StoreError
from db.models import Account, ChangeLog, Touchpoint
from db.store import Store, open_store
from screens.log_form import LogFollowUpScreen
from screens.portfolio import PortfolioScreen
from screens.today import TodayScreen
from screens.vtable import VirtualTable
from tests.pilot import press, started, watched_app

pytestmark = pytest.mark.sqlite_only  # file locks and a second process on one file

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Store, Store, Path]]:
    path = tmp_path / "shared.db"
    first = open_store(str(path))
    with first.transaction() as session:
        session.add(Account(name="清华大学", tier="S"))
    second = open_store(str(path))
    yield first, second, path
    first.close()
    second.close()


def _counts(store: Store) -> tuple[int, int]:
    with store.session() as session:
        tps = session.exec(select(func.count()).select_from(Touchpoint)  # logged ones
                           .where(Touchpoint.status == "done")).one()
        logs = session.exec(select(func.count()).select_from(ChangeLog)).one()
    return tps, logs


def _account_id(store: Store) -> int:
    with store.session() as session:
        return session.exec(select(Account.id)).one()  # type: ignore[return-value]


def test_both_read_and_see_each_others_writes(pair: tuple[Store, Store, Path]) -> None:
    first, second, _ = pair
    aid = _account_id(first)
    assert _account_id(second) == aid
    before = second.newest_change_id()
    log_followup(first, aid, summary="kick-off call", now=NOW)
    assert _counts(second) == (1, 1)  # a new session sees the commit at once
    assert second.newest_change_id() != before  # and the other instance can tell it changed
    log_followup(second, aid, summary="回访", now=NOW)
    assert _counts(first) == (2, 2)


def test_a_second_process_writes_and_the_first_sees_it(pair: tuple[Store, Store, Path]
                                                       ) -> None:
    first, _, path = pair
    proc = subprocess.run([sys.executable, "-m", "csm_tui", "log", "清华大学", "从命令行记录",
                           "--db", str(path), "--today", "2026-11-24"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with first.session() as session:
        assert [t.summary for t in session.exec(select(Touchpoint).where(
            Touchpoint.status == "done"))] == ["从命令行记录"]


def test_writer_waits_for_a_short_lock(pair: tuple[Store, Store, Path]) -> None:
    """Another program holds the write lock for a moment; the save waits, then lands."""
    first, _, path = pair
    aid = _account_id(first)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO changelog (at, actor, action, entity, summary, payload, "
                   "undone) VALUES ('2026-11-24', 'other', 'note', 'x', 'other program', "
                   "'{}', 0)")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        log_followup(first, aid, summary="saved after the wait", now=NOW)
    finally:
        release.join()
        holder.close()
    assert _counts(first) == (1, 2)


def test_lock_outlasting_busy_timeout_is_a_clear_error(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setattr(db.engine, "BUSY_TIMEOUT_MS", 200)  # keep the test short
    path = tmp_path / "locked.db"
    store = open_store(str(path))
    with store.transaction() as session:
        session.add(Account(name="复旦大学", tier="A"))
    aid = _account_id(store)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError) as caught:
            log_followup(store, aid, summary="will not fit", next_date=date(2026, 12, 1),
                         now=NOW)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = describe_error(caught.value)
    assert str(path) in message and "busy" in message and "nothing was saved" in message
    assert "\n" not in message
    assert _counts(store) == (0, 0)  # nothing half-written: no touchpoint, no log entry
    log_followup(store, aid, summary="fits now", now=NOW)  # the store is still usable
    assert _counts(store) == (1, 1)
    store.close()


def test_cli_lock_gives_one_line_and_status_2(tmp_path: Path) -> None:
    """`csm log` while another program holds the lock: status 2, one line, no traceback."""
    path = tmp_path / "cli-locked.db"
    store = open_store(str(path))
    with store.transaction() as session:
        session.add(Account(name="浙江大学", tier="S"))
    store.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = ("import db.engine; db.engine.BUSY_TIMEOUT_MS = 200\n"
                "from csm_tui.cli import main\n"
                f"raise SystemExit(main(['log', '浙江大学', 'x', '--db', {str(path)!r}]))\n")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("csm: error:") and str(path) in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1



async def _workers_ended(pilot: Pilot[Any]) -> None:
    """Wait for every worker, a failed one too (`wait_for_complete` raises on a failure),
    then for the app to have handled how they ended."""
    for worker in list(pilot.app.workers):
        with suppress(WorkerFailed):
            await worker.wait()
    await pilot.pause()


def _names(app: CsmApp) -> set[str]:
    table = app.screen.query_one("#portfolio", VirtualTable)
    return {str(r.values()[0]).removesuffix(" 🔒") for r in table.rows if not r.group}


async def test_write_from_other_instance_shows_after_switching_back(
        demo_store: Store, today: date) -> None:
    """The TUI on one Store; another instance (its own Store) renames an account as csm
    does, with its change-log entry; going to another screen and back (1, then 2) shows
    the new name, at once."""
    from csm_tui.account_edit import form_values, update_account

    other = open_store(demo_store.url)
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "2", ready=PortfolioScreen)
        assert "清华大学" in _names(app)
        with other.session() as session:
            account = session.exec(select(Account).where(Account.name == "清华大学")).one()
            assert account.id is not None
            values, version = form_values(account), account.version
        update_account(other, account.id, {**values, "name": "清华大学（新名）"},
                       expected_version=version, today=today)
        await press(pilot, "1", ready=TodayScreen)  # Today: the check found the write
        await press(pilot, "2", ready=PortfolioScreen)
        names = _names(app)
        assert "清华大学（新名）" in names and "清华大学" not in names
    other.close()


async def test_log_form_keeps_the_text_when_the_database_is_locked(
        demo_store: Store, today: date, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program holds the lock past the busy timeout: the form stays open with a
    clear message and everything typed; once the lock is gone, the same save works."""
    from textual.widgets import Input, Label

    monkeypatch.setattr(db.engine, "BUSY_TIMEOUT_MS", 200)  # keep the test short
    demo_store.engine.dispose()  # new connections take the short timeout
    assert demo_store.path is not None
    before = _counts(demo_store)
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "l", ready=LogFollowUpScreen)
        form = app.screen
        form.query_one("#log-summary", Input).value = "电话回访：续约意向明确"
        holder = sqlite3.connect(demo_store.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            await press(pilot, "ctrl+s")
            await _workers_ended(pilot)  # the save waits out the busy timeout, then fails
            assert app.screen is form
            error = str(form.query_one("#log-error", Label).render())
            assert "busy" in error and "nothing was saved" in error
            assert form.query_one("#log-summary", Input).value == "电话回访：续约意向明确"
            assert _counts(demo_store) == before
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await press(pilot, "ctrl+s", ready=TodayScreen)  # saved: Today shows the write
        assert app.screen is not form, str(form.query_one("#log-error", Label).render())
    with demo_store.session() as session:
        saved = session.exec(select(Touchpoint).where(
            Touchpoint.summary == "电话回访：续约意向明确")).all()
    assert len(saved) == 1
    assert _counts(demo_store)[1] == before[1] + 1  # one action, one change-log entry
