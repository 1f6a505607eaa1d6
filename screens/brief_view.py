"""The meeting brief shown in the TUI and written to a Markdown file."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from csm_tui.account_view import AccountDetail
from csm_tui.brief import brief_markdown
from csm_tui.briefs import write_brief
from csm_tui.i18n import t
from screens.keymap import bindings


class BriefView(ModalScreen[None]):
    BINDINGS = bindings("brief")

    def __init__(self, detail: AccountDetail, today: date) -> None:
        super().__init__()
        self.text = brief_markdown(detail, today)
        self.detail = detail
        self.today = today

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Markdown(self.text)
            yield Label("", id="brief-path")

    def on_mount(self) -> None:
        try:
            path = write_brief(self.detail.account.name, self.text, self.today)
        except OSError as exc:
            self.query_one("#brief-path", Label).update(
                f"[red]{t('not saved: {error}', error=exc)}[/red]")
            return
        self.query_one("#brief-path", Label).update(
            f"[dim]{t('saved to {path} · esc closes', path=path)}[/dim]")
