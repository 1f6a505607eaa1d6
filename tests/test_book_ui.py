"""The book kept by hand in the TUI: Portfolio's `n`, the account screen's stakeholder,
note and task forms, `F` for a coverage alert, `D` with its question, and the
Touchpoints history with `/` searching the book."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from csm_tui.book import NewAccount, add_account
from db.models import Contact, Note
from db.store import Store
from screens.account import AccountScreen
from screens.book_forms import RecordForm
from screens.dialogs import Confirm
from screens.portfolio import PortfolioScreen
from screens.touchpoints import TouchpointsScreen
from screens.vtable import VirtualTable
from tests.pilot import expect_ready, press, started, watched_app

TODAY = date(2026, 11, 24)


def _cells(table: VirtualTable) -> str:
    return " ".join(str(c) for row in table.rows for c in row.values())


async def test_new_account_then_stakeholder_note_and_delete(store: Store) -> None:
    add_account(store, NewAccount("Seed", currency="CNY", owner="me"), today=TODAY)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "2", ready=PortfolioScreen)
        await press(pilot, "n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#rf-name").value = "清华大学"
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("ctrl+s")
        screen = app.screen
        assert isinstance(screen, AccountScreen) and screen.detail is not None
        assert screen.detail.account.name == "清华大学"
        # the coverage alert's fix: a decision maker, the role already chosen
        await press(pilot, "F")
        form = app.screen
        assert isinstance(form, RecordForm)
        assert form.query_one("#rf-role").value == "decision_maker"
        form.query_one("#rf-name").value = "胡晓东"
        form.query_one("#rf-email").value = "not-an-email"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)  # refused in place, typing kept
        assert "email" in str(form.query_one("#rf-error").render())
        form.query_one("#rf-email").value = "hu@thu.edu.cn"
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("ctrl+s")
        contacts = app.screen.query_one("#account-contacts", VirtualTable)
        assert "胡晓东" in _cells(contacts) and "hu@thu.edu.cn" in _cells(contacts)
        # a note
        await press(pilot, "N")
        form = app.screen
        assert isinstance(form, RecordForm)
        form.query_one("#rf-text").text = "续约讨论\n预算已确认"
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("ctrl+s")
        timeline = app.screen.query_one("#account-timeline", VirtualTable)
        assert "续约讨论" in _cells(timeline)
        # D on the stakeholder asks, then removes; u puts it back
        contacts = app.screen.query_one("#account-contacts", VirtualTable)
        contacts.focus()
        await pilot.pause()
        await press(pilot, "D")
        assert isinstance(app.screen, Confirm)
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("y")
        assert "胡晓东" not in _cells(app.screen.query_one("#account-contacts", VirtualTable))
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("u")
        assert "胡晓东" in _cells(app.screen.query_one("#account-contacts", VirtualTable))
    with store.session() as s:
        assert [c.name for c in s.exec(select(Contact)).all()] == ["胡晓东"]
        assert len(s.exec(select(Note)).all()) == 1


async def test_touchpoints_history_searches_the_book(demo_store: Store) -> None:
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "4", ready=TouchpointsScreen)
        await press(pilot, "h", ready=TouchpointsScreen)
        screen = app.screen
        assert isinstance(screen, TouchpointsScreen) and screen.page is not None
        statuses = {r.status for r in screen.page.rows}
        assert {"done", "planned"} <= statuses
        async with expect_ready(pilot, TouchpointsScreen):
            screen.query_one("#tp-filter").value = "channel:meeting"
        assert screen.page.rows and {r.channel for r in screen.page.rows} == {"meeting"}
        await press(pilot, "h", ready=TouchpointsScreen)
        assert screen.page is not None and not screen.history
