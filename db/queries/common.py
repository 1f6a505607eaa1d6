"""What the query modules share: the row type they return and the two restrictions
most reads take (one owner's accounts, a set of account ids)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias, TypeVar

from sqlalchemy import Row, Select, select
from sqlalchemy.sql.elements import ColumnElement, SQLCoreOperations
from sqlmodel import Session, col

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


def archived_ids(session: Session) -> list[int]:
    """The archived accounts' ids (few: what whole-book counts over an index take off)."""
    return list(session.scalars(select(col(Account.id)).where(~active())))


def fewer(every: Iterable[Any], some: Iterable[Any]) -> list[tuple[Any, int]]:
    """(key, count) rows of `every` less those of `some` (a subset's counts), the keys
    left with none dropped: a count over a whole index less a few rows found cheaply."""
    gone = {key: n for key, n in some}
    counts = ((key, n - gone.get(key, 0)) for key, n in every)
    return [(key, n) for key, n in counts if n > 0]
