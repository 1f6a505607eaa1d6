"""The TUI shell: starts on Today, visits all five screens with 1-5, shows help."""

from __future__ import annotations

from csm_tui.app import CsmApp
from db.store import Store
from screens.vtable import VirtualTable


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_visit_every_screen(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(pilot)
        assert app.screen.title == "Today"
        assert app.screen.query_one("#today-due", VirtualTable).row_count > 0
        for key, title in (("2", "Portfolio"), ("3", "Lifecycle"), ("4", "Touchpoints"),
                           ("5", "Calendar"), ("1", "Today")):
            await pilot.press(key)
            await _settle(pilot)
            assert app.screen.title == title
        await pilot.press("2")
        await _settle(pilot)
        table = app.screen.query_one("#portfolio", VirtualTable)
        assert table.row_count == 59
        assert [r.key for r in table.rows if r.group] == ["group:S", "group:A", "group:B",
                                                          "group:C"]


async def test_help_lists_bindings(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        for word in ("Today", "Portfolio", "Lifecycle", "Touchpoints", "Calendar", "Quit"):
            assert word in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.title == "Today"
