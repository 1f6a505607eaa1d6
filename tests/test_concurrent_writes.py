"""Two writers at the same instant: saves are checked and written in one statement, so
exactly one of two saves of the same field wins and the other is told; saves of
different fields merge; two people closing the same planned touch cannot both succeed.
Threads released together by a barrier (and, once, two real processes), on SQLite
and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from csm_tui.account_edit import EditConflict, form_values, update_account
from csm_tui.followup import AlreadyClosed, log_followup
from csm_tui.tasks import complete_task, generate_tasks
from db.models import Account, Task, Touchpoint
from db.store import Store

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ROUNDS = 10
ROOT = Path(__file__).resolve().parents[1]


def _together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same instant; each one's result or
    the exception it raised."""
    barrier = threading.Barrier(len(calls))
    out: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            out[i] = call()
        except Exception as exc:  # noqa: BLE001  (the result under test)
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    return out


def _account(store: Store, **kw: Any) -> int:
    with store.transaction() as s:
        acc = Account(name=kw.pop("name", "Acme"), tier="A", stage="handover",
                      stage_entered=date(2026, 11, 1), contract_start=date(2026, 11, 1),
                      contract_end=date(2027, 10, 31), **kw)
        s.add(acc)
        s.flush()
        return acc.id or 0


def _opened(store: Store, aid: int) -> tuple[dict[str, str], int]:
    with store.session() as s:
        acc = s.get(Account, aid)
        assert acc is not None
        return form_values(acc), acc.version


def test_two_saves_of_one_field_one_wins_one_is_told(store: Store) -> None:
    aid = _account(store)
    for n in range(ROUNDS):
        opened, version = _opened(store, aid)
        mine = {**opened, "region": f"北京 {n}"}
        theirs = {**opened, "region": f"上海 {n}"}
        results = _together(
            lambda m=mine, v=version, o=opened: update_account(store, aid, m,
                                                              expected_version=v, base=o),
            lambda th=theirs, v=version, o=opened: update_account(store, aid, th,
                                                                 expected_version=v, base=o))
        won = [r for r in results if not isinstance(r, Exception)]
        told = [r for r in results if isinstance(r, EditConflict)]
        assert len(won) == 1 and len(told) == 1, results
        assert told[0].disputed == ["region"]
        winner = (mine if results[0] is won[0] else theirs)["region"]
        with store.session() as s:
            acc = s.get(Account, aid)
            assert acc.region == winner and acc.version == version + 1


def test_two_saves_of_different_fields_both_land(store: Store) -> None:
    """The teammate's ARR change is never reverted by a save that did not touch ARR."""
    aid = _account(store, arr_minor=100_00)
    for n in range(ROUNDS):
        opened, version = _opened(store, aid)
        results = _together(
            lambda o=opened, v=version, n=n: update_account(
                store, aid, {**o, "region": f"杭州 {n}"}, expected_version=v, base=o),
            lambda o=opened, v=version, n=n: update_account(
                store, aid, {**o, "arr": str(200 + n)}, expected_version=v, base=o))
        assert not [r for r in results if isinstance(r, Exception)], results
        with store.session() as s:
            acc = s.get(Account, aid)
            assert (acc.region, acc.arr_minor) == (f"杭州 {n}", (200 + n) * 100)
            assert acc.version == version + 2


def test_save_yours_after_a_conflict_keeps_their_other_fields(store: Store) -> None:
    aid = _account(store, arr_minor=100_00)
    opened, version = _opened(store, aid)
    update_account(store, aid, {**opened, "region": "上海", "arr": "999"},
                   expected_version=version, base=opened)  # a teammate saves first
    yours = {**opened, "region": "北京"}
    try:
        update_account(store, aid, yours, expected_version=version, base=opened)
    except EditConflict as exc:
        assert exc.disputed == ["region"]
        theirs, their_version = exc.theirs, exc.version
    else:
        raise AssertionError("both changed the region: a conflict to ask about")
    # the form keeps their ARR (you did not touch it) and saves yours for the region
    again = {**yours, "arr": theirs["arr"]}
    update_account(store, aid, again, expected_version=their_version, base=theirs)
    with store.session() as s:
        acc = s.get(Account, aid)
        assert (acc.region, acc.arr_minor) == ("北京", 999_00)


def test_two_people_closing_one_planned_touch(store: Store) -> None:
    aid = _account(store)
    for n in range(ROUNDS):
        with store.transaction() as s:
            tp = Touchpoint(account_id=aid, status="planned", due_date=TODAY)
            s.add(tp)
            s.flush()
            tid = tp.id or 0
        results = _together(
            lambda t=tid, n=n: log_followup(store, aid, summary=f"alice {n}", touchpoint_id=t,
                                            now=NOW, today=TODAY),
            lambda t=tid, n=n: log_followup(store, aid, summary=f"bob {n}", touchpoint_id=t,
                                            now=NOW, today=TODAY))
        won = [r for r in results if not isinstance(r, Exception)]
        told = [r for r in results if isinstance(r, AlreadyClosed)]
        assert len(won) == 1 and len(told) == 1, results
        with store.session() as s:
            closed = s.get(Touchpoint, tid)
            assert closed.status == "done"
            assert closed.summary == (f"alice {n}" if results[0] is won[0] else f"bob {n}")
            planned = s.exec(select(Touchpoint).where(Touchpoint.account_id == aid,
                                                      Touchpoint.status == "planned")).all()
            assert len(planned) == 1  # and one next touch, not two


def test_two_logs_without_a_selection_leave_one_next_touch(store: Store) -> None:
    aid = _account(store)
    for n in range(ROUNDS):
        _together(*(lambda w=who, n=n: log_followup(store, aid, summary=f"{w} {n}", now=NOW,
                                                    today=TODAY) for who in ("alice", "bob")))
        with store.session() as s:
            planned = s.exec(select(Touchpoint).where(Touchpoint.account_id == aid,
                                                      Touchpoint.status == "planned")).all()
            assert len(planned) == 1


def test_two_people_ticking_one_step(store: Store) -> None:
    _account(store)
    generate_tasks(store, TODAY)
    with store.session() as s:
        task_id = s.exec(select(Task)).first().id
    results = _together(lambda: complete_task(store, task_id, now=NOW),
                        lambda: complete_task(store, task_id, now=NOW))
    assert sorted(type(r).__name__ for r in results) == ["Task", "ValueError"]
    with store.session() as s:
        done = s.exec(select(Touchpoint).where(Touchpoint.status == "done")).all()
        assert len(done) == 1


def test_two_processes_closing_one_planned_touch(store: Store) -> None:
    """Two `csm log --ref T…` at once: one exit 0, one exit 2 that says so; one note."""
    aid = _account(store)
    with store.transaction() as s:
        tp = Touchpoint(account_id=aid, status="planned", due_date=TODAY)
        s.add(tp)
        s.flush()
        tid = tp.id or 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "csm_tui", "log", "Acme", who,
                               "--ref", f"T{tid}", "--db", store.url, "--today", "2026-11-24"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for who in ("alice's note", "bob's note")]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 2], outs
    assert any("already" in err for _out, err in outs), outs
    with store.session() as s:
        closed = s.get(Touchpoint, tid)
        assert closed.summary in ("alice's note", "bob's note")
