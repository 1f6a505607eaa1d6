"""The first run: on an empty database the app opens here instead of an empty Today.
It asks the user's name (the owner of the accounts they add) and base currency, kept
in settings.toml, and offers three ways on: import a CSV file, add a first account,
or open the demo (a throwaway database; this one stays empty)."""

from __future__ import annotations

from functools import partial

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from csm_tui.i18n import current_language, t
from csm_tui.welcome import FirstAccount, check_currency
from screens.base import CsmModal
from screens.date_input import DateInput
from screens.keymap import bindings


class WelcomeScreen(CsmModal[str | None]):
    """Answers what the user chose: "import", "account", "demo", or None (skipped)."""

    BINDINGS = bindings("welcome")

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome-box"):
            yield Label(t("Welcome to csm"), classes="dialog-title")
            yield Static(t("This database has no accounts yet. Tell csm who you are, then "
                           "import your accounts, add one by hand, or look around the "
                           "demo first."), id="welcome-intro")
            with Grid(id="welcome-grid"):
                yield Label(t("Your name"))
                yield Input(self.csm.services.user, id="welcome-owner", compact=True)
                yield Label(t("Base currency"))
                yield Input("CNY" if current_language() == "zh_CN" else "USD",
                            id="welcome-currency", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("Import a CSV file"), id="welcome-import", variant="primary")
                yield Button(t("Open the demo"), id="welcome-demo")
            yield Label(t("Or add your first account"), classes="section")
            with Grid(id="welcome-account"):
                yield Label(t("Account name"))
                yield Input(id="welcome-name", compact=True,
                            placeholder=t("e.g. 清华大学 or Contoso"))
                yield Label(t("ARR"))
                yield Input(id="welcome-arr", compact=True, placeholder="120000")
                yield Label(t("Contract end"))
                yield DateInput(input_id="welcome-end",
                                empty=t("a year from today"))
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("Add the account"), id="welcome-add")
            yield Label("", id="welcome-error", classes="form-error")
            yield Label(f"[dim]{t('tab moves · enter presses · esc skips')}[/dim]")

    def on_mount(self) -> None:
        self.query_one("#welcome-owner", Input).focus()

    def _error(self, message: str) -> None:
        self.query_one("#welcome-error", Label).update(f"[red]{escape(message)}[/red]")

    def _profile(self) -> tuple[str, str] | None:
        owner = self.query_one("#welcome-owner", Input).value.strip()
        try:
            currency = check_currency(self.query_one("#welcome-currency", Input).value)
        except ValueError as exc:
            self._error(str(exc))
            self.query_one("#welcome-currency", Input).focus()
            return None
        return owner, currency

    def _then(self, choice: str, profile: tuple[str, str]) -> None:
        """Keep the name and currency, then go on with `choice`."""
        owner, currency = profile

        def saved(_path: object) -> None:
            if choice == "demo":
                self.csm.write(self.csm.services.open_demo,
                               done=lambda _: self.dismiss("demo"), failed=self._error)
            elif choice == "account":
                self._add(currency)
            else:
                self.dismiss(choice)

        self.csm.background(partial(self.csm.services.save_profile, owner=owner,
                                    currency=currency), done=saved, failed=self._error)

    def _add(self, currency: str) -> None:
        try:
            end = self.query_one(DateInput).resolve()
        except ValueError as exc:
            self._error(t("contract end: {error}", error=exc))
            return
        account = FirstAccount(self.query_one("#welcome-name", Input).value,
                               self.query_one("#welcome-arr", Input).value, end)
        self.csm.write(partial(self.csm.services.add_first_account, account,
                               currency=currency),
                       done=lambda _: self.dismiss("account"), failed=self._error)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        profile = self._profile()
        if profile is None:
            return
        choice = {"welcome-import": "import", "welcome-demo": "demo",
                  "welcome-add": "account"}.get(event.button.id or "")
        if choice == "account" and not self.query_one("#welcome-name", Input).value.strip():
            self._error(t("account name: required"))
            self.query_one("#welcome-name", Input).focus()
            return
        if choice:
            self._then(choice, profile)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id in ("welcome-name", "welcome-arr", "welcome-end"):
            self.query_one("#welcome-add", Button).press()
        else:
            self.focus_next()

    def action_skip(self) -> None:
        self.dismiss(None)
