"""Query functions: the only place SQL is built. Session first, keywords after.

They return plain rows (named tuples) rather than ORM objects where screens only
read, so that 10,000 accounts load in one round trip with no lazy loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Row, and_, func, or_, select
from sqlmodel import Session

from db.models import Account, Contact, Event, StageChange, Task, TierChange, Touchpoint


def owned_by(stmt, owner: str | None):  # type: ignore[no-untyped-def]
    """Restrict a statement over Account to one owner's accounts (None: everyone's)."""
    return stmt if owner is None else stmt.where(Account.owner == owner)


def owns_accounts(session: Session, owner: str) -> bool:
    """Does `owner` own at least one active account?"""
    stmt = select(Account.id).where(Account.owner == owner,
                                    Account.archived == False).limit(1)  # noqa: E712
    return session.execute(stmt).first() is not None


def get_account(session: Session, account_id: int) -> Account | None:
    return session.get(Account, account_id)


def accounts_named(session: Session, name: str) -> Sequence[Account]:
    """Accounts whose name matches exactly (CJK included); more than one means ambiguous."""
    return session.exec(select(Account).where(Account.name == name)).scalars().all()  # type: ignore[call-overload]


def account_overview(session: Session, *, include_archived: bool = False,
                     owner: str | None = None) -> Sequence[Row]:
    """One row per account with its last touch and next planned touch, in one query."""
    last_touch = (
        select(Touchpoint.account_id, func.max(Touchpoint.done_at).label("last_touch"))
        .where(Touchpoint.status == "done")
        .group_by(Touchpoint.account_id)
        .subquery()
    )
    next_due = (
        select(Touchpoint.account_id, func.min(Touchpoint.due_date).label("next_due"))
        .where(Touchpoint.status == "planned")
        .group_by(Touchpoint.account_id)
        .subquery()
    )
    stmt = (
        select(
            Account.id, Account.name, Account.tier, Account.arr_minor, Account.currency,
            Account.stage, Account.stage_entered, Account.contract_end, Account.industry,
            Account.owner, Account.score, Account.tier_locked, last_touch.c.last_touch,
            next_due.c.next_due,
        )
        .outerjoin(last_touch, last_touch.c.account_id == Account.id)
        .outerjoin(next_due, next_due.c.account_id == Account.id)
        .order_by(Account.arr_minor.desc())  # type: ignore[attr-defined]
    )
    if not include_archived:
        stmt = stmt.where(Account.archived == False)  # noqa: E712
    return session.execute(owned_by(stmt, owner)).all()


def planned_touchpoints(session: Session, *, due_before: date,
                        owner: str | None = None) -> Sequence[Row]:
    """Planned touchpoints due on or before a date, with account and contact."""
    stmt = (
        select(
            Touchpoint.id, Touchpoint.account_id, Account.name, Account.tier,
            Touchpoint.channel, Touchpoint.due_date, Touchpoint.next_step,
            Contact.name.label("contact"), Contact.role.label("contact_role"),  # type: ignore[attr-defined]
            Account.contract_end,
        )
        .join(Account, Account.id == Touchpoint.account_id)
        .outerjoin(Contact, Contact.id == Touchpoint.contact_id)
        .where(Touchpoint.status == "planned", Touchpoint.due_date <= due_before)
        .where(Account.archived == False)  # noqa: E712
        .order_by(Touchpoint.due_date, Account.name)
    )
    return session.execute(owned_by(stmt, owner)).all()


def events_between(session: Session, *, start: date, end: date) -> Sequence[Event]:
    """One-off events in [start, end] plus every yearly event (the caller places those)."""
    stmt = select(Event).where(
        or_(Event.yearly == True, and_(Event.on_date >= start, Event.on_date <= end))  # noqa: E712
    ).order_by(Event.on_date)
    return session.exec(stmt).scalars().all()  # type: ignore[call-overload]


def count_rows(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def account_names(session: Session, *, include_archived: bool = False) -> Sequence[Row]:
    """(id, name) of every account: what name search needs and nothing more."""
    stmt = select(Account.id, Account.name).order_by(Account.name)
    if not include_archived:
        stmt = stmt.where(Account.archived == False)  # noqa: E712
    return session.execute(stmt).all()


def open_tasks_due(session: Session, *, due_before: date,
                   owner: str | None = None) -> Sequence[Row]:
    """Open SOP tasks due on or before a date, with account name and tier."""
    stmt = (
        select(Task.id, Task.account_id, Account.name, Account.tier, Task.title,
               Task.due_date, Task.stage, Account.contract_end)
        .join(Account, Account.id == Task.account_id)
        .where(Task.done_at.is_(None), Task.due_date <= due_before)  # type: ignore[union-attr]
        .where(Account.archived == False)  # noqa: E712
        .order_by(Task.due_date)
    )
    return session.execute(owned_by(stmt, owner)).all()


def renewals_between(session: Session, *, start: date, end: date,
                     owner: str | None = None) -> Sequence[Row]:
    """Active accounts whose contract ends in [start, end], soonest first."""
    stmt = (
        select(Account.id, Account.name, Account.tier, Account.arr_minor, Account.currency,
               Account.contract_end, Account.stage)
        .where(Account.archived == False, Account.stage != "churned")  # noqa: E712
        .where(Account.contract_end >= start, Account.contract_end <= end)  # type: ignore[operator]
        .order_by(Account.contract_end)
    )
    return session.execute(owned_by(stmt, owner)).all()


def account_basics(session: Session, *, owner: str | None = None) -> Sequence[Row]:
    """id, name, tier, ARR and contract end of every active account (or one owner's)."""
    stmt = select(Account.id, Account.name, Account.tier, Account.arr_minor, Account.currency,
                  Account.contract_end, Account.stage).where(Account.archived == False)  # noqa: E712
    return session.execute(owned_by(stmt, owner)).all()


def account_contacts(session: Session, account_id: int) -> Sequence[Contact]:
    """An account's stakeholders, decision makers first."""
    order = {"decision_maker": 0, "champion": 1, "influencer": 2, "user": 3}
    rows = session.exec(select(Contact).where(Contact.account_id == account_id)).scalars().all()  # type: ignore[call-overload]
    return sorted(rows, key=lambda c: (order.get(c.role, 9), c.name))


def account_touchpoints(session: Session, account_id: int, *, limit: int = 200
                        ) -> Sequence[Row]:
    """An account's touchpoints, newest first, with the contact's name."""
    stmt = (
        select(Touchpoint.id, Touchpoint.status, Touchpoint.channel, Touchpoint.due_date,
               Touchpoint.done_at, Touchpoint.summary, Touchpoint.outcome,
               Touchpoint.next_step, Contact.name.label("contact"))  # type: ignore[attr-defined]
        .outerjoin(Contact, Contact.id == Touchpoint.contact_id)
        .where(Touchpoint.account_id == account_id)
        .order_by(Touchpoint.due_date.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    return session.execute(stmt).all()


def account_tier_changes(session: Session, account_id: int) -> Sequence[TierChange]:
    return session.exec(select(TierChange).where(TierChange.account_id == account_id)  # type: ignore[call-overload]
                        .order_by(TierChange.at.desc())).scalars().all()  # type: ignore[attr-defined]


def account_stage_changes(session: Session, account_id: int) -> Sequence[StageChange]:
    return session.exec(select(StageChange).where(StageChange.account_id == account_id)  # type: ignore[call-overload]
                        .order_by(StageChange.at.desc())).scalars().all()  # type: ignore[attr-defined]


def account_tasks(session: Session, account_id: int, *, stage: str | None = None,
                  term: int | None = None) -> Sequence[Task]:
    stmt = select(Task).where(Task.account_id == account_id)
    if stage is not None:
        stmt = stmt.where(Task.stage == stage)
    if term is not None:
        stmt = stmt.where(Task.term == term)
    return session.exec(stmt.order_by(Task.due_date, Task.id)).scalars().all()  # type: ignore[call-overload,arg-type]


def account_events(session: Session, account_id: int, industry: str) -> Sequence[Event]:
    """Events that concern an account: its own, its industry's, and global ones."""
    stmt = select(Event).where(or_(Event.account_id == account_id,
                                   and_(Event.scope == "industry", Event.industry == industry),
                                   Event.scope == "global"))
    return session.exec(stmt.order_by(Event.on_date)).scalars().all()  # type: ignore[call-overload]


def contact_last_touch(session: Session, account_id: int) -> Sequence[Row]:
    """(contact_id, last done touch) for an account's stakeholders."""
    stmt = (select(Touchpoint.contact_id, func.max(Touchpoint.done_at))
            .where(Touchpoint.account_id == account_id, Touchpoint.status == "done",
                   Touchpoint.contact_id.is_not(None))  # type: ignore[union-attr]
            .group_by(Touchpoint.contact_id))
    return session.execute(stmt).all()


def planned_touchpoints_between(session: Session, *, start: date, end: date) -> Sequence[Row]:
    stmt = (select(Touchpoint.id, Touchpoint.account_id, Account.name, Touchpoint.channel,
                   Touchpoint.due_date, Touchpoint.next_step)
            .join(Account, Account.id == Touchpoint.account_id)
            .where(Touchpoint.status == "planned", Touchpoint.due_date >= start,
                   Touchpoint.due_date <= end))
    return session.execute(stmt).all()


def open_tasks_between(session: Session, *, start: date, end: date) -> Sequence[Row]:
    stmt = (select(Task.id, Task.account_id, Account.name, Task.title, Task.due_date)
            .join(Account, Account.id == Task.account_id)
            .where(Task.done_at.is_(None), Task.due_date >= start,  # type: ignore[union-attr]
                   Task.due_date <= end))  # type: ignore[operator]
    return session.execute(stmt).all()


def account_dates(session: Session) -> Sequence[Row]:
    """id, name, contract start and end, founding date of every active account."""
    stmt = select(Account.id, Account.name, Account.contract_start, Account.contract_end,
                  Account.founded_on, Account.stage).where(Account.archived == False)  # noqa: E712
    return session.execute(stmt).all()


def renewals_per_month(session: Session, *, start: date, end: date,
                       owner: str | None = None) -> Sequence[Row]:
    """(year, month, count, arr) of active accounts' contract ends in [start, end)
    (or one owner's), grouped by calendar month in the database (SQLite and
    PostgreSQL alike)."""
    year = func.extract("year", Account.contract_end)
    month = func.extract("month", Account.contract_end)
    stmt = (
        select(year.label("year"), month.label("month"), func.count().label("count"),
               func.sum(Account.arr_minor).label("arr"))
        .where(Account.archived == False, Account.stage != "churned")  # noqa: E712
        .where(Account.contract_end >= start, Account.contract_end < end)  # type: ignore[operator]
        .group_by(year, month)
    )
    return session.execute(owned_by(stmt, owner)).all()
