"""The portfolio view: every account with what a CSM scans for first, grouped by
tier with the 80/20 figures (count, ARR, share of ARR) per group. Totals, shares and
the ARR sort use base-currency amounts (csm_tui.money); each row keeps its own
currency for display, and an account whose currency has no rate is left out of the
totals and counted.

It is read a page at a time (db/queries/portfolio.py): the filter, the order and the
grouping run in the database over the stored state, the figures per tier come from
aggregates, and the next page continues from the last row's keyset, so a page costs
what it shows, not what the book holds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from csm_tui.i18n import N_
from csm_tui.money import Rates, Total, load_rates
from csm_tui.namesearch import filter_items, filter_words, tier_words, value_words
from csm_tui.rfm import Rfm
from db.queries.portfolio import WordMatch, portfolio_page, rfm_code_map, tier_sums
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
    search: str = field(default="", repr=False)  # what a filter word is looked for in
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
SORT_ORDERS = tuple(SORT_WORDS)  # the orders, as the sort picker lists them


PAGE = 500  # rows a page of the Portfolio reads; the next when the cursor reaches the end


@dataclass(frozen=True, slots=True)
class PortfolioRequest:
    """What the Portfolio asks for: its filter, its order, grouped by tier or one list,
    and how many rows (the first `limit`; None: every match)."""

    query: str = ""
    order: str = "arr"
    reverse: bool = False
    grouped: bool = True
    limit: int | None = PAGE


@dataclass(frozen=True, slots=True)
class Matched:
    """The filter's matches in one tier: how many, and their ARR in the base currency."""

    count: int
    total: Total


@dataclass(frozen=True, slots=True)
class PortfolioPage:
    """The first rows of the Portfolio in the asked order, the 80/20 figures of every
    account in scope per tier (`groups`), the filter's matches per tier (`matched`) and
    the last row's keyset values, from which the next page is read."""

    rows: list[PortfolioRow]
    groups: list[TierGroup]
    matched: dict[str, Matched]
    base: str
    after: tuple[Any, ...] | None = None

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def matches(self) -> int:
        return sum(m.count for m in self.matched.values())

    @property
    def complete(self) -> bool:
        """Every match is among the rows."""
        return len(self.rows) >= self.matches


def rfm_segment(code: int) -> str:
    """The segment of an RFM code r*100 + f*10 + m."""
    return Rfm.from_code(code).segment


RFM_CODES = tuple(r * 100 + f * 10 + m for r in range(1, 6) for f in range(1, 6)
                  for m in range(1, 6))


def word_matches(query: str, rfm: Mapping[int, int] | None = None) -> list[WordMatch]:
    """Each filter word with the tiers, stages and RFM segments whose words (in the
    current language too) contain it; the database looks for it in the stored search
    text as well. `rfm`: every account's RFM code, if known: a word that names a
    segment then carries those accounts' ids (else the database reads the RFM window)."""
    tiers = {tier: tier_words(tier) for tier in TIERS}
    stages = {s: value_words("stage", s) for s in STAGES}
    seg_words = {seg: value_words("rfm", seg) for seg in {rfm_segment(c) for c in RFM_CODES}}
    out = []
    for word in filter_words(query):
        codes = tuple(c for c in RFM_CODES if word in seg_words[rfm_segment(c)])
        ids = None
        if codes and rfm is not None:
            wanted = set(codes)
            ids = tuple(sorted(aid for aid, code in rfm.items() if code in wanted))
        out.append(WordMatch(word, tuple(t for t, w in tiers.items() if word in w),
                             tuple(s for s, w in stages.items() if word in w),
                             codes, ids))
    return out


def search_of(stored: str, tier: str, stage: str, seg: str) -> str:
    """A row's whole filter text: what the database matches a word against (the
    stored search text, the tier's, the stage's and the segment's words)."""
    return " ".join((stored, tier_words(tier), value_words("stage", stage),
                     value_words("rfm", seg)))


def filter_loaded(rows: list[PortfolioRow], query: str) -> list[PortfolioRow]:
    """The loaded rows the query matches, as the database would match them: the
    screen's answer while the database's is on its way (the whole answer when every
    account is loaded)."""
    return filter_items(rows, query, lambda r: r.search)


def page_of_rows(page: PortfolioPage, rows: list[PortfolioRow]) -> PortfolioPage:
    """`page` showing only `rows` (a filter's answer among a complete page's rows),
    with the figures of those rows."""
    matched = {g.tier: Matched(len(members), rows_total(members) if members
                               else Total(page.base))
               for g in page.groups
               for members in ([r for r in rows if r.tier == g.tier],)}
    return PortfolioPage(rows, page.groups, matched, page.base, None)


