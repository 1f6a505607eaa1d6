"""The TUI shell: starts on Today, visits all five screens with 1-5, shows help, and the
data path (one version, reload only on change, one error path)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from csm_tui.factory import make_app
from db.store import Store
from screens.calendar import CalendarScreen
from screens.lifecycle import LifecycleScreen
from screens.portfolio import PortfolioScreen
from screens.today import TodayScreen
from screens.touchpoints import TouchpointsScreen
from screens.vtable import VirtualTable
from tests.pilot import WatchedApp, press, started, watched_app


async def test_visit_every_screen(demo_store: Store, today: date) -> None:
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        assert app.screen.title == "Today"
        assert app.screen.query_one("#today-due", VirtualTable).row_count > 0
        for key, title, kind in (("2", "Portfolio", PortfolioScreen),
                                 ("3", "Lifecycle", LifecycleScreen),
                                 ("4", "Touchpoints", TouchpointsScreen),
                                 ("5", "Calendar", CalendarScreen)):
            await press(pilot, key, ready=kind)
            assert app.screen.title == title
        await press(pilot, "1")
        assert app.screen.title == "Today"
        await press(pilot, "2")
        table = app.screen.query_one("#portfolio", VirtualTable)
        assert table.row_count == 59
        assert [r.key for r in table.rows if r.group] == ["group:S", "group:A", "group:B",
                                                          "group:C"]


async def test_help_lists_bindings(demo_store: Store, today: date) -> None:
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "question_mark")
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        for word in ("Today", "Portfolio", "Lifecycle", "Touchpoints", "Calendar", "Quit"):
            assert word in text
        await press(pilot, "escape")
        assert app.screen.title == "Today"


async def test_resume_reloads_only_after_a_change(demo_store: Store, today: date) -> None:
    """Switching back costs no reload when nothing changed, and shows what another
    instance wrote (seen through the change-log counter) when something did."""
    from csm_tui.followup import log_followup

    other = Store(url=demo_store.url, engine=demo_store.engine)  # a second instance
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "2", ready=PortfolioScreen)
        first = app.readies[PortfolioScreen]
        for key in ("1", "2", "1", "2"):  # nothing changed: Portfolio is not loaded again
            await press(pilot, key)
            await app.workers.wait_for_complete()  # the "did anyone write?" check
            await pilot.pause()
        assert app.readies[PortfolioScreen] == first
        table = app.screen.query_one("#portfolio", VirtualTable)
        account_id = int(next(r for r in table.rows if not r.group).key)
        log_followup(other, account_id, summary="from the other instance",
                     now=datetime.now(UTC), today=today)
        await press(pilot, "1", ready=TodayScreen)  # Today: the check found the write
        await press(pilot, "2", ready=PortfolioScreen)
        assert app.readies[PortfolioScreen] == first + 1


async def test_store_opens_after_the_first_paint(demo_store: Store, today: date) -> None:
    """Given a function that opens the store (as the CLI does), the app paints Today
    first and fills it once the store is open."""
    gate = threading.Event()

    def slow_open() -> Store:
        gate.wait(10)
        return demo_store

    from csm_tui.services import Services

    app = WatchedApp(Services(slow_open, today=lambda: today, user="tester"))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.screen.title == "Today" and app.services.store_if_open is None
        assert app.screen.query_one("#today-due", VirtualTable).row_count == 0
        gate.set()
        await started(pilot)
        assert app.screen.query_one("#today-due", VirtualTable).row_count > 0


async def test_store_that_cannot_open_ends_the_app(today: date) -> None:
    from csm_tui.services import Services
    from db.errors import StoreError

    def broken() -> Store:
        raise StoreError("x.db: the file is not a database")

    app = WatchedApp(Services(broken, today=lambda: today, user="tester"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2 and isinstance(app.services.open_error, StoreError)


async def test_theme_change_restyles_screens_of_other_modes(demo_store: Store,
                                                          today: date) -> None:
    """Switches skip Textual's restyle when nothing changed, but not after a theme
    change made while the screen was in the background."""
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "2", ready=PortfolioScreen)
        dark = app.screen.styles.background
        await press(pilot, "1")
        app.theme = "textual-light"
        await pilot.pause()
        await press(pilot, "2")
        assert app.screen.styles.background != dark


async def test_a_failed_load_is_one_line_not_a_traceback(demo_store: Store,
                                                         today: date) -> None:
    """Every worker failure reaches the user through the app's one handler."""
    app = watched_app(demo_store, today)

    def broken(*_args: object, **_kw: object) -> None:
        raise LookupError("account 99 not found")

    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        app.services.due_touchpoints = broken  # type: ignore[method-assign]
        await press(pilot, "4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.notices == ["account 99 not found"]
        assert app.is_running


async def test_palette_log_action_opens_the_form(demo_store: Store, today: date) -> None:
    """The palette's "Log a follow-up for the selected account" runs the screen's `l`
    (it used to start the action without awaiting it, and nothing happened)."""
    from screens.log_form import LogFollowUpScreen

    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        before = app.readies[LogFollowUpScreen]
        await app.run_action("log_selected")
        await app.ready(LogFollowUpScreen, before)
        assert isinstance(app.screen, LogFollowUpScreen)


def test_the_cli_and_the_tests_build_the_same_app(demo_store: Store, today: date) -> None:
    from csm_tui.app import CsmApp

    app = make_app(demo_store, today=today, user="someone")
    assert type(app) is CsmApp and app.services.today() == today
    assert app.services.user == "someone"


async def test_a_newer_request_is_loaded_while_an_older_one_is_on_its_way(
        demo_store: Store, today: date) -> None:
    """Two month changes in a row: the second month is loaded and shown, never the first
    month's items under the second month's name."""
    from tests.pilot import expect_ready

    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "5", ready=CalendarScreen)
        screen = app.screen
        assert isinstance(screen, CalendarScreen)
        async with expect_ready(pilot, CalendarScreen):
            screen.action_month(1)
            screen.action_month(1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.grid.selected.month == (today.month + 1) % 12 + 1
        assert screen.loaded_range == screen.request()
        assert all(screen.loaded_range[0] <= i.day <= screen.loaded_range[1]
                   for i in screen.items)


async def test_u_undoes_in_an_app_showing_another_users_portfolio(demo_store: Store,
                                                                  today: date) -> None:
    """The demo shows alex.chen's portfolio while the change log names the login user:
    `u` still undoes what was just done."""
    from screens.log_form import LogFollowUpScreen

    app = watched_app(demo_store, today, user="alex.chen")
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "l", ready=LogFollowUpScreen)
        await pilot.press(*"Called about the budget")
        await press(pilot, "enter", ready=TodayScreen)
        await press(pilot, "u", ready=TodayScreen)
        assert any(n.startswith("Undone: logged follow-up") for n in app.notices), app.notices
