"""Dialogs for lifecycle moves: the reason for a churn, the dates of a new term."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from csm_tui.dates import parse_iso_date
from csm_tui.i18n import N_, t
from csm_tui.lifecycle import MoveError, renew, renewal_defaults
from csm_tui.money import parse_money
from db.models import Account


class ReasonDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="reason.cancel")]

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


class RenewDialog(ModalScreen[int | None]):
    """New contract dates (defaults: the day after the old end, same length) and ARR."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="renew.cancel")]

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
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        with self.app.store.session() as session:  # type: ignore[attr-defined]
            account = session.get(Account, self.account_id)
            if account is None:
                return
            start, end = renewal_defaults(account)
            name, arr = account.name, account.arr_minor
        self.app.call_from_thread(self._fill, name, start.isoformat(), end.isoformat(),
                                  f"{arr / 100:.2f}".removesuffix(".00"))

    def _fill(self, name: str, start: str, end: str, arr: str) -> None:
        self.query_one("#renew-title", Label).update(
            t("Renew {name}: new contract term", name=name))
        self.query_one("#renew-start", Input).value = start
        self.query_one("#renew-end", Input).value = end
        self.query_one("#renew-arr", Input).value = arr
        self.query_one("#renew-start", Input).focus()

    @on(Input.Submitted)
    def _submit(self) -> None:
        try:
            start = parse_iso_date(self.query_one("#renew-start", Input).value, field=t("start"))
            end = parse_iso_date(self.query_one("#renew-end", Input).value, field=t("end"))
            arr = parse_money(self.query_one("#renew-arr", Input).value, field=t("ARR"))
        except ValueError as exc:
            self.query_one("#renew-error", Label).update(f"[red]{exc}[/red]")
            return
        self._renew(start, end, arr)

    @work(thread=True, exit_on_error=False)
    def _renew(self, start, end, arr) -> None:  # type: ignore[no-untyped-def]
        app = self.app
        try:
            term = renew(app.store, self.account_id, new_start=start, new_end=end,  # type: ignore[attr-defined]
                         today=app.today(), arr_minor=arr)  # type: ignore[attr-defined]
        except (MoveError, LookupError) as exc:
            app.call_from_thread(self.query_one("#renew-error", Label).update,
                                 f"[red]{exc}[/red]")
            return
        app.call_from_thread(self.dismiss, term)

    def action_cancel(self) -> None:
        self.dismiss(None)
