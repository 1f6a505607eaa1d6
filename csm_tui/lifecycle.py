"""Lifecycle stages: the rules for moving between them, date-driven suggestions, the
renewal that starts a new term, and the kanban's data.

handover → onboarding (months 0-2) → adoption (months 2-9) → renewal (last 90 days)
→ renewed (the renewed term is recorded; the new term's card waits in "renewed" until
it moves on to handover) or churned (win-back). Every account has a ContractTerm row for
its current term (`ensure_terms`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.dates import add_months
from csm_tui.i18n import label, t
from db.models import Account, StageChange, utcnow
from db.queries import history as qh
from db.queries.accounts import stage_candidates, stage_totals, top_of_stage
from db.queries.tasks import next_open_tasks
from db.vocab import STAGES

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.queries.common import AnyRow
    from db.store import Store

ONBOARDING_DAYS = 14  # handover lasts about two weeks after the contract starts
ADOPTION_AFTER_MONTHS = 2
RENEWAL_WINDOW_DAYS = 90
CARDS_PER_COLUMN = 12
CARD_SIGNALS = ("no_login", "nps_falling", "tickets_rising")  # the one a card shows first

ALLOWED: dict[str, tuple[str, ...]] = {
    "handover": ("onboarding", "churned"),
    "onboarding": ("handover", "adoption", "churned"),
    "adoption": ("onboarding", "renewal", "churned"),
    "renewal": ("adoption", "renewed", "churned"),
    "renewed": ("handover", "churned"),
    "churned": ("handover",),
}


class MoveError(ValueError):
    """A stage move the rules do not allow, or one missing what it needs."""


def stage_for_dates(start: date | None, end: date | None, today: date) -> str:
    """The stage the contract dates alone imply: no dates (or a contract not begun yet)
    → handover; months 0–2 after the start → onboarding; 2–9 → adoption; the last 90
    days before the end → renewal; past the end → renewal too (`renewal_passed` says
    so, and the account is flagged "renewal date passed"). The CSM decides renewed or
    churned."""
    if end is not None and (end - today).days <= RENEWAL_WINDOW_DAYS:
        return "renewal"
    if start is None or today < start:
        return "handover"
    if today < add_months(start, ADOPTION_AFTER_MONTHS):
        return "onboarding"
    return "adoption"


def renewal_passed(end: date | None, today: date) -> bool:
    """The contract ended before `today` and nothing renewed it."""
    return end is not None and end < today


def adjacent(stage: str, direction: int) -> str | None:
    """The next (+1) or previous (-1) column on the board."""
    i = STAGES.index(stage) + direction
    return STAGES[i] if 0 <= i < len(STAGES) else None


def _apply(session: Session, account: Account, new_stage: str, reason: str, today: date
           ) -> StageChange:
    change = StageChange(account_id=account.id or 0, old_stage=account.stage,
                         new_stage=new_stage, reason=reason)
    session.add(change)
    account.stage, account.stage_entered = new_stage, today
    account.version += 1
    account.updated_at = utcnow()
    return change


# ---- contract terms ------------------------------------------------------------

def ensure_terms(session: Session, account_ids: Iterable[int] | None = None) -> int:
    """Give every account (or these) a ContractTerm row for its current term, from its
    own columns, if it has none: call after creating or importing accounts, in the
    same transaction. Returns how many rows were added."""
    now = utcnow()
    rows = [{"account_id": aid, "term": term, "start": start, "end": end, "arr_minor": arr,
             "currency": currency,
             "outcome": "churned" if stage == "churned" else "open",
             "closed_on": entered if stage == "churned" else None, "created_at": now}
            for aid, term, start, end, arr, currency, stage, entered
            in qh.accounts_without_term(session, account_ids)]
    return qh.insert_terms(session, rows) if rows else 0


def refresh_term(session: Session, account: Account) -> None:
    """The current term's row says what the account says (dates, ARR, currency) after
    an edit of those; made if missing."""
    row = qh.term_row(session, account.id or 0, account.term)
    if row is None:
        session.flush()
        ensure_terms(session, [account.id or 0])
        return
    row.start, row.end = account.contract_start, account.contract_end
    row.arr_minor, row.currency = account.arr_minor, account.currency


def settle_books(session: Session, account_ids: list[int] | None = None) -> int:
    """What the rules say, for accounts written in bulk (a seed, an import): open steps of
    a stage or term an account has left are superseded, a churned account's planned
    touches are closed, and every account has its current term's row. Returns how many
    steps were superseded (an import reports it)."""
    from db.queries.tasks import supersede_stale
    from db.queries.touchpoints import skip_planned_of_churned

    session.flush()
    superseded = supersede_stale(session, at=utcnow(), account_ids=account_ids)
    skip_planned_of_churned(session, account_ids)
    ensure_terms(session, account_ids)
    return superseded


def _close_term(session: Session, account: Account, outcome: str, today: date
                ) -> dict[str, Any]:
    """Mark the current term renewed or churned; what it was, for undo."""
    session.flush()
    ensure_terms(session, [account.id or 0])
    row = qh.term_row(session, account.id or 0, account.term)
    assert row is not None
    before = {"term": row.term, "outcome": row.outcome,
              "closed_on": str(row.closed_on or "")}
    row.outcome, row.closed_on = outcome, (today if outcome != "open" else None)
    return before


def _churn(session: Session, account: Account, today: date) -> dict[str, Any]:
    """A churn closes every planned touch (skipped: kept in history, off every list) and
    ends the term as churned; its open steps are superseded by the sync after it."""
    from db.queries.touchpoints import open_touchpoints, set_planned_status

    skipped = [tp.id for tp in open_touchpoints(session, account.id or 0)]
    set_planned_status(session, [i for i in skipped if i is not None], status="skipped",
                       was="planned")
    return {"skipped": skipped, "term_before": _close_term(session, account, "churned",
                                                           today)}


def move_stage(store: Store, account_id: int, new_stage: str, *, reason: str = "",
               today: date) -> str:
    """Move an account to `new_stage` if the rules allow it. The old stage's open steps
    are closed as superseded (kept in history, off Today) and the new stage's steps are
    generated; a churn also closes the planned touches and ends the term. Returns the
    old stage."""
    from csm_tui.followup import locked_account
    from csm_tui.tasks import sync_account_tasks

    if new_stage not in STAGES:
        raise MoveError(t("stage: {value!r} is not one of {allowed}", value=new_stage,
                          allowed=", ".join(STAGES)))
    if new_stage == "renewed":
        raise MoveError(t("renewing starts a new term: use renew (new contract dates)"))
    if new_stage == "churned" and not reason.strip():
        raise MoveError(t("reason: a move to churned needs the reason"))
    with store.transaction() as session:
        account = locked_account(session, account_id)
        old = account.stage
        if new_stage == old:
            raise MoveError(t("{name} is already in {stage}", name=account.name,
                              stage=label("stage", old)))
        if new_stage not in ALLOWED.get(old, ()):
            allowed = t(", ").join(label("stage", s) for s in ALLOWED.get(old, ()))
            raise MoveError(t("{name}: {old} → {new} is not allowed (from {old}: {allowed})",
                              name=account.name, old=label("stage", old),
                              new=label("stage", new_stage), allowed=allowed or t("nothing")))
        old_entered = account.stage_entered
        change = _apply(session, account, new_stage, reason.strip() or "moved on the board",
                        today)
        extra: dict[str, Any] = {}
        if new_stage == "churned":
            extra = _churn(session, account, today)
        elif old == "churned":  # won back: the term is open again
            extra = {"term_before": _close_term(session, account, "open", today)}
        tasks = sync_account_tasks(session, today, account_id)
        record(session, action="stage.move", entity="account", entity_id=account_id,
               summary=f"{account.name}: {old} → {new_stage}" + (f" ({reason})" if reason
                                                                 else ""),
               payload={"stage": old, "stage_entered": str(old_entered or ""),
                        "new_stage": new_stage, "version": account.version,
                        "stage_changes": [change.id], "tasks": tasks, **extra})
    return old


def churn(store: Store, account_id: int, *, reason: str, today: date) -> str:
    """`C` on the board, `csm churn`: the move to churned, which needs a reason."""
    return move_stage(store, account_id, "churned", reason=reason, today=today)


def renewal_defaults(account: Account, today: date, term_months: int = 12
                     ) -> tuple[date, date]:
    """New term dates: the day after the old end, for the same length; when the old
    contract ended long ago (over 30 days), the term that starts today."""
    start = (account.contract_end + timedelta(days=1)) if account.contract_end else today
    if start < today - timedelta(days=30):
        start = today
    return start, add_months(start, term_months) - timedelta(days=1)


def renew(store: Store, account_id: int, *, new_start: date, new_end: date, today: date,
          arr_minor: int | None = None) -> int:
    """Record the renewal: the old term ends renewed, the new term starts (its row, its
    dates and ARR), the card goes to "renewed" (dated today) and gets the renewed-stage
    steps; the old term's open steps are superseded. Returns the new term number."""
    from csm_tui.followup import locked_account
    from csm_tui.tasks import sync_account_tasks

    if new_end <= new_start:
        raise MoveError(t("contract_end: the new end must be after the new start"))
    if arr_minor is not None and arr_minor < 0:
        raise MoveError(t("ARR: must not be negative"))
    with store.transaction() as session:
        account = locked_account(session, account_id)
        if account.stage != "renewal":
            raise MoveError(t("{name} is in {stage}; only a renewal renews", name=account.name,
                              stage=label("stage", account.stage)))
        payload: dict[str, Any] = {
            "stage": account.stage, "term": account.term,
            "contract_start": str(account.contract_start or ""),
            "contract_end": str(account.contract_end or ""), "arr_minor": account.arr_minor,
            "stage_entered": str(account.stage_entered or "")}
        payload["term_before"] = _close_term(session, account, "renewed", today)
        change = _apply(session, account, "renewed", f"renewed until {new_end}", today)
        account.term += 1
        account.contract_start, account.contract_end = new_start, new_end
        if arr_minor is not None:
            account.arr_minor = arr_minor
        session.flush()
        ensure_terms(session, [account_id])
        payload["tasks"] = sync_account_tasks(session, today, account_id)
        payload["version"] = account.version
        payload["stage_changes"] = [change.id]
        record(session, action="stage.renew", entity="account", entity_id=account_id,
               summary=f"{account.name}: renewed, term {account.term} "
                       f"({new_start} → {new_end})", payload=payload)
        term = account.term
    return term


