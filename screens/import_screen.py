"""Import screen (`I`): pick the kind, type the path (completed as you type: → takes
the suggestion), see the detected encoding and delimiter, the column mapping (enter
on a column changes its field), the first rows and what the import would do — before
anything is written. `ctrl+s` then imports with a progress bar and shows the summary."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.suggester import Suggester
from textual.widgets import Header, Input, Label, OptionList, ProgressBar, Select
from textual.widgets.option_list import Option

from csm_tui.i18n import N_, plural, t
from screens.keybar import KeyBar
from screens.keymap import bindings
from screens.vtable import Column, VirtualTable, VRow

if TYPE_CHECKING:
    from csm_tui.app import CsmApp
    from csm_tui.services import ImportPreview
    from csm_tui.tabular.importers import ImportResult

KINDS = (N_("accounts"), N_("deals"), N_("contacts"), N_("touchpoints"))
IGNORE = "-"


class PathSuggester(Suggester):
    """Completes a file path as it is typed: the first entry of the folder that starts
    with what follows the last slash (folders end with "/"). Reads one folder listing
    per keystroke, nothing more."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        head, sep, stem = value.rpartition("/")
        folder = Path(os.path.expanduser(head + sep)) if sep else Path(".")
        try:
            names = sorted(e.name + ("/" if e.is_dir() else "") for e in os.scandir(folder)
                           if e.name.startswith(stem) and not e.name.startswith("."))
        except OSError:
            return None
        prefix = value[:len(value) - len(stem)]
        for name in names:
            if name != stem and (name.endswith("/") or name.lower().endswith(
                    (".csv", ".tsv", ".txt", ".xlsx"))):
                return prefix + name
        return None


