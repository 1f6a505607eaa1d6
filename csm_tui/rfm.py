"""RFM, a second lens on value: recency, frequency and monetary quintiles (1-5) with
the usual segment names. Built from won deals where an account has them, else from
its contract history (last start = last payment, terms = purchases, ARR = value)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from db.queries.accounts import contract_history
from db.queries.deals import won_deal_totals

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class Rfm:
    recency: int
    frequency: int
    monetary: int

    @property
    def code(self) -> str:
        return f"{self.recency}{self.frequency}{self.monetary}"

    @property
    def segment(self) -> str:
        return segment(self.recency, self.frequency, self.monetary)


def segment(r: int, f: int, m: int) -> str:
    """The common RFM segment names, decided on recency and frequency (money breaks ties)."""
    if r >= 4 and f >= 4:
        return "Champions" if m >= 4 else "Loyal"
    if r >= 4 and f <= 1:
        return "New"
    if r >= 3 and f >= 3:
        return "Loyal"
    if r >= 3:
        return "Potential loyalist"
    if r == 2 and f >= 3:
        return "At risk" if m >= 3 else "Need attention"
    if r <= 1 and f >= 4:
        return "Can't lose them"
    if r <= 2 and f <= 2:
        return "Hibernating" if r == 2 else "Lost"
    return "Need attention"


def _quintile(sorted_values: list[float], value: float) -> int:
    n = len(sorted_values)
    if n <= 1:
        return 5
    rank = (bisect_left(sorted_values, value) + bisect_right(sorted_values, value) - 1) / 2
    return min(5, 1 + int(rank * 5 // n))


def rfm_for_accounts(session: Session, today: date) -> dict[int, Rfm]:
    """Each active account's RFM quintiles within the portfolio (two grouped reads)."""
    deals = {aid: (last, count, total) for aid, last, count, total in won_deal_totals(session)}
    raw: dict[int, tuple[float, float, float]] = {}
    for aid, start, term, arr in contract_history(session):
        if aid in deals and deals[aid][0] is not None:
            last, count, total = deals[aid]
            raw[aid] = (-(today - last).days, count, total or 0)
        else:
            days = (today - start).days if start else 10_000
            raw[aid] = (-days, term, arr)
    if not raw:
        return {}
    cols = [sorted(v[i] for v in raw.values()) for i in range(3)]
    return {aid: Rfm(_quintile(cols[0], v[0]), _quintile(cols[1], v[1]),
                     _quintile(cols[2], v[2])) for aid, v in raw.items()}
