"""Small text helpers the screens share (dates, tier badges, money)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from rich.text import Text

from csm_tui.i18n import t

TIER_STYLES = {"S": "bold #ffffff on #9a6f00", "A": "bold #ffffff on #2e7d32",
               "B": "bold #ffffff on #1565c0", "C": "bold #ffffff on #616161"}


@lru_cache(maxsize=16)
def tier_badge(tier: str) -> Text:
    return Text(f" {tier} ", style=TIER_STYLES.get(tier, "reverse"))


def short_date(day: date | None) -> str:
    return day.isoformat() if day else "—"


def relative_days(day: date | None, today: date) -> str:
    """'today', 'in 3d', '5d ago', '14w ago', '8y ago' — what a person reads at a
    glance, never longer than 7 cells (a narrowed column's floor), so never cut."""
    if day is None:
        return "—"
    delta = (day - today).days
    if delta == 0:
        return t("today")
    if delta > 0:
        if delta < 1000:
            return t("in {days}d", days=delta)
        return t("in {years}y", years=delta // 365)
    ago = -delta
    if ago < 100:
        return t("{days}d ago", days=ago)
    if ago < 365:
        return t("{weeks}w ago", weeks=ago // 7)
    return t("{years}y ago", years=ago // 365)


@lru_cache(maxsize=128)
def health_text(score: int | None) -> Text:
    """A health score coloured green / amber / red."""
    if score is None:
        return Text("—", style="dim")
    style = "bold green" if score >= 70 else "bold yellow" if score >= 50 else "bold red"
    return Text(f"{score:>3}", style=style)
