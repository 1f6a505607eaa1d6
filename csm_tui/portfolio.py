"""The portfolio view: every account with what a CSM scans for first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from db.queries import account_overview


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    id: int
    name: str
    tier: str
    arr_minor: int
    currency: str
    stage: str
    industry: str
    owner: str
    contract_end: date | None
    days_to_renewal: int | None
    last_touch: date | None
    next_due: date | None


def load_portfolio(session: Session, today: date) -> list[PortfolioRow]:
    """All active accounts, largest ARR first."""
    rows = []
    for r in account_overview(session):
        rows.append(PortfolioRow(
            id=r.id, name=r.name, tier=r.tier, arr_minor=r.arr_minor, currency=r.currency,
            stage=r.stage, industry=r.industry, owner=r.owner, contract_end=r.contract_end,
            days_to_renewal=(r.contract_end - today).days if r.contract_end else None,
            last_touch=r.last_touch.date() if r.last_touch else None, next_due=r.next_due,
        ))
    return rows
