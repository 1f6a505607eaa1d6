"""Lifecycle stages: which accounts are where, for the kanban."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from csm_tui.portfolio import PortfolioRow, load_portfolio
from db.models import STAGES


@dataclass
class StageColumn:
    stage: str
    cards: list[PortfolioRow] = field(default_factory=list)

    @property
    def arr_minor(self) -> int:
        return sum(card.arr_minor for card in self.cards)


def load_board(session: Session, today: date) -> list[StageColumn]:
    """One column per stage, in lifecycle order, cards by ARR."""
    columns = {stage: StageColumn(stage) for stage in STAGES}
    for row in load_portfolio(session, today):
        columns.setdefault(row.stage, StageColumn(row.stage)).cards.append(row)
    return list(columns.values())


ONBOARDING_DAYS = 14  # handover lasts about two weeks after the contract starts
ADOPTION_AFTER_MONTHS = 2
RENEWAL_WINDOW_DAYS = 90


def stage_for_dates(start: date | None, end: date | None, today: date) -> str:
    """The stage the contract dates alone imply (handover → onboarding → adoption →
    renewal). The CSM decides renewed or churned; a renewal past its end stays renewal
    and is flagged overdue elsewhere."""
    from csm_tui.dates import add_months

    if start is None:
        return "handover"
    if end is not None and (end - today).days <= RENEWAL_WINDOW_DAYS:
        return "renewal"
    if (today - start).days < ONBOARDING_DAYS:
        return "handover"
    if today < add_months(start, ADOPTION_AFTER_MONTHS):
        return "onboarding"
    return "adoption"
