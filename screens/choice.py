"""Choice: a one-line picker that cycles with ←/→ (or space). Much lighter than a
Select, which builds an overlay list: the follow-up form opens faster with these."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from screens.keymap import bindings


class Choice(Widget, can_focus=True):
    DEFAULT_CSS = """
    Choice { height: 1; width: 100%; padding: 0 1; background: $boost; }
    Choice:focus { background: $accent 40%; text-style: bold; }
    """
    BINDINGS = bindings("choice")

    index = reactive(0)

    def __init__(self, options: Sequence[tuple[str, Hashable]] = (), *,
                 blank: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blank = blank
        self.options: list[tuple[str, Hashable]] = []
        self.set_options(options)

    def set_options(self, options: Sequence[tuple[str, Hashable]]) -> None:
        self.options = ([(self.blank, None)] if self.blank is not None else []) + list(options)
        self.index = 0
        self.refresh()

    @property
    def value(self) -> Hashable:
        return self.options[self.index][1] if self.options else None

    @value.setter
    def value(self, value: Hashable) -> None:
        for i, (_label, v) in enumerate(self.options):
            if v == value:
                self.index = i
                return

    def action_step(self, step: int) -> None:
        if self.options:
            self.index = (self.index + step) % len(self.options)

    def render(self) -> Text:
        if not self.options:
            return Text("—", style="dim")
        label = self.options[self.index][0]
        return Text.assemble(("‹ ", "dim"), label, (" ›", "dim"),
                             (f"   {self.index + 1}/{len(self.options)} · ←/→", "dim"))
