"""Each account's derived state, stored (AccountState) and kept true.

What the screens show of an account that is computed from its other rows — health and
its risk flags, last and next touch, the day its cadence touch is due, the name's sort
and search keys — is computed here and stored, so that Today, the Portfolio and the
kanban read top rows and counts from the database instead of recomputing the book.

It is kept by a mechanism, not by each write: db/derived.py notes the accounts every
write touches and calls `recompute` before the transaction commits (registered in
csm_tui/__init__.py). Flags that age with time ("no login for 30 days") and settings
changes are caught by the basis: each row names the day and the settings it was
computed for, and `ensure_current` recomputes the whole book, in one transaction, when
the day (or the settings) moved on: once a day, on the first read. The stored value is
always what `compute_states` gives for the whole book with every name key made afresh
(tests/test_stored_state.py, tests/test_daily_recompute.py).

The database layer is imported by the functions that read or write (the basis alone
is needed by Today's first paint, before it loads).
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from csm_tui.namesearch import fold_text, pinyin_keys, search_text
from csm_tui.settings import Settings, current_settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

DAY_KEY = "csm_day"  # session.info: the day a write's recompute uses (else the stored one)


def use_day(session: Session, day: date) -> None:
    """This transaction's recompute is for `day` (a seed laid out around a day; a store
    with no derived rows yet)."""
    session.info[DAY_KEY] = day


def fingerprint(settings: Settings) -> str:
    """What in the settings changes the derived state (cadence, weights, risk flags,
    working days), as a short hash."""
    skip = settings.extra.get("tasks", {}).get("skip_weekends", True)
    text = repr((sorted(settings.cadence.items()), sorted(settings.health_weights.items()),
                 settings.no_login_days, settings.decision_maker_days, settings.risk_flags,
                 settings.nps_drop, settings.tickets_rise, settings.signal_window_days,
                 bool(skip)))
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def basis_for(day: date, settings: Settings | None = None) -> str:
    return f"{day.isoformat()}|{fingerprint(settings or current_settings())}"


def day_of(basis: str | None) -> date | None:
    if not basis:
        return None
    try:
        return date.fromisoformat(basis.split("|", 1)[0])
    except ValueError:
        return None


def sort_key(name: str) -> str:
    """The A-to-Z key of a name: folded, a Chinese name by its pinyin."""
    keys = pinyin_keys(name)
    return (keys[0] if keys else fold_text(name))[:400]


def compute_states(session: Session, day: date, account_ids: set[int] | None = None, *,
                   fresh_keys: bool = False) -> list[dict[str, Any]]:
    """The derived rows of these active accounts (None: all) as of `day`. The name's
    sort and search keys stored for an unchanged name, industry and owner are kept
    (`_name_keys`); `fresh_keys` makes every one from scratch (what a test compares
    the stored rows with)."""
    from csm_tui.cadence import next_touch_due
    from csm_tui.health import health_scores
    from csm_tui.workdays import working_calendar
    from db.queries import activity as qa
    from db.queries import state as qs

    settings = current_settings()
    basis = basis_for(day, settings)
    ids = None if account_ids is None else sorted(account_ids)
    last = qa.last_done_touch(session, ids)
    planned = qa.earliest_planned(session, ids)
    health = health_scores(session, day, ids, last_touch=last)
    calendar = working_calendar(session, day)
    known = {} if fresh_keys else qs.name_keys_of(session, ids)
    due: dict[tuple[str, date], date] = {}  # the cadence's due day by tier and day touched
    rows = []
    for aid, name, industry, owner, tier in qs.naming_rows(session, ids):
        h = health.get(aid)
        if h is None:
            continue
        score, flags = h
        touched = last.get(aid)
        cadence = touched_on = None
        if touched is not None:
            touched_on = touched.date()
            cadence = due.get((tier, touched_on))
            if cadence is None:
                cadence = due[tier, touched_on] = next_touch_due(
                    tier, touched_on, None, today=day, calendar=calendar, settings=settings)
        rows.append({"account_id": aid, "health": score, "flags": ",".join(flags),
                     "flag_count": len(flags), "last_touch_at": touched,
                     "last_touch_on": touched_on, "next_due": planned.get(aid),
                     "cadence_due": cadence,
                     **_name_keys(name, industry, owner, known.get(aid)),
                     "basis": basis})
    return rows


def _name_keys(name: str, industry: str, owner: str, known: tuple[str, str] | None
               ) -> dict[str, str]:
    """The sort and search keys; those already stored are kept when the name, industry
    and owner they were made from are unchanged (a write's recompute then needs no
    pinyin, whose dictionary takes a while to load)."""
    plain = search_text(name, industry, owner)
    if known is not None:
        stored_sort, stored_search = known
        rest = stored_search[len(plain) + 1:].split(" ")
        same_plain = stored_search == plain and stored_sort == fold_text(name)[:400]
        same_cjk = (stored_search.startswith(plain + " ") and len(rest) == 2
                    and rest[0] == stored_sort)
        if same_plain or same_cjk:
            return {"sort_key": stored_sort, "search": stored_search}
    return {"sort_key": sort_key(name), "search": search_text(name, industry, owner,
                                                              pinyin=(name,))}


def recompute(session: Session, account_ids: set[int] | None) -> None:
    """Rewrite the derived rows of these accounts (None: all) in the session's
    transaction, on the day a write set (`DAY_KEY`), else the stored rows' day, else
    today."""
    from db.queries import state as qs

    day = (session.info.get(DAY_KEY) or day_of(qs.any_basis(session)) or date.today())
    if account_ids is not None and not account_ids:
        return
    qs.replace_states(session, compute_states(session, day, account_ids), account_ids)


def ensure_current(store: Store, day: date) -> bool:
    """Recompute the whole book when its stored rows are not of `day` and the current
    settings (the first read of a day; a settings change), in one transaction. True if
    it did."""
    from db.queries import state as qs

    basis = basis_for(day)
    with store.session() as session:
        if qs.is_current(session, basis):
            return False
    with store.transaction() as session, collector_paused():
        if qs.is_current(session, basis):  # another instance did it meanwhile
            return False
        session.info[DAY_KEY] = day
        qs.replace_states(session, compute_states(session, day), None)
    with store.transaction() as session:  # once a day: the planner's statistics too,
        qs.refresh_planner_stats(session, only_if_drifted=True)  # if the book's size moved
    return True


def current_in(session: Session, day: date) -> None:
    """Make the stored rows current for `day` inside this session if they are not (a
    read on another day than the stored one: `csm today --today D`, a test). The
    rows are written in the session's transaction; a read-only session drops them at
    its end, which is right: they are a function of the data."""
    from db.queries import state as qs

    if not qs.is_current(session, basis_for(day)):
        with collector_paused():
            qs.replace_states(session, compute_states(session, day), None)


class _Collector:
    """Pauses Python's automatic garbage collector for a whole-book recompute, which
    makes a few objects per account and no cycles: with the collector on, each
    collection of the oldest generation walks every object of the process, about a
    quarter of the recompute (the TUI's start-up already runs with it off,
    `cli.run_tui`). Nested and concurrent pauses (worker threads) restore it once, as
    it was before the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._was_enabled = False

    @contextmanager
    def paused(self) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0 and self._was_enabled:
                    gc.enable()


collector_paused = _Collector().paused
