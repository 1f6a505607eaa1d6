"""The only place that touches Textual's private attributes, each for a measured speed-up
on a large portfolio. `tests/test_textual_internals.py` fails when a Textual release
changes any of them, so an upgrade cannot silently turn a workaround into a bug.

- A screen's CSS counter: Textual restyles a new screen twice on its first visit
  because the counter starts at -1, and restyles every widget each time a screen
  becomes current in case the app's CSS changed (most of a switch's cost).
- ScrollView._size_updated: a line-drawn view always differs from the layout's
  virtual size, so Textual redraws its scrollbars and sends a Resize on every switch.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView


def css_generation(app: App[Any]) -> int:
    """How many times the app's CSS has changed (a theme, a stylesheet)."""
    return int(app._css_update_count)


def mark_screen_styled(screen: Screen[Any], app: App[Any]) -> None:
    """Tell Textual a new screen's styles are current: every style sheet is loaded at
    start and new widgets are styled as they mount (~100 ms saved per first visit)."""
    screen._css_update_count = app._css_update_count


class LineView(ScrollView):
    """A ScrollView that draws its own lines and sets its own virtual size (the table
    and the kanban columns), made cheap to show again after a screen switch.

    Textual lays out every widget of a screen each time the screen becomes current and
    tells each ScrollView its size again. A ScrollView compares the layout's virtual
    size with its own, which for a line-drawn view never match, so it redraws its
    scrollbars and gets a Resize every time: 20 ms for the five columns of the kanban.
    When neither its size, its container nor its own virtual size (set from its rows)
    changed, there is nothing to do."""

    _laid_out_for: tuple[Size, Size, Size] | None = None

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        laid_out_for = (size, container_size, self.virtual_size)
        if self._laid_out_for == laid_out_for:
            return False
        self._laid_out_for = laid_out_for
        return super()._size_updated(size, virtual_size, container_size, layout)
