"""Reads and writes over stakeholders (contacts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from db.models import Account, Contact
from db.queries.common import AnyRow, RowSelect, active

ROLE_ORDER = {"decision_maker": 0, "champion": 1, "influencer": 2, "user": 3}


def account_contacts(session: Session, account_id: int) -> Sequence[Contact]:
    """An account's stakeholders, decision makers first."""
    rows = session.scalars(select(Contact).where(col(Contact.account_id) == account_id)).all()
    return sorted(rows, key=lambda c: (ROLE_ORDER.get(c.role, 9), c.name))


def contact_keys(session: Session) -> Sequence[AnyRow]:
    """(id, account_id, name) of every contact: how an import finds a stakeholder."""
    stmt = select(col(Contact.id), col(Contact.account_id), col(Contact.name))
    return session.execute(stmt).all()


def contact_names(session: Session) -> Sequence[AnyRow]:
    """(contact id, name, role, account id, account name) of the contacts of active
    accounts, by name: what the palette searches."""
    stmt: RowSelect = (select(col(Contact.id), col(Contact.name), col(Contact.role),
                   col(Account.id).label("account_id"), col(Account.name).label("account"))
            .join(Account, col(Account.id) == col(Contact.account_id))
            .where(active()).order_by(col(Contact.name)))
    return session.execute(stmt).all()


def update_contact(session: Session, contact_id: int, values: dict[str, Any]) -> None:
    """Set the given columns of one contact without loading it (an import)."""
    session.execute(update(Contact).where(col(Contact.id) == contact_id), values)
