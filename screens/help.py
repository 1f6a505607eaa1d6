"""`?`: the keys that act on the current screen and the focused widget, grouped, with
human key names, read from the active bindings (so it never lists a key that does
nothing here, nor one Textual binds for itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from csm_tui.i18n import N_, t
from csm_tui.keymap import BY_ID, KEYMAP, keys_text
from screens.keymap import bindings

if TYPE_CHECKING:
    from textual.screen import Screen

# The title of the section a widget's keys go under (the screen's own and the app's
# have theirs: the screen's name, "Everywhere").
WIDGET_SECTIONS = {"table": N_("In the list"), "cards": N_("In a column"),
                   "checklist": N_("In the checklist"), "choice": N_("In a picker")}
GROUP_OF = {k.id: group for group, keys in KEYMAP.items() for k in keys}

Section = tuple[str, list[tuple[str, str]]]


def help_sections(screen: Screen[object]) -> list[Section]:
    """The active, enabled bindings of `screen` that belong to the key map, grouped by
    where they come from: the focused widget, the screen, the app."""
    keys_of: dict[str, list[str]] = {}
    order: list[tuple[str, str]] = []  # (section kind, binding id)
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not active.enabled or binding.id not in BY_ID:
            continue
        if binding.id not in keys_of:
            keys_of[binding.id] = []
            node = active.node
            kind = ("app" if node is screen.app else "screen" if node is screen
                    else GROUP_OF[binding.id])
            order.append((kind, binding.id))
        keys_of[binding.id].append(key)
    titles = {"app": N_("Everywhere"), "screen": screen.title or type(screen).__name__}
    sections: dict[str, list[tuple[str, str]]] = {}
    for kind, binding_id in order:
        title = titles.get(kind) or WIDGET_SECTIONS.get(kind, N_("Here"))
        sections.setdefault(title, []).append(
            (keys_text(keys_of[binding_id]), t(BY_ID[binding_id].description)))
    # the screen first, then the focused widget's, then the global keys
    ranked = sorted(sections.items(), key=lambda item: (item[0] == titles["app"],
                                                        item[0] != titles["screen"]))
    return [(t(title), rows) for title, rows in ranked]


def binding_lines(pairs: list[tuple[str, str]]) -> str:
    width = max((cell_len(key) for key, _ in pairs), default=0)
    return "\n".join(f"  {escape(key)}{' ' * (width - cell_len(key))}  {escape(desc)}"
                     for key, desc in pairs)


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings("help")

    def __init__(self, sections: list[Section], screen_name: str) -> None:
        super().__init__()
        self.sections = sections
        self.screen_name = screen_name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(f"[b]{escape(t('Keys on {screen}', screen=self.screen_name))}[/b]",
                         classes="help-title")
            for title, rows in self.sections:
                yield Static(f"[b]{escape(title)}[/b]", classes="help-title")
                yield Static(binding_lines(rows))
            yield Static(f"[dim]{t('escape closes this help · keys can be remapped in ui.toml')}"
                         "[/dim]")
