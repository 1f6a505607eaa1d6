"""Undo: every undoable action put back exactly, after a restart too; conflicts refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from csm_tui.account_edit import form_values, update_account
from csm_tui.cli import main
from csm_tui.followup import log_followup, mark_done, reschedule, snooze
from csm_tui.lifecycle import move_stage, renew
from csm_tui.tasks import complete_task, generate_tasks
from csm_tui.tiering import retier, set_tier, unlock
from csm_tui.undo import undo_last
from db.models import Account, ChangeLog, StageChange, Task, TierChange, Touchpoint
from db.store import Store, open_store

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
SKIP = {"version", "updated_at"}  # undo bumps the version so that open forms notice


def _account(store: Store, **kw: Any) -> int:
    values: dict[str, Any] = dict(
        name="清华大学", tier="A", stage="onboarding", stage_entered=date(2026, 10, 1),
        contract_start=date(2026, 9, 20), contract_end=date(2027, 9, 19), arr_minor=50_000_00)
    values.update(kw)
    with store.transaction() as s:
        acc = Account(**values)
        s.add(acc)
        s.flush()
        aid = acc.id
    generate_tasks(store, TODAY, account_ids=[aid])
    return aid  # type: ignore[return-value]


def _planned(store: Store, aid: int, due: date = TODAY) -> int:
    with store.transaction() as s:
        tp = Touchpoint(account_id=aid, status="planned", due_date=due, channel="email",
                        next_step="Send the QBR deck")
        s.add(tp)
        s.flush()
        return tp.id  # type: ignore[return-value]


def state(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row the undoable actions touch, comparable across sessions."""
    out = {}
    with store.session() as s:
        for model in (Account, Touchpoint, Task, StageChange, TierChange):
            rows = s.exec(select(model).order_by(model.id)).all()  # type: ignore[attr-defined]
            out[model.__name__] = [{k: v for k, v in r.model_dump().items() if k not in SKIP}
                                   for r in rows]
    return out


def _reopen(store: Store) -> Store:
    """A restart: a new engine on the same database."""
    url = store.url
    store.close()
    return open_store(url)


def _none(store: Store, aid: int) -> None:
    return None


def _open_task(store: Store, aid: int) -> int:
    with store.session() as s:
        return s.exec(select(Task.id).where(Task.account_id == aid,
                                            Task.done_at.is_(None))).first()  # type: ignore[union-attr]


def _edit(store: Store, aid: int) -> object:
    with store.session() as s:
        acc = s.get(Account, aid)
        values, version = form_values(acc), acc.version
    values.update(contract_end="2027-06-30", region="北京", nps="40", arr="61000")
    return update_account(store, aid, values, expected_version=version, today=TODAY)


# kind: (setup before the "before" snapshot, giving ctx; the action, given ctx)
ACTIONS: dict[str, tuple[Callable[[Store, int], Any], Callable[[Store, int, Any], object]]] = {
    "followup.log": (_none, lambda st, aid, _: log_followup(
        st, aid, summary="续约预算已确认", next_date=TODAY + timedelta(days=14), now=NOW,
        today=TODAY)),
    "followup.close": (_planned, lambda st, aid, tp: log_followup(
        st, aid, summary="Sent the deck", channel="meeting", touchpoint_id=tp, now=NOW,
        today=TODAY)),
    "touchpoint.done": (_planned, lambda st, aid, tp: mark_done(st, tp, now=NOW)),
    "touchpoint.snooze": (_planned, lambda st, aid, tp: snooze(st, tp, 3, today=TODAY)),
    "touchpoint.reschedule": (_planned, lambda st, aid, tp: reschedule(
        st, tp, TODAY + timedelta(days=9), today=TODAY)),
    "task.complete": (_open_task, lambda st, aid, t: complete_task(st, t, now=NOW)),
    "stage.move": (_none, lambda st, aid, _: move_stage(st, aid, "adoption", today=TODAY)),
    "stage.back": (_none, lambda st, aid, _: move_stage(st, aid, "handover", today=TODAY)),
    "stage.renew": (_none, lambda st, aid, _: renew(
        st, aid, new_start=date(2026, 12, 1), new_end=date(2027, 11, 30), today=TODAY,
        arr_minor=60_000_00)),
    "tier.override": (_none, lambda st, aid, _: set_tier(st, aid, "S", reason="board member",
                                                          today=TODAY)),
    "account.edit": (_none, lambda st, aid, _: _edit(st, aid)),
}


