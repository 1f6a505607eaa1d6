"""Monthly re-assessment and manual overrides: the tier moves, recorded with reasons.

A locked tier (manual override) is never changed by retier; its score is still
refreshed so the CSM sees where the numbers stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from csm_tui.changelog import record
from csm_tui.i18n import t
from csm_tui.scoring import (
    TIERS_ORDER,
    Columns,
    FactorInput,
    Score,
    ScoringConfig,
    assign_tiers,
    explain,
    factor_columns,
    load_scoring,
    score_portfolio,
    score_totals,
    tier_ranks,
)
from db.models import Account, TierChange, utcnow
from db.queries.accounts import scoring_rows, update_accounts
from db.vocab import TIERS

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store


@dataclass(frozen=True)
class TierMove:
    account_id: int
    name: str
    old: str
    new: str
    score: float
    reason: str

    @property
    def promotion(self) -> bool:
        return TIERS_ORDER.index(self.new) < TIERS_ORDER.index(self.old)


@dataclass
class RetierReport:
    moves: list[TierMove]
    locked_kept: list[tuple[int, str, str, str]]  # id, name, locked tier, computed tier
    scored: int
    no_rate: str = ""  # '' or the sentence naming currencies without a rate to the base

    @property
    def promotions(self) -> list[TierMove]:
        return [m for m in self.moves if m.promotion]

    @property
    def demotions(self) -> list[TierMove]:
        return [m for m in self.moves if not m.promotion]


def scoring_inputs(session: Session) -> list[tuple[FactorInput, str, str, bool]]:
    """Each scored account's factors, with its name, current tier and lock. Revenue is
    in the base currency (money.base_revenue), so cut-offs compare like with like."""
    from csm_tui.scoring import base_revenue

    rows = scoring_rows(session)
    revenue = base_revenue(session, [(r[1], r[11]) for r in rows])
    return [(FactorInput(r[0], arr, r[2], r[3], r[4], r[5], r[6], r[7]), r[8], r[9], r[10])
            for r, arr in zip(rows, revenue, strict=True)]


def compute(session: Session, config: ScoringConfig | None = None
            ) -> tuple[dict[int, Score], dict[int, str], list[tuple[FactorInput, str, str, bool]]]:
    """Scores and computed tiers of the whole portfolio, with the inputs they came from."""
    config = config or load_scoring()
    inputs = scoring_inputs(session)
    scores = score_portfolio([i[0] for i in inputs], config)
    return scores, assign_tiers(scores, config), inputs


@dataclass(frozen=True, slots=True)
class BookScores:
    """What explaining any one account's score needs, computed once for the book: each
    account's factors, each factor's sorted values, and the tier the model gives each
    account (the same totals and cut-offs as a retier)."""

    inputs: dict[int, FactorInput]
    columns: Columns
    tiers: dict[int, str]
    config: ScoringConfig

    def score_of(self, account_id: int) -> Score | None:
        f = self.inputs.get(account_id)
        return None if f is None else explain(f, self.columns, self.config)


def book_scores(session: Session, config: ScoringConfig | None = None) -> BookScores:
    """The book's scoring, in compact arrays and without a breakdown per account (an
    account's breakdown is made when it is shown: `BookScores.score_of`)."""
    config = config or load_scoring()
    factors = [i[0] for i in scoring_inputs(session)]
    ids, totals = score_totals(factors, config)
    tiers = {ids[i]: tier for i, tier in tier_ranks(ids, totals, config)}
    return BookScores({f.account_id: f for f in factors}, factor_columns(factors), tiers,
                      config)


def _sync_tasks(session: Session, today: date | None, account_ids: list[int]) -> None:
    """A tier change adds the new tier's SOP steps and drops open ones it lacks, in the
    same transaction as the change."""
    from csm_tui.tasks import sync_tasks

    if today is not None and account_ids:
        sync_tasks(session, today, account_ids=account_ids)


def _account_tasks(session: Session, today: date | None, account_id: int, changed: bool
                   ) -> dict[str, list]:
    """One account's tier changed: its tasks follow, and what moved is returned for the
    change log (so undo can put the tasks back)."""
    from csm_tui.tasks import sync_account_tasks

    session.flush()  # ids for the history rows
    return sync_account_tasks(session, today if changed else None, account_id)


