"""Reads and bulk writes over accounts: the portfolio, names, dates and the inputs of
scoring, the kanban and the calendar. Plain rows where callers only read, so that
50,000 accounts load in one round trip with no lazy loads."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, and_, extract, func, or_, select, update
from sqlmodel import Session, col

from db.models import Account, Touchpoint
from db.queries.common import AnyRow, active, owned_by


def owns_accounts(session: Session, owner: str) -> bool:
    """Does `owner` own at least one active account? (Decides "mine" or "team".)"""
    stmt = select(col(Account.id)).where(col(Account.owner) == owner, active()).limit(1)
    return session.execute(stmt).first() is not None


def has_accounts(session: Session) -> bool:
    """Whether the database holds any account at all (archived ones count)."""
    return session.execute(select(col(Account.id)).limit(1)).first() is not None


def get_account(session: Session, account_id: int) -> Account | None:
    """One account by id (the identity map answers if it is loaded already)."""
    return session.get(Account, account_id)


def accounts_named(session: Session, name: str) -> Sequence[Account]:
    """Accounts whose name matches exactly (CJK included); more than one means ambiguous."""
    return session.scalars(select(Account).where(col(Account.name) == name)).all()


def accounts_named_in(session: Session, names: Iterable[str]) -> Sequence[Account]:
    """The accounts with any of these exact names (the demo's hand-set locks)."""
    return session.scalars(select(Account).where(col(Account.name).in_(list(names)))).all()


def all_account_names(session: Session) -> set[str]:
    """Every name in use, archived accounts included, so a generator never repeats one."""
    return set(session.scalars(select(col(Account.name))))


def account_overview(session: Session, *, include_archived: bool = False,
                     owner: str | None = None) -> Sequence[AnyRow]:
    """One row per account with its last touch and next planned touch, in one query."""
    last_touch = (
        select(col(Touchpoint.account_id), func.max(Touchpoint.done_at).label("last_touch"))
        .where(col(Touchpoint.status) == "done")
        .group_by(col(Touchpoint.account_id))
        .subquery()
    )
    next_due = (
        select(col(Touchpoint.account_id), func.min(Touchpoint.due_date).label("next_due"))
        .where(col(Touchpoint.status) == "planned")
        .group_by(col(Touchpoint.account_id))
        .subquery()
    )
    stmt = (
        select(
            col(Account.id), col(Account.name), col(Account.tier), col(Account.arr_minor),
            col(Account.currency), col(Account.stage), col(Account.stage_entered),
            col(Account.contract_end), col(Account.industry), col(Account.owner),
            col(Account.score), col(Account.tier_locked), last_touch.c.last_touch,
            next_due.c.next_due,
        )
        .outerjoin(last_touch, last_touch.c.account_id == Account.id)
        .outerjoin(next_due, next_due.c.account_id == Account.id)
        .order_by(col(Account.arr_minor).desc())
    )
    if not include_archived:
        stmt = stmt.where(active())
    return session.execute(owned_by(stmt, owner)).all()


def account_names(session: Session, *, include_archived: bool = False) -> Sequence[AnyRow]:
    """(id, name) of every account: what name search needs and nothing more."""
    stmt = select(col(Account.id), col(Account.name)).order_by(col(Account.name))
    if not include_archived:
        stmt = stmt.where(active())
    return session.execute(stmt).all()


def account_refs(session: Session) -> Sequence[AnyRow]:
    """(id, name, external_id) of every account, archived too: how an import file may
    name an account it updates or refers to."""
    stmt = select(col(Account.id), col(Account.name), col(Account.external_id))
    return session.execute(stmt).all()


def account_basics(session: Session, *, owner: str | None = None) -> Sequence[AnyRow]:
    """id, name, tier, ARR and contract end of every active account (or one owner's)."""
    stmt = select(col(Account.id), col(Account.name), col(Account.tier),
                  col(Account.arr_minor), col(Account.currency), col(Account.contract_end),
                  col(Account.stage)).where(active())
    return session.execute(owned_by(stmt, owner)).all()


def _month_day() -> Any:
    """month * 100 + day of the founding date (SQLite and PostgreSQL alike)."""
    founded = col(Account.founded_on)
    return extract("month", founded) * 100 + extract("day", founded)


def _anniversary_spans(start: date, end: date) -> list[tuple[int, int, int]]:
    """(year, first month*100+day, last month*100+day) of [start, end] per calendar year."""
    spans = []
    for year in range(start.year, end.year + 1):
        lo, hi = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        spans.append((year, lo.month * 100 + lo.day, hi.month * 100 + hi.day))
    return spans


def _anniversary_in(year: int, lo: int, hi: int) -> Any:
    """Founded on a month and day in [lo, hi] (month*100+day) of `year`, before `year`.
    In a common year 29 February falls on 28 February (as `csm_tui.events.yearly_date`):
    a span ending on 28 February takes 229 too (one ending later takes it anyway)."""
    if not calendar.isleap(year) and hi == 228:
        hi = 229
    return and_(col(Account.founded_on).is_not(None), _month_day().between(lo, hi),
                extract("year", col(Account.founded_on)) < year)


def _dated(start: date, end: date) -> tuple[Any, Any, list[tuple[int, Any]]]:
    """The conditions of a calendar date in [start, end]: a renewal (contract end, not
    churned), a contract start, an anniversary per year of the range."""
    renewal = and_(col(Account.contract_end).between(start, end),
                   col(Account.stage) != "churned")
    begins = col(Account.contract_start).between(start, end)
    return renewal, begins, [(span[0], _anniversary_in(*span))
                             for span in _anniversary_spans(start, end)]


def account_dates_between(session: Session, *, start: date, end: date,
                          owner: str | None = None) -> Sequence[AnyRow]:
    """id, name, contract start and end, founding date and stage of the active accounts
    with a date in [start, end]: a renewal (contract end, not churned), a contract start
    or a founding anniversary (a year after the founding one). The calendar's items.
    No index serves the dates (see account_date_counts): one pass over the accounts
    in the database, not in Python."""
    renewal, begins, anniversaries = _dated(start, end)
    stmt = (select(col(Account.id), col(Account.name), col(Account.contract_start),
                   col(Account.contract_end), col(Account.founded_on), col(Account.stage))
            .where(active(), or_(renewal, begins, *(cond for _, cond in anniversaries))))
    return session.execute(owned_by(stmt, owner)).all()


def account_date_counts(session: Session, *, start: date, end: date,
                        owner: str | None = None) -> list[tuple[str, Any, int]]:
    """(kind, day, count) of the active accounts' renewals (contract end, not churned)
    and contract starts in [start, end], and (\"anniversary\", (year, month*100+day),
    count) of their founding anniversaries: the calendar's markers, counted by the
    database (no index serves these dates: each kind is one pass over the accounts)."""
    renewal, begins, anniversaries = _dated(start, end)
    out: list[tuple[str, Any, int]] = []
    for kind, column, cond in (("renewal", col(Account.contract_end), renewal),
                               ("start", col(Account.contract_start), begins)):
        stmt = select(column, func.count()).where(active(), cond).group_by(column)
        out += [(kind, day, n) for day, n in session.execute(owned_by(stmt, owner))]
    for year, cond in anniversaries:
        md = _month_day().label("md")
        stmt = select(md, func.count()).where(active(), cond).group_by(md)
        out += [("anniversary", (year, int(m)), n)
                for m, n in session.execute(owned_by(stmt, owner))]
    return out


def account_terms(session: Session) -> Sequence[AnyRow]:
    """(id, name, contract end, term) of active accounts not churned: the renewals a
    calendar export lists."""
    stmt = (select(col(Account.id), col(Account.name), col(Account.contract_end),
                   col(Account.term))
            .where(active(), col(Account.stage) != "churned"))
    return session.execute(stmt).all()


def account_segments(session: Session) -> Sequence[AnyRow]:
    """(id, tier, industry) of active accounts not churned: whom an event concerns."""
    stmt = (select(col(Account.id), col(Account.tier), col(Account.industry))
            .where(active(), col(Account.stage) != "churned"))
    return session.execute(stmt).all()


def scoring_rows(session: Session) -> Sequence[AnyRow]:
    """The scoring factors of every active account not churned, with name, tier, lock
    and currency, in the order tiering unpacks them."""
    stmt = select(
        col(Account.id), col(Account.arr_minor), col(Account.on_time_payment),
        col(Account.profit_margin), col(Account.growth_potential), col(Account.influence),
        col(Account.referrals), col(Account.engagement), col(Account.name), col(Account.tier),
        col(Account.tier_locked), col(Account.currency),
    ).where(active(), col(Account.stage) != "churned")
    return session.execute(stmt).all()


def stage_candidates(session: Session) -> Sequence[AnyRow]:
    """(id, name, stage, contract start, end) of active accounts in the stages that the
    contract dates can move on (onboarding, adoption, renewal, renewed)."""
    stmt = (select(col(Account.id), col(Account.name), col(Account.stage),
                   col(Account.contract_start), col(Account.contract_end))
            .where(active(), col(Account.stage).in_(("onboarding", "adoption", "renewal",
                                                      "renewed"))))
    return session.execute(stmt).all()


def renewals_between(session: Session, *, start: date, end: date,
                     owner: str | None = None) -> Sequence[AnyRow]:
    """Active accounts whose contract ends in [start, end], soonest first."""
    stmt = (
        select(col(Account.id), col(Account.name), col(Account.tier), col(Account.arr_minor),
               col(Account.currency), col(Account.contract_end), col(Account.stage))
        .where(active(), col(Account.stage) != "churned")
        .where(col(Account.contract_end) >= start, col(Account.contract_end) <= end)
        .order_by(col(Account.contract_end))
    )
    return session.execute(owned_by(stmt, owner)).all()


def renewals_per_month(session: Session, *, start: date, end: date,
                       owner: str | None = None) -> Sequence[AnyRow]:
    """(year, month, count, arr) of active accounts' contract ends in [start, end)
    (or one owner's), grouped by calendar month in the database (SQLite and
    PostgreSQL alike)."""
    year = func.extract("year", col(Account.contract_end))
    month = func.extract("month", col(Account.contract_end))
    stmt = (
        select(year.label("year"), month.label("month"), func.count().label("count"),
               func.sum(Account.arr_minor).label("arr"))
        .where(active(), col(Account.stage) != "churned")
        .where(col(Account.contract_end) >= start, col(Account.contract_end) < end)
        .group_by(year, month)
    )
    return session.execute(owned_by(stmt, owner)).all()


def _board_filter(tier: str | None, owner: str | None) -> list[Any]:
    conditions: list[Any] = [active()]
    if owner is not None:
        conditions.append(col(Account.owner) == owner)
    if tier:
        conditions.append(col(Account.tier) == tier)
    return conditions


def stage_totals(session: Session, *, tier: str | None = None, owner: str | None = None
                 ) -> Sequence[AnyRow]:
    """(stage, count, ARR) of active accounts per stage: the kanban's column heads."""
    stmt = (select(col(Account.stage), func.count(),
                   func.coalesce(func.sum(Account.arr_minor), 0))
            .where(*_board_filter(tier, owner)).group_by(col(Account.stage)))
    return session.execute(stmt).all()


def top_of_stage(session: Session, stage: str, *, limit: int, tier: str | None = None,
                 owner: str | None = None) -> Sequence[AnyRow]:
    """The largest accounts of one stage by ARR, with what a kanban card shows."""
    stmt = (
        select(col(Account.id), col(Account.name), col(Account.tier), col(Account.arr_minor),
               col(Account.currency), col(Account.stage_entered), col(Account.contract_end),
               col(Account.last_login), col(Account.nps), col(Account.nps_previous),
               col(Account.open_tickets), col(Account.open_tickets_previous),
               col(Account.stage), col(Account.term))
        .where(*_board_filter(tier, owner), col(Account.stage) == stage)
        .order_by(col(Account.arr_minor).desc()).limit(limit)
    )
    return session.execute(stmt).all()


def active_accounts_by_arr(session: Session) -> Sequence[Account]:
    """Every active account, largest ARR first: what the CSV export writes."""
    stmt = select(Account).where(active()).order_by(col(Account.arr_minor).desc())
    return session.scalars(stmt).all()


def update_accounts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk UPDATE by primary key: each dict has `id` and the columns to set (one
    executemany per column set; no ORM object is loaded)."""
    session.execute(update(Account), rows)


def update_account(session: Session, account_id: int, values: dict[str, Any]) -> None:
    """Set the given columns of one account without loading it (a big import)."""
    session.execute(update(Account).where(col(Account.id) == account_id), values)


def _rows(result: object) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


def lock_account(session: Session, account_id: int) -> bool:
    """Take the account's row for this transaction before reading it (a no-op UPDATE:
    PostgreSQL locks the row, SQLite takes its write lock), so two writers of one account
    go one after the other instead of both reading the same state. False: no such
    account. Nothing changes, the version included (open forms are not disturbed)."""
    stmt = update(Account).where(col(Account.id) == account_id).values(id=col(Account.id))
    return _rows(session.execute(stmt, execution_options={"synchronize_session": False})) == 1


def claim_version(session: Session, account_id: int, expected: int) -> bool:
    """The optimistic lock in one statement: `UPDATE account SET version = version + 1
    WHERE id = :id AND version = :v`. True: this writer holds the next version (and the
    row) until it commits; False: someone saved first (or no such account)."""
    stmt = (update(Account)
            .where(col(Account.id) == account_id, col(Account.version) == expected)
            .values(version=col(Account.version) + 1))
    return _rows(session.execute(stmt, execution_options={"synchronize_session": False})) == 1


def bump_version(session: Session, account_id: int) -> None:
    """version = version + 1 in the database (a write that changed the account without
    an expected version: stage moves, renewals), taking the row like `lock_account`."""
    stmt = (update(Account).where(col(Account.id) == account_id)
            .values(version=col(Account.version) + 1))
    session.execute(stmt, execution_options={"synchronize_session": False})


