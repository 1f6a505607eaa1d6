"""Dialogs for lifecycle moves: the reason for a churn, the dates of a new term."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from csm_tui.dates import parse_iso_date
from csm_tui.i18n import t
from csm_tui.money import parse_money
from screens.base import CsmModal
from screens.keymap import bindings

if TYPE_CHECKING:
    from csm_tui.services import RenewalTerm


class ReasonDialog(ModalScreen[str | None]):
    BINDINGS = bindings("reason")

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            yield Input(placeholder=t("reason (required)"), id="reason")
            yield Label("", id="reason-error")

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#reason-error", Label).update(f"[red]{t('reason: required')}[/red]")
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class RenewDialog(CsmModal[int | None]):
    """New contract dates (defaults: the day after the old end, same length) and ARR."""

    BINDINGS = bindings("renew")

    def __init__(self, account_id: int) -> None:
        super().__init__()
        self.account_id = account_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("Renew: new contract term"), id="renew-title",
                        classes="dialog-title")
            yield Label(t("Start (YYYY-MM-DD)"))
            yield Input(id="renew-start", compact=True)
            yield Label(t("End (YYYY-MM-DD)"))
            yield Input(id="renew-end", compact=True)
            yield Label(t("ARR for the new term"))
            yield Input(id="renew-arr", compact=True)
            yield Label("", id="renew-error")
            yield Label(f"[dim]{t('enter renews · esc cancels')}[/dim]")

    def on_mount(self) -> None:
        self.csm.background(partial(self.csm.services.renewal_term, self.account_id),
                            done=self._fill, failed=self._error)

    def _fill(self, term: RenewalTerm) -> None:
        self.query_one("#renew-title", Label).update(
            t("Renew {name}: new contract term", name=term.name))
        self.query_one("#renew-start", Input).value = term.start.isoformat()
        self.query_one("#renew-end", Input).value = term.end.isoformat()
        self.query_one("#renew-arr", Input).value = f"{term.arr_minor / 100:.2f}".removesuffix(
            ".00")
        self.query_one("#renew-start", Input).focus()

    def _error(self, message: str) -> None:
        self.query_one("#renew-error", Label).update(f"[red]{escape(message)}[/red]")

    @on(Input.Submitted)
    def _submit(self) -> None:
        try:
            start = parse_iso_date(self.query_one("#renew-start", Input).value, field=t("start"))
            end = parse_iso_date(self.query_one("#renew-end", Input).value, field=t("end"))
            arr = parse_money(self.query_one("#renew-arr", Input).value, field=t("ARR"))
        except ValueError as exc:
            self._error(str(exc))
            return
        self._renew(start, end, arr)

    def _renew(self, start: date, end: date, arr: int) -> None:
        self.csm.write(partial(self.csm.services.renew, self.account_id, start=start, end=end,
                               arr_minor=arr), done=self.dismiss, failed=self._error)

    def action_cancel(self) -> None:
        self.dismiss(None)
