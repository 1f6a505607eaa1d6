"""Today from the database: its top rows in priority order, its counts, the renewals,
the at-risk accounts and the health bands, from the stored derived state
(AccountState), so that the work is in proportion to what is shown, not to the book.

The priority is computed in SQL by the rule of `csm_tui.today.priority` (tier points,
lateness, renewal proximity, stored risk flags); a test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, String, case, cast, func, literal, null, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from db.models import Account, AccountState, Contact, Task, Touchpoint
from db.queries.common import AnyRow, RowSelect, active, owned_by


class days_between(FunctionElement[int]):  # noqa: N801  (reads like the SQL function)
    """Whole days from `start` to `end` (`end - start`), SQLite and PostgreSQL alike."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (f"CAST(julianday({compiler.process(end, **kw)}) - "
            f"julianday({compiler.process(start, **kw)}) AS INTEGER)")


@compiles(days_between)
def _days_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


class day_value(FunctionElement[date]):  # noqa: N801
    """A date parameter as a date: PostgreSQL needs the cast; SQLite must not have it
    (CAST AS DATE there makes '2026-11-24' the number 2026)."""

    type = Date()
    inherit_cache = True
    name = "day_value"


@compiles(day_value, "sqlite")
def _day_sqlite(element: day_value, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(list(element.clauses)[0], **kw))


@compiles(day_value)
def _day_default(element: day_value, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(list(element.clauses)[0], **kw)} AS DATE)"


def _day(value: date) -> ColumnElement[date]:
    return day_value(literal(value, Date))


