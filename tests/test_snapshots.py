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


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until no worker runs and none starts again: Today adds health and the charts
    in later passes, each started when the previous one is shown."""
    quiet = 0
    for _ in range(20):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if any(not w.is_finished for w in pilot.app.workers):
            quiet = 0
            continue
        quiet += 1
        if quiet == 2:
            return


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
