"""History search: touches, notes and tasks whose text holds every word of a query,
newest first, on 200,000 touches in well under the budget.

SQLite reads the FTS5 trigram index (db/fulltext.py): a word of three or more
characters is a MATCH on the index; a shorter one (a two-character CJK word such as
续约) is checked with instr() on the indexed text, which the trigram index cannot
answer. PostgreSQL uses ILIKE (LIKE for a word without case), which its trigram GIN
indexes answer for three characters or more. A hit is
(kind, id, account_id, day); `touch_rows`, `note_rows` and `task_rows` read what is
shown for the few hits kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, literal, or_, select, union, union_all
from sqlmodel import Session, col

from db.fulltext import search_index, search_name
from db.models import Account, Contact, Note, Task, Touchpoint
from db.queries.common import AnyRow, RowSelect, active
from db.vocab import TOUCHPOINT_STATUSES


def _like(text: str) -> str:
    """`text` as a LIKE pattern matched anywhere (its own % and _ taken literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phrase(word: str) -> str:
    """A word as an FTS5 string (a phrase: quotes doubled), so no character is syntax."""
    return '"' + word.replace('"', '""') + '"'


def _sqlite_hits(session: Session, words: list[str], *, limit: int,
                 account_ids: Sequence[int] | None, since: date | None, until: date | None,
                 kinds: Sequence[str] | None) -> list[AnyRow]:
    fts = search_index
    long_words = [w for w in words if len(w) >= 3]
    conditions: list[Any] = []
    if long_words:
        conditions.append(fts.c.body.op("MATCH")(" AND ".join(_phrase(w) for w in long_words)))
    for word in words:
        if len(word) < 3:  # lower() only where case can differ: it costs half the scan
            body = fts.c.body if word.lower() == word.upper() else func.lower(fts.c.body)
            conditions.append(func.instr(body, word) > 0)
    if account_ids is not None:
        conditions.append(fts.c.account_id.in_(list(account_ids)))
    if since is not None:
        conditions.append(fts.c.day >= since.isoformat())
    if until is not None:
        conditions.append(fts.c.day <= until.isoformat())
    if kinds is not None:
        conditions.append(fts.c.kind.in_(list(kinds)))
    stmt = (select(fts.c.kind, fts.c.ref.label("id"), fts.c.account_id, fts.c.day)
            .where(*conditions).order_by(fts.c.day.desc(), fts.c.rowid.desc()).limit(limit))
    return list(session.execute(stmt).all())


def _pg_hits(session: Session, words: list[str], *, limit: int,
             account_ids: Sequence[int] | None, since: date | None, until: date | None,
             kinds: Sequence[str] | None) -> list[AnyRow]:
    touch_text = col(Touchpoint.summary) + " " + col(Touchpoint.next_step)
    touch_day = func.coalesce(func.date(col(Touchpoint.done_at)), col(Touchpoint.due_date),
                              func.date(col(Touchpoint.created_at)))
    task_day = func.coalesce(func.date(col(Task.done_at)), col(Task.due_date),
                             func.date(col(Task.created_at)))
    sources = {
        "touch": (Touchpoint, touch_text, touch_day),
        "note": (Note, col(Note.text), col(Note.on_date)),
        "task": (Task, col(Task.title), task_day),
    }
    parts = []
    for kind, (model, text, day) in sources.items():
        if kinds is not None and kind not in kinds:
            continue
        # LIKE where case cannot differ (CJK): half the cost of ILIKE on a scan; the
        # trigram indexes answer both
        conditions: list[Any] = [
            text.like(_like(w), escape="\\") if w.lower() == w.upper()
            else text.ilike(_like(w), escape="\\") for w in words]
        account = col(model.account_id)  # type: ignore[attr-defined]
        if account_ids is not None:
            conditions.append(account.in_(list(account_ids)))
        if since is not None:
            conditions.append(day >= since)
        if until is not None:
            conditions.append(day <= until)
        parts.append(select(literal(kind).label("kind"),
                            col(model.id).label("id"),  # type: ignore[attr-defined]
                            account.label("account_id"), day.label("day"))
                     .where(and_(*conditions)).order_by(day.desc()).limit(limit)
                     .subquery().select())
    if not parts:
        return []
    both = union_all(*parts).subquery()
    stmt = select(both).order_by(both.c.day.desc(), both.c.id.desc()).limit(limit)
    return list(session.execute(stmt).all())


def search_hits(session: Session, words: list[str], *, limit: int = 50,
                account_ids: Sequence[int] | None = None, since: date | None = None,
                until: date | None = None, kinds: Sequence[str] | None = None
                ) -> list[AnyRow]:
    """(kind, id, account_id, day) of the touches, notes and tasks whose text holds
    every word (case-insensitive), newest first, at most `limit`."""
    words = [w for w in words if w]
    if not words:
        return []
    find = _sqlite_hits if session.get_bind().dialect.name == "sqlite" else _pg_hits
    return find(session, words, limit=limit, account_ids=account_ids, since=since,
                until=until, kinds=kinds)


def touches_of_contacts(session: Session, contact_ids: Sequence[int], *, limit: int
                        ) -> list[AnyRow]:
    """(kind, id, account_id, day) of the touches with these stakeholders, newest first:
    a search for a person's name finds what was discussed with them."""
    if not contact_ids:
        return []
    day = func.coalesce(func.date(col(Touchpoint.done_at)), col(Touchpoint.due_date))
    stmt: RowSelect = (select(literal("touch").label("kind"), col(Touchpoint.id).label("id"),
                   col(Touchpoint.account_id), day.label("day"))
            # every status named: the (status, contact_id, done_at) index answers it
            .where(col(Touchpoint.status).in_(list(TOUCHPOINT_STATUSES)),
                   col(Touchpoint.contact_id).in_(list(contact_ids)))
            .order_by(col(Touchpoint.done_at).desc(), col(Touchpoint.due_date).desc())
            .limit(limit))
    return list(session.execute(stmt).all())


def _named(name: Any, words: Sequence[str], extra: Sequence[str]) -> Any:
    """`name` is one whose words (search_name) hold every word, or one of `extra`. The
    few matching names are found first (a scan of one short row per distinct name),
    then the rows that bear them."""
    found = name.in_(select(search_name.c.name).where(
        *[search_name.c.words.contains(w, autoescape=True) for w in words]))
    return or_(found, name.in_(list(extra))) if extra else found


def account_name_hits(session: Session, words: Sequence[str], *, limit: int,
                      account_ids: Sequence[int] | None = None, extra: Sequence[str] = ()
                      ) -> Sequence[AnyRow]:
    """(id, name) of the active accounts whose name is found by every word (or is one
    of `extra`: names matched by the caller), by name."""
    stmt = select(col(Account.id), col(Account.name)).where(
        active(), _named(col(Account.name), words, extra))
    if account_ids is not None:
        stmt = stmt.where(col(Account.id).in_(list(account_ids)))
    return session.execute(stmt.order_by(col(Account.name), col(Account.id)).limit(limit)).all()


def contact_name_hits(session: Session, words: Sequence[str], *, limit: int,
                      account_ids: Sequence[int] | None = None, extra: Sequence[str] = ()
                      ) -> Sequence[AnyRow]:
    """(id, name, role, account_id, account) of the stakeholders of active accounts
    whose name is found by every word (or is one of `extra`), by name."""
    stmt: RowSelect = (select(col(Contact.id), col(Contact.name), col(Contact.role),
                              col(Account.id).label("account_id"),
                              col(Account.name).label("account"))
                       .join(Account, col(Account.id) == col(Contact.account_id))
                       .where(active(), _named(col(Contact.name), words, extra)))
    if account_ids is not None:
        stmt = stmt.where(col(Account.id).in_(list(account_ids)))
    return session.execute(stmt.order_by(col(Contact.name), col(Contact.id)).limit(limit)).all()


def names_without_words(session: Session) -> list[str]:
    """The account and stakeholder names search_name has no words for yet (written by
    an older build, an import, another client): a search matches them the slow way."""
    missing = [select(col(model.name)).where(~exists().where(
        search_name.c.name == col(model.name)))
               for model in (Account, Contact)]
    return [name for (name,) in session.execute(union(*missing))]


def add_name_words(session: Session, rows: Sequence[tuple[str, str]]) -> None:
    """Remember (name, words) pairs; a name already there is left as it is."""
    if not rows:
        return
    if session.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    unique = list(dict(rows).items())
    for start in range(0, len(unique), 5000):
        session.execute(insert(search_name).on_conflict_do_nothing(), [
            {"name": name, "words": words} for name, words in unique[start:start + 5000]])


def touch_rows(session: Session, ids: Sequence[int]) -> Sequence[AnyRow]:
    """What a touch hit shows: status, dates, channel, contact, texts."""
    if not ids:
        return []
    stmt = (select(col(Touchpoint.id), col(Touchpoint.account_id), col(Touchpoint.status),
                   col(Touchpoint.channel), col(Touchpoint.due_date), col(Touchpoint.done_at),
                   col(Touchpoint.summary), col(Touchpoint.next_step),
                   col(Touchpoint.outcome), col(Touchpoint.contact_id),
                   col(Contact.name).label("contact"))
            .outerjoin(Contact, col(Contact.id) == col(Touchpoint.contact_id))
            .where(col(Touchpoint.id).in_(list(ids))))
    return session.execute(stmt).all()


def note_rows(session: Session, ids: Sequence[int]) -> Sequence[Note]:
    if not ids:
        return []
    return session.scalars(select(Note).where(col(Note.id).in_(list(ids)))).all()


def task_rows(session: Session, ids: Sequence[int]) -> Sequence[Task]:
    if not ids:
        return []
    return session.scalars(select(Task).where(col(Task.id).in_(list(ids)))).all()


def account_labels(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, bool, str]]:
    """id → (name, archived, owner) of these accounts."""
    if not ids:
        return {}
    stmt = select(col(Account.id), col(Account.name), col(Account.archived),
                  col(Account.owner)).where(col(Account.id).in_(list(set(ids))))
    return {r.id: (r.name, bool(r.archived), r.owner) for r in session.execute(stmt)}


