"""The screens' one door to the data: typed reads that return plain views, and writes
that are one domain call (one transaction, change-log entry included) each.

One version number says whether what a screen shows is still current: every write
made through these services bumps it, and so does `check_external` when another
instance or the CLI has written (seen through the database's own counter, the newest
change-log id). Views are memoised for the current version only, keyed by the
`ViewKey` (version, day, owner), so Today and the Portfolio share one health pass and
a screen loaded ahead of time (the app's prefetch) costs nothing when it is shown.

Reads and writes run in worker threads, never on the UI thread; nothing here knows
about Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from csm_tui.book_services import BookServices
from csm_tui.i18n import t
from csm_tui.scope import Scope

if TYPE_CHECKING:  # the domain loads in the workers, after the first paint
    from collections import Counter

    from csm_tui.account_edit import EditResult
    from csm_tui.account_view import AccountDetail
    from csm_tui.calendar_view import CalendarView, CalItem
    from csm_tui.charts import Band, MonthBar
    from csm_tui.followup import LogContext, LogResult
    from csm_tui.ical import IcsReport
    from csm_tui.lifecycle import StageColumn, Suggestion
    from csm_tui.metrics import MetricSaved
    from csm_tui.money import Rates, Total
    from csm_tui.namesearch import NameEntry
    from csm_tui.portfolio import Figures, PortfolioPage, PortfolioRequest
    from csm_tui.tabular.importers import ImportResult
    from csm_tui.tiering import BookScores, RetierReport, TierMove
    from csm_tui.today import TodayAgenda
    from csm_tui.touchpoints import DuePage
    from csm_tui.undo import UndoResult
    from csm_tui.welcome import FirstAccount
    from csm_tui.workdays import WorkCalendar
    from db.models import Account, Task
    from db.store import Session, Store

T = TypeVar("T")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ViewKey:
    """What every screen's content depends on. A screen whose key is unchanged since it
    was filled shows the truth; any difference means reload."""

    version: int
    day: date
    owner: str | None  # None: the team's accounts


@dataclass(frozen=True, slots=True)
class TodayView:
    """Today in one piece: the prioritised agenda with health already in it (so the
    first paint has the final order) and the two charts' numbers."""

    agenda: TodayAgenda
    day: date
    months: list[MonthBar]
    bands: list[Band]
    renewals_total: Total | None = None  # the renewals' ARR in the base currency


@dataclass(frozen=True, slots=True)
class TaskLine:
    """One SOP step as the checklist shows it."""

    id: int
    title: str
    due_date: date | None
    channel: str
    done: bool
    superseded: bool = False  # closed because its stage or term ended first


def task_line(task: Task) -> TaskLine:
    return TaskLine(task.id or 0, task.title, task.due_date, task.channel,
                    task.done_at is not None, task.closed_as == "superseded")


@dataclass(frozen=True, slots=True)
class ContactName:
    """A stakeholder as the palette finds it (name, pinyin, initials), with the account
    it opens."""

    entry: NameEntry
    role: str
    account_id: int
    account: str


@dataclass(frozen=True, slots=True)
class TierTarget:
    account_id: int
    name: str
    tier: str
    locked: bool


@dataclass(frozen=True, slots=True)
class RenewalTerm:
    """The renewal dialog's defaults: the next term's dates and the current ARR."""

    account_id: int
    name: str
    start: date
    end: date
    arr_minor: int


@dataclass(frozen=True, slots=True)
class ImportPreview:
    dialect: str
    mapping: list[tuple[str, str]]
    rows: list[dict[str, str]]
    check: ImportResult


@dataclass(frozen=True, slots=True)
class TickResult:
    task_id: int
    title: str


def _account(session: Session, account_id: int) -> Account:
    from db.models import Account

    account = session.get(Account, account_id)
    if account is None:
        raise LookupError(t("account {account_id} not found", account_id=account_id))
    return account


