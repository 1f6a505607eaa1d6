"""What the query modules share: the row type they return and the two restrictions
most reads take (one owner's accounts, a set of account ids)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias, TypeVar

from sqlalchemy import Row, Select
from sqlalchemy.sql.elements import ColumnElement, SQLCoreOperations
from sqlmodel import col

from db.models import Account

# A plain result row: read by attribute (`row.name`) or unpacked like a tuple.
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
RowSelect: TypeAlias = Select[*tuple[Any, ...]]
AnySelect = TypeVar("AnySelect", bound=RowSelect)


def active() -> ColumnElement[bool]:
    """Accounts not archived: what every screen and report counts."""
    return col(Account.archived) == False  # noqa: E712  (SQL, not Python, compares)


def owned_by(stmt: AnySelect, owner: str | None) -> AnySelect:
    """Restrict a statement over Account to one owner's accounts (None: everyone's)."""
    return stmt if owner is None else stmt.where(col(Account.owner) == owner)


def among(stmt: AnySelect, column: SQLCoreOperations[Any],
          account_ids: Iterable[int] | None) -> AnySelect:
    """Restrict a statement to some accounts (None: all of them) by `column`."""
    return stmt if account_ids is None else stmt.where(column.in_(list(account_ids)))