@pytest.mark.parametrize("kind", list(ACTIONS))
def test_undo_puts_the_database_back(store: Store, kind: str) -> None:
    aid = _account(store, stage="renewal" if kind == "stage.renew" else "onboarding")
    setup, action = ACTIONS[kind]
    ctx = setup(store, aid)
    before = state(store)
    action(store, aid, ctx)
    assert state(store) != before
    store = _reopen(store)  # undo reads the change log: it survives a restart
    try:
        result = undo_last(store)
        assert result.done, result.message
        assert result.message.startswith("Undone: ")
        assert state(store) == before
        with store.session() as s:
            entries = s.exec(select(ChangeLog).order_by(ChangeLog.id)).all()  # type: ignore[arg-type]
        assert entries[-1].action == "undo"
        assert json.loads(entries[-1].payload)["undid"] == result.entry_id
        assert [e.undone for e in entries if e.id == result.entry_id] == [True]
    finally:
        store.close()


def test_followup_undo_message(store: Store) -> None:
    aid = _account(store)
    log_followup(store, aid, summary="Call", now=NOW, today=TODAY)
    assert undo_last(store).message == "Undone: logged follow-up with 清华大学 on 2026-11-24"


def test_stage_move_undo_removes_the_generated_tasks(store: Store) -> None:
    aid = _account(store)
    move_stage(store, aid, "adoption", today=TODAY)
    with store.session() as s:
        assert s.exec(select(Task).where(Task.stage == "adoption")).all()
    result = undo_last(store)
    assert result.message == "Undone: moved 清华大学 from onboarding to adoption"
    with store.session() as s:
        assert s.exec(select(Task).where(Task.stage == "adoption")).all() == []
        assert s.get(Account, aid).stage == "onboarding"


def test_unlock_undo_relocks(demo_store: Store) -> None:
    with demo_store.session() as s:
        aid = s.exec(select(Account.id).where(Account.tier_locked == True)).first()  # noqa: E712
    before = state(demo_store)
    unlock(demo_store, aid, today=TODAY)
    assert undo_last(demo_store).done
    assert state(demo_store) == before


def test_undo_is_a_stack(store: Store) -> None:
    aid = _account(store)
    before = state(store)
    set_tier(store, aid, "S", reason="board member", today=TODAY)
    move_stage(store, aid, "adoption", today=TODAY)
    assert "moved" in undo_last(store).message
    assert "tier override" in undo_last(store).message
    assert state(store) == before
    result = undo_last(store)
    assert not result.done and result.message.startswith("Can't undo")  # tasks.generate


def test_changed_since_is_refused_and_nothing_changes(store: Store) -> None:
    aid = _account(store)
    move_stage(store, aid, "adoption", today=TODAY)
    with store.transaction() as s:  # a teammate's edit (another user's change log)
        acc = s.get(Account, aid)
        acc.region, acc.version = "上海", acc.version + 1
    before = state(store)
    result = undo_last(store)
    assert not result.done
    assert "changed since" in result.message and "nothing changed" in result.message
    assert state(store) == before
    with store.session() as s:
        assert not any(e.undone for e in s.exec(select(ChangeLog)).all())


def test_deleted_row_is_refused(store: Store) -> None:
    aid = _account(store)
    result = log_followup(store, aid, summary="Call", next_date=TODAY + timedelta(days=3),
                          now=NOW, today=TODAY)
    mark_done(store, result.next_id, now=NOW)
    with store.transaction() as s:
        s.delete(s.get(Touchpoint, result.next_id))
    assert "deleted" in undo_last(store).message
    # the mark-done stays the last entry: undo stops there rather than skip it
    assert not undo_last(store).done


