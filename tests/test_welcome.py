"""The first run: an empty database opens on the welcome screen, which keeps the
user's name and currency and reaches a filled Today by itself."""

from __future__ import annotations

import tomllib
from datetime import date

from textual.widgets import Input

from csm_tui.paths import config_dir
from db.store import Store
from screens.date_input import DateInput
from screens.today import TodayScreen
from screens.vtable import VirtualTable
from screens.welcome import WelcomeScreen
from tests.pilot import expect_ready, press, started, watched_app

TODAY = date(2026, 11, 24)


async def _welcome(pilot) -> WelcomeScreen:  # type: ignore[no-untyped-def]
    await started(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, WelcomeScreen)
    return screen


async def test_empty_database_reaches_a_filled_today_through_the_welcome(store: Store) -> None:
    app = watched_app(store, TODAY, user="someone")
    async with app.run_test(size=(100, 40)) as pilot:
        welcome = await _welcome(pilot)
        welcome.query_one("#welcome-owner", Input).value = "李雷"
        welcome.query_one("#welcome-currency", Input).value = "cny"
        welcome.query_one("#welcome-name", Input).value = "清华大学"
        welcome.query_one("#welcome-arr", Input).value = "120,000"
        welcome.query_one(DateInput).value = "下周一"  # Chinese dates work here too
        await pilot.pause()
        assert "Mon 30 Nov 2026" in str(welcome.query_one("#welcome-end-resolved").render())
        welcome.query_one(DateInput).value = ""  # empty: a year from today
        async with expect_ready(pilot, TodayScreen):
            await pilot.click("#welcome-add")
        assert isinstance(app.screen, TodayScreen)
        rows = app.screen.query_one("#today-due", VirtualTable).rows
        assert any("清华大学" in str(r.values()) for r in rows if not r.group)
        settings = tomllib.loads((config_dir() / "settings.toml").read_text("utf-8"))
        assert settings["user"]["name"] == "李雷" and settings["money"]["base_currency"] == "CNY"
        assert app.services.user == "李雷"


async def test_welcome_refuses_a_bad_currency_and_keeps_what_was_typed(store: Store) -> None:
    app = watched_app(store, TODAY, user="someone")
    async with app.run_test(size=(80, 24)) as pilot:
        welcome = await _welcome(pilot)
        welcome.query_one("#welcome-currency", Input).value = "yuan"
        welcome.query_one("#welcome-name", Input).value = "Contoso"
        await pilot.click("#welcome-add")
        await pilot.pause()
        assert app.screen is welcome
        assert "ISO" in str(welcome.query_one("#welcome-error").render())
        assert welcome.query_one("#welcome-name", Input).value == "Contoso"
        await press(pilot, "escape")
        assert isinstance(app.screen, TodayScreen)
