"""What an import reports about the accounts it wrote: their stages and contract ends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import Account
from db.queries.common import AnyRow, active, among


def stage_counts(session: Session, account_ids: Sequence[int]) -> Sequence[AnyRow]:
    """(stage, accounts) over these accounts."""
    stmt = select(col(Account.stage), func.count()).group_by(col(Account.stage))
    return session.execute(among(stmt, col(Account.id), account_ids)).all()


def renewals_passed(session: Session, account_ids: Sequence[int], *, today: date) -> int:
    """How many of these accounts are in renewal with their contract end behind them."""
    stmt = select(func.count()).where(active(), col(Account.stage) == "renewal",
                                      col(Account.contract_end) < today)
    return int(session.execute(among(stmt, col(Account.id), account_ids)).scalar_one())


def tier_counts(session: Session) -> Sequence[AnyRow]:
    """(tier, locked, accounts) over active accounts: the tiers after scoring."""
    stmt = (select(col(Account.tier), col(Account.tier_locked), func.count())
            .where(active()).group_by(col(Account.tier), col(Account.tier_locked)))
    return session.execute(stmt).all()
