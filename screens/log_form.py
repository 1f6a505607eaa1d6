"""The follow-up log form (`l` anywhere): the common case is `l`, type the summary,
`enter`. Everything typed survives a validation error; `escape` with typed text asks
before discarding."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from csm_tui.dateparse import parse_when
from csm_tui.i18n import label, t
from csm_tui.vocab import CHANNELS, OUTCOMES
from screens.base import CsmModal
from screens.choice import Choice
from screens.date_input import DateInput
from screens.dialogs import Confirm
from screens.keymap import bindings

if TYPE_CHECKING:
    from csm_tui.followup import LogContext, LogResult  # noqa: F401  (in a string below)


class LogFollowUpScreen(CsmModal["LogResult | None"]):
    BINDINGS = bindings("log_form")

    class Ready(Message):
        """The form is filled for its account (tests wait for this)."""

    def __init__(self, account_id: int = 0, touchpoint_id: int | None = None) -> None:
        super().__init__()
        self.prepare(account_id, touchpoint_id)

    def prepare(self, account_id: int, touchpoint_id: int | None = None) -> None:
        """Point the form at an account before it is shown. The app keeps one form and
        shows it again (composing a fresh one costs more than the 100 ms budget)."""
        self.account_id = account_id
        self.touchpoint_id = touchpoint_id
        self.context: LogContext | None = None
        self._saving = False
        self._prefilled: dict[str, str] = {}  # what the form filled in, not the user
        self._fresh = True  # cleared once shown: a dialog closing on top keeps the text

    def compose(self) -> ComposeResult:
        with Vertical(id="log-box"):
            yield Label(t("Log a follow-up"), id="log-title")
            with Grid(id="log-grid"):
                yield Label(t("Summary"))
                yield Input(placeholder=t("What happened? (enter saves)"), id="log-summary")
                yield Label(t("Channel"))
                yield Choice([(label("channel", c), c) for c in CHANNELS], id="log-channel")
                yield Label(t("Contact"))
                yield Choice([], blank=t("(no stakeholder)"), id="log-contact")
                yield Label(t("Outcome"))
                yield Choice([(label("outcome", o), o) for o in OUTCOMES], blank=t("(not set)"),
                             id="log-outcome")
                yield Label(t("Next follow-up"))
                yield DateInput(input_id="log-next", moves=True, compact=False,
                                empty=t("no next follow-up"))
                yield Label(t("Next step"))
                yield Input(placeholder=t("optional"), id="log-next-step")
            yield Label("", id="log-error")
            yield Label("[dim]" + t("enter save · tab next field · ←/→ choose · ctrl+s save · "
                                    "esc cancel") + "[/dim]")

    def on_screen_resume(self) -> None:
        if not self._fresh:
            return
        self._fresh = False
        for name in ("log-summary", "log-next", "log-next-step"):
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#log-title", Label).update(t("Log a follow-up"))
        self.query_one("#log-error", Label).update("")
        self.query_one("#log-outcome", Choice).index = 0
        self.query_one("#log-summary", Input).focus()
        self._load()

    def _load(self) -> None:
        self.csm.background(partial(self.csm.services.log_context, self.account_id,
                                    self.touchpoint_id), done=self._fill, failed=self._error)

    def _fill(self, ctx: LogContext) -> None:
        if (ctx.account_id, ctx.touchpoint_id) != (self.account_id, self.touchpoint_id):
            return  # a late answer for the account this form showed before
        self.context = ctx
        self.query_one("#log-title", Label).update(
            f"{t('Log a follow-up')} · [b]{ctx.account}[/b] ({ctx.tier})")
        self.query_one("#log-channel", Choice).value = ctx.channel
        contact = self.query_one("#log-contact", Choice)
        contact.set_options([(f"{name} · {label('role', role)} · {label('level', level)}", cid)
                             for cid, name, role, level in ctx.contacts])
        if ctx.contact_id is not None:
            contact.value = ctx.contact_id
        next_input = self.query_one("#log-next", Input)
        if not next_input.value:
            next_input.value = self._prefilled["log-next"] = ctx.next_default
        step = self.query_one("#log-next-step", Input)
        if not step.value and ctx.next_step:
            step.value = self._prefilled["log-next-step"] = ctx.next_step
        self.post_message(self.Ready())

    def _today(self) -> date:
        return self.csm.today()

    def _resolve_next(self) -> date | None:
        text = self.query_one("#log-next", Input).value
        if not text.strip():
            return None
        return parse_when(text, self._today())

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def _error(self, message: str) -> None:
        self.query_one("#log-error", Label).update(f"[red]{escape(message)}[/red]")

    def _has_typed_text(self) -> bool:
        """Text the user typed, not what the form filled in (an untouched form closes)."""
        for name in ("log-summary", "log-next", "log-next-step"):
            value = self.query_one(f"#{name}", Input).value
            if value.strip() and value != self._prefilled.get(name, ""):
                return True
        return False

    def action_save(self) -> None:
        if self._saving:
            return
        summary = self.query_one("#log-summary", Input).value
        if not summary.strip():
            self._error(t("summary: required — what happened?"))
            self.query_one("#log-summary", Input).focus()
            return
        try:
            next_date = self._resolve_next()
        except ValueError as exc:
            self._error(t("next follow-up: {error}", error=exc))
            self.query_one("#log-next", Input).focus()
            return
        contact = self.query_one("#log-contact", Choice).value
        outcome = self.query_one("#log-outcome", Choice).value
        self._saving = True
        self.csm.write(partial(
            self.csm.services.log_followup, self.account_id, touchpoint_id=self.touchpoint_id,
            summary=summary, channel=str(self.query_one("#log-channel", Choice).value),
            contact_id=contact if isinstance(contact, int) else None,
            outcome=outcome if isinstance(outcome, str) else "", next_date=next_date,
            next_step=self.query_one("#log-next-step", Input).value),
            done=self.dismiss, failed=self._failed)

    def _failed(self, message: str) -> None:
        self._saving = False
        self._error(message)

    def action_cancel(self) -> None:
        if not self._has_typed_text():
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Confirm(t("Discard what you typed?")), answer)
