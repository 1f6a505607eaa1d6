"""RFM, a second lens on value: recency, frequency and monetary quintiles (1-5) with
the usual segment names. Built from won deals where an account has them, else from
its contract history (last start = last payment, terms = purchases, ARR = value)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from db.queries.portfolio import rfm_code_map

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class Rfm:
    recency: int
    frequency: int
    monetary: int

    @classmethod
    def from_code(cls, code: int) -> Rfm:
        """The quintiles of a code r*100 + f*10 + m (as the database computes them)."""
        return cls(code // 100, code // 10 % 10, code % 10)

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


def rfm_for_accounts(session: Session, today: date, account_ids: Sequence[int] | None = None
                     ) -> dict[int, Rfm]:
    """Each active account's (or these accounts') RFM quintiles within the portfolio:
    one window read in the database (db/queries/portfolio.py)."""
    return {aid: Rfm.from_code(code)
            for aid, code in rfm_code_map(session, today, account_ids).items()}
