"""The dated history of tier and stage moves, and of contract terms."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from db.models import Account, ContractTerm, StageChange, TierChange
from db.queries.common import AnyRow, among


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


def account_terms(session: Session, account_id: int) -> Sequence[ContractTerm]:
    """An account's contract terms, first term first (the timeline and undo read them)."""
    stmt = (select(ContractTerm).where(col(ContractTerm.account_id) == account_id)
            .order_by(col(ContractTerm.term)))
    return session.scalars(stmt).all()


def term_row(session: Session, account_id: int, term: int) -> ContractTerm | None:
    """One contract term of an account, as an object to change."""
    stmt = select(ContractTerm).where(col(ContractTerm.account_id) == account_id,
                                      col(ContractTerm.term) == term)
    return session.scalars(stmt).first()


def accounts_without_term(session: Session, account_ids: Iterable[int] | None = None
                          ) -> Sequence[AnyRow]:
    """(id, term, contract start, end, ARR, currency, stage, stage entered) of the
    accounts that have no row for their current term (None: look at all)."""
    has = (select(col(ContractTerm.id))
           .where(col(ContractTerm.account_id) == Account.id,
                  col(ContractTerm.term) == Account.term).exists())
    stmt = select(col(Account.id), col(Account.term), col(Account.contract_start),
                  col(Account.contract_end), col(Account.arr_minor), col(Account.currency),
                  col(Account.stage), col(Account.stage_entered)).where(~has)
    return session.execute(among(stmt, col(Account.id), account_ids)).all()


def insert_terms(session: Session, rows: list[dict[str, Any]]) -> int:
    """Add contract-term rows (dicts of ContractTerm's columns but id) in one go."""
    from db.bulk import bulk_insert

    return bulk_insert(session, ContractTerm, rows)


def delete_term(session: Session, account_id: int, term: int) -> None:
    """Remove one term's row (undo of the renewal that started it)."""
    session.execute(delete(ContractTerm).where(col(ContractTerm.account_id) == account_id,
                                               col(ContractTerm.term) == term))
