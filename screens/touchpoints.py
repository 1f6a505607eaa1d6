"""Touchpoints: planned contacts due in the next seven days, overdue first."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header

from csm_tui.touchpoints import DueTouchpoint, due_touchpoints
from db.store import Store
from screens.base import DataScreen
from screens.format import relative_days, tier_badge


class TouchpointsScreen(DataScreen):
    TITLE = "Touchpoints"

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="touchpoints", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Due", "Account", "Tier", "Channel", "Next step")

    def fetch(self, store: Store, today: date) -> tuple[list[DueTouchpoint], date]:
        with store.session() as session:
            return due_touchpoints(session, today), today

    def show(self, data: tuple[list[DueTouchpoint], date]) -> None:
        items, today = data
        table = self.query_one(DataTable)
        table.clear()
        for item in items:
            late = item.days_overdue(today) > 0
            table.add_row(Text(relative_days(item.due_date, today),
                               style="bold red" if late else ""),
                          item.account, tier_badge(item.tier), item.channel, item.next_step,
                          key=str(item.id))
        self.sub_title = f"{len(items)} due within 7 days"
