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
