"""Appearance: one snapshot per screen at 80x24 and 160x45, in English and in Chinese.

Every snapshot is reviewed before being accepted (`pytest tests/test_snapshots.py
--snapshot-update`, then read the new SVGs or `snapshot_report.html`). What they show
is fixed: the demo portfolio around TODAY, the user "snapshot" (owns nothing, so the
team view), the default theme (the config folder is a fresh one per test), no clock,
and every background load finished before the picture is taken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from csm_tui.demo import prepare_demo
from csm_tui.i18n import set_language
from db.store import open_store
from screens.account import AccountScreen
from screens.calendar import CalendarScreen
from screens.lifecycle import LifecycleScreen
from screens.log_form import LogFollowUpScreen
from screens.portfolio import PortfolioScreen
from screens.touchpoints import TouchpointsScreen
from tests.conftest import TODAY
from tests.pilot import WatchedApp, press, started, watched_app

pytestmark = pytest.mark.sqlite_only

SIZES = [(80, 24), (160, 45)]
LANGS = ["en", "zh_CN"]


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """The app sets the language for the whole process: put English back after."""
    yield
    set_language("en")


def _app(tmp_path: Path, lang: str) -> WatchedApp:
    store = open_store(str(tmp_path / "snap.db"))
    set_language(lang)  # the demo is seeded in the interface language, as `csm --demo` does
    prepare_demo(store, TODAY)
    return watched_app(store, TODAY, user="snapshot", lang=lang)  # owns nothing: team view


Step = tuple[str, type[Screen[Any]] | None]  # a key, and the screen whose load it causes


def _keys(*steps: Step) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for Today's data, press each key and wait for the load it causes, then steady
    the input cursors (a blinking cursor would make the picture random)."""
    async def run_before(pilot: Pilot[Any]) -> None:
        await started(pilot)
        for key, ready in steps:
            await press(pilot, key, ready=ready)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()
    return run_before


SCREENS: dict[str, tuple[Step, ...]] = {
    "today": (),  # the first screen
    "portfolio": (("2", PortfolioScreen),),
    "lifecycle": (("3", LifecycleScreen),),
    "touchpoints": (("4", TouchpointsScreen),),
    "calendar": (("5", CalendarScreen),),
    # the first account on the Portfolio, and the follow-up form for it
    "account": (("2", PortfolioScreen), ("enter", AccountScreen)),
    "log_form": (("2", PortfolioScreen), ("l", LogFollowUpScreen)),
    "help": (("question_mark", None),),  # on Today
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(snap_compare: Any, tmp_path: Path, screen: str,
                         size: tuple[int, int], lang: str) -> None:
    assert snap_compare(_app(tmp_path, lang), terminal_size=size,
                        run_before=_keys(*SCREENS[screen]))
