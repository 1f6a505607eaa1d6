"""Per-account activity aggregates for cadence, health and Today: a handful of
grouped queries over the covering indexes, never one query per account."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import Account, Contact, Task, Touchpoint
from db.queries.common import AnyRow, active, among


def last_done_touch(session: Session, account_ids: Iterable[int] | None = None
                    ) -> dict[int, datetime]:
    """Each account's latest done touch. One index seek per account (a correlated
    subquery) is about twice as fast as grouping every done touchpoint."""
    latest = (select(func.max(Touchpoint.done_at))
              .where(col(Touchpoint.status) == "done", col(Touchpoint.account_id) == Account.id)
              .correlate(Account).scalar_subquery())
    stmt = among(select(col(Account.id), latest), col(Account.id), account_ids)
    return {aid: at for aid, at in session.execute(stmt) if at is not None}


def earliest_planned(session: Session, account_ids: Iterable[int] | None = None
                     ) -> dict[int, date]:
    """Each account's next planned touch (the earliest, overdue ones included)."""
    stmt = (select(col(Touchpoint.account_id), func.min(Touchpoint.due_date))
            .where(col(Touchpoint.status) == "planned").group_by(col(Touchpoint.account_id)))
    stmt = among(stmt, col(Touchpoint.account_id), account_ids)
    return {aid: due for aid, due in session.execute(stmt) if due is not None}


def last_touch_by_role(session: Session, role: str, account_ids: Iterable[int] | None = None
                       ) -> dict[int, datetime]:
    """Each account's latest done touch with a stakeholder of `role`."""
    stmt = (select(col(Contact.account_id), func.max(Touchpoint.done_at))
            .join(Touchpoint, (col(Touchpoint.contact_id) == Contact.id)
                  & (col(Touchpoint.status) == "done"))
            .where(col(Contact.role) == role)
            .group_by(col(Contact.account_id)))
    stmt = among(stmt, col(Contact.account_id), account_ids)
    return {aid: at for aid, at in session.execute(stmt) if at is not None}


def contact_counts(session: Session, account_ids: Iterable[int] | None = None
                   ) -> dict[int, int]:
    """How many stakeholders each account has (one is single-threaded)."""
    stmt = select(col(Contact.account_id), func.count()).group_by(col(Contact.account_id))
    stmt = among(stmt, col(Contact.account_id), account_ids)
    return {aid: n for aid, n in session.execute(stmt)}


def overdue_task_counts(session: Session, today: date,
                        account_ids: Iterable[int] | None = None) -> dict[int, int]:
    """How many open SOP tasks each account has past their due date."""
    stmt = (select(col(Task.account_id), func.count())
            .where(col(Task.done_at).is_(None), col(Task.due_date) < today)
            .group_by(col(Task.account_id)))
    stmt = among(stmt, col(Task.account_id), account_ids)
    return {aid: n for aid, n in session.execute(stmt)}


def health_inputs(session: Session, account_ids: Iterable[int] | None = None
                  ) -> Sequence[AnyRow]:
    """The account fields health needs, as plain rows of (id, tier, last_login,
    open_tickets, open_tickets_previous, nps, nps_previous, on_time_payment)."""
    stmt = select(col(Account.id), col(Account.tier), col(Account.last_login),
                  col(Account.open_tickets), col(Account.open_tickets_previous),
                  col(Account.nps), col(Account.nps_previous),
                  col(Account.on_time_payment)).where(active())
    stmt = among(stmt, col(Account.id), account_ids)
    return session.execute(stmt).all()
