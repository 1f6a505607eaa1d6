"""DateInput: the one date field of every form. It takes every form `parse_when`
knows (2026-12-01, today, +3d, next mon, 明天, 下周一 …) and shows the date it resolves
to as you type. Where generated dates land on working days (`moves`), a relative date
("+14d") moves to the next working day, by `csm_tui.workdays.resolve` and
`services.work_calendar()`, and the line says so: "→ Mon 07 Dec 2026 (moved from Sat
05 Dec 2026: weekend)"; a date typed in full is kept as typed. Its error line wraps:
never cut."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from csm_tui.dateparse import forms_help
from csm_tui.i18n import t
from csm_tui.workdays import Resolved, resolve

if TYPE_CHECKING:
    from csm_tui.app import CsmApp
    from csm_tui.workdays import WorkCalendar


class DateInput(Vertical):
    """An Input (given `input_id`, so forms find it as before) and the resolved line."""

    DEFAULT_CSS = """
    DateInput { height: auto; }
    DateInput > Label { width: 100%; color: $text-muted; }
    """

    def __init__(self, value: str = "", *, input_id: str, moves: bool = False,
                 empty: str | None = None, compact: bool = True, id: str | None = None,
                 today: date | None = None) -> None:
        """`moves`: show the working day the date lands on; `empty`: what an empty
        field means (None: a date is required)."""
        super().__init__(id=id)
        self._value, self.input_id, self.moves, self.empty = value, input_id, moves, empty
        self._compact = compact
        self._today = today
        self._calendar: WorkCalendar | None = None

    @property
    def csm(self) -> CsmApp:
        return cast("CsmApp", self.app)

    def compose(self) -> ComposeResult:
        yield Input(self._value, placeholder=forms_help(), id=self.input_id,
                    compact=self._compact)
        yield Label("", id=f"{self.input_id}-resolved", classes="date-resolved")

    def on_mount(self) -> None:
        self.show()
        if self.moves:
            self.csm.background(self.csm.services.work_calendar, done=self._got_calendar,
                                failed=lambda _: None)

    def _got_calendar(self, calendar: WorkCalendar) -> None:
        self._calendar = calendar
        self.show()

    @property
    def input(self) -> Input:
        return self.query_one(f"#{self.input_id}", Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def today(self) -> date:
        return self._today or self.csm.today()

    @property
    def calendar_loaded(self) -> bool:
        """Whether working days are known yet (a form saving before then resolves the
        typed text again in its write worker, where the calendar is read)."""
        return not self.moves or self._calendar is not None

    def resolved(self) -> Resolved | None:
        """What the text resolves to (None for an empty optional field); ValueError says
        why not."""
        text = self.value
        if not text.strip():
            if self.empty is None:
                raise ValueError(t("date is empty (use {forms})", forms=forms_help()))
            return None
        return resolve(text, self.today(), self._calendar if self.moves else None)

    def resolve(self) -> date | None:
        """The date to use: the typed one, moved to a working day if it should be."""
        resolved = self.resolved()
        return resolved.day if resolved is not None else None

    def show(self) -> date | None:
        label = self.query_one(f"#{self.input_id}-resolved", Label)
        try:
            resolved = self.resolved()
        except ValueError as exc:
            label.update(f"[red]{escape(str(exc))}[/red]")
            return None
        if resolved is None:
            label.update(f"[dim]{escape(self.empty or '')}[/dim]")
            return None
        label.update(escape(resolved.text()))
        return resolved.day

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id == self.input_id:
            self.show()
