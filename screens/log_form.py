"""The follow-up log form (`l` anywhere): the common case is `l`, type the summary,
`enter`. Everything typed survives a validation error; `escape` with typed text asks
before discarding."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, Label

from csm_tui.i18n import label, t
from csm_tui.vocab import CHANNELS, OUTCOMES
from csm_tui.workdays import Resolved, resolve
from screens.base import CsmModal
from screens.choice import Choice
from screens.date_input import DateInput
from screens.dialogs import Confirm
from screens.keymap import bindings

if TYPE_CHECKING:
    from csm_tui.followup import LogContext, LogResult  # noqa: F401  (in a string below)
    from csm_tui.services import Services


def _log_on_working_day(services: Services, text: str, today: date, account_id: int,
                        **fields: Any) -> LogResult:
    """Runs in the write worker: a relative next date typed before the working-day
    calendar had loaded is resolved here (the services memoise the calendar)."""
    if text:
        fields["next_date"] = resolve(text, today, services.work_calendar()).day
    return services.log_followup(account_id, **fields)


class LogFollowUpScreen(CsmModal["LogResult | None"]):
    BINDINGS = bindings("log_form")

    class Ready(Message):
        """The form is filled for its account (tests wait for this)."""

    def __init__(self, account_id: int = 0, touchpoint_id: int | None = None,
                 task_id: int | None = None) -> None:
        super().__init__()
        self.prepare(account_id, touchpoint_id, task_id)

    def prepare(self, account_id: int, touchpoint_id: int | None = None,
                task_id: int | None = None) -> None:
        """Point the form at an account (and the planned touch or SOP step it is logged
        for) before it is shown. The app keeps one form and shows it again (composing a
        fresh one costs more than the 100 ms budget)."""
        self.account_id = account_id
        self.touchpoint_id = touchpoint_id
        self.task_id = task_id
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
                                empty=t("empty: the next touch at the tier’s cadence"))
                yield Label(t("Next step"))
                yield Input(placeholder=t("optional"), id="log-next-step")
            yield Checkbox(t("Tick the SOP step too"), True, id="log-tick", compact=True)
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
        tick = self.query_one("#log-tick", Checkbox)
        tick.value, tick.display = True, False
        self._prefilled = {}
        self.query_one("#log-summary", Input).focus()
        self._load()

    def _load(self) -> None:
        self.csm.background(partial(self.csm.services.log_context, self.account_id,
                                    self.touchpoint_id, self.task_id),
                            done=self._fill, failed=self._error)

    def _fill(self, ctx: LogContext) -> None:
        if (ctx.account_id, ctx.touchpoint_id, ctx.task_id) != (
                self.account_id, self.touchpoint_id, self.task_id):
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
        if ctx.task_title:  # logged on an SOP step's row: about that step
            self.query_one("#log-title", Label).update(
                f"{t('Log a follow-up')} · [b]{escape(ctx.account)}[/b] ({ctx.tier}) · "
                f"{t('SOP')}: {escape(ctx.task_title)}")
            summary = self.query_one("#log-summary", Input)
            if not summary.value:
                summary.value = self._prefilled["log-summary"] = ctx.task_title
            self.query_one("#log-tick", Checkbox).display = ctx.task_open
        self.post_message(self.Ready())

    def _today(self) -> date:
        return self.csm.today()

    def _resolve_next(self) -> Resolved | None:
        """The next follow-up; a relative one ("+14d") moved to a working day."""
        return self.query_one(DateInput).resolved()

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
            resolved = self._resolve_next()
        except ValueError as exc:
            self._error(t("next follow-up: {error}", error=exc))
            self.query_one("#log-next", Input).focus()
            return
        contact = self.query_one("#log-contact", Choice).value
        outcome = self.query_one("#log-outcome", Choice).value
        tick = self.query_one("#log-tick", Checkbox)
        task_id = self.task_id if tick.display and tick.value else None
        self._saving = True
        date_input = self.query_one(DateInput)
        late = resolved is not None and not date_input.calendar_loaded  # resolve in the worker
        next_date = resolved.day if resolved is not None and not late else None
        self.csm.write(partial(
            _log_on_working_day, self.csm.services, date_input.value if late else "",
            self._today(),
            self.account_id, touchpoint_id=self.touchpoint_id, task_id=task_id,
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
