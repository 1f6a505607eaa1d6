"""VirtualTable: a keyboard table for 10,000+ rows that only renders what is visible.

Textual's DataTable builds per-row state and measures every cell, which takes
seconds for a large portfolio. This widget keeps rows as plain tuples, draws lines
on demand (Line API) and caches them, so replacing all rows on a filter keystroke
costs a list assignment. Columns have fixed widths (the last one takes the rest);
CJK double-width text is measured and cut by cell width, not by characters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from csm_tui.i18n import t
from screens.keymap import bindings
from screens.textual_internals import LineView

Cell = str | Text
SHRINK_FLOOR = 7  # a column narrowed for a small terminal keeps at least this many cells
NAME_FLOOR = 12


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    width: int
    justify: str = "left"


@dataclass(frozen=True, slots=True)
class VRow:
    """One line: `key` identifies it to the screen; `group` rows are headings that the
    cursor passes over. `cells` may be a function: it is then called only when the row
    is first drawn, so 50,000 rows cost nothing until they scroll into view."""

    key: str
    cells: tuple[Cell, ...] | Callable[[], tuple[Cell, ...]]
    group: bool = False

    def values(self) -> tuple[Cell, ...]:
        return self.cells() if callable(self.cells) else self.cells


class VirtualTable(LineView, can_focus=True):
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; }
    VirtualTable > .vtable--header { text-style: bold; background: $panel; }
    VirtualTable > .vtable--cursor { background: $accent 40%; text-style: bold; }
    VirtualTable:focus > .vtable--cursor { background: $accent; color: $text; }
    VirtualTable > .vtable--group { text-style: bold; color: $text-accent; }
    VirtualTable > .vtable--odd { background: $surface-lighten-1 30%; }
    """
    COMPONENT_CLASSES = {"vtable--header", "vtable--cursor", "vtable--group", "vtable--odd"}
    BINDINGS = bindings("table")

    cursor = reactive(0, init=False)

    class Highlighted(Message):
        def __init__(self, table: VirtualTable, row: VRow | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Selected(Message):
        def __init__(self, table: VirtualTable, row: VRow) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, columns: Sequence[Column], *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        self.rows: list[VRow] = []
        # Drawn lines, with the row each was drawn from (ids can be reused).
        self._lines: LRUCache[tuple, tuple[VRow | None, Strip]] = LRUCache(1024)
        self._widths_for: tuple[int, list[int]] = (-1, [])

    # ---- data -------------------------------------------------------------
    def set_rows(self, rows: list[VRow], *, keep_key: str | None = None,
                 hold_place: bool = False) -> None:
        """Replace every row. The cursor stays on `keep_key` (or the row it was on) if
        that row is still there. If it is gone, the cursor goes to the first row, or
        with `hold_place` (a to-do list after a row was done) stays where it was, on
        the row that took its place, as in a mail reader."""
        old = keep_key or (self.current.key if self.current else None)
        target = self.cursor if hold_place and self.rows else 0
        self.rows = rows
        self.virtual_size = Size(self._content_width(), len(rows) + 1)
        if old is not None:
            for i, row in enumerate(rows):
                if row.key == old:
                    target = i
                    break
        self.cursor = self._skip_groups(min(target, max(len(rows) - 1, 0)), 1)
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Other columns (a screen that shows another kind of row, e.g. a history);
        the rows set next are drawn with them."""
        if list(columns) == self.columns:
            return
        self.columns = list(columns)
        self._widths_for = (-1, [])
        self._lines.clear()
        self.refresh()

    @property
    def row_count(self) -> int:
        return sum(1 for r in self.rows if not r.group)

    @property
    def current(self) -> VRow | None:
        if 0 <= self.cursor < len(self.rows) and not self.rows[self.cursor].group:
            return self.rows[self.cursor]
        return None

    def move_to_key(self, key: str) -> None:
        for i, row in enumerate(self.rows):
            if row.key == key:
                self.cursor = i
                return

    # ---- keys -------------------------------------------------------------
    def _skip_groups(self, index: int, step: int) -> int:
        n = len(self.rows)
        if n == 0:
            return 0
        i = max(0, min(index, n - 1))
        while 0 <= i < n and self.rows[i].group:
            i += step
        if not 0 <= i < n:  # only headings that way: search back
            i = max(0, min(index, n - 1))
            while 0 <= i < n and self.rows[i].group:
                i -= step
        return max(0, min(i, n - 1))

    def action_move(self, step: int) -> None:
        self.cursor = self._skip_groups(self.cursor + step, 1 if step > 0 else -1)

    def action_page(self, direction: int) -> None:
        page = max(1, self.size.height - 2)
        self.cursor = self._skip_groups(self.cursor + direction * page, direction)

    def action_edge(self, end: int) -> None:
        self.cursor = self._skip_groups(len(self.rows) - 1 if end else 0, -1 if end else 1)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows) and not self.rows[index].group:
            self.cursor = index

    def watch_cursor(self, old: int, new: int) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    # ---- drawing ----------------------------------------------------------
    def _content_width(self) -> int:
        # Columns shrink to the widget's width (below), so there is nothing to scroll
        # sideways: a horizontal scrollbar would only hide a row.
        return 0

    def _widths(self, total: int) -> list[int]:
        """Each column's width; on a narrow terminal the widest columns give up cells
        first (down to their floor), so short ones like tier and dates stay whole."""
        if self._widths_for[0] == total:
            return self._widths_for[1]
        widths = [c.width for c in self.columns]
        # Numbers (right-aligned) are never cut; the first wide column, usually the
        # name, keeps NAME_FLOOR cells; the others SHRINK_FLOOR (a relative date).
        floors = [w if c.justify == "right" else min(w, SHRINK_FLOOR)
                  for c, w in zip(self.columns, widths, strict=True)]
        name = next((i for i, c in enumerate(self.columns)
                     if c.width >= NAME_FLOOR and c.justify != "right"), None)
        if name is not None:
            floors[name] = NAME_FLOOR
        excess = self._shrink(widths, floors, sum(w + 1 for w in widths) + 1 - total)
        if excess > 0 and name is not None and self.columns[-1].justify == "right":
            floors[name] = SHRINK_FLOOR  # rather a shorter name than a cut number
            self._shrink(widths, floors, excess)
        used = sum(w + 1 for w in widths[:-1])
        if widths:  # the last column takes the rest, or gives up what is not there (so
            # its text is cut with "…" rather than clipped at the edge)
            widths[-1] = max(1, total - used - 1)
        self._widths_for = (total, widths)
        return widths

    @staticmethod
    def _shrink(widths: list[int], floors: list[int], excess: int) -> int:
        """Take `excess` cells from the columns furthest above their floor; what could
        not be taken is returned."""
        while excess > 0 and widths:
            widest = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
            if widths[widest] <= floors[widest]:
                break
            widths[widest] -= 1
            excess -= 1
        return excess

    def _compose_line(self, cells: Sequence[Cell], widths: list[int]) -> Text:
        line = Text(" ", end="", no_wrap=True)
        for col, cell, width in zip(self.columns, cells, widths, strict=False):
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            text.no_wrap = True
            text.truncate(width, overflow="ellipsis")
            pad = width - text.cell_len
            if col.justify == "right":
                text = Text(" " * pad) + text
            else:
                text.append(" " * pad)
            line.append_text(text)
            line.append(" ")
        return line

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # without the scrollbar's cells
        scroll_y = int(self.scroll_offset.y)
        row: VRow | None = None
        if y == 0:
            style = self.get_component_rich_style("vtable--header")
        else:
            index = scroll_y + y - 1
            if index >= len(self.rows):
                return Strip.blank(width, self.rich_style)
            row = self.rows[index]
            if index == self.cursor:
                style = self.get_component_rich_style("vtable--cursor")
            elif row.group:
                style = self.get_component_rich_style("vtable--group")
            elif index % 2:
                style = self.get_component_rich_style("vtable--odd")
            else:
                style = Style()
        base = self.rich_style + style
        # Keyed by the row itself, not its place, and by its colours: a filter that
        # moves rows up or down draws again only rows never drawn before.
        key = (id(row), width, base)
        cached = self._lines.get(key)
        if cached is not None and cached[0] is row:
            return cached[1]
        if row is None:
            text = self._compose_line([t(c.label) for c in self.columns], self._widths(width))
        elif row.group:
            text = Text(" ", no_wrap=True) + Text.assemble(*row.values())
            text.truncate(width, overflow="ellipsis")
        else:
            text = self._compose_line(row.values(), self._widths(width))
        segments = [Segment(s.text, base + s.style if s.style else base)
                    for s in text.render(self.app.console)]
        strip = Strip(segments).adjust_cell_length(width, base)
        self._lines[key] = (row, strip)
        return strip

    def notify_style_update(self) -> None:
        """Drawn lines keep their colours: a new theme or CSS draws them again. A resize
        needs nothing (the width is part of each line's key), which matters because
        Textual sends this widget a Resize on every screen switch."""
        super().notify_style_update()
        self._lines.clear()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
