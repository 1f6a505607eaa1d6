"""`o` on the Portfolio: pick the sort column (picking the current one reverses it),
or turn the grouping by tier on or off. Each choice says how it reads
("renewal: soonest first")."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from csm_tui.i18n import label, t
from csm_tui.portfolio import SORT_ORDERS, SORT_WORDS
from screens.keymap import bindings

GROUP = "group"


def sort_words(key: str, reverse: bool) -> str:
    """'renewal: soonest first'."""
    return f"{label('sort', key)}: {t(SORT_WORDS[key][1 if reverse else 0])}"


class SortPicker(ModalScreen["tuple[str, bool, bool] | None"]):
    """Answers (sort key, reverse, grouped by tier)."""

    BINDINGS = bindings("sort")

    def __init__(self, key: str, reverse: bool, grouped: bool) -> None:
        super().__init__()
        self.key, self.reverse, self.grouped = key, reverse, grouped

    def compose(self) -> ComposeResult:
        options = [Option(t("☑ group by tier (untick for one list)") if self.grouped
                          else t("☐ group by tier (one list now)"), id=GROUP)]
        for key in SORT_ORDERS:
            if key == self.key:
                words = t("{order}  (now; enter reverses)",
                          order=sort_words(key, self.reverse))
            else:
                words = sort_words(key, False)
            options.append(Option(words, id=key))
        with Vertical(classes="dialog"):
            yield Label(t("Sort the portfolio"), classes="dialog-title")
            yield OptionList(*options, id="sort-options")
            yield Label(f"[dim]{t('enter picks · esc cancels')}[/dim]", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = options.get_option_index(self.key)
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        if choice == GROUP:
            self.dismiss((self.key, self.reverse, not self.grouped))
        elif choice == self.key:
            self.dismiss((self.key, not self.reverse, self.grouped))
        else:
            self.dismiss((choice, False, self.grouped))

    def action_cancel(self) -> None:
        self.dismiss(None)
