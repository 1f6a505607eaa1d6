"""The Portfolio read a page at a time from the database (db/queries/portfolio.py) shows
exactly what sorting and filtering every account in Python would: each order, each
direction, grouped or not, with filter words that match names, pinyin, tiers, stages
and RFM segments, read in small pages through the keyset. The RFM quintiles computed by
window functions equal the bisect-based ones they replaced."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import select

from csm_tui.i18n import label
from csm_tui.namesearch import filter_words, fold_text
from csm_tui.portfolio import (
    SORT_ORDERS,
    PortfolioPage,
    PortfolioRequest,
    PortfolioRow,
    load_page,
    load_portfolio,
    rfm_segment,
    tier_figures,
)
from csm_tui.rfm import rfm_for_accounts
from csm_tui.stored import ensure_current
from db.models import Account, AccountState, Deal
from db.queries.portfolio import rfm_code_map
from db.store import Store
from db.vocab import STAGES, TIERS
from tests.conftest import TODAY

# ---- the reference: every account sorted and filtered in Python ---------------------
REFERENCE_KEYS: dict[str, Callable[[PortfolioRow, dict[int, str]], Any]] = {
    "name": lambda r, keys: keys[r.id],
    "arr": lambda r, _k: -r.base_minor if r.base_minor is not None else 1,
    "tier": lambda r, _k: (TIERS.index(r.tier) if r.tier in TIERS else 9,
                           -r.base_minor if r.base_minor is not None else 1),
    "stage": lambda r, _k: STAGES.index(r.stage) if r.stage in STAGES else 99,
    "health": lambda r, _k: r.health if r.health is not None else 999,
    "renewal": lambda r, _k: r.contract_end or date.max,
    "last touch": lambda r, _k: r.last_touch or date.min,
    "next due": lambda r, _k: r.next_due or date.max,
    "score": lambda r, _k: -r.score,
}


def _reference(store: Store, request: PortfolioRequest) -> list[PortfolioRow]:
    with store.session() as s:
        rows = load_portfolio(s, TODAY)  # every account, largest ARR first, then by id
        stored = {st.account_id: st for st in s.exec(select(AccountState))}
    rows.sort(key=lambda r: (-r.arr_minor, r.id))
    keys = {aid: st.sort_key for aid, st in stored.items()}

    def text(r: PortfolioRow) -> str:
        return " ".join((stored[r.id].search, f"tier:{r.tier.casefold()} {r.tier.casefold()}",
                         fold_text(f"{r.stage} {label('stage', r.stage)}"),
                         fold_text(r.segment), fold_text(label("rfm", r.segment))))

    for word in filter_words(request.query):
        rows = [r for r in rows if word in text(r)]
    rows = sorted(rows, key=lambda r: REFERENCE_KEYS[request.order](r, keys),
                  reverse=request.reverse)
    if request.grouped:
        rows.sort(key=lambda r: TIERS.index(r.tier))  # stable: the order within a tier
    return rows


def _paged(store: Store, request: PortfolioRequest, size: int,
           rfm: dict[int, int] | None = None) -> PortfolioPage:
    """The request read `size` rows at a time, each page continuing the one before
    (`rfm`: every account's RFM code given, as the services give it)."""
    page = None
    with store.session() as s:
        while page is None or not page.complete:
            limit = size if page is None else len(page.rows) + size
            page = load_page(s, TODAY, replace(request, limit=limit), previous=page, rfm=rfm)
    return page


QUERIES = ["", "tier:a", "tech", "大学", "qhdx", "renewal", "loyal", "a", "no-such-word"]


@pytest.fixture
def current(demo_store: Store) -> Store:
    ensure_current(demo_store, TODAY)
    return demo_store


@pytest.mark.parametrize("order", SORT_ORDERS)
def test_every_order_both_ways_grouped_or_not_pages_as_python_sorts(current: Store,
                                                                    order: str) -> None:
    for reverse in (False, True):
        for grouped in (False, True):
            request = PortfolioRequest("", order, reverse, grouped, None)
            page = _paged(current, request, 7)
            assert [r.id for r in page.rows] == [r.id for r in _reference(current, request)], (
                order, reverse, grouped)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("codes_known", [False, True])
def test_filter_words_match_as_they_did_in_python(current: Store, query: str,
                                                  codes_known: bool) -> None:
    """With every account's RFM code known (the services') a segment's word carries
    its accounts' ids; without, the database reads the RFM window: the same answer."""
    with current.session() as s:
        rfm = rfm_code_map(s, TODAY) if codes_known else None
    for order in ("arr", "name", "health"):
        request = PortfolioRequest(query, order, False, True, None)
        page = _paged(current, request, 5, rfm)
        expected = _reference(current, request)
        assert [r.id for r in page.rows] == [r.id for r in expected], (query, order)
        assert page.matches == len(expected)
        for tier, matched in page.matched.items():
            members = [r for r in expected if r.tier == tier]
            assert matched.count == len(members)
            assert matched.total.minor == sum(r.base_minor or 0 for r in members)


def test_a_first_page_reads_only_its_rows_and_says_it_is_not_complete(current: Store) -> None:
    with current.session() as s:
        page = load_page(s, TODAY, PortfolioRequest(limit=10))
        groups, _matched = tier_figures(s, TODAY)
    assert len(page.rows) == 10 and not page.complete
    assert page.total == page.matches == sum(g.count for g in groups) > 10
    assert [g.count for g in page.groups] == [g.count for g in groups]


def test_one_owner_pages_only_their_accounts(current: Store) -> None:
    with current.session() as s:
        page = load_page(s, TODAY, PortfolioRequest(limit=None), owner="li.wei")
        owners = {a.id: a.owner for a in s.exec(select(Account))}
    assert page.rows and {owners[r.id] for r in page.rows} == {"li.wei"}
    assert page.total == len(page.rows)


# ---- RFM: the window functions against the bisect-based quintiles ----------------------
def _quintile(sorted_values: list[float], value: float) -> int:
    n = len(sorted_values)
    if n <= 1:
        return 5
    rank = (bisect_left(sorted_values, value) + bisect_right(sorted_values, value) - 1) / 2
    return min(5, 1 + int(rank * 5 // n))


def _python_rfm(store: Store, today: date) -> dict[int, tuple[int, int, int]]:
    with store.session() as s:
        accounts = s.exec(select(Account).where(Account.archived == False)).all()  # noqa: E712
        won: dict[int, list[Deal]] = {}
        for d in s.exec(select(Deal).where(Deal.stage == "won")):
            won.setdefault(d.account_id, []).append(d)
    raw: dict[int, tuple[float, float, float]] = {}
    for a in accounts:
        deals = won.get(a.id or 0, [])
        dates = [d.close_date for d in deals if d.close_date is not None]
        if dates:
            raw[a.id or 0] = (-(today - max(dates)).days, len(deals),
                              sum(d.value_minor for d in deals))
        else:
            days = (today - a.contract_start).days if a.contract_start else 10_000
            raw[a.id or 0] = (-days, a.term, a.arr_minor)
    cols = [sorted(v[i] for v in raw.values()) for i in range(3)]
    return {aid: (_quintile(cols[0], v[0]), _quintile(cols[1], v[1]), _quintile(cols[2], v[2]))
            for aid, v in raw.items()}


def test_rfm_in_the_database_equals_the_bisect_quintiles(demo_store: Store) -> None:
    expected = _python_rfm(demo_store, TODAY)
    with demo_store.session() as s:
        got = rfm_for_accounts(s, TODAY)
    assert {aid: (v.recency, v.frequency, v.monetary) for aid, v in got.items()} == expected
    assert len({v.recency for v in got.values()}) >= 3  # the demo spreads over quintiles


def test_rfm_with_many_equal_values_and_deals(store: Store) -> None:
    """Ties take their mid-rank; a won deal without a date falls back to the contract."""
    with store.transaction() as s:
        for i in range(23):
            a = Account(name=f"Tied {i}", tier="B", arr_minor=(i % 3) * 1000, term=1 + i % 2,
                        contract_start=TODAY - timedelta(days=30 * (i % 4)) if i % 5 else None)
            s.add(a)
            s.flush()
            if i % 4 == 0:
                s.add(Deal(account_id=a.id, name="won", stage="won", value_minor=500 * (i % 3),
                           close_date=TODAY - timedelta(days=i) if i % 8 else None))
    expected = _python_rfm(store, TODAY)
    with store.session() as s:
        got = rfm_for_accounts(s, TODAY)
        one = rfm_for_accounts(s, TODAY, [min(expected)])
    assert {aid: (v.recency, v.frequency, v.monetary) for aid, v in got.items()} == expected
    assert list(one) == [min(expected)] and one[min(expected)] == got[min(expected)]
    assert {rfm_segment(v.recency * 100 + v.frequency * 10 + v.monetary)
            for v in got.values()} <= {v.segment for v in got.values()}
