"""Today: overdue and due-today touchpoints, and events in the next 14 days."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Label

from csm_tui.today import TodayAgenda, today_agenda
from db.store import Store
from screens.base import DataScreen
from screens.format import relative_days, tier_badge


class TodayScreen(DataScreen):
    TITLE = "Today"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Due today and overdue", classes="section-title")
        yield DataTable(id="today-due", cursor_type="row", zebra_stripes=True)
        yield Label("Events in the next 14 days", classes="section-title")
        yield DataTable(id="today-events", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#today-due", DataTable).add_columns(
            "Account", "Tier", "Channel", "Due", "Next step")
        self.query_one("#today-events", DataTable).add_columns("Date", "Event", "Kind")

    def fetch(self, store: Store, today: date) -> tuple[TodayAgenda, date]:
        with store.session() as session:
            return today_agenda(session, today), today

    def show(self, data: tuple[TodayAgenda, date]) -> None:
        agenda, today = data
        due = self.query_one("#today-due", DataTable)
        due.clear()
        for item in agenda.due:
            overdue = item.days_overdue(today)
            when = Text(relative_days(item.due_date, today),
                        style="bold red" if overdue > 0 else "bold")
            due.add_row(item.account, tier_badge(item.tier), item.channel, when,
                        item.next_step, key=str(item.id))
        events = self.query_one("#today-events", DataTable)
        events.clear()
        for occ in agenda.events:
            events.add_row(f"{occ.day:%a %d %b}", occ.title, occ.kind)
        self.sub_title = f"{len(agenda.due)} due · {len(agenda.events)} events"