class Services(BookServices):
    """Everything the TUI reads and writes, for one user on one database (keeping the
    book by hand and its history: `BookServices`)."""

    def __init__(self, store: Store | Callable[[], Store], *,
                 today: Callable[[], date] = date.today, user: str,
                 now: Callable[[], datetime] | None = None,
                 first_read: Path | None = None) -> None:
        """`store` may be a function that opens it: the TUI paints first and opens the
        database in a worker (`open`). `first_read`: the SQLite file behind it, whose
        last Today view is kept in a small cache (csm_tui/first_view.py) and shown at
        start, before the database layer loads, when the file is unchanged since."""
        self._store: Store | None = None
        self._opener: Callable[[], Store] | None = None
        self._ready = threading.Event()
        self.open_error: BaseException | None = None
        if callable(store):
            self._opener = store
        else:
            self._store = store
            self._ready.set()
        self.today = today
        self.now = now or self._effective_now
        self.user = user
        self._scope: Scope | None = None
        self._lock = threading.Lock()
        self._version = 0
        self._seen_log_id: int | None = None
        self._memo: dict[tuple[Hashable, ...], Any] = {}
        self._running: dict[tuple[Hashable, ...], threading.Event] = {}
        self._demo_dir: str | None = None
        self._first_read = first_read
        self._open_lock = threading.Lock()
        self._first: tuple[ViewKey, TodayView] | None = None

    def _effective_now(self) -> datetime:
        from csm_tui.dates import effective_now

        return effective_now(self.today())

    # ---- the database ----------------------------------------------------------
    def open(self) -> Store:
        """Open the store if it is not open yet (in a worker); a failure is kept in
        `open_error` and raised."""
        with self._open_lock:
            if self._store is None and self._opener is not None and self.open_error is None:
                try:
                    from csm_tui.layer import load_database_layer

                    load_database_layer()
                    self._store = self._opener()
                except BaseException as exc:
                    self.open_error = exc
                    raise
                finally:
                    self._ready.set()
        if self.open_error is not None:
            raise self.open_error
        return self.store

    @property
    def may_show_cached(self) -> bool:
        """Today's first view may come from its cache (one is kept for this database):
        the app then opens the database after that first paint, not beside it."""
        if self._first_read is None or self._store is not None:
            return False
        from csm_tui.first_view import cache_path

        return cache_path(self._first_read).is_file()

    @property
    def store(self) -> Store:
        """The open store; a worker started before it is open waits here for it."""
        if self._store is None:
            self._ready.wait()
            if self._store is None:
                raise RuntimeError(t("the database could not be opened"))
        return self._store

    @property
    def store_if_open(self) -> Store | None:
        """For the UI thread, which never waits for the database."""
        return self._store

    @property
    def url(self) -> str | None:
        return self._store.url if self._store is not None else None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        if self._demo_dir is not None:  # the welcome screen's demo: nothing left behind
            import shutil

            shutil.rmtree(self._demo_dir, ignore_errors=True)

    # ---- the one version ---------------------------------------------------------
    @property
    def version(self) -> int:
        return self._version

    def current_key(self) -> ViewKey | None:
        """The key of what the screens should show, without touching the database (UI
        thread); None until the first load has decided mine or team."""
        scope = self._scope
        if scope is None:
            return None
        return ViewKey(self._version, self.today(), scope.owner)

    def view_key(self) -> ViewKey:
        """The key to load under (in a worker). Taken before reading, so a write that
        lands during the read makes the key stale rather than going unnoticed."""
        if self._scope is None and self._first_read is not None and self._version == 0:
            self._try_first_view()
        if self._scope is None:
            self.open()  # no cached view: the database now (the app may not have asked)
            from csm_tui.scope import default_scope

            with self.store.session() as session:
                scope = default_scope(session, self.user)
            if self._seen_log_id is None:
                self._seen_log_id = self._newest_log_id()
            with self._lock:
                if self._scope is None:
                    self._scope = scope
        key = self.current_key()
        assert key is not None
        return key

    def _try_first_view(self) -> None:
        """Today's cached view, if the database is exactly as it was when it was made:
        it decides mine or team and the change-log id seen, so that the first load needs
        no database layer at all."""
        from csm_tui.first_view import load
        from csm_tui.i18n import current_language

        assert self._first_read is not None
        found = load(self._first_read, user=self.user, lang=current_language(),
                     day=self.today())
        if found is None:
            return
        view, stamp = found
        with self._lock:
            if self._scope is not None or self._version != 0:
                return
            self._scope = Scope(self.user, bool(stamp["mine"]))
            self._seen_log_id = int(stamp["marks"][1])
            self._first = (ViewKey(0, view.day, self._scope.owner), view)

    def _keep_first_view(self, key: ViewKey, before: tuple[str, int, str] | None,
                         view: TodayView) -> None:
        """Keep this Today view for the next start if nothing moved while it was read."""
        from csm_tui.first_view import save, stamp
        from csm_tui.i18n import current_language
        from db.firstread import marks

        scope = self._scope
        if (self._first_read is None or before is None or scope is None
                or key.version != self._version or marks(self._first_read) != before):
            return
        save(self._first_read, view, stamp(self._first_read, before, user=self.user,
                                           owner=key.owner, mine=scope.mine,
                                           lang=current_language()))

    def _newest_log_id(self) -> int:
        return self.store.newest_change_id()

    def _bump(self, newest: int | None) -> None:
        with self._lock:
            self._version += 1
            if newest is not None:
                self._seen_log_id = newest
            self._memo.clear()

    def check_external(self) -> bool:
        """Whether another instance or the CLI wrote since we last looked (a new
        change-log id); if so the version moves on. Runs in a worker."""
        newest = self._newest_log_id()
        if self._seen_log_id is None:
            self._seen_log_id = newest
            return False
        if newest == self._seen_log_id:
            return False
        self._bump(newest)
        return True

    def invalidate(self) -> None:
        """The refresh key: forget every memo and move the version on."""
        self._bump(None)

    # ---- mine or team --------------------------------------------------------------
    @property
    def scope_label(self) -> str:
        """For the screens' subtitles: "mine: alice" or "team"."""
        return self._scope.label if self._scope else t("team")

    def toggle_scope(self) -> Scope:
        """`m`: my portfolio ↔ the team's. The owner is part of the view key, so every
        screen reloads when next shown."""
        with self._lock:
            self._scope = (self._scope or Scope(self.user, False)).toggled()
            return self._scope

    # ---- memo --------------------------------------------------------------------------
    def _memoised(self, key: ViewKey, what: Hashable, compute: Callable[[], T]) -> T:
        """One memo, for the current version only: a value computed under an older key
        is returned to its caller but never kept. A screen asking for what the
        prefetch is computing waits for that one result instead of computing it again
        beside it (two whole-book reads competing for the interpreter)."""
        slot = (key, what)
        with self._lock:
            if slot in self._memo:
                return cast(T, self._memo[slot])
            running = self._running.get(slot)
            mine = running is None
            if running is None:
                running = self._running[slot] = threading.Event()
        if not mine:
            running.wait()
            with self._lock:
                if slot in self._memo:
                    return cast(T, self._memo[slot])
            return compute()  # that one failed or went stale: our own
        try:
            value = compute()
            with self._lock:
                if key.version == self._version:
                    self._memo[slot] = value
            return value
        finally:
            with self._lock:
                self._running.pop(slot, None)
            running.set()

    def ensure_state(self, key: ViewKey) -> None:
        """The stored derived state is of the key's day (the first read of a day
        recomputes the book once, in one transaction)."""
        from csm_tui.stored import ensure_current

        whole = ViewKey(key.version, key.day, None)
        self._memoised(whole, "state", lambda: ensure_current(self.store, key.day))

    # ---- reads -------------------------------------------------------------------------
    def has_first_view(self, key: ViewKey) -> bool:
        """Today's view for this key is the cached one (no database read)."""
        first = self._first
        return first is not None and first[0] == key

    def today_view(self, key: ViewKey) -> TodayView:
        first = self._first
        if first is not None and first[0] == key:  # the cached first view: no domain
            return self._memoised(key, "today", lambda: first[1])  # modules, no SQL

        def compute() -> TodayView:
            from csm_tui.charts import renewals_by_month
            from csm_tui.money import load_rates
            from csm_tui.today import TOP_ROWS, health_bands_stored, today_agenda

            self.ensure_state(key)
            before = None
            if self._first_read is not None:
                from db.firstread import marks

                before = marks(self._first_read)
            with self.store.session() as session:
                agenda = today_agenda(session, key.day, owner=key.owner, limit=TOP_ROWS)
                months = renewals_by_month(session, key.day, owner=key.owner)
                bands = health_bands_stored(session, owner=key.owner)
                rates = load_rates(session, key.day)
            total = rates.total_by_currency((cur, arr, n)
                                            for cur, n, arr in agenda.renewal_sums)
            view = TodayView(agenda, key.day, months, bands, total)
            self._keep_first_view(key, before, view)
            return view

        return self._memoised(key, "today", compute)

    def portfolio_page(self, key: ViewKey, request: PortfolioRequest | None = None
                       ) -> PortfolioPage:
        """The Portfolio's page for a request (csm_tui/portfolio.py): a longer one
        continues the shorter one kept in the memo from its last row."""
        from csm_tui import portfolio as pf

        request = request or pf.PortfolioRequest()

        def compute() -> PortfolioPage:
            self.ensure_state(key)
            previous = None
            if request.limit is not None and request.limit > pf.PAGE:
                previous = self.portfolio_page(key, replace(request,
                                                            limit=request.limit - pf.PAGE))
            rates = self._memoised(key, "rates", self._rates(key))
            rfm = self._memoised(key, "rfm", self._rfm_codes(key))
            figures = self._memoised(key, "portfolio tiers", self._tier_figures(key, rates))
            with self.store.session() as session:
                return pf.load_page(session, key.day, request, owner=key.owner, rates=rates,
                                    rfm=rfm, figures=figures, previous=previous)

        return self._memoised(key, ("portfolio", request), compute)

    def _rfm_codes(self, key: ViewKey) -> Callable[[], dict[int, int]]:
        """Every account's RFM code (a whole-book window read in the database)."""
        def compute() -> dict[int, int]:
            from db.queries.portfolio import rfm_code_map

            with self.store.session() as session:
                return rfm_code_map(session, key.day)

        return compute

    def _rates(self, key: ViewKey) -> Callable[[], Rates]:
        """The base currency and the rates on the key's day (a read over the accounts'
        currencies): once per version, not once per filter keystroke."""
        def compute() -> Rates:
            from csm_tui.money import load_rates

            with self.store.session() as session:
                return load_rates(session, key.day)

        return compute

    def _tier_figures(self, key: ViewKey, rates: Rates) -> Callable[[], Figures]:
        def compute() -> Figures:
            from csm_tui.portfolio import tier_figures

            with self.store.session() as session:
                return tier_figures(session, key.day, owner=key.owner, rates=rates)

        return compute

    def board(self, key: ViewKey, *, tier: str | None = None, per_column: int = 60
              ) -> list[StageColumn]:
        from csm_tui.lifecycle import load_board

        def compute() -> list[StageColumn]:
            self.ensure_state(key)
            with self.store.session() as session:
                return load_board(session, key.day, tier=tier, per_column=per_column,
                                  owner=key.owner)

        return self._memoised(key, ("board", tier, per_column), compute)

    def due_touchpoints(self, key: ViewKey, *, limit: int | None = None, query: str = ""
                        ) -> DuePage:
        """The planned touchpoints' first `limit` rows (None: all) the filter matches
        (in the database) and the groups' sizes."""
        from csm_tui.search import unnamed_words
        from csm_tui.touchpoints import due_page

        def unnamed() -> dict[str, str]:
            with self.store.session() as session:
                return unnamed_words(session)

        names = self._memoised(key, "unnamed names", unnamed) if query.strip() else None
        with self.store.session() as session:
            return due_page(session, key.day, owner=key.owner, limit=limit, query=query,
                            unnamed=names)

    def calendar(self, start: date, end: date, *, owner: str | None = None
                 ) -> list[CalItem]:
        """Every calendar item in [start, end] (owner: only that owner's accounts')."""
        from csm_tui.calendar_view import calendar_items

        with self.store.session() as session:
            return calendar_items(session, start, end, owner=owner)

    def calendar_view(self, key: ViewKey, start: date, end: date, *, day: date | None,
                      full: bool = False, full_up_to: int | None = None,
                      asked: tuple[object, ...] = ()) -> CalendarView:
        """The calendar's grid range for the key's owner: the markers counted by the
        database (memoised per range for the version, so moving the day reads only
        that day) and `day`'s items; every item of the range when asked (`full`) or
        when they are few (csm_tui.calendar_view)."""
        from csm_tui.calendar_view import FULL_UP_TO, calendar_counts, calendar_view

        def count() -> dict[date, Counter[str]]:
            with self.store.session() as session:
                return calendar_counts(session, start, end, owner=key.owner)

        counts = None if full else self._memoised(key, ("calendar", start, end), count)
        with self.store.session() as session:
            return calendar_view(session, start, end, day=day, counts=counts,
                                 owner=key.owner, asked=asked,
                                 full_up_to=FULL_UP_TO if full_up_to is None else full_up_to)

    def account_detail(self, account_id: int, day: date, key: ViewKey | None = None
                       ) -> AccountDetail:
        """One account's screen; with the screen's view key, the book's scoring (what
        explains its tier) is computed once for that version and kept."""
        from csm_tui.account_view import account_detail

        scoring = rfm = None
        if key is not None:
            scoring = self._memoised(key, "scoring", self._book_scores)
            rfm = self._memoised(key, "rfm", self._rfm_codes(key))
        with self.store.session() as session:
            return account_detail(session, account_id, day, scoring, rfm)

    def _book_scores(self) -> BookScores:
        from csm_tui.tiering import book_scores

        with self.store.session() as session:
            return book_scores(session)

    def log_context(self, account_id: int, touchpoint_id: int | None = None,
                    task_id: int | None = None) -> LogContext:
        from csm_tui.followup import log_context

        with self.store.session() as session:
            return log_context(session, account_id, touchpoint_id, task_id)

    def checklist(self, account_id: int) -> list[TaskLine]:
        """The account's SOP steps for its current stage and term."""
        from db.queries.tasks import account_tasks

        with self.store.session() as session:
            account = _account(session, account_id)
            tasks = account_tasks(session, account_id, stage=account.stage, term=account.term)
            return [task_line(task) for task in tasks]

    def account_names(self) -> list[NameEntry]:
        """What the palette searches: every active account's name, pinyin and initials."""
        from csm_tui.namesearch import build_index
        from db.queries.accounts import account_names

        with self.store.session() as session:
            return build_index(account_names(session))

    def contact_names(self) -> list[ContactName]:
        """What the palette searches besides accounts: every contact of an active
        account, with its name's pinyin and initials."""
        from csm_tui.namesearch import NameEntry, name_keys
        from db.queries.contacts import contact_names

        with self.store.session() as session:
            rows = contact_names(session)
        return [ContactName(NameEntry(r.id, r.name, name_keys(r.name)), r.role or "",
                            r.account_id, r.account) for r in rows]

    def tier_target(self, account_id: int) -> TierTarget:
        with self.store.session() as session:
            account = _account(session, account_id)
            return TierTarget(account_id, account.name, account.tier, account.tier_locked)

    def renewal_term(self, account_id: int) -> RenewalTerm:
        from csm_tui.lifecycle import renewal_defaults

        with self.store.session() as session:
            account = _account(session, account_id)
            start, end = renewal_defaults(account, self.today())
            return RenewalTerm(account_id, account.name, start, end, account.arr_minor)

    def work_calendar(self) -> WorkCalendar:
        """Weekends (settings), imported holidays and make-up working days from last
        year to two years ahead: what every generated or suggested date is moved by.
        Memoised for the current data version (importing a calendar moves it on)."""
        from csm_tui.settings import current_settings
        from csm_tui.workdays import load_work_calendar

        day = self.today()
        key = ViewKey(self._version, day, None)

        def compute() -> WorkCalendar:
            skip = bool(current_settings().extra.get("tasks", {}).get("skip_weekends", True))
            with self.store.session() as session:
                return load_work_calendar(session, start_year=day.year - 1,
                                          end_year=day.year + 2, skip_weekends=skip)

        return self._memoised(key, "work calendar", compute)

    def stage_suggestions(self) -> list[Suggestion]:
        from csm_tui.lifecycle import suggestions

        with self.store.session() as session:
            return suggestions(session, self.today())

    def preview_import(self, kind: str, path: Path, progress: Progress | None = None, *,
                       overrides: list[str] | None = None) -> ImportPreview:
        """The file's dialect, mapping, first rows and the full check, writing nothing.
        `overrides` ("Column=field", "Column=-") change the mapping per column."""
        from csm_tui.tabular.importers import import_file, preview_rows

        dialect, mapping, rows = preview_rows(path, kind, overrides)
        check = import_file(self.store, kind, path, today=self.today(), check_only=True,
                            progress=progress, overrides=overrides)
        return ImportPreview(dialect.label, mapping.describe(), rows, check)

    def export(self, fmt: str) -> Path:
        """Export into the data folder (not a change to the data); returns the path."""
        from csm_tui.paths import data_dir

        out = data_dir() / "exports" / f"csm-{self.today():%Y%m%d}.{fmt}"
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            from csm_tui.tabular.exporters import export_accounts_csv

            export_accounts_csv(self.store, out, self.today())
        elif fmt == "xlsx":
            from csm_tui.tabular.exporters import export_accounts_xlsx

            export_accounts_xlsx(self.store, out, self.today())
        elif fmt == "json":
            from csm_tui.tabular.exporters import export_json

            export_json(self.store, out)
        elif fmt == "ics":
            from csm_tui.ical import export_ics

            export_ics(self.store, out, self.today())
        else:
            raise ValueError(t("export: {fmt!r} is not csv, xlsx, json or ics", fmt=fmt))
        return out

    # ---- the first run (the welcome screen) ---------------------------------------------
    def is_empty(self) -> bool:
        """No account at all: the app greets the user instead of an empty Today."""
        from db.queries.accounts import has_accounts

        with self.store.session() as session:
            return not has_accounts(session)

    def save_profile(self, *, owner: str, currency: str) -> Path:
        """The user's name (the owner of the accounts they add) and base currency, kept
        in settings.toml; the name is also who acts from now on."""
        from csm_tui.settings import user_settings_path
        from csm_tui.welcome import save_profile

        path = save_profile(user_settings_path(), owner=owner, currency=currency)
        if owner.strip():
            self.user = owner.strip()
            self._scope = None  # "mine" is now this name's accounts
        return path

    def add_first_account(self, account: FirstAccount, *, currency: str) -> int:
        from csm_tui.welcome import add_first_account

        return self._wrote(add_first_account(self.store, account, owner=self.user,
                                             currency=currency, today=self.today()))

    def open_demo(self) -> None:
        """Leave the (empty) database for a fresh demo in a temporary folder, removed
        on close; the user's database stays as it was."""
        import os
        import tempfile

        from csm_tui.demo import prepare_demo
        from db.store import open_store

        folder = tempfile.mkdtemp(prefix="csm-demo-")
        store = open_store(os.path.join(folder, "demo.db"))
        prepare_demo(store, self.today())
        old, self._store = self._store, store
        self._demo_dir = folder
        with self._lock:
            self._scope = None
            self._seen_log_id = None
        self._bump(None)
        if old is not None:
            old.close()

    # ---- writes: one domain call each, then the version moves on -----------------------
    def _wrote(self, result: T) -> T:
        self._bump(self._newest_log_id())
        return result

    def log_followup(self, account_id: int, *, touchpoint_id: int | None = None,
                     summary: str, channel: str = "call", contact_id: int | None = None,
                     outcome: str = "", next_date: date | None = None,
                     next_step: str = "", task_id: int | None = None) -> LogResult:
        """A follow-up by the one rule (csm_tui.followup): it closes the selected (else
        the earliest open) planned touch, leaves one next planned touch, and ticks the
        SOP step `task_id` if given."""
        from csm_tui.followup import log_followup

        return self._wrote(log_followup(
            self.store, account_id, touchpoint_id=touchpoint_id, summary=summary,
            channel=channel, contact_id=contact_id, outcome=outcome, next_date=next_date,
            next_step=next_step, task_id=task_id, now=self.now(), today=self.today()))

    def mark_done(self, touchpoint_id: int) -> LogResult:
        from csm_tui.followup import mark_done

        return self._wrote(mark_done(self.store, touchpoint_id, now=self.now(),
                                     today=self.today()))

    def plan_touch(self, account_id: int, day: date, *, snooze: bool = False) -> int:
        """A cadence row snoozed or rescheduled: the account's next touch on `day`."""
        from csm_tui.followup import plan_touch

        action = "touchpoint.snooze" if snooze else "touchpoint.reschedule"
        return self._wrote(plan_touch(self.store, account_id, day, today=self.today(),
                                      action=action))

    def churn(self, account_id: int, *, reason: str) -> str:
        """Churned (with the reason): planned touches and open steps closed, the term
        ended churned, the win-back steps made."""
        from csm_tui.lifecycle import churn

        return self._wrote(churn(self.store, account_id, reason=reason, today=self.today()))

    def record_metric(self, account_id: int, metric: str, value: str, *,
                      on: date | None = None) -> MetricSaved:
        from csm_tui.metrics import record_metric

        return self._wrote(record_metric(self.store, account_id, metric, value,
                                         on=on or self.today(), today=self.today(),
                                         source="edit"))

    def reschedule(self, touchpoint_id: int, day: date, *, snooze: bool = False) -> date:
        from csm_tui.followup import reschedule

        action = "touchpoint.snooze" if snooze else "touchpoint.reschedule"
        return self._wrote(reschedule(self.store, touchpoint_id, day, today=self.today(),
                                      action=action))

    def complete_task(self, task_id: int) -> TickResult:
        from csm_tui.tasks import complete_task

        task = complete_task(self.store, task_id, now=self.now())
        return self._wrote(TickResult(task_id, task.title))

    def move_stage(self, account_id: int, stage: str, *, reason: str = "") -> str:
        from csm_tui.lifecycle import move_stage

        return self._wrote(move_stage(self.store, account_id, stage, reason=reason,
                                      today=self.today()))

    def renew(self, account_id: int, *, start: date, end: date, arr_minor: int | None
              ) -> int:
        from csm_tui.lifecycle import renew

        return self._wrote(renew(self.store, account_id, new_start=start, new_end=end,
                                 today=self.today(), arr_minor=arr_minor))

    def apply_suggestions(self, items: list[Suggestion]) -> tuple[int, list[str]]:
        """Apply date-driven moves one by one; returns how many and what failed."""
        from csm_tui.lifecycle import move_stage

        applied, failed = 0, []
        try:
            for s in items:
                try:
                    move_stage(self.store, s.account_id, s.to_stage or "",
                               reason=f"suggested: {s.reason}", today=self.today())
                    applied += 1
                except (ValueError, LookupError) as exc:
                    failed.append(f"{s.name}: {exc}")
        finally:
            if applied:
                self._bump(self._newest_log_id())
        return applied, failed

    def auto_apply(self) -> int:
        """Setting lifecycle.auto_apply: date-driven stage moves happen by themselves."""
        from csm_tui.lifecycle import apply_suggestions
        from csm_tui.settings import current_settings

        if not current_settings().extra.get("lifecycle", {}).get("auto_apply"):
            return 0
        moved = apply_suggestions(self.store, self.today())
        if moved:
            self._bump(self._newest_log_id())
        return len(moved)

    def set_tier(self, account_id: int, tier: str, *, reason: str) -> TierMove:
        from csm_tui.tiering import set_tier

        return self._wrote(set_tier(self.store, account_id, tier, reason=reason,
                                    today=self.today()))

    def unlock_tier(self, account_id: int) -> TierMove:
        from csm_tui.tiering import unlock

        return self._wrote(unlock(self.store, account_id, today=self.today()))

    def retier(self, *, dry_run: bool = False) -> RetierReport:
        from csm_tui.tiering import retier

        report = retier(self.store, dry_run=dry_run, today=self.today())
        return report if dry_run else self._wrote(report)

    def undo(self) -> UndoResult:
        from csm_tui.undo import undo_last

        # The change log names who acted as `current_user()` ($CSM_USER, else the login),
        # whatever portfolio the app shows as "mine" (the demo shows alex.chen's).
        return self._wrote(undo_last(self.store))

    def update_account(self, account_id: int, values: dict[str, str], *,
                       expected_version: int, base: dict[str, str] | None = None
                       ) -> EditResult:
        """Save the form: checked and written in one statement, merged by field against
        `base` (the values the form opened with) when someone saved in between."""
        from csm_tui.account_edit import update_account

        return self._wrote(update_account(self.store, account_id, values,
                                          expected_version=expected_version, base=base,
                                          today=self.today()))

    def add_event(self, **fields: Any) -> int:
        """A new event with the touches it plans, in one undoable transaction."""
        return self.save_event(**fields)

    def import_ics(self, path: Path) -> IcsReport:
        from csm_tui.event_ops import plan_event_touchpoints
        from csm_tui.ical import import_ics

        report = import_ics(self.store, path)
        if report.imported:  # new holidays or make-up days: generated dates move
            from csm_tui.event_ops import replan_working_days

            report.replanned = replan_working_days(self.store, self.today()).summary()
        plan_event_touchpoints(self.store, self.today())
        return self._wrote(report)

    def import_file(self, kind: str, path: Path, progress: Progress | None = None, *,
                    overrides: list[str] | None = None) -> ImportResult:
        from csm_tui.tabular.importers import import_file

        return self._wrote(import_file(self.store, kind, path, today=self.today(),
                                       progress=progress, overrides=overrides))

    @staticmethod
    def import_fields(kind: str) -> tuple[str, ...]:
        """The fields a column of a `kind` file can be mapped to."""
        from csm_tui.tabular.mapping import FIELDS

        return tuple(FIELDS[kind])
