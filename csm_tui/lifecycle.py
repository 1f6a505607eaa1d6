"""Lifecycle stages: the rules for moving between them, date-driven suggestions, the
renewal that starts a new term, and the kanban's data.

handover → onboarding (months 0-2) → adoption (months 2-9) → renewal (last 90 days)
→ renewed (a new term starts at handover) or churned (win-back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from csm_tui.changelog import record
from csm_tui.dates import add_months
from csm_tui.i18n import label, t
from db.models import Account, StageChange, utcnow
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

ALLOWED: dict[str, tuple[str, ...]] = {
    "handover": ("onboarding", "churned"),
    "onboarding": ("handover", "adoption", "churned"),
    "adoption": ("onboarding", "renewal", "churned"),
    "renewal": ("adoption", "renewed", "churned"),
    "renewed": ("handover",),
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


def move_stage(store: Store, account_id: int, new_stage: str, *, reason: str = "",
               today: date) -> str:
    """Move an account to `new_stage` if the rules allow it; then its new stage's SOP
    tasks are generated. Returns the old stage."""
    from csm_tui.tasks import sync_account_tasks

    if new_stage not in STAGES:
        raise MoveError(t("stage: {value!r} is not one of {allowed}", value=new_stage,
                          allowed=", ".join(STAGES)))
    if new_stage == "renewed":
        raise MoveError(t("renewing starts a new term: use renew (new contract dates)"))
    if new_stage == "churned" and not reason.strip():
        raise MoveError(t("reason: a move to churned needs the reason"))
    with store.transaction() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise LookupError(t("account {account_id} not found", account_id=account_id))
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
        tasks = sync_account_tasks(session, today, account_id)
        record(session, action="stage.move", entity="account", entity_id=account_id,
               summary=f"{account.name}: {old} → {new_stage}" + (f" ({reason})" if reason
                                                                 else ""),
               payload={"stage": old, "stage_entered": str(old_entered or ""),
                        "new_stage": new_stage, "version": account.version,
                        "stage_changes": [change.id], "tasks": tasks})
    return old


def renewal_defaults(account: Account, term_months: int = 12) -> tuple[date, date]:
    """New term dates: the day after the old end, for the same length."""
    start = (account.contract_end + timedelta(days=1)) if account.contract_end else date.today()
    return start, add_months(start, term_months) - timedelta(days=1)


def renew(store: Store, account_id: int, *, new_start: date, new_end: date, today: date,
          arr_minor: int | None = None) -> int:
    """Record the renewal, start the new term and return the account to handover.
    Returns the new term number."""
    from csm_tui.tasks import sync_account_tasks

    if new_end <= new_start:
        raise MoveError(t("contract_end: the new end must be after the new start"))
    with store.transaction() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise LookupError(t("account {account_id} not found", account_id=account_id))
        if account.stage not in ("renewal", "renewed"):
            raise MoveError(t("{name} is in {stage}; only a renewal renews", name=account.name,
                              stage=label("stage", account.stage)))
        payload = {"stage": account.stage, "term": account.term,
                   "contract_start": str(account.contract_start or ""),
                   "contract_end": str(account.contract_end or ""),
                   "arr_minor": account.arr_minor}
        payload["stage_entered"] = str(account.stage_entered or "")
        changes = []
        if account.stage == "renewal":
            changes.append(_apply(session, account, "renewed", f"renewed until {new_end}",
                                  today))
        account.term += 1
        account.contract_start, account.contract_end = new_start, new_end
        if arr_minor is not None:
            account.arr_minor = arr_minor
        changes.append(_apply(session, account, "handover",
                              f"term {account.term} starts {new_start}", today))
        payload["tasks"] = sync_account_tasks(session, today, account_id)
        payload["version"] = account.version
        payload["stage_changes"] = [c.id for c in changes]
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


def _risk(stage: str, end: date | None, login: date | None, nps: int | None,
          nps_prev: int | None, tickets: int, tickets_prev: int, today: date) -> str:
    if stage == "renewal" and end and end < today:
        return t("overdue renewal")
    if login is None or (today - login).days >= 30:
        return t("no login {days}d+", days=30)
    if nps is not None and nps_prev is not None and nps <= nps_prev - 5:
        return t("NPS falling")
    if tickets > tickets_prev:
        return t("tickets rising")
    return ""


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
    for r in sorted(picked.values(), key=lambda r: -r.arr_minor):
        title, due = next_task.get(r.id, ("", None))
        columns[r.stage].cards.append(Card(
            r.id, r.name, r.tier, r.arr_minor, r.currency,
            (today - r.stage_entered).days if r.stage_entered else None, title, due,
            _risk(r.stage, r.contract_end, r.last_login, r.nps, r.nps_previous,
                  r.open_tickets, r.open_tickets_previous, today)))
    return [columns[s] for s in STAGES]
