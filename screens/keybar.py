"""KeyBar: the screen's keys on one line, drawn as a single text. Textual's Footer
builds a widget per key and rebuilds them on every screen switch, which costs a
noticeable part of a switch on a slow machine; this costs one render."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from csm_tui.i18n import t
from csm_tui.keymap import key_name


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
        `? help` is kept, since it lists every key, and says "more: ?" when some of the
        screen's keys did not fit."""
        entries: list[tuple[str, str]] = []
        seen: set[str] = set()
        help_key = "?"
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.id == "app.help":
                help_key = key_name(key, short=True)
            if (not binding.show or not binding.description or binding.id == "app.help"
                    or not active.enabled or (binding.id or binding.description) in seen):
                continue
            seen.add(binding.id or binding.description)
            entries.append((key_name(key, short=True), t(binding.description)))
        help_entry = (help_key, t("help"))
        more = (t("more:"), help_key)
        tail = [("^p", t("palette")), ("1-5", t("screens"))]
        # one cell of margin before the first entry; the last one's two spaces are cut
        room = self.size.width + 1 if self.size.width else 10_000

        def size(entry: tuple[str, str]) -> int:
            return cell_len(f"{entry[0]} {entry[1]}  ")

        room -= max(size(help_entry), size(more))
        shown: list[tuple[str, str]] = []
        dropped = False
        for entry in [*entries, *tail]:
            if dropped or size(entry) > room:
                dropped = True
                continue
            shown.append(entry)
            room -= size(entry)
        text = Text(" ")
        for key, description in shown:
            text.append(key, style="bold")
            text.append(f" {description}  ")
        if dropped:  # the rest is in the help
            text.append(f"{more[0]} ")
            text.append(more[1], style="bold")
        else:
            text.append(help_entry[0], style="bold")
            text.append(f" {help_entry[1]}")
        text.rstrip()
        return text
