"""Chart data: tier shares, renewals per month, health bands and the bars themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from csm_tui.charts import (
    Band,
    MonthBar,
    TierShare,
    hbar,
    health_bands,
    month_bars,
    renewals_by_month,
    tier_shares_of,
    vbar,
)
from db.models import Account


@dataclass
class Row:
    tier: str
    base_minor: int | None


@dataclass
class Figure:
    tier: str
    count: int
    arr_minor: int


def tier_shares(rows: list[Row]) -> list[TierShare]:
    """The shares of these accounts, through their figures per tier (as the Portfolio
    sums them in the database: an account without a rate adds no ARR)."""
    figures = [Figure(t, sum(1 for r in rows if r.tier == t),
                      sum(r.base_minor or 0 for r in rows if r.tier == t))
               for t in dict.fromkeys(r.tier for r in rows)]
    return tier_shares_of(figures)


def test_tier_shares_known_portfolio() -> None:
    rows = [Row("S", 600), Row("A", 200), Row("A", 100), Row("B", 50), Row("C", 25),
            Row("C", 25), Row("C", 0), Row("C", 0)]
    assert tier_shares(rows) == [
        TierShare("S", 1, 600, 0.6, 0.125),
        TierShare("A", 2, 300, 0.3, 0.25),
        TierShare("B", 1, 50, 0.05, 0.125),
        TierShare("C", 4, 50, 0.05, 0.5),
    ]


def test_tier_shares_empty_portfolio() -> None:
    assert tier_shares([]) == [TierShare(t, 0, 0, 0.0, 0.0) for t in "SABC"]


def test_tier_shares_one_tier_only() -> None:
    shares = tier_shares([Row("B", 10), Row("B", 30)])
    assert [(s.tier, s.accounts, s.arr_share, s.account_share) for s in shares] == [
        ("S", 0, 0.0, 0.0), ("A", 0, 0.0, 0.0), ("B", 2, 1.0, 1.0), ("C", 0, 0.0, 0.0)]


def test_tier_shares_without_arr_still_counts_accounts() -> None:
    shares = tier_shares([Row("C", 0), Row("C", 0), Row("S", 0), Row("S", 0)])
    assert [(s.arr_share, s.account_share) for s in shares] == [
        (0.0, 0.5), (0.0, 0.0), (0.0, 0.0), (0.0, 0.5)]


def test_hbar_in_eighths() -> None:
    assert hbar(1.0, 4) == "████"
    assert hbar(0.5, 4) == "██"
    assert hbar(0.5625, 4) == "██▎"  # 18 eighths: 2 cells and 2/8
    assert hbar(0.0, 4) == ""
    assert hbar(0.001, 4) == "▏"  # any value shows
    assert hbar(2.0, 3) == "███"  # never wider than asked
    assert hbar(0.5, 0) == ""


def test_vbar_top_first() -> None:
    assert vbar(1.0, 2) == ["█", "█"]
    assert vbar(0.5, 2) == [" ", "█"]
    assert vbar(0.75, 2) == ["▄", "█"]
    assert vbar(0.0, 3) == [" ", " ", " "]
    assert vbar(0.01, 2) == [" ", "▁"]


def test_month_bars_fill_the_year_across_december() -> None:
    bars = month_bars({(2026, 12): (2, 500), (2027, 3): (1, 70)}, date(2026, 11, 24))
    assert [b.label for b in bars] == ["Nov 26", "Dec 26", "Jan 27", "Feb 27", "Mar 27",
                                       "Apr 27", "May 27", "Jun 27", "Jul 27", "Aug 27",
                                       "Sep 27", "Oct 27"]
    assert bars[1] == MonthBar(2026, 12, 2, 500)
    assert bars[4] == MonthBar(2027, 3, 1, 70)
    assert sum(b.count for b in bars) == 3


def test_health_bands() -> None:
    assert health_bands([0, 19, 20, 55, 79, 80, 100, 100]) == [
        Band(0, 19, 2), Band(20, 39, 1), Band(40, 59, 1), Band(60, 79, 1), Band(80, 100, 3)]
    assert [b.count for b in health_bands([])] == [0] * 5
    assert health_bands([])[0].label == "0–19"


def _account(name: str, end: date | None, arr: int, **kw: object) -> Account:
    return Account(name=name, tier="B", stage=kw.pop("stage", "adoption"), arr_minor=arr,
                   currency="CNY", contract_end=end, **kw)


@pytest.mark.parametrize("today", [date(2026, 11, 24)])
def test_renewals_by_month_groups_in_the_database(store, today: date) -> None:
    with store.session() as session:
        session.add_all([
            _account("past this month", date(2026, 11, 2), 999),  # before today: not ahead
            _account("today", date(2026, 11, 24), 100),
            _account("dec one", date(2026, 12, 1), 200),
            _account("dec two", date(2026, 12, 31), 300),
            _account("oct next year", date(2027, 10, 31), 400),
            _account("too far", date(2027, 11, 1), 500),
            _account("churned", date(2026, 12, 5), 600, stage="churned"),
            _account("archived", date(2026, 12, 6), 700, archived=True),
            _account("no contract", None, 800),
        ])
        session.commit()
    with store.session() as session:
        bars = renewals_by_month(session, today)
    assert len(bars) == 12
    assert (bars[0].count, bars[0].arr_minor) == (1, 100)
    assert (bars[1].count, bars[1].arr_minor) == (2, 500)
    assert (bars[11].label, bars[11].count, bars[11].arr_minor) == ("Oct 27", 1, 400)
    assert sum(b.count for b in bars) == 4


def test_renewals_by_month_empty(store) -> None:
    with store.session() as session:
        bars = renewals_by_month(session, date(2026, 1, 15))
    assert [(b.label, b.count, b.arr_minor) for b in bars][0] == ("Jan 26", 0, 0)
    assert all(b.count == 0 for b in bars)


def test_health_bands_of_one_owner(store) -> None:
    from csm_tui.charts import health_bands_of, scope_ids
    from csm_tui.health import Health

    with store.session() as session:
        session.add_all([_account("mine", None, 1, owner="alice"),
                         _account("theirs", None, 1, owner="bob")])
        session.commit()
    with store.session() as session:
        ids = scope_ids(session, "alice")
        assert scope_ids(session, None) is None
        rows = {r.name: r.id for r in session.execute(select(Account.name, Account.id)).all()}
    assert ids == {rows["mine"]}
    health = {rows["mine"]: Health(85), rows["theirs"]: Health(10)}
    assert [b.count for b in health_bands_of(health, ids)] == [0, 0, 0, 0, 1]
    assert [b.count for b in health_bands_of(health)] == [1, 0, 0, 0, 1]


def test_renewals_by_month_for_one_owner(store) -> None:
    with store.session() as session:
        session.add_all([_account("mine", date(2026, 12, 1), 100, owner="alice"),
                         _account("theirs", date(2026, 12, 2), 200, owner="bob")])
        session.commit()
    with store.session() as session:
        mine = renewals_by_month(session, date(2026, 11, 24), owner="alice")
        team = renewals_by_month(session, date(2026, 11, 24))
    assert (mine[1].count, mine[1].arr_minor) == (1, 100)
    assert (team[1].count, team[1].arr_minor) == (2, 300)
