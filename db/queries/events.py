"""Reads over events: a date range, an account's occasions, the working-day calendar,
and what a calendar import must not add twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, or_, select
from sqlmodel import Session, col

from db.models import Account, Event
from db.queries.common import AnyRow


def events_between(session: Session, *, start: date, end: date,
                   owner: str | None = None) -> Sequence[Event]:
    """One-off events in [start, end] plus every yearly or recurring event (the caller
    places those). With an owner, an account's own events only for that owner's
    accounts (global and industry events stay)."""
    stmt = select(Event).where(
        or_(col(Event.yearly) == True,  # noqa: E712
            col(Event.recurrence) != "",
            and_(col(Event.on_date) >= start, col(Event.on_date) <= end))
    ).order_by(col(Event.on_date))
    if owner is not None:
        mine = select(col(Account.id)).where(col(Account.owner) == owner)
        stmt = stmt.where(or_(col(Event.account_id).is_(None),
                              col(Event.account_id).in_(mine)))
    return session.scalars(stmt).all()


def account_events(session: Session, account_id: int, industry: str) -> Sequence[Event]:
    """Events that concern an account: its own, its industry's, and global ones."""
    stmt = select(Event).where(or_(col(Event.account_id) == account_id,
                                   and_(col(Event.scope) == "industry",
                                        col(Event.industry) == industry),
                                   col(Event.scope) == "global"))
    return session.scalars(stmt.order_by(col(Event.on_date))).all()


def all_events(session: Session) -> Sequence[Event]:
    """Every stored event (a calendar export writes them all)."""
    return session.scalars(select(Event)).all()


def events_with_lead(session: Session) -> Sequence[Event]:
    """Events and anniversaries with a lead time: the ones that plan touchpoints."""
    stmt = select(Event).where(col(Event.lead_days) > 0,
                               col(Event.kind).in_(("event", "anniversary")))
    return session.scalars(stmt).all()


def days_off_and_on(session: Session) -> Sequence[AnyRow]:
    """(on_date, end_date, yearly, kind, title, recurrence) of holidays and make-up
    working days."""
    stmt = (select(col(Event.on_date), col(Event.end_date), col(Event.yearly), col(Event.kind),
                   col(Event.title), col(Event.recurrence))
            .where(col(Event.kind).in_(("holiday", "workday"))))
    return session.execute(stmt).all()


def source_uids(session: Session, source: str) -> set[str | None]:
    """The UIDs already imported from one calendar (its name is the source)."""
    stmt = select(col(Event.source_uid)).where(col(Event.source) == source)
    return set(session.scalars(stmt))


def event_ids_for(session: Session, source: str, uids: list[str]) -> list[int]:
    """The ids of one calendar's events with these UIDs (what an import created)."""
    stmt = select(col(Event.id)).where(col(Event.source) == source,
                                       col(Event.source_uid).in_(uids))
    return [eid for eid in session.scalars(stmt) if eid is not None]


def same_event(session: Session, event_id: int, title: str, on_date: date) -> bool:
    """Is event `event_id` the one with this title and first date (our own export
    read back into the database it came from)?"""
    event = session.get(Event, event_id)
    return event is not None and event.title == title and event.on_date == on_date


def known_uids(session: Session, source: str, uids: list[str]) -> set[str]:
    """Which of these UIDs one calendar (its name is the source) already gave."""
    if not uids:
        return set()
    stmt = select(col(Event.source_uid)).where(col(Event.source) == source,
                                               col(Event.source_uid).in_(uids))
    return {uid for uid in session.scalars(stmt) if uid is not None}


def titles_and_dates(session: Session, event_ids: list[int]) -> dict[int, tuple[str, date]]:
    """(title, first date) of the events with these ids that exist (our own export
    read back: is it the same event?)."""
    if not event_ids:
        return {}
    stmt = select(col(Event.id), col(Event.title), col(Event.on_date)).where(
        col(Event.id).in_(sorted(set(event_ids))))
    return {eid: (title, on_date) for eid, title, on_date in session.execute(stmt)}
