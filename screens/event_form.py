"""Adding an event (validated; typed text kept on error) and asking for a file path."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from csm_tui.i18n import N_, t
from screens.base import CsmModal
from screens.date_input import DateInput
from screens.keymap import bindings

if TYPE_CHECKING:
    from csm_tui.event_book import EventInfo

FIELDS = [("title", N_("Title")), ("date", N_("Date")), ("yearly", N_("Yearly (y/n)")),
          ("kind", N_("Kind (event/holiday/workday)")),
          ("scope", N_("Scope (global/industry/account)")),
          ("industry", N_("Industry")), ("account", N_("Account (its own event)")),
          ("tiers", N_("Target tiers (e.g. S,A)")),
          ("lead", N_("Lead days")), ("description", N_("Description"))]


class EventForm(CsmModal[int | None]):
    BINDINGS = bindings("event_form")

    def __init__(self, day: date, today: date | None = None, *, account: str = "",
                 info: EventInfo | None = None) -> None:
        """`account`: an account's own event (from its screen); `info`: an event to
        edit (its fields filled in)."""
        super().__init__()
        self.day = day
        self.today = today
        self.account = account
        self.info = info

    def _defaults(self) -> dict[str, str]:
        if self.info is None:
            return {"date": self.day.isoformat(), "yearly": "n", "kind": "event",
                    "scope": "account" if self.account else "global", "lead": "0",
                    "account": self.account}
        f = self.info.fields
        return {"title": f["title"], "date": f["on_date"].isoformat(),
                "yearly": "y" if f["yearly"] else "n", "kind": f["kind"], "scope": f["scope"],
                "industry": f["industry"] or "", "account": self.info.account,
                "tiers": f["target_tiers"], "lead": str(f["lead_days"]),
                "description": f["description"]}

    def compose(self) -> ComposeResult:
        defaults = self._defaults()
        with Vertical(classes="dialog wide"):
            yield Label(t("Edit the event") if self.info else t("Add an event"),
                        classes="dialog-title")
            with Grid(id="event-grid"):
                for key, label in FIELDS:
                    yield Label(t(label))
                    if key == "date":
                        yield DateInput(defaults["date"], input_id="ev-date", today=self.today)
                    else:
                        yield Input(defaults.get(key, ""), id=f"ev-{key}", compact=True)
            yield Label("", id="ev-error", classes="form-error")
            yield Label("[dim]" + t("enter saves · esc cancels") + "[/dim]")

    def on_mount(self) -> None:
        self.query_one("#ev-title", Input).focus()

    def _value(self, key: str) -> str:
        return self.query_one(f"#ev-{key}", Input).value.strip()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            day = self.query_one(DateInput).resolve()
            assert day is not None  # required
        except ValueError as exc:
            self._error(t("date: {error}", error=exc), "date")
            return
        lead_text = self._value("lead") or "0"
        if not lead_text.lstrip("-").isdigit():
            self._error(t("lead days: {text!r} is not a whole number", text=lead_text), "lead")
            return
        yearly = self._value("yearly").lower()
        if yearly not in ("y", "yes", "n", "no", ""):
            self._error(t("yearly: answer y or n"), "yearly")
            return
        scope = self._value("scope") or "global"
        account = self._value("account")
        self._save(dict(title=self._value("title"), on_date=day,
                        yearly=yearly in ("y", "yes"), kind=self._value("kind") or "event",
                        scope="global" if scope == "account" and not account else scope,
                        industry=self._value("industry"), tiers=self._value("tiers"),
                        lead_days=int(lead_text), description=self._value("description"),
                        account=account))

    def _save(self, fields: dict[str, Any]) -> None:
        def failed(message: str) -> None:
            field = message.split(":", 1)[0].strip().split()[0] if message.strip() else ""
            self._error(message, {"lead": "lead", "end": "date"}.get(field, field))

        services = self.csm.services
        if self.info is not None:
            if not fields["account"]:
                fields["account_id"] = None
            write = partial(services.edit_event, self.info.id, **fields)
        else:
            write = partial(services.save_event, **fields)
        self.csm.write(write, done=self.dismiss, failed=failed)

    def _error(self, message: str, key: str) -> None:
        self.query_one("#ev-error", Label).update(f"[red]{escape(message)}[/red]")
        keys = {k for k, _ in FIELDS}
        if key in keys:
            self.query_one(f"#ev-{key}", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class PathPrompt(ModalScreen[str | None]):
    BINDINGS = bindings("path")

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.question, classes="dialog-title")
            yield Input(placeholder="~/Downloads/holidays.ics", id="path")

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
