"""Small charts drawn with block characters: ARR and accounts per tier (Portfolio),
renewals per month and the health distribution (Today). Colours come from the theme
($text-success, $text-warning, …) and every bar carries its number, so nothing relies on colour.

`v` shows or hides a screen's charts; they start hidden on terminals under
CHARTS_MIN_HEIGHT rows so the lists keep their room.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget

from csm_tui.charts import (
    Band,
    MonthBar,
    TierShare,
    hbar,
    vbar,
)
from csm_tui.i18n import t
from csm_tui.money import format_money
from screens.format import TIER_STYLES

CHARTS_MIN_HEIGHT = 30
BAND_STYLES = ("$text-error", "$text-error", "$text-warning", "$text-success", "$text-success")


def charts_fit(height: int) -> bool:
    """Charts are shown by default only when the terminal has room for them."""
    return height >= CHARTS_MIN_HEIGHT


def _tier_colour(tier: str) -> str:
    colour = Style.parse(TIER_STYLES.get(tier, "")).bgcolor
    return colour.name if colour is not None else "$text-primary"


def _badge(tier: str) -> tuple[str, str]:
    return f" {tier} ", TIER_STYLES.get(tier, "reverse")


class TierChart(Widget):
    """One line per tier: badge, ARR bar, share of ARR and of accounts, ARR."""

    DEFAULT_CSS = "TierChart { height: 4; padding: 0 1; }"

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.shares: list[TierShare] = []
        self.currency = ""

    def set_shares(self, shares: list[TierShare], currency: str) -> None:
        self.shares, self.currency = shares, currency
        self.refresh()

    def render(self) -> Content:
        if not self.shares:
            return Content.styled(t("no accounts yet"), "$text-muted")
        width = max(self.size.width - 2, 40)
        bar_width = min(max((width - 4 - 10 - 26) // 2, 4), 40)
        lines = []
        for s in self.shares:
            money = format_money(s.arr_minor, self.currency, compact=True)
            lines.append(Content.assemble(
                _badge(s.tier), " ",
                (hbar(s.arr_share, bar_width).ljust(bar_width), _tier_colour(s.tier)),
                " " + t("{share} ARR", share=f"{s.arr_share:>4.0%}") + "  ",
                (hbar(s.account_share, bar_width).ljust(bar_width), "$text-muted"),
                " " + t("{share} of accounts ({n}) · {arr}", share=f"{s.account_share:>4.0%}",
                    n=s.accounts, arr=money)))
        return Content("\n").join(lines)


class RenewalMonths(Widget):
    """Renewals per month for the next 12 months: bar height is ARR; under each bar
    its ARR, its count and the month."""

    DEFAULT_CSS = "RenewalMonths { width: 1fr; height: 100%; }"

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.bars: list[MonthBar] = []
        self.currency = ""  # the base currency, from the bars

    def set_bars(self, bars: list[MonthBar]) -> None:
        self.bars = bars
        self.currency = bars[0].currency if bars else ""
        self.refresh()

    def render(self) -> Content:
        title = Content.styled(t("Renewals by month (bar: ARR; count)"), "bold $text-accent")
        if not self.bars:
            return Content("\n").join([title, Content.styled(t("loading…"), "$text-muted")])
        col = min(max(self.size.width // len(self.bars), 3), 8)
        height = max(self.size.height - (4 if col > 6 else 3), 1)
        top = max(b.arr_minor for b in self.bars) or 1
        columns = [vbar(b.arr_minor / top, height) for b in self.bars]
        lines = [title]
        for y in range(height):
            lines.append(Content.assemble(*(((c[y] * (col - 1)).ljust(col), "$text-primary")
                                            for c in columns)))
        if col > 6:  # room for the ARR under each bar; else the bar height says it
            money = [format_money(b.arr_minor, self.currency, compact=True) if b.count
                     else "·" for b in self.bars]
            lines.append(Content("".join(m[:col - 1].ljust(col) for m in money)))
        lines.append(Content.styled("".join(f"{b.count}"[:col - 1].ljust(col)
                                            for b in self.bars), "$text-muted"))
        labels = axis_labels(self.bars, col - 1)
        lines.append(Content.styled("".join(set_cell_size(label, col - 1) + " "
                                            for label in labels), "bold"))
        return Content("\n").join(lines)


def axis_labels(bars: list[MonthBar], width: int) -> list[str]:
    """Month labels of at most `width` cells (cells, not characters: '26年11月' takes 8):
    'Nov 26' when every one fits, else the month alone ('Nov', '11月'), January keeping
    its year when that fits so the turn of the year still shows."""
    if all(cell_len(b.label) <= width for b in bars):
        return [b.label for b in bars]
    return [b.label if b.month == 1 and cell_len(b.label) <= width else b.short_label
            for b in bars]


class HealthBands(Widget):
    """Accounts per health band, one line per band, red to green."""

    DEFAULT_CSS = "HealthBands { width: 36%; max-width: 46; height: 100%; padding: 0 1; }"

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.bands: list[Band] = []
        self.loaded = False

    def set_bands(self, bands: list[Band]) -> None:
        self.bands = bands
        self.loaded = True
        self.refresh()

    def render(self) -> Content:
        title = Content.styled(t("Accounts by health"), "bold $text-accent")
        if not self.bands or (self.loaded and not any(b.count for b in self.bands)):
            waiting = t("no accounts yet: I imports a CSV file") if self.loaded \
                else t("computing health…")
            return Content("\n").join([title, Content.styled(waiting, "$text-muted")])
        total = sum(b.count for b in self.bands) or 1
        top = max(b.count for b in self.bands) or 1
        bar_width = max(self.size.width - 2 - 8 - 13, 4)
        lines = [title]
        for band, style in zip(reversed(self.bands), reversed(BAND_STYLES), strict=True):
            lines.append(Content.assemble(
                (f"{band.label:>7} ", "bold"),
                (hbar(band.count / top, bar_width).ljust(bar_width), style),
                f" {band.count:>5} {band.count / total:>4.0%}"))
        return Content("\n").join(lines)


class TodayCharts(Horizontal):
    """Today's chart panel: renewals per month and the health bands, both part of the
    Today view (one load, one message), so the charts never lag behind the list."""

    DEFAULT_CSS = "TodayCharts { height: 9; padding: 0 1; }"

    def compose(self) -> ComposeResult:
        yield RenewalMonths()
        yield HealthBands()

    def update(self, months: list[MonthBar], bands: list[Band]) -> None:
        self.query_one(RenewalMonths).set_bars(months)
        self.query_one(HealthBands).set_bands(bands)
