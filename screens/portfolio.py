"""Portfolio: accounts grouped by tier with the 80/20 figures on each group heading,
or one list in any order. `/` filters as you type (pinyin and initials too), `o`
picks the order (or drops the grouping), `O` reverses, `enter` opens, `R` retiers."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Header, Input

from csm_tui.charts import tier_shares
from csm_tui.i18n import N_, label, plural, t
from csm_tui.money import format_money
from csm_tui.portfolio import (
    PortfolioRow,
    TierGroup,
    filter_rows,
    rows_total,
    sort_rows,
    tier_groups,
)
from screens.base import DataScreen
from screens.charts import TierChart, charts_fit
from screens.format import health_text, relative_days, tier_badge
from screens.keybar import KeyBar
from screens.keymap import bindings
from screens.sort_picker import SortPicker, sort_words
from screens.vtable import Column, VirtualTable, VRow

if TYPE_CHECKING:
    from csm_tui.services import Services, ViewKey

COLUMNS = [Column(N_("Account"), 30), Column(N_("Tier"), 5), Column(N_("ARR"), 12, "right"),
           Column(N_("Stage"), 11), Column(N_("Health"), 6, "right"), Column(N_("Renewal"), 9),
           Column(N_("Last touch"), 10), Column(N_("Next due"), 9), Column(N_("RFM"), 16)]


class PortfolioScreen(DataScreen["tuple[list[PortfolioRow], date]"]):
    TITLE = N_("Portfolio")
    BINDINGS = bindings("portfolio")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[PortfolioRow] = []
        self._lines: dict[int, VRow] = {}
        self._groups: dict[str, TierGroup] = {}
        self._sorted_by_tier: dict[str, list[PortfolioRow]] = {}  # sorted, per tier
        self.today = date.min
        self.sort_key = "arr"
        self.reverse = False
        self.grouped = True  # by tier; off: one list in the chosen order

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=t("/ filter: name, industry, owner, tier, stage, RFM segment"),
                    id="portfolio-filter", compact=True)
        yield TierChart(id="portfolio-chart")
        yield VirtualTable(COLUMNS, id="portfolio")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(TierChart).display = charts_fit(self.app.size.height)
        self.query_one(VirtualTable).focus()

    def load(self, services: Services, key: ViewKey, request: Any
             ) -> tuple[list[PortfolioRow], date]:
        return services.portfolio(key), key.day

    def show(self, data: tuple[list[PortfolioRow], date]) -> None:
        self.rows, self.today = data
        self._lines = {r.id: self._line(r) for r in self.rows}
        self._groups = {g.tier: g for g in tier_groups(self.rows)}
        base = self.rows[0].base if self.rows else ""
        self.query_one(TierChart).set_shares(tier_shares(self.rows, base), base)
        self._resort()

    def _resort(self) -> None:
        """Sorting and grouping by tier happen when the rows or the order change, not
        per filter keystroke, which only filters each tier's sorted list (or the one
        list, ungrouped: kept under the key "")."""
        ordered = sort_rows(self.rows, self.sort_key, reverse=self.reverse)
        if not self.grouped:
            self._sorted_by_tier = {"": ordered}
            self.redraw()
            return
        by_tier: dict[str, list[PortfolioRow]] = {tier: [] for tier in self._groups}
        for row in ordered:
            by_tier.setdefault(row.tier, []).append(row)
        self._sorted_by_tier = by_tier
        self.redraw()

    def _line(self, r: PortfolioRow) -> VRow:
        """A row, made once per load (a filter keystroke only regroups); its cells are
        built when it is first drawn."""
        return VRow(str(r.id), partial(self._cells, r))

    def _cells(self, r: PortfolioRow) -> tuple:
        today = self.today
        return (r.name + (" 🔒" if r.locked else ""), tier_badge(r.tier),
                format_money(r.arr_minor, r.currency), label("stage", r.stage),
                health_text(r.health),
                relative_days(r.contract_end, today), relative_days(r.last_touch, today),
                relative_days(r.next_due, today), label("rfm", r.segment))

    def redraw(self) -> None:
        query = self.query_one("#portfolio-filter", Input).value
        groups, vrows = self._groups, self._lines
        lines: list[VRow] = []
        shown = 0
        for tier, rows in self._sorted_by_tier.items():
            members = filter_rows(rows, query)
            if not members:
                continue
            shown += len(members)
            if not tier:  # one list, no headings
                lines.extend([vrows[r.id] for r in members])
                continue
            g = groups[tier]
            arr = rows_total(members)  # in the base currency; no rate: left out, named
            heading = t("Tier {tier} · {n} of {accounts} · {arr} · "
                        "{share} of portfolio ARR", tier=tier, n=len(members),
                        accounts=plural(g.count, "account"), arr=arr.text(),
                        share=f"{g.share:.0%}")
            if arr.missing:
                heading += " · " + t("{n} left out: no rate to {base}",
                                     n=sum(n for _c, n in arr.missing), base=arr.base)
            lines.append(VRow(f"group:{tier}", (Text(heading),), group=True))
            lines.extend([vrows[r.id] for r in members])
        self.query_one(VirtualTable).set_rows(lines)
        filt = t(" · filter “{query}”", query=query) if query.strip() else ""
        # grouped: the tier headings say so; one list: said in words
        how = (sort_words(self.sort_key, self.reverse) if self.grouped
               else t("one list, {order}", order=sort_words(self.sort_key, self.reverse)))
        self.sub_title = t("{scope} · {n} of {accounts} · {order}",
                           scope=self.csm.scope_label, n=shown,
                           accounts=plural(len(self.rows), "account"), order=how) + filt

    @on(Input.Changed, "#portfolio-filter")
    def _filter_changed(self) -> None:
        self.redraw()

    @on(Input.Submitted, "#portfolio-filter")
    def _filter_submitted(self) -> None:
        self.query_one(VirtualTable).focus()

    @on(VirtualTable.Selected)
    def _open(self, event: VirtualTable.Selected) -> None:
        self.csm.open_account(int(event.row.key))

    def selected_id(self) -> int | None:
        row = self.query_one(VirtualTable).current
        return int(row.key) if row else None

    def action_new_account(self) -> None:
        """`n`: a new account (screens/book_dialogs.py); it opens when saved."""
        from screens.book_dialogs import new_account_form

        new_account_form(self.csm)

    def action_filter(self) -> None:
        self.query_one("#portfolio-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#portfolio-filter", Input).value = ""
        self.query_one(VirtualTable).focus()

    def action_sort(self) -> None:
        """`o`: pick the order, or group by tier on/off."""
        def picked(answer: tuple[str, bool, bool] | None) -> None:
            if answer is not None:
                self.set_order(*answer)

        self.app.push_screen(SortPicker(self.sort_key, self.reverse, self.grouped), picked)

    def set_order(self, key: str, reverse: bool = False, grouped: bool | None = None) -> None:
        self.sort_key, self.reverse = key, reverse
        if grouped is not None:
            self.grouped = grouped
        self._resort()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self._resort()

    def action_log(self) -> None:
        if (aid := self.selected_id()) is not None:
            self.csm.open_log_form(aid)

    def action_override(self) -> None:
        if (aid := self.selected_id()) is not None:
            self.csm.open_tier_override(aid)

    def action_retier(self) -> None:
        self.csm.run_retier()

    def action_toggle_charts(self) -> None:
        chart = self.query_one(TierChart)
        chart.display = not chart.display
