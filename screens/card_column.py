"""A kanban column drawn line by line: cards are blocks of text, not widgets, so a
column with hundreds of cards costs what is on screen, not one widget per card."""

from __future__ import annotations

from datetime import date

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from csm_tui.i18n import t
from csm_tui.lifecycle import Card
from csm_tui.money import format_money
from screens.format import relative_days, tier_badge
from screens.keymap import bindings
from screens.textual_internals import LineView

CARD_LINES = 5  # four lines of card and a blank one


def card_text(card: Card, today: date, width: int) -> list[Text]:
    """The four lines of one card."""
    head = Text.assemble(tier_badge(card.tier), " ", Text(card.name, style="bold"))
    days = (t("{days}d in stage", days=card.days_in_stage)
            if card.days_in_stage is not None else "")
    if card.renewed_on is not None:  # the year only when it is not this one: cards are narrow
        on = card.renewed_on
        days = t("renewed {day}", day=f"{on:%m-%d}" if on.year == today.year else on)
    money = Text(f"{format_money(card.arr_minor, card.currency, compact=True)} · {days}",
                 style="dim")
    if card.next_task:
        late = card.next_task_due is not None and card.next_task_due < today
        task = Text(f"☐ {card.next_task} ({relative_days(card.next_task_due, today)})",
                    style="red" if late else "")
    else:
        task = Text(t("no open SOP step"), style="dim")
    risk = Text(f"⚠ {card.risk}", style="bold red") if card.risk else Text("")
    lines = [head, money, task, risk]
    for line in lines:
        line.truncate(max(1, width - 2), overflow="ellipsis")
    return lines


class CardColumn(LineView, can_focus=True):
    DEFAULT_CSS = """
    CardColumn { height: 1fr; }
    CardColumn > .cards--cursor { background: $accent 25%; }
    CardColumn:focus > .cards--cursor { background: $accent 45%; }
    """
    COMPONENT_CLASSES = {"cards--cursor"}
    BINDINGS = bindings("cards")

    cursor = reactive(0, init=False)

    class Highlighted(Message):
        def __init__(self, column: CardColumn) -> None:
            super().__init__()
            self.column = column

    class WantsMore(Message):
        """The cursor went past the last card shown while the stage has more."""

        def __init__(self, column: CardColumn) -> None:
            super().__init__()
            self.column = column

    def __init__(self, stage: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="stage-cards")
        self.stage = stage
        self.cards: list[Card] = []
        self.today = date.min
        self.more = False  # the stage has cards beyond those loaded
        self._lines: LRUCache[tuple, Strip] = LRUCache(512)

    def set_cards(self, cards: list[Card], today: date, *, keep: int | None = None) -> None:
        """Replace the cards; the cursor stays on account `keep` if it is still here."""
        old = keep if keep is not None else (self.current.account_id if self.current else None)
        self.cards, self.today = cards, today
        self._lines.clear()
        self.virtual_size = Size(self.size.width, len(cards) * CARD_LINES)
        index = next((i for i, c in enumerate(cards) if c.account_id == old), 0)
        self.cursor = min(index, max(len(cards) - 1, 0))
        self.refresh()

    @property
    def current(self) -> Card | None:
        return self.cards[self.cursor] if 0 <= self.cursor < len(self.cards) else None

    def action_move(self, step: int) -> None:
        if step > 0 and self.more and self.cursor + step >= len(self.cards):
            self.post_message(self.WantsMore(self))
        if self.cards:
            self.cursor = max(0, min(self.cursor + step, len(self.cards) - 1))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height // CARD_LINES - 1))

    def action_edge(self, end: int) -> None:
        if end and self.more:
            self.post_message(self.WantsMore(self))
        if self.cards:
            self.cursor = len(self.cards) - 1 if end else 0

    def watch_cursor(self) -> None:
        top = self.cursor * CARD_LINES
        visible = max(CARD_LINES, self.size.height)
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        elif top + CARD_LINES > self.scroll_offset.y + visible:
            self.scroll_to(y=top + CARD_LINES - visible, animate=False)
        self.refresh()
        self.post_message(self.Highlighted(self))

    def render_line(self, y: int) -> Strip:
        # The cards' width without the vertical scrollbar, when there is one: the card
        # text is cut with "…" before the scrollbar, not under it.
        width = self.scrollable_content_region.width
        line_no = int(self.scroll_offset.y) + y
        index, offset = divmod(line_no, CARD_LINES)
        if index >= len(self.cards) or offset == CARD_LINES - 1:
            return Strip.blank(width, self.rich_style)
        style = self.rich_style
        if index == self.cursor:
            style = style + self.get_component_rich_style("cards--cursor")
        key = (index, offset, width, style)  # the colours too: a theme or focus change
        cached = self._lines.get(key)
        if cached is not None:
            return cached
        text = Text(" ") + card_text(self.cards[index], self.today, width)[offset]
        segments = [Segment(s.text, style + s.style if s.style else style)
                    for s in text.render(self.app.console)]
        strip = Strip(segments).adjust_cell_length(width, style or Style())
        self._lines[key] = strip
        return strip

    def notify_style_update(self) -> None:
        """Drawn lines keep their colours: a new theme or CSS draws them again. A resize
        needs nothing (the width is part of each line's key), which matters because
        Textual sends this widget a Resize on every screen switch."""
        super().notify_style_update()
        self._lines.clear()

    def on_focus(self) -> None:
        self.refresh()
        if isinstance(self.parent, Widget):  # a narrow board scrolls sideways to it
            self.parent.scroll_visible(animate=False)
        self.post_message(self.Highlighted(self))

    def on_blur(self) -> None:
        self.refresh()