@dataclass(frozen=True, slots=True)
class Suggestion:
    account_id: int
    name: str
    from_stage: str
    to_stage: str | None  # None: a flag only (overdue renewal: the CSM decides)
    reason: str


def suggestions(session: Session, today: date) -> list[Suggestion]:
    """Date-driven moves: onboarding → adoption two months after the contract start;
    adoption → renewal 90 days before the end; renewals past their end are flagged."""
    out = []
    for aid, name, stage, start, end in stage_candidates(session):
        if stage == "onboarding" and start and today >= add_months(start, ADOPTION_AFTER_MONTHS):
            out.append(Suggestion(aid, name, stage, "adoption",
                                  t("two months since the contract start ({start})",
                                    start=start)))
        elif stage == "adoption" and end and (end - today).days <= RENEWAL_WINDOW_DAYS:
            out.append(Suggestion(aid, name, stage, "renewal",
                                  t("contract ends {end} (in {days} days)", end=end,
                                    days=(end - today).days)))
        elif stage == "renewed" and start and start <= today:
            out.append(Suggestion(aid, name, stage, "handover",
                                  t("the new term started {start}", start=start)))
        elif stage == "renewal" and end and end < today:
            out.append(Suggestion(aid, name, stage, None,
                                  t("overdue renewal: contract ended {end}; renewed or churned?",
                                    end=end)))
    return out