def rate_factors(rates: Rates) -> dict[str, float]:
    """Base units per unit of each currency with a rate (the base and no currency: 1)."""
    return {**{c: float(r) for c, r in rates.rates.items()}, rates.base: 1.0, "": 1.0}


def _groups(sums: Iterable[tuple[str, str, int, int]], rates: Rates
            ) -> tuple[list[TierGroup], dict[str, Matched]]:
    by_tier: dict[str, list[tuple[str, int, int]]] = {tier: [] for tier in TIERS}
    for tier, currency, count, arr in sums:
        by_tier.setdefault(tier, []).append((currency, int(arr or 0), int(count)))
    totals = {tier: rates.total_by_currency(s) for tier, s in by_tier.items()}
    counts = {tier: sum(n for _c, _a, n in s) for tier, s in by_tier.items()}
    whole = sum(t.minor for t in totals.values()) or 1
    groups = [TierGroup(tier, counts[tier], totals[tier].minor, totals[tier].minor / whole,
                        rates.base, sum(n for _c, n in totals[tier].missing))
              for tier in by_tier]
    return groups, {tier: Matched(counts[tier], totals[tier]) for tier in by_tier}


Figures = tuple[list[TierGroup], dict[str, Matched]]


def tier_figures(session: Session, today: date, *, owner: str | None = None,
                 rates: Rates | None = None, words: list[WordMatch] | None = None
                 ) -> Figures:
    """The 80/20 figures per tier S, A, B, C of every account in scope, and the count
    and ARR per tier of those the words match (every account: no words), by one
    aggregate read whatever the book's size."""
    rates = rates or load_rates(session, today)
    return _groups(tier_sums(session, today, words=words or (), owner=owner), rates)


def load_page(session: Session, today: date, request: PortfolioRequest, *,
              owner: str | None = None, rates: Rates | None = None,
              rfm: Mapping[int, int] | None = None, figures: Figures | None = None,
              previous: PortfolioPage | None = None) -> PortfolioPage:
    """The page the request asks for, read from the stored state (made current for
    `today` first if need be: csm_tui/stored.py). `rfm`: every account's RFM code (None:
    read for the page's rows; {}: no segments). `figures`: every account's tier figures
    (`tier_figures` without words), if known. `previous`: the same request's page with
    fewer rows, which this one continues from its last row rather than reading again."""
    from csm_tui.stored import current_in

    if previous is not None and (previous.complete or previous.after is None):
        return previous
    current_in(session, today)
    rates = rates or load_rates(session, today)
    words = word_matches(request.query, rfm)
    if previous is not None:
        groups, matched = previous.groups, previous.matched
    else:
        groups, matched = figures or tier_figures(session, today, owner=owner, rates=rates)
        if words:
            matched = tier_figures(session, today, owner=owner, rates=rates, words=words)[1]
    done = previous.rows if previous is not None else []
    limit = None if request.limit is None else max(request.limit - len(done), 0)
    found = portfolio_page(session, today, words=words, order=request.order,
                           reverse=request.reverse, grouped=request.grouped,
                           factors=rate_factors(rates), owner=owner, limit=limit,
                           after=previous.after if previous is not None else None)
    if rfm is None:
        rfm = rfm_code_map(session, today, [r.id for r in found]) if found else {}
    rows = done + [_row(r, today, rates, rfm) for r in found]
    after = tuple(found[-1][15:]) if found else (previous.after if previous else None)
    return PortfolioPage(rows, groups, matched, rates.base, after)


def _row(r: Any, today: date, rates: Rates, rfm: Mapping[int, int]) -> PortfolioRow:
    (aid, name, tier, arr, currency, stage, end, industry, whose, score, locked, health,
     touched, next_due, stored) = r[:15]
    code = rfm.get(aid)
    seg = rfm_segment(code) if code is not None else ""
    return PortfolioRow(aid, name, tier, arr, currency, stage, industry, whose, end,
                        (end - today).days if end else None, touched, next_due, health,
                        score, seg, locked, search_of(stored or "", tier, stage, seg),
                        rates.to_base(arr, currency), rates.base)


def load_portfolio(session: Session, today: date, *, with_lenses: bool = True,
                   owner: str | None = None, rates: Rates | None = None,
                   query: str = "", order: str = "arr", reverse: bool = False,
                   grouped: bool = False) -> list[PortfolioRow]:
    """Every matching active account (or one owner's) in the order asked, largest ARR
    first by default; with the RFM lens unless told not to (the CLI, tests)."""
    rfm = rfm_code_map(session, today) if with_lenses else {}
    request = PortfolioRequest(query, order, reverse, grouped, None)
    return load_page(session, today, request, owner=owner, rates=rates, rfm=rfm).rows


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
