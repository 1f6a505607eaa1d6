"""The TUI shell: starts on Today, visits all five screens with 1-5, shows help."""

from __future__ import annotations

from csm_tui.app import CsmApp
from db.store import Store
from screens.vtable import VirtualTable
from tests.pilot import settle


async def test_visit_every_screen(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.screen.title == "Today"
        assert app.screen.query_one("#today-due", VirtualTable).row_count > 0
        for key, title in (("2", "Portfolio"), ("3", "Lifecycle"), ("4", "Touchpoints"),
                           ("5", "Calendar"), ("1", "Today")):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen.title == title
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#portfolio", VirtualTable)
        assert table.row_count == 59
        assert [r.key for r in table.rows if r.group] == ["group:S", "group:A", "group:B",
                                                          "group:C"]


async def test_help_lists_bindings(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        for word in ("Today", "Portfolio", "Lifecycle", "Touchpoints", "Calendar", "Quit"):
            assert word in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.title == "Today"


def _past_guard(app: CsmApp) -> None:
    """Forget when each screen was last resumed (the two-second double-resume guard)."""
    for stack in app._screen_stacks.values():
        for screen in stack:
            screen._resumed_at = 0.0


async def test_resume_reloads_only_after_a_change(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    """Switching back shows what another instance wrote, and costs no reload when
    nothing changed."""
    from datetime import UTC, datetime

    from csm_tui.followup import log_followup
    from db.store import Store as StoreType
    from screens.portfolio import PortfolioScreen

    other = StoreType(url=demo_store.url, engine=demo_store.engine)  # a second instance
    app = CsmApp(demo_store, today=lambda: today)
    loads: list[int] = []
    original = PortfolioScreen.fetch

    def counting(self, store, day):  # type: ignore[no-untyped-def]
        loads.append(1)
        return original(self, store, day)

    PortfolioScreen.fetch = counting  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)
            first = len(loads)
            for key in ("1", "2", "1", "2"):  # nothing changed: no reload of Portfolio
                _past_guard(app)
                await pilot.press(key)
                await settle(pilot)
            assert len(loads) == first
            table = app.screen.query_one("#portfolio", VirtualTable)
            row = next(r for r in table.rows if not r.group)
            account_id = int(row.key)
            log_followup(other, account_id, summary="from the other instance",
                         now=datetime.now(UTC), today=today)
            await pilot.press("1")
            await settle(pilot)
            _past_guard(app)
            await pilot.press("2")
            await settle(pilot)
            assert len(loads) == first + 1
    finally:
        PortfolioScreen.fetch = original  # type: ignore[method-assign]


async def test_store_opens_after_the_first_paint(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    """Given a function that opens the store (as the CLI does), the app paints Today
    first and fills it once the store is open."""
    import threading

    gate = threading.Event()

    def slow_open() -> Store:
        gate.wait(10)
        return demo_store

    app = CsmApp(slow_open, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.screen.title == "Today" and app.store_if_open is None
        assert app.screen.query_one("#today-due", VirtualTable).row_count == 0
        gate.set()
        for _ in range(3):
            await settle(pilot)
        assert app.screen.query_one("#today-due", VirtualTable).row_count > 0


async def test_store_that_cannot_open_ends_the_app(today) -> None:  # type: ignore[no-untyped-def]
    from db.engine import StoreError

    def broken() -> Store:
        raise StoreError("x.db: the file is not a database")

    app = CsmApp(broken, today=lambda: today)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2 and isinstance(app.startup_error, StoreError)


async def test_theme_change_restyles_screens_of_other_modes(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    """Switches skip Textual's restyle when nothing changed, but not after a theme
    change made while the screen was in the background."""
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        dark = app.screen.styles.background
        await pilot.press("1")
        await settle(pilot)
        app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.styles.background != dark