def apply_suggestions(store: Store, today: date) -> list[Suggestion]:
    """Apply every date-driven move (the setting lifecycle.auto_apply does it on start)."""
    with store.session() as session:
        todo = [s for s in suggestions(session, today) if s.to_stage]
    for s in todo:
        move_stage(store, s.account_id, s.to_stage or "", reason=f"auto: {s.reason}",
                   today=today)
    return todo


# ---- the kanban's data -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Card:
    account_id: int
    name: str
    tier: str
    arr_minor: int
    currency: str
    days_in_stage: int | None
    next_task: str
    next_task_due: date | None
    risk: str  # empty when none
    renewed_on: date | None = None  # a card in "renewed": the day it was renewed


@dataclass
class StageColumn:
    stage: str
    count: int = 0
    arr_minor: int = 0  # in `currency`, the base currency
    cards: list[Card] = field(default_factory=list)
    currency: str = ""
    missing: int = 0  # accounts left out of arr_minor: no rate for their currency


def _base_totals(session: Session, columns: dict[str, StageColumn], today: date, *,
                 tier: str | None, owner: str | None) -> None:
    """Each column's ARR in the base currency (csm_tui.money; the files engineer's
    helper, kept apart from the board's own logic)."""
    from csm_tui.money import load_rates
    from db.queries.rates import stage_totals_by_currency

    rates = load_rates(session, today)
    sums: dict[str, list[tuple[str, int, int]]] = {}
    for stage, currency, count, arr in stage_totals_by_currency(session, tier=tier,
                                                                owner=owner):
        sums.setdefault(stage, []).append((currency, int(arr or 0), int(count)))
    for stage, col in columns.items():
        total = rates.total_by_currency(sums.get(stage, []))
        col.arr_minor, col.currency = total.minor, rates.base
        col.missing = sum(n for _c, n in total.missing)


