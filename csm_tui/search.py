"""Searching the history of the whole book: every touch, note and task whose text
holds each word typed (CJK included: 续约 finds 续约讨论), the touches with a
stakeholder whose name matches (胡晓东 finds what was discussed with him), and the
accounts and stakeholders whose names match, by pinyin and initials too (qhdx finds
清华大学). Ranked newest first. The CLI (`csm search`) and the Touchpoints screen's `/`
run this one function."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from csm_tui.namesearch import filter_words, name_keys, text_matches
from db.queries import search as qs

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlmodel import Session

    from db.store import Store

LIMIT = 50


@dataclass(frozen=True, slots=True)
class Hit:
    """One touch, note or task found."""

    kind: str  # touch | note | task
    id: int
    account_id: int
    account: str
    day: date | None
    text: str
    status: str = ""  # a touch's planned/done/skipped; a task's open/done/…
    channel: str = ""
    contact: str = ""
    archived: bool = False

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["day"] = self.day.isoformat() if self.day else None
        return out


@dataclass(frozen=True, slots=True)
class NameHit:
    """An account or stakeholder whose name matched."""

    kind: str  # account | contact
    id: int
    name: str
    account_id: int
    account: str
    role: str = ""


@dataclass
class SearchResult:
    query: str
    names: list[NameHit] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # there are more hits than were kept
    # (name, words) of names met without their words stored: `remember_learned` keeps them
    learned: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"query": self.query, "names": [asdict(n) for n in self.names],
                "hits": [h.as_json() for h in self.hits], "more": self.more}


def name_words(name: str) -> str:
    """What a name is found by (db.fulltext's search_name): the name folded, and for a
    CJK name its pinyin and initials."""
    return " ".join(name_keys(name))


def unnamed_words(session: Session) -> dict[str, str]:
    """The account and stakeholder names search_name has no words for yet (normally
    none), with their words made here: what a search matches the slow way."""
    return {name: name_words(name) for name in qs.names_without_words(session)}


def remember_names(session: Session, names: Iterable[str]) -> None:
    """Store the words of these account or stakeholder names (a write that names one
    calls this, so a search reads them instead of converting names to pinyin)."""
    qs.add_name_words(session, [(name, name_words(name)) for name in set(names) if name])


def remember_learned(store: Store, result: SearchResult) -> None:
    """After a search that met names without stored words: store them, so the next
    search reads them. An index, not a change of the book: no change-log entry, and a
    database that cannot be written now (locked, read-only, a role without the right)
    only stays slower: the answer is already given, so no error of this write is shown."""
    if not result.learned:
        return
    try:
        with store.transaction() as session:
            qs.add_name_words(session, result.learned)
    except Exception:  # noqa: BLE001, S110  (see above: a cache that stays cold)
        pass
    result.learned = []


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


MISSING_CAP = 2000  # names matched the slow way passed to one query, at most


def matching_names(session: Session, words: list[str], *, limit: int = 20,
                   account_ids: set[int] | None = None,
                   learned: list[tuple[str, str]] | None = None) -> list[NameHit]:
    """Accounts, then stakeholders (each at most `limit`, by name) whose name holds every
    word, or its pinyin or initials. The words of each name are read from the database;
    a name without them is matched here, and its words added to `learned`."""
    missing = list(unnamed_words(session).items())
    if learned is not None:
        learned.extend(missing)
    extra = sorted(name for name, text in missing if text_matches(words, text))[:MISSING_CAP]
    scope = sorted(account_ids) if account_ids is not None else None
    out = [NameHit("account", r.id, r.name, r.id, r.name)
           for r in qs.account_name_hits(session, words, limit=limit, account_ids=scope,
                                         extra=extra)]
    out += [NameHit("contact", r.id, r.name, r.account_id, r.account, r.role or "")
            for r in qs.contact_name_hits(session, words, limit=limit, account_ids=scope,
                                          extra=extra)]
    return out


def search_book(session: Session, query: str, *, limit: int = LIMIT,
                account_ids: Sequence[int] | None = None, since: date | None = None,
                until: date | None = None) -> SearchResult:
    """What `query` finds across the book (or these accounts), newest first."""
    words = filter_words(query)
    result = SearchResult(query.strip())
    if not words:
        return result
    scope = set(account_ids) if account_ids is not None else None
    result.names = matching_names(session, words, account_ids=scope, learned=result.learned)
    people = [n.id for n in result.names if n.kind == "contact"]
    rows = list(qs.search_hits(session, words, limit=limit + 1, account_ids=account_ids,
                               since=since, until=until))
    if people:
        rows += [r for r in qs.touches_of_contacts(session, people, limit=limit + 1)
                 if (scope is None or r.account_id in scope)
                 and (since is None or (_day(r.day) or date.min) >= since)
                 and (until is None or (_day(r.day) or date.max) <= until)]
    seen: set[tuple[str, int]] = set()
    unique = []
    for r in sorted(rows, key=lambda r: (_day(r.day) or date.min, r.id), reverse=True):
        if (r.kind, r.id) not in seen:
            seen.add((r.kind, r.id))
            unique.append(r)
    result.more = len(unique) > limit
    result.hits = _details(session, unique[:limit])
    return result


def _details(session: Session, rows: list[Any]) -> list[Hit]:
    by_kind: dict[str, list[int]] = {"touch": [], "note": [], "task": []}
    for r in rows:
        by_kind[r.kind].append(r.id)
    touches = {r.id: r for r in qs.touch_rows(session, by_kind["touch"])}
    notes = {n.id: n for n in qs.note_rows(session, by_kind["note"])}
    tasks = {tk.id: tk for tk in qs.task_rows(session, by_kind["task"])}
    accounts = qs.account_labels(session, [r.account_id for r in rows])
    out: list[Hit] = []
    for r in rows:
        name, archived, _owner = accounts.get(r.account_id, ("", False, ""))
        if r.kind == "touch" and r.id in touches:
            tp = touches[r.id]
            text = tp.summary or tp.next_step
            if tp.summary and tp.next_step:
                text = f"{tp.summary} → {tp.next_step}"
            out.append(Hit("touch", r.id, r.account_id, name,
                           _day(tp.done_at) or tp.due_date, text, tp.status, tp.channel,
                           tp.contact or "", archived))
        elif r.kind == "note" and r.id in notes:
            note = notes[r.id]
            out.append(Hit("note", r.id, r.account_id, name, note.on_date,
                           note.text.replace("\n", " ⏎ "), "", "", note.author, archived))
        elif r.kind == "task" and r.id in tasks:
            task = tasks[r.id]
            status = task.closed_as or ("open" if task.done_at is None else "done")
            out.append(Hit("task", r.id, r.account_id, name,
                           _day(task.done_at) or task.due_date, task.title, status,
                           task.channel, "", archived))
    return out
