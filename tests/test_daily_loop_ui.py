"""The daily loop in the TUI, checked on screen after each write: a follow-up logged on
an SOP step's row ticks it, an edit conflict keeps the teammate's other fields, a
renewal shows in "renewed" with its date, a churn leaves nothing on Today, and the
account screen shows each metric's trend."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Label, Static

from csm_tui.account_edit import form_values, update_account
from csm_tui.cli import main
from csm_tui.demo import DEMO_USER
from db.models import Account, Task
from db.store import Store
from screens.account import AccountScreen
from screens.account_form import AccountForm
from screens.card_column import CardColumn
from screens.lifecycle import LifecycleScreen
from screens.lifecycle_dialogs import RenewDialog
from screens.log_form import LogFollowUpScreen
from screens.today import TodayScreen
from screens.vtable import VirtualTable
from tests.pilot import expect_ready, press, started, watched_app

TODAY = date(2026, 11, 24)


def _cli_keys(store: Store) -> list[tuple[Any, ...]]:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["today", "--json", "--db", store.url, "--today", TODAY.isoformat()]) == 0
    return [(i["kind"], i["touchpoint_id"], i["task_id"], i["account_id"])
            for i in json.loads(out.getvalue())["items"]]


def _screen_keys(pilot: Pilot[Any]) -> list[tuple[Any, ...]]:
    screen = pilot.app.screen
    assert isinstance(screen, TodayScreen)
    items = [screen.items[r.key] for r in screen.query_one("#today-due", VirtualTable).rows]
    return [(i.kind, i.touchpoint_id, i.task_id, i.account_id) for i in items]


async def test_logging_on_an_sop_row_offers_to_tick_it(demo_store: Store,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSM_USER", DEMO_USER)
    app = watched_app(demo_store, TODAY, user=DEMO_USER)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        table = app.screen.query_one("#today-due", VirtualTable)
        key = next(r.key for r in table.rows if r.key.startswith("task:"))
        task_id = int(key.split(":")[1])
        table.move_to_key(key)
        table.focus()
        await press(pilot, "l", ready=LogFollowUpScreen)
        form = app.screen
        with demo_store.session() as s:
            task = s.get(Task, task_id)
        assert form.query_one("#log-summary", Input).value == task.title
        tick = form.query_one("#log-tick", Checkbox)
        assert tick.display and tick.value
        await press(pilot, "enter", ready=TodayScreen)
        assert key not in [r.key for r in table.rows]
        assert _screen_keys(pilot) == _cli_keys(demo_store)
        assert any(n.startswith("Done: ") for n in app.notices)
    with demo_store.session() as s:
        assert s.get(Task, task_id).closed_as == "done"


async def test_a_conflict_keeps_their_fields_and_asks_only_about_shared_ones(
        store: Store) -> None:
    with store.transaction() as s:
        acc = Account(name="Acme", arr_minor=100_00, region="成都")
        s.add(acc)
        s.flush()
        aid = acc.id or 0
    with store.session() as s:
        opened = s.get(Account, aid)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        app.push_screen(AccountForm(opened))
        await pilot.pause()
        values = form_values(opened)
        # a teammate saves ARR and region first
        update_account(store, aid, {**values, "arr": "777", "region": "上海"},
                       expected_version=opened.version, base=values)
        form = app.screen
        form.query_one("#f-region", Input).value = "北京"
        form.query_one("#f-industry", Input).value = "education"
        await press(pilot, "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(form.query_one("#form-error", Label).render())
        assert "Region: theirs 上海 · yours 北京" in text
        assert "ARR" not in text and "Industry" not in text  # only what both changed
        assert form.query_one("#f-arr", Input).value == "777"  # theirs, kept
        await press(pilot, "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is not form
    with store.session() as s:
        acc = s.get(Account, aid)
        assert (acc.region, acc.industry, acc.arr_minor) == ("北京", "education", 777_00)


async def test_a_disjoint_save_merges_without_asking(store: Store) -> None:
    with store.transaction() as s:
        acc = Account(name="Acme", arr_minor=100_00)
        s.add(acc)
        s.flush()
        aid = acc.id or 0
    with store.session() as s:
        opened = s.get(Account, aid)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        app.push_screen(AccountForm(opened))
        await pilot.pause()
        values = form_values(opened)
        update_account(store, aid, {**values, "arr": "555"}, expected_version=opened.version,
                       base=values)
        form = app.screen
        form.query_one("#f-region", Input).value = "深圳"
        await press(pilot, "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is not form
    with store.session() as s:
        acc = s.get(Account, aid)
        assert (acc.region, acc.arr_minor) == ("深圳", 555_00)  # the ARR change stands


async def test_a_renewal_shows_in_renewed_with_its_date(demo_store: Store) -> None:
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(200, 50)) as pilot:
        await started(pilot)
        await press(pilot, "3", ready=LifecycleScreen)
        board = app.screen
        column = board.query_one("#col-renewal", CardColumn)
        column.focus()
        await pilot.pause()
        card = column.current
        assert card is not None
        await press(pilot, "shift+right")
        assert isinstance(app.screen, RenewDialog)
        dialog = app.screen
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert dialog.query_one("#renew-end", Input).value
        async with expect_ready(pilot, LifecycleScreen):
            dialog.query_one("#renew-arr", Input).focus()
            await pilot.press("enter")
        renewed = board.query_one("#col-renewed", CardColumn)
        shown = next(c for c in renewed.cards if c.account_id == card.account_id)
        assert shown.renewed_on == TODAY
        assert app.focused is renewed and renewed.current.account_id == card.account_id
        assert any("renewed, term 2" in n for n in app.notices)
    with demo_store.session() as s:
        assert s.get(Account, card.account_id).stage == "renewed"
        open_renewal = s.exec(select(Task).where(Task.account_id == card.account_id,
                                                 Task.stage == "renewal",
                                                 Task.done_at == None)).all()  # noqa: E711
        assert open_renewal == []


async def test_a_churn_leaves_nothing_of_the_account_on_today(
        demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from screens.lifecycle_dialogs import ReasonDialog

    monkeypatch.setenv("CSM_USER", DEMO_USER)
    app = watched_app(demo_store, TODAY, user=DEMO_USER)
    async with app.run_test(size=(200, 50)) as pilot:
        await started(pilot)
        wanted = {aid for kind, _tp, _task, aid in _screen_keys(pilot) if kind == "touchpoint"}
        await press(pilot, "3", ready=LifecycleScreen)
        board = app.screen
        card = next(c for stage in ("adoption", "onboarding", "renewal")
                    for c in board.query_one(f"#col-{stage}", CardColumn).cards
                    if c.account_id in wanted)
        column = next(board.query_one(f"#col-{s}", CardColumn)
                      for s in ("adoption", "onboarding", "renewal")
                      if card in board.query_one(f"#col-{s}", CardColumn).cards)
        column.focus()
        column.cursor = column.cards.index(card)
        await press(pilot, "C")
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one(Input).value = "went in-house"
        await press(pilot, "enter", ready=LifecycleScreen)
        await press(pilot, "1", ready=TodayScreen)
        left = [k for k in _screen_keys(pilot) if k[3] == card.account_id]
        assert all(kind == "task" for kind, *_ in left)  # win-back steps only, if due
        assert _screen_keys(pilot) == _cli_keys(demo_store)


async def test_the_account_screen_shows_metric_trends(demo_store: Store) -> None:
    assert main(["metric", "招商银行", "nps", "20", "--db", demo_store.url,
                 "--today", TODAY.isoformat()]) == 0
    with demo_store.session() as s:
        aid = s.exec(select(Account).where(Account.name == "招商银行")).one().id
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        async with expect_ready(pilot, AccountScreen):
            app.open_account(aid)
        text = str(app.screen.query_one("#account-metrics", Static).render())
        assert "NPS" in text and "→ 20 ↓" in text
        why = str(app.screen.query_one("#account-why", Static).render())
        assert "NPS falling: NPS" in why and "→ 20 on 2026-11-24" in why
        from screens.vtable import VirtualTable

        rows = app.screen.query_one("#account-timeline", VirtualTable).rows
        assert any("term 1:" in str(cell) for row in rows for cell in row.values())


async def test_snoozing_a_cadence_row_plans_the_touch(demo_store: Store,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A cadence row (nothing planned) snoozed with `s`: its next touch is planned on
    that day, and the row leaves Today."""
    from screens.dialogs import DatePrompt

    with demo_store.transaction() as s:  # a new account of ours: never touched
        acc = Account(name="Fabrikam New", tier="B", owner=DEMO_USER, stage="handover")
        s.add(acc)
        s.flush()
        aid = acc.id
    monkeypatch.setenv("CSM_USER", DEMO_USER)
    app = watched_app(demo_store, TODAY, user=DEMO_USER)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        table = app.screen.query_one("#today-due", VirtualTable)
        key = f"cadence:{aid}"
        assert key in [r.key for r in table.rows]
        table.move_to_key(key)
        table.focus()
        await press(pilot, "s")
        assert isinstance(app.screen, DatePrompt)
        app.screen.query_one(Input).value = "+3d"
        await press(pilot, "enter", ready=TodayScreen)
        assert key not in [r.key for r in table.rows]
        assert _screen_keys(pilot) == _cli_keys(demo_store)
    with demo_store.session() as s:
        from db.models import Touchpoint

        planned = s.exec(select(Touchpoint).where(Touchpoint.account_id == aid)).all()
        assert [(tp.status, tp.due_date) for tp in planned] == [
            ("planned", TODAY + timedelta(days=3))]


async def test_done_on_a_cadence_row_logs_it(demo_store: Store,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`d` on a cadence row is `csm done C…`: a touch logged, the next one planned."""
    with demo_store.transaction() as s:
        acc = Account(name="Fabrikam New", tier="A", owner=DEMO_USER, stage="handover")
        s.add(acc)
        s.flush()
        aid = acc.id
    monkeypatch.setenv("CSM_USER", DEMO_USER)
    app = watched_app(demo_store, TODAY, user=DEMO_USER)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        table = app.screen.query_one("#today-due", VirtualTable)
        table.move_to_key(f"cadence:{aid}")
        table.focus()
        await press(pilot, "d", ready=TodayScreen)
        assert f"cadence:{aid}" not in [r.key for r in table.rows]
        assert _screen_keys(pilot) == _cli_keys(demo_store)
    with demo_store.session() as s:
        from db.models import Touchpoint

        rows = s.exec(select(Touchpoint).where(Touchpoint.account_id == aid)).all()
        assert sorted(tp.status for tp in rows) == ["done", "planned"]
