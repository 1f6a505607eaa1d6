"""`?`: every key of the current screen and the global ones, read from the bindings."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from csm_tui.i18n import N_, t


def binding_lines(pairs: list[tuple[str, str]]) -> str:
    width = max((cell_len(key) for key, _ in pairs), default=0)
    return "\n".join(f"  {key}{' ' * (width - cell_len(key))}  {desc}" for key, desc in pairs)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", N_("Close help"), id="help.close")]

    def __init__(self, screen_keys: list[tuple[str, str]], global_keys: list[tuple[str, str]],
                 screen_name: str) -> None:
        super().__init__()
        self.screen_keys = screen_keys
        self.global_keys = global_keys
        self.screen_name = screen_name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(f"[b]{t('Keys on {screen}', screen=self.screen_name)}[/b]",
                         classes="help-title")
            yield Static(binding_lines(self.screen_keys)
                         or f"  {t('(none besides the global keys)')}")
            yield Static(f"[b]{t('Everywhere')}[/b]", classes="help-title")
            yield Static(binding_lines(self.global_keys))
            yield Static(f"[dim]{t('escape closes this help')}[/dim]")
