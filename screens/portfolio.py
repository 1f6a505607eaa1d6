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

from csm_tui.charts import tier_shares_of
from csm_tui.i18n import N_, label, plural, t
from csm_tui.money import Total, format_money
from csm_tui.portfolio import (
    PAGE,
    PortfolioPage,
    PortfolioRequest,
    PortfolioRow,
    TierGroup,
    filter_loaded,
    page_of_rows,
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


class PortfolioScreen(DataScreen["tuple[PortfolioPage, date, PortfolioRequest]"]):
    TITLE = N_("Portfolio")
    BINDINGS = bindings("portfolio")

    def __init__(self) -> None:
        super().__init__()
        self.page: PortfolioPage | None = None
        self.rows: list[PortfolioRow] = []  # the rows read so far, in order
        self._lines: dict[int, tuple[PortfolioRow, VRow]] = {}  # drawn rows, reused
        self.today = date.min
        self.sort_key = "arr"
        self.reverse = False
        self.grouped = True  # by tier; off: one list in the chosen order
        self.pages = 1
        # (order, reverse, grouped) and its unfiltered page, when it holds every account
        self._whole: tuple[tuple[str, bool, bool], PortfolioPage] | None = None

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

    def request(self) -> PortfolioRequest:
        """The filter, the order and the grouping run in the database; a page of rows
        at a time, the next as the cursor reaches the end."""
        return PortfolioRequest(self.query_one("#portfolio-filter", Input).value.strip(),
                                self.sort_key, self.reverse, self.grouped,
                                PAGE * self.pages)

    def load(self, services: Services, key: ViewKey, request: Any
             ) -> tuple[PortfolioPage, date, PortfolioRequest]:
        return services.portfolio_page(key, request), key.day, request

    def show(self, data: tuple[PortfolioPage, date, PortfolioRequest]) -> None:
        page, day, request = data
        if day != self.today:
            self._lines = {}  # relative dates are drawn for a day
        self.page, self.rows, self.today = page, page.rows, day
        if not request.query:
            # the whole scope in this order, if it is all here (a book of a few hundred)
            self._whole = ((request.order, request.reverse, request.grouped), page
                           ) if page.complete else None
        self.query_one(TierChart).set_shares(tier_shares_of(page.groups), page.base)
        self.redraw()

    def _line(self, r: PortfolioRow) -> VRow:
        """A row's line, kept while the row is unchanged (a filter keystroke taken back
        draws nothing again); its cells are built when it is first drawn."""
        kept = self._lines.get(r.id)
        if kept is not None and kept[0] == r:
            return kept[1]
        line = VRow(str(r.id), partial(self._cells, r))
        self._lines[r.id] = (r, line)
        return line

    def _cells(self, r: PortfolioRow) -> tuple:
        today = self.today
        return (r.name + (" 🔒" if r.locked else ""), tier_badge(r.tier),
                format_money(r.arr_minor, r.currency), label("stage", r.stage),
                health_text(r.health),
                relative_days(r.contract_end, today), relative_days(r.last_touch, today),
                relative_days(r.next_due, today), label("rfm", r.segment))

    def redraw(self, rows: list[PortfolioRow] | None = None) -> None:
        """The page as the database answered it, or (`rows`) the loaded rows a new
        filter matches, shown at once while the database's answer is on its way."""
        page = self.page
        if page is None:
            return
        if rows is not None:
            page = page_of_rows(page, rows)
        groups = {g.tier: g for g in page.groups}
        lines: list[VRow] = []
        tier = None
        for row in page.rows:
            if self.grouped and row.tier != tier:
                tier = row.tier
                lines.append(self._heading(tier, groups.get(tier), page))
            lines.append(self._line(row))
        self.query_one(VirtualTable).set_rows(lines)
        query = self.query_one("#portfolio-filter", Input).value.strip()
        filt = t(" · filter “{query}”", query=query) if query else ""
        # grouped: the tier headings say so; one list: said in words
        how = (sort_words(self.sort_key, self.reverse) if self.grouped
               else t("one list, {order}", order=sort_words(self.sort_key, self.reverse)))
        self.sub_title = t("{scope} · {n} of {accounts} · {order}",
                           scope=self.csm.scope_label, n=page.matches,
                           accounts=plural(page.total, "account"), order=how) + filt
        if not page.complete:
            self.sub_title += " · " + t("first {n} shown (more as the cursor reaches the end)",
                                        n=len(page.rows))

    def _heading(self, tier: str, group: TierGroup | None, page: PortfolioPage) -> VRow:
        matched = page.matched.get(tier)
        n = matched.count if matched else 0
        arr = matched.total if matched else Total(page.base)
        count = group.count if group else n
        share = group.share if group else 0.0
        heading = t("Tier {tier} · {n} of {accounts} · {arr} · "
                    "{share} of portfolio ARR", tier=tier, n=n,
                    accounts=plural(count, "account"), arr=arr.text(),
                    share=f"{share:.0%}")
        if arr.missing:  # no rate: left out of the sum, and named
            heading += " · " + t("{n} left out: no rate to {base}",
                                 n=sum(k for _c, k in arr.missing), base=arr.base)
        return VRow(f"group:{tier}", (Text(heading),), group=True)

    @on(Input.Changed, "#portfolio-filter")
    def _filter_changed(self) -> None:
        self.pages = 1
        whole = self._whole
        if whole is not None and whole[0] == (self.sort_key, self.reverse, self.grouped):
            # every account is loaded: the answer at once, the database's confirms it
            query = self.query_one("#portfolio-filter", Input).value
            self.redraw(filter_loaded(whole[1].rows, query))
        self.refresh_if_stale()  # the filter runs in the database

    @on(VirtualTable.Highlighted)
    def _near_end(self, event: VirtualTable.Highlighted) -> None:
        """The cursor on the last row read: the next page."""
        table = self.query_one(VirtualTable)
        page = self.page
        if (page is None or page.complete or not table.rows
                or table.cursor < len(table.rows) - 1 or len(page.rows) < PAGE * self.pages):
            return
        self.pages += 1
        self.refresh_if_stale()

    @on(Input.Submitted, "#portfolio-filter")
    def _filter_submitted(self) -> None:
        self.query_one(VirtualTable).focus()

    @on(VirtualTable.Selected)
    def _open(self, event: VirtualTable.Selected) -> None:
        self.csm.open_account(int(event.row.key))

    def row_of(self, key: str) -> PortfolioRow:
        """The account a table row shows (by its key)."""
        return self._lines[int(key)][0]

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
        self.pages = 1
        self.refresh_if_stale()  # the order runs in the database

    def action_reverse(self) -> None:
        self.set_order(self.sort_key, not self.reverse)

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
