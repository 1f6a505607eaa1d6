"""What the query modules share: the row type they return and the two restrictions
most reads take (one owner's accounts, a set of account ids)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias, TypeVar

from sqlalchemy import Row, Select, func, select
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


def active_counts_by_day(session: Session, due: Any, account_id: Any,
                         where: list[ColumnElement[bool]], owner: str | None
                         ) -> list[tuple[Any, int]]:
    """(day, count) of a table's rows by `due`, kept to `where` and to active accounts
    (`owner`'s, if given): the calendar's markers. For the whole book: every account's
    from the table's own index alone, less the archived accounts' (few, found by id),
    rather than a join per row."""
    if owner is not None:
        stmt: RowSelect = (select(due, func.count()).join(Account, col(Account.id) == account_id)
                           .where(*where, active()).group_by(due))
        return [(day, n) for day, n in session.execute(owned_by(stmt, owner))]
    every = session.execute(select(due, func.count()).where(*where).group_by(due)).all()
    gone = list(session.scalars(select(col(Account.id)).where(~active())))
    if not gone:
        return [(day, n) for day, n in every]
    archived = session.execute(select(due, func.count())
                               .where(*where, account_id.in_(gone)).group_by(due)).all()
    counts = {day: n for day, n in archived}
    return [(day, n - counts.get(day, 0)) for day, n in every if n > counts.get(day, 0)]
