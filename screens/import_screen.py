"""Import screen (`I`): pick the kind, type the path, see the detected encoding and
delimiter, the column mapping, the first rows and the check — before anything is
written. `ctrl+s` then imports with a progress bar and shows the summary."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, ProgressBar, Select

from csm_tui.i18n import N_, t
from csm_tui.tabular.importers import ImportResult, import_file, preview_rows
from screens.keybar import KeyBar
from screens.vtable import Column, VirtualTable, VRow

KINDS = (N_("accounts"), N_("deals"), N_("contacts"), N_("touchpoints"))


class ImportScreen(Screen[None]):
    TITLE = N_("Import")
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"), id="import.back"),
                Binding("ctrl+s", "run_import", N_("Import"), id="import.run")]

    def __init__(self) -> None:
        super().__init__()
        self.checked: ImportResult | None = None

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

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _preview(self) -> None:
        app, kind, path = self.app, self._kind(), self._path()
        self.checked = None
        try:
            dialect, mapping, rows = preview_rows(path, kind)
            result = import_file(app.store, kind, path, today=app.today(),  # type: ignore[attr-defined]
                                 check_only=True, progress=self._progress)
        except (ValueError, OSError) as exc:
            app.call_from_thread(self._show_error, str(exc))
            return
        app.call_from_thread(self._show_preview, dialect.label, mapping.describe(), rows,
                             result)

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.app.call_from_thread(self.query_one("#import-progress", ProgressBar).update,
                                  total=max(total, 1), progress=done)

    def _show_error(self, message: str) -> None:
        self.query_one("#import-check", Label).update(f"[red]{message}[/red]")

    def _show_preview(self, dialect: str, mapping: list[tuple[str, str]],
                      rows: list[dict[str, str]], result: ImportResult) -> None:
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

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self) -> None:
        app, kind, path = self.app, self._kind(), self._path()
        try:
            result = import_file(app.store, kind, path, today=app.today(),  # type: ignore[attr-defined]
                                 progress=self._progress)
        except (ValueError, OSError) as exc:
            app.call_from_thread(self._show_error, str(exc))
            return
        app.call_from_thread(self.query_one("#import-check", Label).update,
                             f"[green]{t('Imported')}[/green] {path.name}: {result.summary()}")
        app.call_from_thread(app.notify, result.summary(), title=t("Imported {kind}", kind=t(kind)))
        self.checked = None
