"""The services' part for keeping the book by hand (accounts, stakeholders, notes,
touches, tasks, events) and for the history: each write is one domain call, then the
version moves on (`Services._wrote`). Mixed into `csm_tui.services.Services`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from csm_tui.book import DeletePlan, NewAccount
    from csm_tui.contacts import ContactSaved
    from csm_tui.edits import Saved
    from csm_tui.event_book import EventInfo
    from csm_tui.notes import NoteSaved
    from csm_tui.search import SearchResult
    from db.store import Store

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TouchForm:
    """A touch as its edit form opens: what it is and the account's stakeholders."""

    id: int
    account_id: int
    account: str
    status: str
    day: date | None  # when it happened (done), else when it is due
    summary: str
    channel: str
    contact_id: int | None
    outcome: str
    next_step: str
    contacts: list[tuple[int, str, str]]  # id, name, role


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What the Touchpoints history shows: statuses, an account, a stakeholder, a
    channel, a date range, search words, and how many pages are loaded."""

    statuses: tuple[str, ...] = ("done", "planned")
    account: str = ""
    contact: str = ""
    channel: str = ""
    since: date | None = None
    until: date | None = None
    text: str = ""
    pages: int = 1


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: int
    account_id: int
    account: str
    tier: str
    status: str
    channel: str
    day: date | None
    summary: str
    next_step: str
    outcome: str
    contact: str
    contact_role: str


@dataclass
class HistoryPage:
    rows: list[HistoryRow] = field(default_factory=list)
    total: int = 0
    problem: str = ""  # a filter that named nothing ("no account matches …")


PAGE = 500


def _day(value: Any) -> date | None:
    return value.date() if isinstance(value, datetime) else value


class BookServices:
    """Reads and writes of the book kept by hand (see module docstring)."""

    if TYPE_CHECKING:
        user: str

        @property
        def store(self) -> Store: ...

        today: Callable[[], date]
        now: Callable[[], datetime]

        def _wrote(self, result: T) -> T: ...

    # ---- accounts ----------------------------------------------------------------
    def new_account_defaults(self) -> tuple[str, str]:
        """(owner, currency) a new account starts with: you, the book's base currency."""
        from csm_tui.money import load_rates

        with self.store.session() as session:
            return self.user, load_rates(session, self.today()).base

    def add_account(self, new: NewAccount, *, allow_duplicate: bool = False) -> int:
        from csm_tui.book import add_account

        return self._wrote(add_account(self.store, new, today=self.today(),
                                       allow_duplicate=allow_duplicate))

    def set_archived(self, account_id: int, archived: bool, *,
                     expected_version: int | None = None) -> str:
        from csm_tui.book import set_archived

        return self._wrote(set_archived(self.store, account_id, archived,
                                        expected_version=expected_version))

    def delete_plan(self, account_id: int) -> DeletePlan:
        from csm_tui.book import delete_plan

        with self.store.session() as session:
            return delete_plan(session, account_id)

    def delete_account(self, account_id: int, *, expected_version: int | None = None
                       ) -> DeletePlan:
        from csm_tui.book import delete_account

        return self._wrote(delete_account(self.store, account_id,
                                          expected_version=expected_version))

    # ---- stakeholders ------------------------------------------------------------
    def add_contact(self, account_id: int, values: dict[str, str]) -> ContactSaved:
        from csm_tui.contacts import add_contact

        return self._wrote(add_contact(self.store, account_id, values))

    def edit_contact(self, contact_id: int, values: dict[str, str]) -> ContactSaved:
        from csm_tui.contacts import edit_contact

        return self._wrote(edit_contact(self.store, contact_id, values))

    def remove_contact(self, contact_id: int) -> ContactSaved:
        from csm_tui.contacts import remove_contact

        return self._wrote(remove_contact(self.store, contact_id))

    # ---- notes -------------------------------------------------------------------
    def add_note(self, account_id: int, text: str, on_date: date) -> NoteSaved:
        from csm_tui.notes import add_note

        return self._wrote(add_note(self.store, account_id, text, on_date=on_date,
                                    author=self.user))

    def edit_note(self, note_id: int, text: str, on_date: date) -> NoteSaved:
        from csm_tui.notes import edit_note

        return self._wrote(edit_note(self.store, note_id, text=text, on_date=on_date))

    def delete_note(self, note_id: int) -> NoteSaved:
        from csm_tui.notes import delete_note

        return self._wrote(delete_note(self.store, note_id))

    # ---- touches and tasks -------------------------------------------------------
    def touch_form(self, touchpoint_id: int) -> TouchForm:
        from csm_tui.i18n import t
        from db.models import Account, Touchpoint
        from db.queries.contacts import account_contacts

        with self.store.session() as session:
            tp = session.get(Touchpoint, touchpoint_id)
            if tp is None:
                raise LookupError(t("touch #{id} no longer exists (deleted by someone "
                                    "else?); nothing was saved", id=touchpoint_id))
            account = session.get(Account, tp.account_id)
            contacts = [(c.id or 0, c.name, c.role)
                        for c in account_contacts(session, tp.account_id)]
            day = _day(tp.done_at) if tp.status == "done" else tp.due_date
            return TouchForm(touchpoint_id, tp.account_id, account.name if account else "",
                             tp.status, day or tp.due_date, tp.summary, tp.channel,
                             tp.contact_id, tp.outcome, tp.next_step, contacts)

    def edit_touch(self, touchpoint_id: int, **fields: Any) -> Saved:
        from csm_tui.edits import edit_touch

        return self._wrote(edit_touch(self.store, touchpoint_id, today=self.today(),
                                      **fields))

    def delete_touch(self, touchpoint_id: int, *, expected_status: str | None = None
                     ) -> Saved:
        from csm_tui.edits import delete_touch

        return self._wrote(delete_touch(self.store, touchpoint_id,
                                        expected_status=expected_status))

    def add_task(self, account_id: int, title: str, due: date | None) -> Saved:
        from csm_tui.edits import add_task

        return self._wrote(add_task(self.store, account_id, title, due=due))

    def edit_task(self, task_id: int, *, title: str, due: date | None) -> Saved:
        from csm_tui.edits import edit_task

        return self._wrote(edit_task(self.store, task_id, title=title, due=due))

    def delete_task(self, task_id: int) -> Saved:
        from csm_tui.edits import delete_task

        return self._wrote(delete_task(self.store, task_id, now=self.now()))

    # ---- events ------------------------------------------------------------------
    def event_info(self, event_id: int) -> EventInfo:
        from csm_tui.event_book import event_info

        with self.store.session() as session:
            return event_info(session, event_id)

    def save_event(self, **fields: Any) -> int:
        from csm_tui.event_book import save_event

        return self._wrote(save_event(self.store, today=self.today(), **self._scoped(fields)))

    def edit_event(self, event_id: int, **fields: Any) -> int:
        from csm_tui.event_book import edit_event

        return self._wrote(edit_event(self.store, event_id, today=self.today(),
                                      **self._scoped(fields)))

    def delete_event(self, event_id: int, *, remove_touches: bool) -> int:
        from csm_tui.event_book import delete_event

        return self._wrote(delete_event(self.store, event_id, remove_touches=remove_touches))

    def _scoped(self, fields: dict[str, Any]) -> dict[str, Any]:
        """An event form's "account" (a name, pinyin, an id) → the account's own event."""
        from csm_tui.accounts import find_account

        out = dict(fields)
        name = str(out.pop("account", "") or "").strip()
        if name:
            with self.store.session() as session:
                try:
                    out["account_id"] = find_account(session, name).id
                except LookupError as exc:
                    raise ValueError(f"account: {exc}") from None
            out["scope"] = "account"
        return out

    # ---- the history ---------------------------------------------------------------
    def search(self, query: str, *, owner: str | None = None, limit: int = 200
               ) -> SearchResult:
        """`/` on the Touchpoints history: the one search (csm_tui.search)."""
        from csm_tui.search import remember_learned, search_book

        with self.store.session() as session:
            ids = self._owned(session, owner)
            found = search_book(session, query, limit=limit, account_ids=ids)
        remember_learned(self.store, found)
        return found

    @staticmethod
    def _owned(session: Any, owner: str | None) -> list[int] | None:
        if owner is None:
            return None
        from db.queries.accounts import account_basics

        return [r.id for r in account_basics(session, owner=owner)]

    def history(self, wanted: HistoryFilter, *, owner: str | None = None) -> HistoryPage:
        """One or more pages of touches, newest first, through the database."""
        from csm_tui.accounts import find_account
        from csm_tui.contacts import find_contact
        from csm_tui.i18n import t
        from db.queries.search import history_rows

        page = HistoryPage()
        learned: SearchResult | None = None
        with self.store.session() as session:
            account_ids = contact_ids = touch_ids = None
            if wanted.account.strip():
                try:
                    account = find_account(session, wanted.account)
                except LookupError as exc:
                    page.problem = str(exc)
                    return page
                account_ids = [account.id or 0]
                if wanted.contact.strip():
                    try:
                        contact_ids = [find_contact(session, account.id or 0,
                                                    wanted.contact).id or 0]
                    except LookupError as exc:
                        page.problem = str(exc)
                        return page
            elif wanted.contact.strip():
                from csm_tui.namesearch import filter_words
                from csm_tui.search import matching_names

                people = [n.id for n in matching_names(session, filter_words(wanted.contact))
                          if n.kind == "contact"]
                if not people:
                    page.problem = t("no stakeholder matches {text!r}", text=wanted.contact)
                    return page
                contact_ids = people
            if wanted.text.strip():
                from csm_tui.search import search_book

                found = search_book(session, wanted.text, limit=PAGE * wanted.pages,
                                    account_ids=account_ids or self._owned(session, owner),
                                    since=wanted.since, until=wanted.until)
                touch_ids = [h.id for h in found.hits if h.kind == "touch"]
                learned = found
            total, rows = history_rows(
                session, owner=owner, statuses=wanted.statuses, account_ids=account_ids,
                contact_ids=contact_ids, channel=wanted.channel or None, since=wanted.since,
                until=wanted.until, touch_ids=touch_ids, limit=PAGE * wanted.pages)
        if learned is not None:
            from csm_tui.search import remember_learned

            remember_learned(self.store, learned)
        page.total = total
        page.rows = [HistoryRow(r.id, r.account_id, r.name, r.tier, r.status, r.channel,
                                _day(r.done_at) if r.status == "done" else r.due_date,
                                r.summary, r.next_step, r.outcome, r.contact or "",
                                r.contact_role or "") for r in rows]
        return page



FILTER_KEYS = {"account": "account", "客户": "account", "contact": "contact", "联系人": "contact",
               "channel": "channel", "渠道": "channel", "from": "since", "从": "since",
               "to": "until", "到": "until"}


def history_filter(text: str, pages: int = 1) -> HistoryFilter:
    """What the history's `/` box says: words to search, and `account:` `contact:`
    `channel:` `from:` `to:` filters (a date that is not one is kept as a word, so the
    search finds nothing rather than everything)."""
    from csm_tui.dates import parse_iso_date

    found: dict[str, Any] = {}
    words: list[str] = []
    for part in text.split():
        key, sep, value = part.partition(":")
        target = FILTER_KEYS.get(key.lower()) if sep and value else None
        if target in ("since", "until"):
            try:
                found[target] = parse_iso_date(value)
                continue
            except ValueError:
                target = None
        if target is None:
            words.append(part)
        elif target == "channel":
            found["channel"] = value.lower()
        else:
            found[target] = value
    return HistoryFilter(account=found.get("account", ""), contact=found.get("contact", ""),
                         channel=found.get("channel", ""), since=found.get("since"),
                         until=found.get("until"), text=" ".join(words), pages=pages)
