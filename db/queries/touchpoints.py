"""Reads over touchpoints: what is due, an account's history, what the importer and the
event planner must not write twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, case, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from db.fulltext import search_name
from db.models import Account, Contact, Touchpoint
from db.queries.common import AnyRow, RowSelect, active, active_counts_by_day, owned_by


@dataclass(frozen=True, slots=True)
class PlannedWord:
    """One filter word over planned touches and what, besides the words of the account's
    and the contact's names (search_name) and the next step, it matches: channels and
    tiers whose words (in the user's language) contain it, and names that have no
    stored words yet but whose words contain it."""

    word: str
    channels: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


def _named(word: str, model: type[Account] | type[Contact]) -> Any:
    """The ids of the accounts (or stakeholders) whose name's stored words contain the
    word: the distinct names are searched once, then their rows found by name."""
    names = select(search_name.c.name).where(search_name.c.words.contains(word,
                                                                         autoescape=True))
    return select(col(model.id)).where(col(model.name).in_(names))


def _filtered(stmt: RowSelect, words: Sequence[PlannedWord]) -> RowSelect:
    """A statement over planned touches (joined to Account) kept to those every word
    matches; each word's names are looked up once as a set, not once per touch."""
    for w in words:
        either: list[ColumnElement[bool]] = [
            col(Touchpoint.account_id).in_(_named(w.word, Account)),
            col(Touchpoint.contact_id).in_(_named(w.word, Contact)),
            func.lower(func.coalesce(col(Touchpoint.next_step), "")).contains(
                w.word, autoescape=True)]
        if w.channels:
            either.append(col(Touchpoint.channel).in_(w.channels))
        if w.tiers:
            either.append(col(Account.tier).in_(w.tiers))
        if w.names:
            either += [col(Account.name).in_(w.names),
                       col(Touchpoint.contact_id).in_(select(col(Contact.id)).where(
                           col(Contact.name).in_(w.names)))]
        stmt = stmt.where(or_(*either))
    return stmt


def planned_touchpoints(session: Session, *, due_before: date,
                        owner: str | None = None, limit: int | None = None,
                        words: Sequence[PlannedWord] = ()) -> Sequence[AnyRow]:
    """Planned touchpoints due on or before a date, with account and contact, soonest
    first (the first `limit` of them: a screen's page; those the words match)."""
    stmt: RowSelect = (
        select(
            col(Touchpoint.id), col(Touchpoint.account_id), col(Account.name),
            col(Account.tier), col(Touchpoint.channel), col(Touchpoint.due_date),
            col(Touchpoint.next_step), col(Contact.name).label("contact"),
            col(Contact.role).label("contact_role"), col(Account.contract_end),
        )
        .join(Account, col(Account.id) == Touchpoint.account_id)
        .outerjoin(Contact, col(Contact.id) == Touchpoint.contact_id)
        .where(col(Touchpoint.status) == "planned", col(Touchpoint.due_date) <= due_before)
        .where(active())
        .order_by(col(Touchpoint.due_date), col(Account.name), col(Touchpoint.id))
    )
    stmt = _filtered(stmt, words)
    if limit is not None:
        stmt = stmt.limit(limit)
    return session.execute(owned_by(stmt, owner)).all()


def planned_counts(session: Session, *, due_before: date, bounds: Sequence[date],
                   owner: str | None = None, words: Sequence[PlannedWord] = ()) -> list[int]:
    """How many planned touchpoints are due before each of `bounds` (ascending, the
    last one no later than `due_before`) and in all up to `due_before`: the groups'
    sizes in one pass, without reading the rows."""
    due = col(Touchpoint.due_date)
    stmt: RowSelect = (
        select(*[func.coalesce(func.sum(case((due < bound, 1), else_=0)), 0)
                 for bound in bounds], func.count())
        .select_from(Touchpoint)
        .join(Account, col(Account.id) == Touchpoint.account_id)
        .where(col(Touchpoint.status) == "planned", due <= due_before)
        .where(active())
    )
    stmt = _filtered(stmt, words)
    row = session.execute(owned_by(stmt, owner)).one()
    return [int(v or 0) for v in row]


def planned_touchpoints_between(session: Session, *, start: date, end: date,
                                owner: str | None = None) -> Sequence[AnyRow]:
    """Planned touchpoints due in [start, end] with the account's name (the calendar; an
    archived account's are off it, as off every list)."""
    stmt = (select(col(Touchpoint.id), col(Touchpoint.account_id), col(Account.name),
                   col(Touchpoint.channel), col(Touchpoint.due_date), col(Touchpoint.next_step))
            .join(Account, col(Account.id) == Touchpoint.account_id)
            .where(col(Touchpoint.status) == "planned", col(Touchpoint.due_date) >= start,
                   col(Touchpoint.due_date) <= end, active()))
    return session.execute(owned_by(stmt, owner)).all()


def planned_counts_by_day(session: Session, *, start: date, end: date,
                          owner: str | None = None) -> list[tuple[date, int]]:
    """(due date, count) of the planned touchpoints of active accounts due in [start,
    end]: the calendar's markers. For the whole book: every account's from the (status,
    due date) index alone, less the archived accounts' (few, found from them)."""
    due = col(Touchpoint.due_date)
    return active_counts_by_day(session, due, col(Touchpoint.account_id),
                                [col(Touchpoint.status) == "planned", due >= start,
                                 due <= end], owner)


def planned_with_dates(session: Session) -> Sequence[AnyRow]:
    """(id, account_id, due date, channel, next step) of every dated planned touchpoint:
    what a calendar export lists."""
    stmt = (select(col(Touchpoint.id), col(Touchpoint.account_id), col(Touchpoint.due_date),
                   col(Touchpoint.channel), col(Touchpoint.next_step))
            .where(col(Touchpoint.status) == "planned", col(Touchpoint.due_date).is_not(None)))
    return session.execute(stmt).all()


def account_touchpoints(session: Session, account_id: int, *, limit: int = 200
                        ) -> Sequence[AnyRow]:
    """An account's touchpoints, newest first, with the contact's name."""
    stmt: RowSelect = (
        select(col(Touchpoint.id), col(Touchpoint.status), col(Touchpoint.channel),
               col(Touchpoint.due_date), col(Touchpoint.done_at), col(Touchpoint.summary),
               col(Touchpoint.outcome), col(Touchpoint.next_step),
               col(Contact.name).label("contact"))
        .outerjoin(Contact, col(Contact.id) == Touchpoint.contact_id)
        .where(col(Touchpoint.account_id) == account_id)
        .order_by(col(Touchpoint.due_date).desc())
        .limit(limit)
    )
    return session.execute(stmt).all()


def contact_last_touch(session: Session, account_id: int) -> Sequence[AnyRow]:
    """(contact_id, last done touch) for an account's stakeholders."""
    stmt = (select(col(Touchpoint.contact_id), func.max(Touchpoint.done_at))
            .where(col(Touchpoint.account_id) == account_id, col(Touchpoint.status) == "done",
                   col(Touchpoint.contact_id).is_not(None))
            .group_by(col(Touchpoint.contact_id)))
    return session.execute(stmt).all()


def event_origins(session: Session) -> set[str | None]:
    """The origin keys of touchpoints planned by event operations, so a second run
    plans nothing twice."""
    stmt = select(col(Touchpoint.origin)).where(col(Touchpoint.origin).like("event:%"))
    return set(session.scalars(stmt))


def done_touch_keys(session: Session) -> set[tuple[int, date | None, str]]:
    """(account_id, date, summary) of every done touchpoint: how an import recognises
    a row it wrote before."""
    stmt = (select(col(Touchpoint.account_id), col(Touchpoint.due_date),
                   col(Touchpoint.summary))
            .where(col(Touchpoint.status) == "done"))
    return {(aid, due, summary) for aid, due, summary in session.execute(stmt)}


def planned_from(session: Session, day: date) -> Sequence[AnyRow]:
    """(id, due_date, origin) of planned touchpoints due on or after `day`: what a new
    holiday calendar may move."""
    stmt = (select(col(Touchpoint.id), col(Touchpoint.due_date), col(Touchpoint.origin))
            .where(col(Touchpoint.status) == "planned", col(Touchpoint.due_date) >= day))
    return session.execute(stmt).all()


def move_planned(session: Session, moves: list[dict[str, object]]) -> None:
    """Bulk UPDATE of planned touchpoints' due dates: {"id": ..., "due_date": ...}."""
    if moves:
        session.execute(update(Touchpoint), moves)


def _rows(result: object) -> int:
    """How many rows a Core UPDATE changed (the driver's count)."""
    return int(cast(CursorResult[Any], result).rowcount)


def open_touchpoints(session: Session, account_id: int) -> list[Touchpoint]:
    """An account's planned touchpoints as objects, soonest first (undated last): what a
    follow-up closes and what it leaves as the next touch."""
    stmt = (select(Touchpoint)
            .where(col(Touchpoint.account_id) == account_id,
                   col(Touchpoint.status) == "planned")
            .order_by(col(Touchpoint.due_date).is_(None), col(Touchpoint.due_date),
                      col(Touchpoint.id)))
    return list(session.scalars(stmt))


def close_planned(session: Session, touchpoint_id: int, values: dict[str, Any]) -> int:
    """Close a planned touchpoint in one statement that checks it is still planned
    (`UPDATE … WHERE id = :id AND status = 'planned'`): 1 if this writer closed it, 0 if
    someone else did first (or it does not exist). The ORM is not told: read it after."""
    stmt = (update(Touchpoint)
            .where(col(Touchpoint.id) == touchpoint_id, col(Touchpoint.status) == "planned")
            .values(**values))
    return _rows(session.execute(stmt, execution_options={"synchronize_session": False}))


def set_planned_status(session: Session, touchpoint_ids: list[int], *, status: str,
                       was: str) -> int:
    """Move touchpoints from status `was` to `status` (skip duplicates of the next touch,
    or put them back on undo) in one statement; returns how many moved."""
    if not touchpoint_ids:
        return 0
    stmt = (update(Touchpoint)
            .where(col(Touchpoint.id).in_(touchpoint_ids), col(Touchpoint.status) == was)
            .values(status=status))
    return _rows(session.execute(stmt, execution_options={"synchronize_session": False}))


def skip_planned_of_churned(session: Session, account_ids: list[int] | None = None) -> int:
    """Close as skipped the planned touches of churned accounts (a churned account has
    no cadence), in one statement; returns how many."""
    churned = select(col(Account.id)).where(col(Account.stage) == "churned")
    stmt = update(Touchpoint).where(col(Touchpoint.status) == "planned",
                                    col(Touchpoint.account_id).in_(churned))
    if account_ids is not None:
        stmt = stmt.where(col(Touchpoint.account_id).in_(account_ids))
    return _rows(session.execute(stmt.values(status="skipped"),
                                 execution_options={"synchronize_session": False}))