def _risk(stage: str, end: date | None, signals: list[str], today: date) -> str:
    if stage == "renewal" and end and end < today:
        return t("overdue renewal")
    return signals[0] if signals else ""


def load_board(session: Session, today: date, *, tier: str | None = None,
               per_column: int = CARDS_PER_COLUMN, owner: str | None = None
               ) -> list[StageColumn]:
    """Per stage: the count and ARR of every account (or `owner`'s), and the first cards
    by ARR with their next open SOP task. A few queries whatever the portfolio's size."""
    columns = {s: StageColumn(s) for s in STAGES}
    for stage, count, arr in stage_totals(session, tier=tier, owner=owner):
        col = columns.setdefault(stage, StageColumn(stage))
        col.count, col.arr_minor = count, arr
    _base_totals(session, columns, today, tier=tier, owner=owner)  # money: base currency
    picked: dict[int, AnyRow] = {}
    for stage in columns:
        for r in top_of_stage(session, stage, limit=per_column, tier=tier, owner=owner):
            picked[r.id] = r
    next_task: dict[int, tuple[str, date | None]] = {}
    if picked:
        for aid, title, due, t_stage, t_term in next_open_tasks(session, list(picked)):
            r = picked[aid]
            if aid not in next_task and t_stage == r.stage and t_term == r.term:
                next_task[aid] = (title, due)
    from csm_tui.health import flag_label
    from csm_tui.settings import current_settings
    from csm_tui.stored import current_in
    from db.queries.state import stored_flags

    current_in(session, today)  # the churn signals are the stored flags (a card's few)
    flags = stored_flags(session, list(picked)) if picked else {}
    settings = current_settings()
    for r in sorted(picked.values(), key=lambda r: -r.arr_minor):
        title, due = next_task.get(r.id, ("", None))
        keys = [k for k in CARD_SIGNALS if k in (flags.get(r.id) or "").split(",")]
        columns[r.stage].cards.append(Card(
            r.id, r.name, r.tier, r.arr_minor, r.currency,
            (today - r.stage_entered).days if r.stage_entered else None, title, due,
            _risk(r.stage, r.contract_end, [flag_label(k, settings) for k in keys], today),
            r.stage_entered if r.stage == "renewed" else None))
    return [columns[s] for s in STAGES]
