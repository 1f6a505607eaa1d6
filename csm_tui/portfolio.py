"""The portfolio view: every account with what a CSM scans for first, grouped by
tier with the 80/20 figures (count, ARR, share of ARR) per group. Totals, shares and
the ARR sort use base-currency amounts (csm_tui.money); each row keeps its own
currency for display, and an account whose currency has no rate is left out of the
totals and counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from csm_tui.i18n import N_, label
from csm_tui.money import Rates, Total, load_rates
from csm_tui.namesearch import filter_words, fold_text, search_text
from csm_tui.rfm import rfm_for_accounts
from db.queries.state import portfolio_rows
from db.vocab import STAGES, TIERS

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(slots=True)
class PortfolioRow:
    id: int
    name: str
    tier: str
    arr_minor: int
    currency: str
    stage: str
    industry: str
    owner: str
    contract_end: date | None
    days_to_renewal: int | None
    last_touch: date | None
    next_due: date | None
    health: int | None = None
    score: float = 0.0
    segment: str = ""
    locked: bool = False
    search: str = field(default="", repr=False)
    base_minor: int | None = None  # ARR in the base currency; None: no rate known
    base: str = ""  # the base currency


@dataclass(frozen=True, slots=True)
class TierGroup:
    tier: str
    count: int
    arr_minor: int  # in the base currency
    share: float
    base: str = ""
    missing: int = 0  # accounts left out of arr_minor: no rate for their currency


SORT_KEYS = {
    "name": lambda r: r.name.casefold(),
    "arr": lambda r: -r.base_minor if r.base_minor is not None else 1,
    "tier": lambda r: (TIERS.index(r.tier) if r.tier in TIERS else 9,
                       -r.base_minor if r.base_minor is not None else 1),
    "stage": lambda r: STAGES.index(r.stage) if r.stage in STAGES else 99,
    "health": lambda r: r.health if r.health is not None else 999,
    "renewal": lambda r: r.days_to_renewal if r.days_to_renewal is not None else 10**6,
    "last touch": lambda r: r.last_touch or date.min,
    "next due": lambda r: r.next_due or date.max,
    "score": lambda r: -r.score,
}
# How each order reads, (as sorted, reversed): "renewal: soonest first".
SORT_WORDS = {
    "name": (N_("A to Z"), N_("Z to A")),
    "arr": (N_("largest first"), N_("smallest first")),
    "tier": (N_("S first"), N_("C first")),
    "stage": (N_("handover first"), N_("churned first")),
    "health": (N_("lowest first"), N_("highest first")),
    "renewal": (N_("soonest first"), N_("latest first")),
    "last touch": (N_("longest ago first"), N_("most recent first")),
    "next due": (N_("soonest first"), N_("latest first")),
    "score": (N_("highest first"), N_("lowest first")),
}


def load_portfolio(session: Session, today: date, *, with_lenses: bool = True,
                   owner: str | None = None, rates: Rates | None = None
                   ) -> list[PortfolioRow]:
    """All active accounts (or one owner's), largest ARR first, with their stored health
    and touches (csm_tui/stored.py: made current for `today` first if need be) and,
    unless told not to, RFM; ARR also in the base currency."""
    from csm_tui.stored import current_in

    current_in(session, today)
    rates = rates or load_rates(session, today)
    rfm = rfm_for_accounts(session, today) if with_lenses else {}
    # the words each tier, stage and segment adds to a row's search text, made once
    tier_words = {t: f" tier:{t.casefold()} {t.casefold()}" for t in TIERS}
    stage_words = {s: " " + fold_text(f"{s} {label('stage', s)}") for s in STAGES}
    seg_words: dict[str, str] = {"": ""}
    base, rows = rates.base, []
    for (aid, name, tier, arr, currency, stage, end, industry, whose, score, locked, health,
         touched, next_due, stored) in portfolio_rows(session, owner=owner):
        seg = rfm[aid].segment if aid in rfm else ""
        if seg not in seg_words:
            seg_words[seg] = f" {fold_text(seg)} {fold_text(label('rfm', seg))}"
        words = stored or search_text(name, industry, whose, pinyin=(name,))
        search = (words + (tier_words.get(tier) or f" tier:{tier} {tier}")
                  + (stage_words.get(stage) or f" {stage}") + seg_words[seg])
        rows.append(PortfolioRow(
            aid, name, tier, arr, currency, stage, industry, whose, end,
            (end - today).days if end else None, touched,
            next_due, health, score, seg, locked, search, rates.to_base(arr, currency), base))
    return rows


def filter_rows(rows: list[PortfolioRow], query: str) -> list[PortfolioRow]:
    """Every word must appear (name and its pinyin and initials, industry, owner,
    tier, stage, RFM segment)."""
    for word in filter_words(query):  # one plain pass per word: fastest in CPython
        rows = [r for r in rows if word in r.search]
    return rows


def sort_rows(rows: list[PortfolioRow], key: str, *, reverse: bool = False
              ) -> list[PortfolioRow]:
    return sorted(rows, key=SORT_KEYS[key], reverse=reverse)


def rows_total(rows: list[PortfolioRow]) -> Total:
    """The rows' ARR in the base currency, with the currencies left out."""
    base = rows[0].base if rows else ""
    minor = 0
    missing: dict[str, int] = {}
    for r in rows:
        if r.base_minor is None:
            missing[r.currency] = missing.get(r.currency, 0) + 1
        else:
            minor += r.base_minor
    return Total(base, minor, tuple(sorted(missing.items())))


def tier_groups(rows: list[PortfolioRow]) -> list[TierGroup]:
    total = rows_total(rows).minor or 1
    base = rows[0].base if rows else ""
    groups = []
    for tier in TIERS:
        members = [r for r in rows if r.tier == tier]
        got = rows_total(members)
        groups.append(TierGroup(tier, len(members), got.minor, got.minor / total, base,
                                sum(n for _c, n in got.missing)))
    return groups
