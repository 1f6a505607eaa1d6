"""The private Textual attributes `screens/textual_internals.py` relies on are still
there and still mean what we use them for: this fails on a Textual release that
changes them, before users see a stale style or a switch that redraws everything."""

from __future__ import annotations

import inspect

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widgets import Label

from screens.textual_internals import LineView, css_generation, mark_screen_styled


class _Tiny(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("x")


async def test_the_css_counters_exist_and_count() -> None:
    app = _Tiny()
    async with app.run_test() as pilot:
        before = css_generation(app)
        assert isinstance(before, int)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert css_generation(app) > before  # a theme change moves the counter
        screen = Screen()
        assert screen._css_update_count == -1  # a new screen starts "never styled"
        mark_screen_styled(screen, app)
        assert screen._css_update_count == css_generation(app)


def test_scroll_view_size_hook_keeps_its_signature() -> None:
    params = list(inspect.signature(ScrollView._size_updated).parameters)
    assert params == ["self", "size", "virtual_size", "container_size", "layout"]
    assert LineView._size_updated is not ScrollView._size_updated
