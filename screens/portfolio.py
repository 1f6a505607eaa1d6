"""Portfolio: every account with tier, ARR, stage and renewal date."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header

from csm_tui.money import format_money
from csm_tui.portfolio import PortfolioRow, load_portfolio
from db.store import Store
from screens.base import DataScreen
from screens.format import relative_days, short_date, tier_badge


class PortfolioScreen(DataScreen):
    TITLE = "Portfolio"

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="portfolio", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "Account", "Tier", "ARR", "Stage", "Renewal", "Last touch", "Next due")

    def fetch(self, store: Store, today: date) -> tuple[list[PortfolioRow], date]:
        with store.session() as session:
            return load_portfolio(session, today), today

    def show(self, data: tuple[list[PortfolioRow], date]) -> None:
        rows, today = data
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(
            (r.name, tier_badge(r.tier), Text(format_money(r.arr_minor, r.currency),
                                              justify="right"),
             r.stage, short_date(r.contract_end), relative_days(r.last_touch, today),
             relative_days(r.next_due, today))
            for r in rows)
        self.sub_title = f"{len(rows)} accounts"
