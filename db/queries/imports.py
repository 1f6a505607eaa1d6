"""What an import reports about the accounts it wrote: their stages and contract ends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from db.models import Account, Task
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


def supersede_other_stages(session: Session, account_ids: Sequence[int], *,
                           now: datetime) -> int:
    """Close (closed_as "superseded") the open SOP steps of these accounts that belong
    to another stage or term than the account's current one: an import that moved the
    stage leaves no step of the old stage on Today. Returns how many."""
    current = (select(col(Account.id)).where(col(Account.id) == col(Task.account_id),
                                              col(Account.stage) == col(Task.stage),
                                              col(Account.term) == col(Task.term))
               .correlate(Task).exists())
    stmt = (update(Task).where(col(Task.done_at).is_(None), ~current)
            .values(done_at=now, closed_as="superseded")
            .execution_options(synchronize_session=False))
    if account_ids is not None:
        stmt = stmt.where(col(Task.account_id).in_(list(account_ids)))
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)
