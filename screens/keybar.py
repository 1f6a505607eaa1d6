"""KeyBar: the screen's keys on one line, drawn as a single text. Textual's Footer
builds a widget per key and rebuilds them on every screen switch, which costs a
noticeable part of a switch on a slow machine; this costs one render."""

from __future__ import annotations

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
        self.watch(self.screen, "focused", lambda _f: self.refresh(), init=False)

    def render(self) -> Text:
        text = Text(" ")
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if (not binding.show or not binding.description or key == "question_mark"
                    or binding.description in seen):
                continue
            seen.add(binding.description)
            text.append(NAMES.get(key, key), style="bold")
            text.append(f" {t(binding.description)}  ")
        text.append("?", style="bold")
        text.append(f" {t('help')}  ")
        text.append("^p", style="bold")
        text.append(f" {t('palette')}  ")
        text.append("1-5", style="bold")
        text.append(f" {t('screens')}")
        return text
