"""Every screen at 80×24: its name in the header and its key content on screen (read
from what is drawn, not from widget state), nothing important pushed off."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from textual.screen import Screen

from csm_tui.app import CsmApp
from db.store import Store
from screens.account import AccountScreen
from screens.calendar import CalendarScreen
from screens.lifecycle import LifecycleScreen
from screens.log_form import LogFollowUpScreen
from screens.portfolio import PortfolioScreen
from screens.touchpoints import TouchpointsScreen
from tests.pilot import press, started, watched_app

SIZE = (80, 24)
# what each key loads; "1", Today, is the screen the app starts on
SCREENS: dict[str, type[Screen[Any]]] = {
    "2": PortfolioScreen, "3": LifecycleScreen, "4": TouchpointsScreen, "5": CalendarScreen}



def visible(app: CsmApp) -> str:
    """The text on the terminal, as a person would read it."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


@pytest.mark.parametrize(("key", "expected"), [
    # a to-do with its due date; renewals (ARR, health), at-risk and events panes
    ("1", ["顺丰速运", "46d ago", "¥690k", "Health", "Lamna", "Fiscal year"]),
    ("2", ["招商银行", "¥1,250,000", "renewal", "in 185d"]),  # whole ARR, never cut
    ("3", ["handover", "比亚迪汽车", "¥445k"]),  # a stage column with a readable card
    ("4", ["深圳大学", "58d ago"]),
    ("5", ["November 2026", "Renewal: Zava"]),
])
async def test_each_screen_fits_80x24(demo_store: Store, today, key: str,  # type: ignore[no-untyped-def]
                                      expected: list[str]) -> None:
    app = watched_app(demo_store, today)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, key, ready=SCREENS.get(key))
        text = visible(app)
        assert app.screen.title in text
        for word in expected:
            assert word in text, word


async def test_account_log_form_and_help_fit_80x24(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    app = watched_app(demo_store, today)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "enter", ready=AccountScreen)  # the top to-do: Lamna Healthcare
        text = visible(app)
        assert "Lamna Healthcare" in text and "¥101,000" in text
        assert "Ethan Moore" in text  # the decision chain below the header block
        timeline = app.screen.query_one("#account-timeline")  # and the timeline has rows
        assert timeline.region.height >= 4 and timeline.region.bottom <= SIZE[1]
        await press(pilot, "l", ready=LogFollowUpScreen)
        form = app.screen.query_one("#log-box")
        assert form.region.bottom <= SIZE[1] and form.region.right <= SIZE[0]
        text = visible(app)
        assert "Lamna Healthcare" in text and "ctrl+s" in text  # title and the hint
        await press(pilot, "escape")  # untouched: closes at once
        await press(pilot, "question_mark")
        box = app.screen.query_one("#help-box")
        assert box.region.bottom <= SIZE[1] and box.region.right <= SIZE[0]


async def test_narrow_kanban_scrolls_to_the_focused_column(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    app = watched_app(demo_store, today)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "3", ready=LifecycleScreen)
        assert "churned" not in visible(app)  # six readable columns do not fit in 80
        await press(pilot, *["right"] * 5)
        assert "churned" in visible(app)
        await press(pilot, *["left"] * 5)
        assert "handover" in visible(app)