def priority_expr(tier: Any, due: Any, contract_end: Any, flag_count: Any, today: date,
                  points: Mapping[str, int], window: int) -> ColumnElement[int]:
    """tier points + 2 a day late (up to 30 days) + a third of the days inside the
    renewal window + 10 a risk flag (up to 3)."""
    tier_points = case(*((tier == t, p) for t, p in points.items()), else_=10)
    late = days_between(due, _day(today))
    lateness = case((late > 30, 60), (late > 0, late * 2), else_=0)
    left = days_between(_day(today), contract_end)
    renewal = case((contract_end.is_(None), 0), (left > window, 0), (left < 0, window // 3),
                   else_=(window - left) // 3)
    flags = func.coalesce(flag_count, 0)
    risk = case((flags >= 3, 30), else_=flags * 10)
    return (tier_points + lateness + renewal + risk).label("priority")


def today_items(session: Session, today: date, *, owner: str | None, points: Mapping[str, int],
                window: int, limit: int | None = None) -> tuple[Sequence[AnyRow], int]:
    """The agenda's rows, most important first (at most `limit`), and how many there are
    in all: planned touches due by today, cadence touches due with nothing planned, open
    SOP steps due by today, of active accounts (`owner`'s, if given). Each row: kind,
    account_id, account, tier, title, channel, due, touchpoint_id, task_id, contact,
    contract_end, flags, priority."""
    state = AccountState
    touches: RowSelect = owned_by(
        select(literal("touchpoint", String).label("kind"),
               col(Touchpoint.account_id).label("account_id"),
               col(Account.name).label("account"), col(Account.tier).label("tier"),
               col(Touchpoint.next_step).label("title"),
               col(Touchpoint.channel).label("channel"), col(Touchpoint.due_date).label("due"),
               col(Touchpoint.id).label("touchpoint_id"),
               cast(null(), Integer).label("task_id"),
               func.coalesce(col(Contact.name), "").label("contact"),
               col(Account.contract_end).label("contract_end"),
               func.coalesce(col(state.flags), "").label("flags"),
               priority_expr(col(Account.tier), col(Touchpoint.due_date),
                             col(Account.contract_end), col(state.flag_count), today, points,
                             window))
        .join(Account, col(Account.id) == Touchpoint.account_id)
        .outerjoin(Contact, col(Contact.id) == Touchpoint.contact_id)
        .outerjoin(state, col(state.account_id) == Touchpoint.account_id)
        .where(col(Touchpoint.status) == "planned", col(Touchpoint.due_date) <= today, active()),
        owner)
    cadence_due = func.coalesce(col(state.cadence_due), _day(today))
    cadence = owned_by(
        select(literal("cadence", String), col(Account.id), col(Account.name),
               col(Account.tier), literal("", String), literal("", String),
               cadence_due, cast(null(), Integer), cast(null(), Integer),
               literal("", String), col(Account.contract_end), col(state.flags),
               priority_expr(col(Account.tier), cadence_due, col(Account.contract_end),
                             col(state.flag_count), today, points, window))
        .join(state, col(state.account_id) == Account.id)
        .where(active(), col(Account.stage) != "churned", col(state.next_due).is_(None),
               cadence_due <= _day(today)),
        owner)
    tasks = owned_by(
        select(literal("task", String), col(Task.account_id), col(Account.name),
               col(Account.tier), col(Task.title), literal("", String), col(Task.due_date),
               cast(null(), Integer), col(Task.id), literal("", String),
               col(Account.contract_end), func.coalesce(col(state.flags), ""),
               priority_expr(col(Account.tier), col(Task.due_date), col(Account.contract_end),
                             col(state.flag_count), today, points, window))
        .join(Account, col(Account.id) == Task.account_id)
        .outerjoin(state, col(state.account_id) == Task.account_id)
        .where(col(Task.done_at).is_(None), col(Task.due_date) <= today, active()),
        owner)
    every = union_all(touches, cadence, tasks).subquery("agenda")
    stmt = (select(*every.c)
            .order_by(every.c.priority.desc(), every.c.due, every.c.account,
                      case((every.c.kind == "touchpoint", 0), (every.c.kind == "cadence", 1),
                           else_=2),
                      every.c.touchpoint_id, every.c.task_id, every.c.account_id))
    if limit is None:
        rows = session.execute(stmt).all()
        return rows, len(rows)
    rows = session.execute(stmt.limit(limit)).all()
    if len(rows) < limit:
        return rows, len(rows)
    # the count without the priority: three index counts, no sort of every row
    counted = union_all(*(part.with_only_columns(col(Account.id)).order_by(None)
                          for part in (touches, cadence, tasks))).subquery("counted")
    total = session.execute(select(func.count()).select_from(counted)).scalar_one()
    return rows, int(total)


def renewals(session: Session, *, start: date, end: date, owner: str | None,
             limit: int | None = None) -> tuple[Sequence[AnyRow], Sequence[AnyRow]]:
    """Active accounts not churned whose contract ends in [start, end], soonest first
    (at most `limit`), with their stored health; and (currency, count, ARR) of all of
    them, for the counts and the total."""
    where = (active(), col(Account.stage) != "churned", col(Account.contract_end) >= start,
             col(Account.contract_end) <= end)
    stmt = (select(col(Account.id), col(Account.name), col(Account.tier),
                   col(Account.arr_minor), col(Account.currency), col(Account.contract_end),
                   col(Account.stage), col(AccountState.health))
            .outerjoin(AccountState, col(AccountState.account_id) == Account.id)
            .where(*where).order_by(col(Account.contract_end), col(Account.id)))
    if limit is not None:
        stmt = stmt.limit(limit)
    sums = (select(col(Account.currency), func.count(), func.sum(col(Account.arr_minor)))
            .where(*where).group_by(col(Account.currency)))
    return (session.execute(owned_by(stmt, owner)).all(),
            session.execute(owned_by(sums, owner)).all())


def at_risk(session: Session, *, below: int, owner: str | None, limit: int | None = None
            ) -> tuple[Sequence[AnyRow], int]:
    """Active accounts not churned with stored health under `below`, lowest first (at
    most `limit`): (id, name, tier, health, flags, total)."""
    stmt = owned_by(
        select(col(Account.id), col(Account.name), col(Account.tier),
               col(AccountState.health), col(AccountState.flags),
               func.count().over().label("total"))
        .join(AccountState, col(AccountState.account_id) == Account.id)
        .where(active(), col(Account.stage) != "churned", col(AccountState.health) < below)
        .order_by(col(AccountState.health), col(Account.name), col(Account.id)), owner)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    return rows, int(rows[0].total) if rows else 0


def health_band_counts(session: Session, *, width: int, bands: int, owner: str | None
                       ) -> dict[int, int]:
    """How many active accounts fall in each band of `width` health points (band index
    0 .. bands-1, the last one open-ended)."""
    band = case((col(AccountState.health) >= width * (bands - 1), bands - 1),
                (col(AccountState.health) < 0, 0),
                else_=col(AccountState.health) // width)
    stmt = owned_by(select(band, func.count())
                    .join(Account, col(Account.id) == AccountState.account_id)
                    .where(active()).group_by(band), owner)
    return {int(b): int(n) for b, n in session.execute(stmt)}
