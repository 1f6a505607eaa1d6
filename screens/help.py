"""`?`: every key of the current screen and the global ones, read from the bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_lines(pairs: list[tuple[str, str]]) -> str:
    width = max((len(key) for key, _ in pairs), default=0)
    return "\n".join(f"  {key.ljust(width)}  {desc}" for key, desc in pairs)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close")]

    def __init__(self, screen_keys: list[tuple[str, str]], global_keys: list[tuple[str, str]],
                 screen_name: str) -> None:
        super().__init__()
        self.screen_keys = screen_keys
        self.global_keys = global_keys
        self.screen_name = screen_name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(f"[b]Keys on {self.screen_name}[/b]", classes="help-title")
            yield Static(binding_lines(self.screen_keys) or "  (none besides the global keys)")
            yield Static("[b]Everywhere[/b]", classes="help-title")
            yield Static(binding_lines(self.global_keys))
            yield Static("[dim]escape closes this help[/dim]")
