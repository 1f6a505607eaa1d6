"""The dated history of tier and stage moves."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlmodel import Session, col

from db.models import StageChange, TierChange


def account_tier_changes(session: Session, account_id: int) -> Sequence[TierChange]:
    """An account's tier moves, newest first."""
    stmt = (select(TierChange).where(col(TierChange.account_id) == account_id)
            .order_by(col(TierChange.at).desc()))
    return session.scalars(stmt).all()


def account_stage_changes(session: Session, account_id: int) -> Sequence[StageChange]:
    """An account's lifecycle moves, newest first."""
    stmt = (select(StageChange).where(col(StageChange.account_id) == account_id)
            .order_by(col(StageChange.at).desc()))
    return session.scalars(stmt).all()


def delete_tier_changes(session: Session, change_ids: list[int]) -> None:
    """Remove tier-history rows by id (undo of the move that wrote them)."""
    if change_ids:
        session.execute(delete(TierChange).where(col(TierChange.id).in_(change_ids)))


def delete_stage_changes(session: Session, change_ids: list[int]) -> None:
    """Remove stage-history rows by id (undo of the move that wrote them)."""
    if change_ids:
        session.execute(delete(StageChange).where(col(StageChange.id).in_(change_ids)))