def retier(store: Store, *, dry_run: bool = False, config: ScoringConfig | None = None,
           today: date | None = None) -> RetierReport:
    """Score everyone, move unlocked tiers, keep locked ones; one transaction."""
    with store.transaction() as session:
        scores, tiers, inputs = compute(session, config)
        moves: list[TierMove] = []
        kept = []
        for f, name, old, locked in inputs:
            new = tiers[f.account_id]
            score = scores[f.account_id]
            if locked:
                if new != old:
                    kept.append((f.account_id, name, old, new))
                continue
            if new != old:
                moves.append(TierMove(f.account_id, name, old, new, score.total,
                                      score.explain()))
        no_rate = _no_rate_warning(session)
        if dry_run:
            session.rollback()
            return RetierReport(moves, kept, len(inputs), no_rate)
        update_accounts(session, [{"id": aid, "score": s.total} for aid, s in scores.items()])
        if moves:
            now = utcnow()
            update_accounts(session, [{"id": m.account_id, "tier": m.new, "updated_at": now}
                                      for m in moves])
            session.add_all(TierChange(account_id=m.account_id, old_tier=m.old, new_tier=m.new,
                                       score=m.score, manual=False, reason=m.reason)
                            for m in moves)
        record(session, action="tier.retier", entity="account", entity_id=None,
               summary=f"Retier: {len(moves)} moves "
                       f"({sum(m.promotion for m in moves)} up), {len(kept)} locked kept",
               payload={"moves": [[m.account_id, m.old, m.new] for m in moves]})
        _sync_tasks(session, today, [m.account_id for m in moves])
    return RetierReport(moves, kept, len(inputs), no_rate)


def _no_rate_warning(session: Session) -> str:
    """'' or one line naming the currencies of scored accounts that have no rate to the
    base currency: their revenue counts as nothing in the scores (one aggregate over the
    scored accounts' currencies)."""
    from csm_tui.money import currencies_text, load_rates
    from db.queries.rates import arr_by_currency

    rates = load_rates(session, None)
    missing = rates.total_by_currency(
        (currency, int(arr or 0), int(n)) for currency, arr, n in arr_by_currency(session)
    ).missing
    if not missing:
        return ""
    return t("no exchange rate to {base} for {currencies}: their revenue counts as 0 in "
             "the scores (csm rates import FILE)", base=rates.base,
             currencies=currencies_text(missing))


def set_tier(store: Store, account_id: int, tier: str, *, reason: str,
             today: date | None = None) -> TierMove:
    """Manual override: set and lock the tier, with the reason recorded."""
    tier = tier.strip().upper()
    if tier not in TIERS:
        raise ValueError(t("tier: {tier!r} is not one of S, A, B, C", tier=tier))
    if not reason.strip():
        raise ValueError(t("reason: a manual tier needs a reason"))
    with store.transaction() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise LookupError(t("account {account_id} not found", account_id=account_id))
        old, was_locked, old_reason = account.tier, account.tier_locked, account.tier_reason
        account.tier, account.tier_locked, account.tier_reason = tier, True, reason.strip()
        account.version += 1
        account.updated_at = utcnow()
        change = TierChange(account_id=account_id, old_tier=old, new_tier=tier,
                            score=account.score, manual=True, reason=reason.strip())
        session.add(change)
        tasks = _account_tasks(session, today, account_id, old != tier)
        record(session, action="tier.override", entity="account", entity_id=account_id,
               summary=f"{account.name}: tier {old} → {tier} (locked): {reason.strip()}",
               payload={"tier": old, "tier_locked": was_locked, "tier_reason": old_reason,
                        "new_tier": tier, "version": account.version,
                        "tier_changes": [change.id], "tasks": tasks})
        return TierMove(account_id, account.name, old, tier, account.score, reason.strip())


def unlock(store: Store, account_id: int, *, config: ScoringConfig | None = None,
           today: date | None = None) -> TierMove:
    """Remove the override; the computed tier applies at once."""
    with store.transaction() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise LookupError(t("account {account_id} not found", account_id=account_id))
        if not account.tier_locked:
            raise ValueError(t("{name}: tier is not locked", name=account.name))
        scores, tiers, _ = compute(session, config)
        old = account.tier
        new = tiers.get(account_id, old)
        reason = f"unlocked; computed {scores[account_id].explain()}" if account_id in scores \
            else "unlocked"
        payload = {"tier": old, "tier_locked": True, "tier_reason": account.tier_reason}
        account.tier, account.tier_locked, account.tier_reason = new, False, ""
        account.version += 1
        account.updated_at = utcnow()
        change = TierChange(account_id=account_id, old_tier=old, new_tier=new,
                            score=account.score, manual=True, reason=reason)
        session.add(change)
        tasks = _account_tasks(session, today, account_id, old != new)
        payload.update(new_tier=new, version=account.version, tier_changes=[change.id],
                       tasks=tasks)
        record(session, action="tier.unlock", entity="account", entity_id=account_id,
               summary=f"{account.name}: tier unlocked ({old} → {new})", payload=payload)
        return TierMove(account_id, account.name, old, new, account.score, reason)


def account_score(session: Session, account_id: int) -> Score | None:
    """The live score of one account (computed against the whole portfolio)."""
    scores, _tiers, _ = compute(session)
    return scores.get(account_id)


