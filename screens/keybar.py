"""KeyBar: the screen's keys on one line, drawn as a single text. Textual's Footer
builds a widget per key and rebuilds them on every screen switch, which costs a
noticeable part of a switch on a slow machine; this costs one render."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from csm_tui.i18n import t

NAMES = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "⏎", "space": "space",
         "shift+left": "⇧←", "shift+right": "⇧→", "left_square_bracket": "[",
         "right_square_bracket": "]", "ctrl+s": "^s", "ctrl+p": "^p"}


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $text-muted; }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "focused", self._focus_moved, init=False)

    def _focus_moved(self) -> None:
        self.refresh()

    def render(self) -> Text:
        """As many whole entries as the width holds (never a key cut from its label);
        `? help` is kept, since it lists every key."""
        entries: list[tuple[str, str]] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if (not binding.show or not binding.description or key == "question_mark"
                    or binding.description in seen):
                continue
            seen.add(binding.description)
            entries.append((NAMES.get(key, key), t(binding.description)))
        help_entry = ("?", t("help"))
        tail = [("^p", t("palette")), ("1-5", t("screens"))]
        # one cell of margin before the first entry; the last one's two spaces are cut
        room = self.size.width + 1 if self.size.width else 10_000

        def size(entry: tuple[str, str]) -> int:
            return cell_len(f"{entry[0]} {entry[1]}  ")

        room -= size(help_entry)
        shown: list[tuple[str, str]] = []
        for entry in entries:
            if size(entry) > room:
                break
            shown.append(entry)
            room -= size(entry)
        shown.append(help_entry)
        for entry in tail:
            if size(entry) > room:
                break
            shown.append(entry)
            room -= size(entry)
        text = Text(" ")
        for key, description in shown:
            text.append(key, style="bold")
            text.append(f" {description}  ")
        text.rstrip()
        return text
