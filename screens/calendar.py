"""Calendar: this month's events."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header

from csm_tui.events import Occurrence, events_in_range, month_range
from db.store import Store
from screens.base import DataScreen


class CalendarScreen(DataScreen):
    TITLE = "Calendar"

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="calendar", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Date", "Event", "Kind", "Scope")

    def fetch(self, store: Store, today: date) -> tuple[list[Occurrence], date]:
        start, end = month_range(today.year, today.month)
        with store.session() as session:
            return events_in_range(session, start, end), today

    def show(self, data: tuple[list[Occurrence], date]) -> None:
        items, today = data
        table = self.query_one(DataTable)
        table.clear()
        for occ in items:
            table.add_row(f"{occ.day:%a %d %b}", occ.title, occ.kind, occ.scope)
        self.sub_title = f"{today:%B %Y} · {len(items)} events"
