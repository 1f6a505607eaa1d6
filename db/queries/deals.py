"""Reads and writes over deals: won deals give ARR, contract dates and RFM."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from db.models import Deal
from db.queries.common import AnyRow


def deal_ids_by_external_id(session: Session) -> dict[str, int]:
    """external id → deal id, for the deals that have one: re-importing updates them."""
    stmt = select(col(Deal.id), col(Deal.external_id)).where(col(Deal.external_id).is_not(None))
    return {ext: did for did, ext in session.execute(stmt)}


def update_deal(session: Session, deal_id: int, values: dict[str, Any]) -> None:
    """Set the given columns of one deal without loading it (an import)."""
    session.execute(update(Deal).where(col(Deal.id) == deal_id), values)


def latest_won_close(session: Session, account_ids: list[int]) -> dict[int, date | None]:
    """Each account's latest won close date: its current contract's start."""
    stmt = (select(col(Deal.account_id), func.max(Deal.close_date))
            .where(col(Deal.stage) == "won", col(Deal.account_id).in_(account_ids))
            .group_by(col(Deal.account_id)))
    return {aid: close for aid, close in session.execute(stmt)}


def won_deal_values(session: Session, account_ids: list[int]) -> Sequence[AnyRow]:
    """(account_id, close date, value) of these accounts' won deals."""
    stmt = (select(col(Deal.account_id), col(Deal.close_date), col(Deal.value_minor))
            .where(col(Deal.stage) == "won", col(Deal.account_id).in_(account_ids)))
    return session.execute(stmt).all()