def test_retier_and_empty_log(store: Store) -> None:
    assert undo_last(store).message == "Nothing to undo"
    _account(store)
    retier(store, today=TODAY)
    result = undo_last(store)
    assert not result.done and "retier can't be undone; use csm tier to override" in \
        result.message


def test_undo_is_per_user(store: Store) -> None:
    aid = _account(store)
    log_followup(store, aid, summary="Call", now=NOW, today=TODAY)
    assert undo_last(store, actor="someone-else").message == "Nothing to undo"


def test_cli_undo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "c.db")
    assert main(["seed-demo", "--db", db, "--today", "2026-11-24"]) == 0
    assert main(["log", "清华大学", "Budget confirmed", "--db", db, "--today",
                 "2026-11-24"]) == 0
    capsys.readouterr()
    assert main(["undo", "--db", db]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Undone: logged follow-up with 清华大学 on ")
    assert main(["undo", "--list", "--db", db]) == 0
    assert "(undone)" in capsys.readouterr().out
    assert main(["undo", "--db", db]) == 2  # the seed's task generation can't be undone
    assert capsys.readouterr().err.startswith("csm: error: Can't undo")


def test_cli_nothing_to_undo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["undo", "--db", str(tmp_path / "e.db"), "--create"]) == 2
    assert "Nothing to undo" in capsys.readouterr().err


async def test_u_undoes_a_logged_followup(demo_store: Store) -> None:
    from screens.log_form import LogFollowUpScreen
    from screens.today import TodayScreen
    from tests.pilot import press, started, watched_app

    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        with demo_store.session() as s:
            count = len(s.exec(select(Touchpoint)).all())
        await press(pilot, "l", ready=LogFollowUpScreen)
        assert isinstance(app.screen, LogFollowUpScreen)
        await press(pilot, *"Budget confirmed", "enter", ready=TodayScreen)  # logged
        with demo_store.session() as s:
            assert len(s.exec(select(Touchpoint)).all()) > count - 1
            logged = s.exec(select(Touchpoint).where(
                Touchpoint.summary == "Budget confirmed")).all()
        assert logged
        await press(pilot, "u", ready=TodayScreen)  # undone: Today reloads
        assert any(m.startswith("Undone: logged follow-up with ") for m in app.notices)
        assert app.screen.title == "Today"
    with demo_store.session() as s:
        assert s.exec(select(Touchpoint).where(
            Touchpoint.summary == "Budget confirmed")).all() == []


def test_edit_conflict_tells_both_values(store: Store) -> None:
    from csm_tui.account_edit import EditConflict, conflict_lines

    aid = _account(store)
    with store.session() as s:
        acc = s.get(Account, aid)
        opened, version = form_values(acc), acc.version
    update_account(store, aid, {**opened, "region": "上海"}, expected_version=version)
    yours = {**opened, "region": "北京", "nps": "40"}
    with pytest.raises(EditConflict) as info:
        update_account(store, aid, yours, expected_version=version)
    lines = conflict_lines(opened, info.value.theirs, yours)
    assert lines == ["Region: theirs 上海 · yours 北京", "NPS: theirs (empty) · yours 40"]
    # saving again with their version puts yours over theirs, deliberately
    update_account(store, aid, yours, expected_version=info.value.version)
    with store.session() as s:
        assert s.get(Account, aid).region == "北京"


async def test_edit_form_shows_theirs_and_yours(store: Store) -> None:
    from textual.widgets import Input, Label

    from screens.account_form import AccountForm
    from tests.pilot import press, started, watched_app

    aid = _account(store)
    with store.session() as s:
        acc = s.get(Account, aid)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        app.push_screen(AccountForm(acc))
        await pilot.pause()
        update_account(store, aid, {**form_values(acc), "region": "上海"},
                       expected_version=acc.version)  # a teammate saves first
        app.screen.query_one("#f-region", Input).value = "北京"
        await press(pilot, "ctrl+s")
        await app.workers.wait_for_complete()  # the save finds their version: no write
        await pilot.pause()
        text = str(app.screen.query_one("#form-error", Label).render())
        assert "Region: theirs 上海 · yours 北京" in text