class FieldPicker(ModalScreen["str | None"]):
    """Which field a column goes to (or "-": not stored)."""

    BINDINGS = bindings("path")

    def __init__(self, column: str, fields: tuple[str, ...], current: str) -> None:
        super().__init__()
        self.column, self.fields, self.current = column, fields, current

    def compose(self) -> ComposeResult:
        options = [Option(t("(not stored)"), id=IGNORE),
                   *[Option(field, id=field) for field in self.fields]]
        with Vertical(classes="dialog"):
            yield Label(t("Column “{column}” goes to", column=self.column),
                        classes="dialog-title")
            yield OptionList(*options, id="field-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.fields:
            options.highlighted = options.get_option_index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportScreen(Screen[None]):
    TITLE = N_("Import")
    BINDINGS = bindings("import")

    class Progress(Message):
        """Sent from the import worker as rows are checked or written."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    def __init__(self) -> None:
        super().__init__()
        self.checked: ImportResult | None = None
        self.overrides: dict[str, str] = {}  # column -> field, chosen on this screen
        self.mapping: list[tuple[str, str]] = []

    @property
    def csm(self) -> CsmApp:
        return cast("CsmApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="import-top"):
            yield Select([(t(k), k) for k in KINDS], value="accounts", allow_blank=False,
                         id="import-kind")
            yield Input(placeholder=t("path to a .csv file (→ completes), then enter to "
                                      "preview and check"),
                        id="import-path", suggester=PathSuggester())
        yield Label("", id="import-dialect")
        with Horizontal(id="import-middle"):
            with Vertical():
                yield Label(t("Column mapping (enter changes a column's field)"),
                            classes="section")
                yield VirtualTable([Column(N_("Column"), 24), Column(N_("Field"), 20)],
                                   id="import-mapping")
            with Vertical():
                yield Label(t("First rows"), classes="section")
                yield VirtualTable([Column(N_("Row"), 60)], id="import-preview")
        yield Label("", id="import-check")
        yield VirtualTable([Column(N_("Row"), 6), Column(N_("Column"), 18),
                            Column(N_("Value"), 20), Column(N_("Reason"), 40)],
                           id="import-errors")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False  # until there is work to show
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def _path_entered(self) -> None:
        self.overrides = {}
        self._preview()

    @on(Select.Changed, "#import-kind")
    def _kind_changed(self) -> None:
        self.overrides = {}
        if self.query_one("#import-path", Input).value.strip():
            self._preview()

    def _override_list(self) -> list[str]:
        return [f"{column}={field}" for column, field in self.overrides.items()]

    @on(VirtualTable.Selected, "#import-mapping")
    def _change_field(self, event: VirtualTable.Selected) -> None:
        column, current = self.mapping[int(event.row.key)]

        def picked(field: str | None) -> None:
            if field is not None:
                self.overrides[column] = field
                self._preview()

        self.app.push_screen(FieldPicker(column, self.csm.services.import_fields(self._kind()),
                                         current), picked)

    def _kind(self) -> str:
        return str(self.query_one("#import-kind", Select).value)

    def _path(self) -> Path:
        return Path(self.query_one("#import-path", Input).value.strip()).expanduser()

    def _preview(self) -> None:
        self.checked = None
        self.csm.background(partial(self.csm.services.preview_import, self._kind(),
                                    self._path(), self._progress,
                                    overrides=self._override_list() or None),
                            group="import", done=self._show_preview, failed=self._show_error)

    def _progress(self, phase: str, done: int, total: int) -> None:
        """Runs in the worker: posting a message is safe from any thread."""
        self.post_message(self.Progress(done, total))

    @on(Progress)
    def _progressed(self, message: Progress) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=max(message.total, message.done, 1), progress=message.done)

    def _show_error(self, message: str) -> None:
        self.query_one("#import-check", Label).update(f"[red]{escape(message)}[/red]")

    def _show_preview(self, preview: ImportPreview) -> None:
        dialect, mapping, rows, result = (preview.dialect, preview.mapping, preview.rows,
                                          preview.check)
        self.checked = result
        self.query_one("#import-dialect", Label).update(t("Detected: {dialect}", dialect=dialect))
        self.mapping = mapping
        self.query_one("#import-mapping", VirtualTable).set_rows(
            [VRow(str(i), (col, t("{field} (chosen)", field=field)
                           if col in self.overrides else t(field)))
             for i, (col, field) in enumerate(mapping)])
        self.query_one("#import-preview", VirtualTable).set_rows(
            [VRow(str(i), (" · ".join(v for v in row.values() if v),)) for i, row in
             enumerate(rows)])
        verdict = (f"[green]{t('nothing written yet: ctrl+s imports')}[/green]"
                   if not result.errors else
                   "[red]" + t("{n} rows would be rejected: nothing will be written until "
                               "they are fixed", n=len(result.errors)) + "[/red]")
        self.query_one("#import-check", Label).update(
            t("Check: {rows} read; {inserted} would be inserted, {updated} would be updated, "
              "{skipped} skipped, {rejected} rejected · {verdict}",
              rows=plural(result.rows, "row"), inserted=result.would_insert,
              updated=result.would_update, skipped=result.skipped,
              rejected=len(result.errors), verdict=verdict))
        self.query_one("#import-errors", VirtualTable).set_rows(
            [VRow(str(i), (str(e.row), e.column, e.value, e.reason))
             for i, e in enumerate(result.errors[:500])])

    def action_run_import(self) -> None:
        if self.checked is None:
            self._show_error(t("preview first: type the path and press enter"))
            return
        if self.checked.errors:
            self._show_error(t("fix the rejected rows first (or use csm import --skip-invalid)"))
            return
        self._import()

    def _import(self) -> None:
        kind, path = self._kind(), self._path()

        def done(result: ImportResult) -> None:
            self.query_one("#import-check", Label).update(
                f"[green]{t('Imported')}[/green] {escape(path.name)}: {result.summary()}")
            self.notify(result.summary(), title=t("Imported {kind}", kind=t(kind)))
            self.checked = None

        self.csm.write(partial(self.csm.services.import_file, kind, path, self._progress,
                               overrides=self._override_list() or None),
                       done=done, failed=self._show_error)
