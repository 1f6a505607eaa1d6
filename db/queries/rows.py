"""Whole rows of one account across its tables: what deleting an account takes with it
(counted, and kept in the change log so undo can put every row back)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel, col

from db.bulk import table_of
from db.models import (
    Contact,
    ContractTerm,
    Deal,
    Event,
    MetricReading,
    Note,
    StageChange,
    Task,
    TierChange,
    Touchpoint,
)

# Every table whose rows belong to one account, parents before children (a touchpoint
# names a contact): the order undo inserts them back in.
ACCOUNT_TABLES: tuple[type[SQLModel], ...] = (Contact, Touchpoint, Task, Event, Deal,
                                              TierChange, StageChange, MetricReading,
                                              ContractTerm, Note)


def account_rows(session: Session, model: type[SQLModel], account_id: int
                 ) -> list[dict[str, Any]]:
    """Every row of `model` that belongs to the account, as column → value, by id."""
    table = table_of(model)
    stmt = select(table).where(table.c.account_id == account_id).order_by(table.c.id)
    return [dict(r) for r in session.execute(stmt).mappings()]


def account_counts(session: Session, account_id: int) -> dict[str, int]:
    """How many rows of each table belong to the account, and how many of its tasks are
    open and touches planned (what a delete asks about)."""
    out: dict[str, int] = {}
    for model in ACCOUNT_TABLES:
        table = table_of(model)
        out[table.name] = session.execute(
            select(func.count()).select_from(table)
            .where(table.c.account_id == account_id)).scalar_one()
    out["open_tasks"] = session.execute(
        select(func.count()).select_from(Task)
        .where(col(Task.account_id) == account_id, col(Task.done_at).is_(None))).scalar_one()
    out["planned"] = session.execute(
        select(func.count()).select_from(Touchpoint)
        .where(col(Touchpoint.account_id) == account_id,
               col(Touchpoint.status) == "planned")).scalar_one()
    return out


def existing_ids(session: Session, model: type[SQLModel], ids: Sequence[int]) -> list[int]:
    """Which of these ids are in use in `model`'s table (an undo puts rows back only
    where nothing took their place)."""
    if not ids:
        return []
    table = table_of(model)
    found: list[int] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        found += list(session.scalars(select(table.c.id).where(table.c.id.in_(chunk))))
    return found


def touch_ids_of_contact(session: Session, contact_id: int) -> list[int]:
    """The touchpoints that name a stakeholder (removing it leaves them without one)."""
    stmt = select(col(Touchpoint.id)).where(col(Touchpoint.contact_id) == contact_id)
    return [i for i in session.scalars(stmt) if i is not None]


def touches_by_ids(session: Session, ids: list[int]) -> list[Touchpoint]:
    """Touchpoints as objects, by id."""
    if not ids:
        return []
    return list(session.scalars(select(Touchpoint).where(col(Touchpoint.id).in_(ids))))


def event_planned_touches(session: Session, event_id: int) -> list[Touchpoint]:
    """The planned touches an event planned (their origin names it), soonest first."""
    stmt = (select(Touchpoint)
            .where(col(Touchpoint.origin).like(f"event:{event_id}:%"),
                   col(Touchpoint.status) == "planned")
            .order_by(col(Touchpoint.due_date)))
    return list(session.scalars(stmt))


def touches_with_origins(session: Session, origins: list[str]) -> list[Touchpoint]:
    """Touchpoints by their origin keys (what an event's planning made)."""
    if not origins:
        return []
    return list(session.scalars(select(Touchpoint)
                                .where(col(Touchpoint.origin).in_(origins))))


def account_notes(session: Session, account_id: int) -> Sequence[Note]:
    """An account's notes, newest first."""
    stmt = (select(Note).where(col(Note.account_id) == account_id)
            .order_by(col(Note.on_date).desc(), col(Note.id).desc()))
    return session.scalars(stmt).all()
