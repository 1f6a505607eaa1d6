"""Chart data: plain numbers for the small charts on Portfolio and Today, plus the
block-character bars they are drawn with. No UI here, so it is tested without one.

- ARR and accounts per tier, from the rows the Portfolio already holds;
- renewals per calendar month for the next 12 months (one grouped query);
- the health distribution in five bands of 20 points, from health already computed.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from csm_tui.i18n import month_abbr, short_month
from db.vocab import TIERS

if TYPE_CHECKING:  # the Today screen imports this module before the database is open
    from sqlmodel import Session

EIGHTHS = " ▏▎▍▌▋▊▉█"  # horizontal: 0/8 … 8/8 of a cell
LEVELS = " ▁▂▃▄▅▆▇█"  # vertical: 0/8 … 8/8 of a cell
MONTHS = 12
HEALTH_BANDS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


class _Scored(Protocol):
    score: int


class _TierFigure(Protocol):
    @property
    def tier(self) -> str: ...
    @property
    def count(self) -> int: ...  # accounts
    @property
    def arr_minor(self) -> int: ...  # their ARR in the base currency (no rate: none)


@dataclass(frozen=True, slots=True)
class TierShare:
    tier: str
    accounts: int
    arr_minor: int
    arr_share: float  # 0..1 of the portfolio's ARR
    account_share: float  # 0..1 of the portfolio's accounts
    currency: str = ""  # the base currency arr_minor is in


@dataclass(frozen=True, slots=True)
class MonthBar:
    year: int
    month: int
    count: int
    arr_minor: int  # in the base currency
    currency: str = ""
    missing: int = 0  # renewals left out of arr_minor: no rate for their currency

    @property
    def label(self) -> str:
        """'Dec 26' (or '26年12月'): what a person reads on an axis."""
        return short_month(date(self.year, self.month, 1))

    @property
    def short_label(self) -> str:
        """'Dec' (or '12月'): the axis label when the year does not fit."""
        return month_abbr(date(self.year, self.month, 1))


@dataclass(frozen=True, slots=True)
class Band:
    low: int
    high: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}"


def tier_shares_of(figures: Iterable[_TierFigure], currency: str = "") -> list[TierShare]:
    """ARR (in the base currency `currency`) and account count per tier S, A, B, C
    (every tier, even when empty), with their shares of the whole, from each tier's
    figures (the Portfolio's aggregates); an empty portfolio gives zero shares, not an
    error."""
    count = dict.fromkeys(TIERS, 0)
    arr = dict.fromkeys(TIERS, 0)
    for f in figures:
        count[f.tier] = count.get(f.tier, 0) + f.count
        arr[f.tier] = arr.get(f.tier, 0) + f.arr_minor
    total_n, total_arr = sum(count.values()), sum(arr.values())
    return [TierShare(t, count[t], arr[t], arr[t] / total_arr if total_arr else 0.0,
                      count[t] / total_n if total_n else 0.0, currency) for t in count]


def month_starts(today: date, months: int = MONTHS) -> list[tuple[int, int]]:
    """(year, month) of this month and the following ones."""
    out, y, m = [], today.year, today.month
    for _ in range(months):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_bars(counts: Mapping[tuple[int, int], tuple[int, int]], today: date,
               months: int = MONTHS, *, currency: str = "",
               missing: Mapping[tuple[int, int], int] | None = None) -> list[MonthBar]:
    """One bar per month from this one on, empty months included; `counts` maps
    (year, month) to (renewals, ARR in base-currency minor units)."""
    missing = missing or {}
    return [MonthBar(y, m, *counts.get((y, m), (0, 0)), currency=currency,
                     missing=missing.get((y, m), 0)) for y, m in month_starts(today, months)]


def renewals_by_month(session: Session, today: date, months: int = MONTHS, *,
                      owner: str | None = None) -> list[MonthBar]:
    """Renewals still ahead (active accounts' contract ends from today on) per month,
    this month and the next `months - 1`, from one query grouped by month and currency,
    ARR in the base currency; `owner`: only the accounts that user owns (None: the
    team's)."""
    end = date(*month_starts(today, months + 1)[-1], 1)
    from csm_tui.money import load_rates
    from db.queries.rates import renewals_per_month_by_currency

    rates = load_rates(session, today)
    counts: dict[tuple[int, int], tuple[int, int]] = {}
    missing: dict[tuple[int, int], int] = {}
    for year, month, currency, count, arr in renewals_per_month_by_currency(
            session, start=today, end=end, owner=owner):
        key = (int(year), int(month))
        n, total = counts.get(key, (0, 0))
        base = rates.to_base(int(arr or 0), currency)
        if base is None:
            missing[key] = missing.get(key, 0) + int(count)
        counts[key] = (n + int(count), total + (base or 0))
    return month_bars(counts, today, months, currency=rates.base, missing=missing)


def health_bands(scores: Iterable[int]) -> list[Band]:
    """How many accounts fall in each band of 20 health points (0–19 … 80–100)."""
    counts = [0] * len(HEALTH_BANDS)
    for s in scores:
        counts[min(max(int(s), 0) // 20, len(HEALTH_BANDS) - 1)] += 1
    return [Band(lo, hi, n) for (lo, hi), n in zip(HEALTH_BANDS, counts, strict=True)]


def scope_ids(session: Session, owner: str | None) -> set[int] | None:
    """The ids of one owner's active accounts, for charts over data computed for the
    whole team (health); None for the team itself."""
    from db.queries.accounts import account_basics

    return None if owner is None else {r.id for r in account_basics(session, owner=owner)}


def health_bands_of(health: Mapping[int, _Scored], ids: Container[int] | None = None
                    ) -> list[Band]:
    """Health bands of the accounts in `ids` (None: every account in `health`)."""
    return health_bands(h.score for aid, h in health.items() if ids is None or aid in ids)


def hbar(fraction: float, width: int) -> str:
    """A horizontal bar `width` cells wide at most, in eighths of a cell; any value
    above zero shows at least a sliver."""
    if width <= 0 or fraction <= 0:
        return ""
    eighths = max(1, round(min(fraction, 1.0) * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


def vbar(fraction: float, height: int) -> list[str]:
    """A vertical bar as `height` characters, top first; any value above zero shows at
    least a sliver."""
    if height <= 0:
        return []
    eighths = 0 if fraction <= 0 else max(1, round(min(fraction, 1.0) * height * 8))
    cells = []
    for row in range(height):  # row 0 is the bottom
        filled = min(max(eighths - row * 8, 0), 8)
        cells.append(LEVELS[filled])
    return cells[::-1]
