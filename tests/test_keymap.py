"""The key map: one table (csm_tui/keymap.py) drives every binding, `?`, the key bar,
docs/keys.md and the README's key table; this walks every screen's active bindings
against them, and checks that one key means one thing and that ui.toml remaps."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from csm_tui.keymap import BY_ID, KEY_TABLE, KEYMAP, markdown_table
from csm_tui.paths import config_dir
from db.store import Store
from screens.account import AccountScreen
from screens.calendar import CalendarScreen
from screens.dialogs import DatePrompt
from screens.help import HelpScreen, help_sections
from screens.keybar import KeyBar
from screens.lifecycle import LifecycleScreen
from screens.portfolio import PortfolioScreen
from screens.today import TodayScreen
from screens.touchpoints import TouchpointsScreen
from tests.pilot import press, started, watched_app

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 24)
SCREENS = [("1", TodayScreen), ("2", PortfolioScreen), ("3", LifecycleScreen),
           ("4", TouchpointsScreen), ("5", CalendarScreen)]
# The groups of the main screens and their widgets: there a key has one meaning.
MAIN = ("app", "today", "portfolio", "lifecycle", "touchpoints", "calendar", "account",
        "table", "cards", "checklist")
# Motions mean "move" in whatever has the focus (a row, a card, a day); leaving keys
# mean "leave" (back, cancel, clear the filter).
MOTIONS = {"up", "down", "left", "right", "k", "j", "g", "G", "home", "end", "pageup",
           "pagedown", "left_square_bracket", "right_square_bracket", "enter", "escape",
           "backspace", "space"}


def test_every_binding_is_documented_once_and_docs_match() -> None:
    documented = [i for ids, _, _ in KEY_TABLE for i in ids]
    assert sorted(documented) == sorted(BY_ID), "KEY_TABLE and KEYMAP differ"
    assert len(documented) == len(set(documented))
    docs = (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
    assert markdown_table() in docs, "docs/keys.md is out of date: regenerate its table"


def test_readme_key_table_is_the_key_map() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if "csm_tui/keymap.py" not in readme:
        pytest.skip("README's key table is replaced by the key map's at merge")
    assert markdown_table() in readme


def test_one_key_one_meaning_on_the_main_screens() -> None:
    meaning: dict[str, set[str]] = {}
    for group in MAIN:
        for k in KEYMAP[group]:
            for key in k.keys.split(","):
                if key not in MOTIONS:
                    meaning.setdefault(key, set()).add(k.description)
    clashes = {key: sorted(d) for key, d in meaning.items() if len(d) > 1}
    assert not clashes, f"keys with two meanings: {clashes}"
    for key in ("r", "ctrl+r", "l", "t", "v", "s", "H", "L", "slash"):
        assert key in meaning


def _check_screen(screen: Any) -> list[tuple[str, str]]:
    """Every active binding of ours is one the key map gives it; `?` lists exactly the
    enabled ones, with human names."""
    ours: dict[str, set[str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.id in BY_ID:
            assert key in BY_ID[binding.id].keys.split(","), (binding.id, key)
            if active.enabled:
                ours.setdefault(binding.id, set()).add(key)
        else:  # Textual's own (focus, copy, scrolling): never in our help
            assert binding.id is None or not binding.id.startswith(
                ("app.", "today.", "tp.", "cal.", "kanban.", "portfolio.")), binding.id
    rows = [row for _, section in help_sections(screen) for row in section]
    assert len(rows) == len(ours)
    text = " ".join(k for k, _ in rows)
    assert "left_square_bracket" not in text and "question_mark" not in text
    return rows


async def _walk(pilot: Pilot[Any]) -> dict[str, list[tuple[str, str]]]:
    await started(pilot)
    seen = {}
    for key, kind in SCREENS:
        if not isinstance(pilot.app.screen, kind):
            await press(pilot, key, ready=kind)
        seen[kind.__name__] = _check_screen(pilot.app.screen)
    await press(pilot, "2")  # shown before and unchanged: no new load
    await press(pilot, "enter", ready=AccountScreen)
    seen["AccountScreen"] = _check_screen(pilot.app.screen)
    return seen


async def test_every_screen_binds_what_the_key_map_says(demo_store: Store) -> None:
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        seen = await _walk(pilot)
        today = dict(seen["TodayScreen"])
        assert today["r"] == "Reschedule" and today["ctrl+r"] == "Refresh"
        assert dict(seen["CalendarScreen"])["["] == "Previous month"
        assert "H/shift+←" in dict(seen["LifecycleScreen"])
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_help_lists_only_what_acts_on_the_focused_widget(demo_store: Store) -> None:
    """On the calendar the arrows move a day only while the month grid has the focus;
    with the day's list focused `?` offers the list's keys instead."""
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "5", ready=CalendarScreen)
        on_grid = dict(row for _, rows in help_sections(app.screen) for row in rows)
        assert on_grid.get("←") == "Previous day"
        app.screen.query_one("#cal-items").focus()
        await pilot.pause()
        on_list = dict(row for _, rows in help_sections(app.screen) for row in rows)
        assert "←" not in on_list and on_list.get("↑/k") == "Up"


async def test_ui_toml_remaps_a_key(demo_store: Store) -> None:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ui.toml").write_text('theme = "textual-dark"\n\n[keymap]\n"tp.snooze" = "z"\n'
                                    '"no.such" = "x"\n', encoding="utf-8")
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        assert any("no.such" in n for n in app.notices)
        await press(pilot, "4", ready=TouchpointsScreen)
        rows = dict(row for _, section in help_sections(app.screen) for row in section)
        assert rows.get("z") == "Snooze" and "s" not in rows
        await press(pilot, "z")
        assert isinstance(app.screen, DatePrompt)
    from csm_tui.ui_prefs import remember_theme

    remember_theme("textual-light")  # the keymap survives the theme being saved
    assert '"tp.snooze" = "z"' in (folder / "ui.toml").read_text(encoding="utf-8")


async def test_key_bar_says_more_when_it_drops_keys(demo_store: Store) -> None:
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await press(pilot, "2", ready=PortfolioScreen)
        bar = str(app.screen.query_one(KeyBar).render())
        assert bar.rstrip().endswith("more: ?") and len(bar) <= 80
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(200, 24)) as pilot:
        await started(pilot)
        bar = str(app.screen.query_one(KeyBar).render())
        assert "more:" not in bar and "? help" in bar
