"""Small modal dialogs shared by the screens: yes/no, and a date prompt that shows
the resolved date as you type (a relative one moved to the next working day, and
why: "→ Mon 7 Dec (moved from Sat 5 Dec: weekend)")."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from csm_tui.i18n import t
from screens.date_input import DateInput
from screens.keymap import bindings


class Confirm(ModalScreen[bool]):
    """Ask a yes/no question; `y`/`enter` yes, `n`/`escape` no."""

    BINDINGS = bindings("confirm")

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("Yes (y)"), id="yes", variant="error")
                yield Button(t("No (n)"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class DatePrompt(ModalScreen[date | None]):
    """Ask for a date; accepts every form parse_when knows; quick keys for snoozing."""

    BINDINGS = bindings("date")

    def __init__(self, title: str, today: date, *, initial: str = "",
                 quick: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.today = today
        self.initial = initial
        self.quick = quick

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            if self.quick:
                yield Label(t("Quick: {forms}  (type one, enter)", forms="  ".join(self.quick)),
                            classes="dialog-hint")
            yield DateInput(self.initial, input_id="date-input", moves=True, compact=False,
                            today=self.today)

    @on(Input.Submitted, "#date-input")
    def _submitted(self, event: Input.Submitted) -> None:
        day = self.query_one(DateInput).show()
        if day is not None:
            self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)