def history_rows(session: Session, *, owner: str | None, statuses: Sequence[str],
                 account_ids: Sequence[int] | None = None,
                 contact_ids: Sequence[int] | None = None, channel: str | None = None,
                 since: date | None = None, until: date | None = None,
                 touch_ids: Sequence[int] | None = None, limit: int, offset: int = 0
                 ) -> tuple[int, Sequence[AnyRow]]:
    """Touches of active accounts with these statuses, filtered, newest first (planned
    ones by due date, done ones by when they happened), one page: (how many in all,
    the page's rows with account and contact)."""
    day = func.coalesce(func.date(col(Touchpoint.done_at)), col(Touchpoint.due_date))
    conditions: list[Any] = [col(Touchpoint.status).in_(list(statuses)),
                             col(Account.archived) == False]  # noqa: E712
    if owner is not None:
        conditions.append(col(Account.owner) == owner)
    if account_ids is not None:
        conditions.append(col(Touchpoint.account_id).in_(list(account_ids)))
    if contact_ids is not None:
        conditions.append(col(Touchpoint.contact_id).in_(list(contact_ids)))
    if channel:
        conditions.append(col(Touchpoint.channel) == channel)
    if since is not None:
        conditions.append(or_(col(Touchpoint.done_at) >= since,
                              and_(col(Touchpoint.done_at).is_(None),
                                   col(Touchpoint.due_date) >= since)))
    if until is not None:
        conditions.append(day <= until)
    if touch_ids is not None:
        conditions.append(col(Touchpoint.id).in_(list(touch_ids)))
    base = (select(col(Touchpoint.id))
            .join(Account, col(Account.id) == col(Touchpoint.account_id))
            .where(*conditions))
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    stmt: RowSelect = (select(col(Touchpoint.id), col(Touchpoint.account_id), col(Account.name),
                   col(Account.tier), col(Touchpoint.status), col(Touchpoint.channel),
                   col(Touchpoint.due_date), col(Touchpoint.done_at), col(Touchpoint.summary),
                   col(Touchpoint.next_step), col(Touchpoint.outcome),
                   col(Contact.name).label("contact"), col(Contact.role).label("contact_role"))
            .join(Account, col(Account.id) == col(Touchpoint.account_id))
            .outerjoin(Contact, col(Contact.id) == col(Touchpoint.contact_id))
            .where(*conditions)
            .order_by(func.coalesce(col(Touchpoint.done_at), col(Touchpoint.due_date)).desc(),
                      col(Touchpoint.id).desc())
            .limit(limit).offset(offset))
    return total, session.execute(stmt).all()
