"""A ScrollView that draws its own lines and sets its own virtual size (the table and
the kanban columns), made cheap to show again after a screen switch."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class LineView(ScrollView):
    """Textual lays out every widget of a screen each time the screen becomes current
    and tells each ScrollView its size again. A ScrollView compares the layout's
    virtual size with its own, which for a line-drawn view never match, so it redraws
    its scrollbars and gets a Resize every time: 20 ms for the five columns of the
    kanban. When neither its size, its container nor its own virtual size (set from
    its rows) changed, there is nothing to do."""

    _laid_out_for: tuple[Size, Size, Size] | None = None

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        laid_out_for = (size, container_size, self.virtual_size)
        if self._laid_out_for == laid_out_for:
            return False
        self._laid_out_for = laid_out_for
        return super()._size_updated(size, virtual_size, container_size, layout)
