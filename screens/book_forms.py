"""The forms of the book kept by hand: one dialog (`RecordForm`) of labelled fields
(text, a date, a picker, several lines) that saves through one services call in a
write worker. A refused value comes back as one line under the fields, with the field
it names focused and everything typed kept; `esc` with changes asks first."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Label, TextArea

from csm_tui.i18n import t
from screens.base import CsmModal
from screens.choice import Choice
from screens.date_input import DateInput
from screens.dialogs import Confirm
from screens.keymap import bindings


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # translated already
    kind: str = "text"  # text | date | choice | area
    value: str = ""
    options: Sequence[tuple[str, Hashable]] = field(default_factory=tuple)
    choice: Hashable = None  # the picker's first value
    empty: str | None = None  # a date field: what empty means (None: required)


Save = Callable[[dict[str, Any]], object]


class RecordForm(CsmModal[object]):
    """A form of `fields`; ctrl+s (or enter in a one-line field) calls `save(values)` in
    a write worker and closes with its result. `values`: text as typed, a date field's
    date (or None), a picker's value."""

    BINDINGS = bindings("record_form")

    def __init__(self, title: str, fields: Sequence[Field], save: Save, *,
                 hint: str = "") -> None:
        super().__init__()
        self.title_text, self.fields, self.save_fn, self.hint = title, list(fields), save, hint
        self.initial: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="record-box"):
            yield Label(self.title_text, classes="dialog-title")
            with Grid(classes="record-grid"):
                for f in self.fields:
                    yield Label(f.label)
                    if f.kind == "date":
                        yield DateInput(f.value, input_id=f"rf-{f.key}", empty=f.empty,
                                        moves=True)
                    elif f.kind == "choice":
                        choice = Choice(f.options, id=f"rf-{f.key}")
                        choice.value = f.choice
                        yield choice
                    elif f.kind == "area":
                        yield TextArea(f.value, id=f"rf-{f.key}", classes="record-area",
                                       soft_wrap=True)
                    else:
                        yield Input(f.value, id=f"rf-{f.key}", compact=True)
            yield Label("", id="rf-error", classes="form-error")
            yield Label("[dim]" + escape(self.hint or t("ctrl+s saves · esc cancels"))
                        + "[/dim]")

    def on_mount(self) -> None:
        self.initial = self._texts()
        first = self.fields[0]
        target = f"#rf-{first.key}"
        self.query_one(target).focus()

    def _texts(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            widget = self.query_one(f"#rf-{f.key}")
            if isinstance(widget, Input | DateInput):
                out[f.key] = widget.value
            elif isinstance(widget, TextArea):
                out[f.key] = widget.text
            elif isinstance(widget, Choice):
                out[f.key] = widget.value
        return out

    def values(self) -> dict[str, Any]:
        """What is typed, each date resolved (ValueError naming a bad date)."""
        out = self._texts()
        for f in self.fields:
            if f.kind == "date":
                widget = self.query_one(f"#rf-{f.key}").parent
                date_input = widget if isinstance(widget, DateInput) else None
                if date_input is None:
                    continue
                try:
                    out[f.key] = date_input.resolve()
                except ValueError as exc:
                    raise ValueError(f"{f.key}: {exc}") from None
        return out

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            values = self.values()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.csm.write(lambda: self.save_fn(values), done=self.dismiss,
                       failed=self.show_error)

    def show_error(self, message: str) -> None:
        self.query_one("#rf-error", Label).update(f"[red]{escape(message)}[/red]")
        key = message.split(":", 1)[0].strip().lower().replace(" ", "_")
        for f in self.fields:
            if f.key == key or f.label.lower() == key:
                self.query_one(f"#rf-{f.key}").focus()
                break

    def action_cancel(self) -> None:
        if self._texts() == self.initial:
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Confirm(t("Discard your changes?")), answer)


def day_text(day: date | None) -> str:
    return day.isoformat() if day else ""
