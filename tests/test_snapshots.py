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

import pytest
from textual.widgets import Input

from csm_tui.app import CsmApp
from csm_tui.demo import prepare_demo
from csm_tui.i18n import set_language
from db.store import open_store
from tests.conftest import TODAY

pytestmark = pytest.mark.sqlite_only

SIZES = [(80, 24), (160, 45)]
LANGS = ["en", "zh_CN"]


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """The app sets the language for the whole process: put English back after."""
    yield
    set_language("en")


def _app(tmp_path: Path, lang: str) -> CsmApp:
    store = open_store(str(tmp_path / "snap.db"))
    prepare_demo(store, TODAY)
    # owns nothing: team view
    return CsmApp(store, today=lambda: TODAY, user="snapshot", lang=lang)


def _filled(screen: object) -> bool:
    """Whether the screen has shown its data (not just its empty frame)."""
    from screens.base import DataScreen
    from screens.calendar import CalendarScreen
    from screens.charts import TodayCharts
    from screens.log_form import LogFollowUpScreen
    from screens.today import TodayScreen

    if isinstance(screen, CalendarScreen):
        return screen.loaded_range is not None
    if isinstance(screen, LogFollowUpScreen):
        return screen.context is not None
    if isinstance(screen, TodayScreen):  # its second pass, with health, is on screen
        return bool(screen._seen and screen.query_one(TodayCharts)._health)
    if isinstance(screen, DataScreen):
        return screen._seen is not None
    return True


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the screen has its data and no worker runs or starts again: Today adds
    health and then the charts in later passes, each started when the previous one is
    shown (a Today load that starts the health pass finishes after starting it)."""
    quiet = 0
    for _ in range(400):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(not w.is_finished for w in pilot.app.workers)
        if busy or not _filled(pilot.app.screen):
            quiet = 0
            await pilot.pause(0.02)
            continue
        quiet += 1
        if quiet == 3:
            for field in pilot.app.screen.query(Input):  # a steady cursor, not a blinking one
                field.cursor_blink = False
            await pilot.pause()
            return
    raise AssertionError(f"{pilot.app.screen!r} did not settle")


def _keys(*keys: str) -> Callable[..., Awaitable[None]]:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)
    return run_before


SCREENS = {
    "today": (),  # the first screen
    "portfolio": ("2",),
    "lifecycle": ("3",),
    "touchpoints": ("4",),
    "calendar": ("5",),
    "account": ("2", "enter"),  # the first account on the Portfolio
    "log_form": ("2", "l"),  # log a follow-up for that account
    "help": ("question_mark",),  # on Today
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(snap_compare, tmp_path: Path, screen: str,  # type: ignore[no-untyped-def]
                         size: tuple[int, int], lang: str) -> None:
    assert snap_compare(_app(tmp_path, lang), terminal_size=size,
                        run_before=_keys(*SCREENS[screen]))
