"""Import screen (`I`): pick the kind, type the path, see the detected encoding and
delimiter, the column mapping, the first rows and the check — before anything is
written. `ctrl+s` then imports with a progress bar and shows the summary."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, ProgressBar, Select

from csm_tui.i18n import N_, t
from screens.keybar import KeyBar
from screens.keymap import bindings
from screens.vtable import Column, VirtualTable, VRow

if TYPE_CHECKING:
    from csm_tui.app import CsmApp
    from csm_tui.services import ImportPreview
    from csm_tui.tabular.importers import ImportResult

KINDS = (N_("accounts"), N_("deals"), N_("contacts"), N_("touchpoints"))


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

    @property
    def csm(self) -> CsmApp:
        return cast("CsmApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="import-top"):
            yield Select([(t(k), k) for k in KINDS], value="accounts", allow_blank=False,
                         id="import-kind")
            yield Input(placeholder=t("path to a .csv file, then enter to preview and check"),
                        id="import-path")
        yield Label("", id="import-dialect")
        with Horizontal(id="import-middle"):
            with Vertical():
                yield Label(t("Column mapping"), classes="section")
                yield VirtualTable([Column(N_("Column"), 24), Column(N_("Field"), 20)],
                                   id="import-mapping")
            with Vertical():
                yield Label(t("First rows"), classes="section")
                yield VirtualTable([Column(N_("Row"), 60)], id="import-preview")
        yield Label("", id="import-check")
        yield VirtualTable([Column(N_("Row"), 6), Column(N_("Column"), 18),
                            Column(N_("Value"), 20), Column(N_("Reason"), 40)],
                           id="import-errors")
        yield ProgressBar(id="import-progress", show_eta=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def _path_entered(self) -> None:
        self._preview()

    @on(Select.Changed, "#import-kind")
    def _kind_changed(self) -> None:
        if self.query_one("#import-path", Input).value.strip():
            self._preview()

    def _kind(self) -> str:
        return str(self.query_one("#import-kind", Select).value)

    def _path(self) -> Path:
        return Path(self.query_one("#import-path", Input).value.strip()).expanduser()

    def _preview(self) -> None:
        self.checked = None
        self.csm.background(partial(self.csm.services.preview_import, self._kind(),
                                    self._path(), self._progress),
                            group="import", done=self._show_preview, failed=self._show_error)

    def _progress(self, phase: str, done: int, total: int) -> None:
        """Runs in the worker: posting a message is safe from any thread."""
        self.post_message(self.Progress(done, total))

    @on(Progress)
    def _progressed(self, message: Progress) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=max(message.total, 1),
                                                               progress=message.done)

    def _show_error(self, message: str) -> None:
        self.query_one("#import-check", Label).update(f"[red]{escape(message)}[/red]")

    def _show_preview(self, preview: ImportPreview) -> None:
        dialect, mapping, rows, result = (preview.dialect, preview.mapping, preview.rows,
                                          preview.check)
        self.checked = result
        self.query_one("#import-dialect", Label).update(t("Detected: {dialect}", dialect=dialect))
        self.query_one("#import-mapping", VirtualTable).set_rows(
            [VRow(str(i), (col, field)) for i, (col, field) in enumerate(mapping)])
        self.query_one("#import-preview", VirtualTable).set_rows(
            [VRow(str(i), (" · ".join(v for v in row.values() if v),)) for i, row in
             enumerate(rows)])
        verdict = (f"[green]{t('ready: ctrl+s imports')}[/green]" if not result.errors else
                   "[red]" + t("{n} rows would be rejected: nothing will be written until "
                               "they are fixed", n=len(result.errors)) + "[/red]")
        self.query_one("#import-check", Label).update(
            t("Check: {summary} · {verdict}", summary=result.summary(), verdict=verdict))
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

        self.csm.write(partial(self.csm.services.import_file, kind, path, self._progress),
                       done=done, failed=self._show_error)
