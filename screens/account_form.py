"""Edit an account. A refused value names its field and keeps everything typed; a
concurrent change by someone else is shown, not overwritten."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Label

from csm_tui.account_edit import (
    EditConflict,
    FieldError,
    changed_fields,
    conflict_lines,
    form_values,
)
from csm_tui.i18n import N_, t
from screens.base import CsmModal
from screens.dialogs import Confirm
from screens.keymap import bindings

if TYPE_CHECKING:
    from csm_tui.account_edit import EditResult

FIELDS = [("name", N_("Name")), ("industry", N_("Industry")), ("region", N_("Region")),
          ("owner", N_("Owner")), ("arr", N_("ARR")), ("currency", N_("Currency")),
          ("contract_start", N_("Contract start")), ("contract_end", N_("Contract end")),
          ("nps", N_("NPS (-100..100)")), ("last_login", N_("Last login")),
          ("open_tickets", N_("Open tickets")),
          ("on_time_payment", N_("On-time payment (0-1)")),
          ("growth_potential", N_("Growth (0-5)")), ("influence", N_("Influence (0-5)")),
          ("referrals", N_("Referrals")), ("engagement", N_("Engagement (0-5)")),
          ("founded_on", N_("Founded (for the anniversary)"))]


class AccountForm(CsmModal[bool]):
    BINDINGS = bindings("account_form")

    def __init__(self, account: Any) -> None:
        """`account`: the account as the account screen loaded it."""
        super().__init__()
        self.account_id = account.id or 0
        self.version = account.version
        self.initial = form_values(account)
        self.name_text = account.name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Label(t("Edit {name} · tier: use t on the account screen",
                          name=self.name_text),
                        id="form-title")
            with Grid(id="form-grid"):
                for key, label in FIELDS:
                    yield Label(t(label))
                    yield Input(self.initial.get(key, ""), id=f"f-{key}", compact=True)
            yield Label("", id="form-error")
            yield Label(f"[dim]{t('ctrl+s or enter saves · esc cancels')}[/dim]")

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#f-{key}", Input).value for key, _ in FIELDS}

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self._save(self.values())

    def _save(self, values: dict[str, str]) -> None:
        """The typed-in values, checked and saved in one transaction. A refused field or
        a teammate's save in between comes back as an answer to show here (with the
        field focused, or both values side by side); a database failure as a message."""
        services = self.csm.services
        base, version = dict(self.initial), self.version

        def attempt() -> EditResult | FieldError | EditConflict:
            try:
                return services.update_account(self.account_id, values,
                                               expected_version=version, base=base)
            except (FieldError, EditConflict) as exc:
                return exc

        def answered(result: EditResult | FieldError | EditConflict) -> None:
            if isinstance(result, FieldError):
                self._field_error(result)
            elif isinstance(result, EditConflict):
                self._conflict(result, values)
            else:
                self.dismiss(bool(result.changed))

        self.csm.write(attempt, done=answered, failed=self._show_error)

    def _conflict(self, exc: EditConflict, yours: dict[str, str]) -> None:
        """Someone saved a field you changed too. Every field you did not touch now
        shows their value (it is kept); both values of each field in dispute are shown,
        and ctrl+s again saves yours for those."""
        for key in changed_fields(self.initial, exc.theirs):
            if yours.get(key, "") == self.initial.get(key, ""):
                self.query_one(f"#f-{key}", Input).value = exc.theirs[key]
        lines = conflict_lines(self.initial, exc.theirs, yours, only=exc.disputed) or [
            t("no field differs")]
        self.version, self.initial = exc.version, exc.theirs
        self._show_error(f"{exc}:\n" + "\n".join(lines) + "\n" +
                         t("their other changes are kept · ctrl+s saves yours for these · "
                           "esc cancels"))

    def _field_error(self, exc: FieldError) -> None:
        self._show_error(str(exc))
        self.query_one(f"#f-{exc.field}", Input).focus()

    def _show_error(self, message: str) -> None:
        self.query_one("#form-error", Label).update(f"[red]{escape(message)}[/red]")

    def action_cancel(self) -> None:
        if self.values() == {k: self.initial.get(k, "") for k, _ in FIELDS}:
            self.dismiss(False)
            return
        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(Confirm(t("Discard your changes?")), answer)
