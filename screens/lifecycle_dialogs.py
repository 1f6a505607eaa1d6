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

from csm_tui.i18n import t
from csm_tui.money import parse_money
from screens.base import CsmModal
from screens.date_input import DateInput
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
            yield Label(t("Start"))
            yield DateInput(input_id="renew-start")
            yield Label(t("End"))
            yield DateInput(input_id="renew-end")
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
            start = self._date("renew-start", t("start"))
            end = self._date("renew-end", t("end"))
            arr = parse_money(self.query_one("#renew-arr", Input).value, field=t("ARR"))
        except ValueError as exc:
            self._error(str(exc))
            return
        self._renew(start, end, arr)

    def _date(self, input_id: str, field: str) -> date:
        field_widget = self.query_one(f"#{input_id}", Input).parent
        assert isinstance(field_widget, DateInput)
        try:
            day = field_widget.resolve()
        except ValueError as exc:
            raise ValueError(f"{field}: {exc}") from None
        assert day is not None  # the field is required
        return day

    def _renew(self, start: date, end: date, arr: int) -> None:
        self.csm.write(partial(self.csm.services.renew, self.account_id, start=start, end=end,
                               arr_minor=arr), done=self.dismiss, failed=self._error)

    def action_cancel(self) -> None:
        self.dismiss(None)
