"""Edit an account. A refused value names its field and keeps everything typed; a
concurrent change by someone else is shown, not overwritten."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from csm_tui.account_edit import (
    EditConflict,
    FieldError,
    conflict_lines,
    form_values,
    update_account,
)
from db.models import Account
from screens.dialogs import Confirm

FIELDS = [("name", "Name"), ("industry", "Industry"), ("region", "Region"),
          ("owner", "Owner"), ("arr", "ARR"), ("currency", "Currency"),
          ("contract_start", "Contract start"), ("contract_end", "Contract end"),
          ("nps", "NPS (-100..100)"), ("last_login", "Last login"),
          ("open_tickets", "Open tickets"), ("on_time_payment", "On-time payment (0-1)"),
          ("growth_potential", "Growth (0-5)"), ("influence", "Influence (0-5)"),
          ("referrals", "Referrals"), ("engagement", "Engagement (0-5)")]


class AccountForm(ModalScreen[bool]):
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="form.save"),
                Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account_id = account.id or 0
        self.version = account.version
        self.initial = form_values(account)
        self.name_text = account.name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Label(f"Edit {self.name_text} · tier: use t on the account screen",
                        id="form-title")
            with Grid(id="form-grid"):
                for key, label in FIELDS:
                    yield Label(label)
                    yield Input(self.initial.get(key, ""), id=f"f-{key}", compact=True)
            yield Label("", id="form-error")
            yield Label("[dim]ctrl+s or enter saves · esc cancels[/dim]")

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#f-{key}", Input).value for key, _ in FIELDS}

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self._save(self.values())

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _save(self, values: dict[str, str]) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        try:
            result = update_account(store, self.account_id, values,
                                    expected_version=self.version,
                                    today=self.app.today())  # type: ignore[attr-defined]
        except FieldError as exc:
            self.app.call_from_thread(self._field_error, exc)
            return
        except EditConflict as exc:
            self.app.call_from_thread(self._conflict, exc, values)
            return
        except Exception as exc:
            from csm_tui.errors import describe_error

            self.app.call_from_thread(self._show_error, describe_error(exc))
            return
        self.app.call_from_thread(self.dismiss, bool(result.changed))

    def _conflict(self, exc: EditConflict, yours: dict[str, str]) -> None:
        """Both values of every field in dispute; ctrl+s again saves yours over theirs."""
        lines = conflict_lines(self.initial, exc.theirs, yours) or ["no field differs"]
        self.version, self.initial = exc.version, exc.theirs
        self._show_error(f"{exc}:\n" + "\n".join(lines) +
                         "\nctrl+s saves yours over theirs · esc cancels")

    def _field_error(self, exc: FieldError) -> None:
        self._show_error(str(exc))
        self.query_one(f"#f-{exc.field}", Input).focus()

    def _show_error(self, message: str) -> None:
        from rich.markup import escape

        self.query_one("#form-error", Label).update(f"[red]{escape(message)}[/red]")

    def action_cancel(self) -> None:
        if self.values() == {k: self.initial.get(k, "") for k, _ in FIELDS}:
            self.dismiss(False)
            return
        self.app.push_screen(Confirm("Discard your changes?"),
                             lambda yes: self.dismiss(False) if yes else None)
