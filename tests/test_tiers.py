"""Tier scoring, retier, overrides and RFM: properties first, then the CLI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from csm_tui.cli import main
from csm_tui.rfm import rfm_for_accounts, segment
from csm_tui.scoring import (
    FactorInput,
    ScoringError,
    assign_tiers,
    load_scoring,
    score_portfolio,
)
from csm_tui.tiering import retier, set_tier, unlock
from db.models import Account, TierChange
from db.store import Store

CONFIG = load_scoring()

factor = st.builds(FactorInput, account_id=st.just(0),
                   arr_minor=st.integers(0, 10**10), on_time_payment=st.floats(0, 1),
                   profit_margin=st.floats(0, 1), growth_potential=st.integers(0, 5),
                   influence=st.integers(0, 5), referrals=st.integers(0, 5),
                   engagement=st.integers(0, 5))
portfolios = st.lists(factor, min_size=1, max_size=40).map(
    lambda fs: [replace(f, account_id=i + 1) for i, f in enumerate(fs)])


@given(portfolios, st.data())
def test_score_never_decreases_when_only_revenue_rises(inputs, data) -> None:  # type: ignore[no-untyped-def]
    target = data.draw(st.sampled_from(inputs))
    rise = data.draw(st.integers(1, 10**9))
    before = score_portfolio(inputs, CONFIG)[target.account_id].total
    richer = [replace(f, arr_minor=f.arr_minor + rise) if f is target else f for f in inputs]
    after = score_portfolio(richer, CONFIG)[target.account_id].total
    assert after >= before - 1e-9


@given(st.lists(st.floats(0, 100), min_size=1, max_size=300))
def test_share_cutoffs_give_configured_shares(totals: list[float]) -> None:
    from csm_tui.scoring import Score

    scores = {i: Score(i, t) for i, t in enumerate(totals)}
    tiers = assign_tiers(scores, CONFIG)
    n = len(totals)
    counts = {t: sum(1 for v in tiers.values() if v == t) for t in "SABC"}
    assert abs(counts["S"] - CONFIG.shares["S"] * n) <= 1
    assert abs(counts["A"] - CONFIG.shares["A"] * n) <= 1
    assert abs(counts["B"] - CONFIG.shares["B"] * n) <= 1
    assert sum(counts.values()) == n


def test_breakdown_adds_up_and_adjustments_apply() -> None:
    inputs = [FactorInput(1, 100, 0.5, 0.1, 0, 5, 3, 0), FactorInput(2, 10**8, 1, 0.5, 5, 1,
                                                                      0, 5)]
    scores = score_portfolio(inputs, CONFIG)
    low = scores[1]
    labels = [label for label, _ in low.adjustments]
    assert any("referral" in label for label in labels)
    assert "leading account" in labels
    assert any("late payments" in label for label in labels)
    assert low.total == pytest.approx(sum(p for _, p in low.breakdown)
                                      + sum(p for _, p in low.adjustments), abs=0.01)
    assert "score" in low.explain()


def test_user_scoring_file_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "scoring.toml"
    cases = [("[weights]\nluck = 3\n", "weights.luck"),
             ("[weights]\nrevenue = -1\n", "weights.revenue"),
             ("[thresholds]\nS = 10\nA = 50\n", "out of order"),
             ("[tiers]\nmethod = 'vibes'\n", "tiers.method"),
             ("[tiers]\nS = 0.6\nA = 0.6\n", "exceed")]
    for text, needle in cases:
        path.write_text(text)
        with pytest.raises(ScoringError, match=needle) as info:
            load_scoring(path)
        assert str(path) in str(info.value)
    path.write_text("[tiers]\nmethod = 'threshold'\n")
    assert load_scoring(path).method == "threshold"


def test_locked_tier_survives_any_retier(demo_store: Store) -> None:
    """Lock a few accounts against the grain, then retier under many scoring configs."""
    from csm_tui.scoring import ScoringConfig

    with demo_store.session() as s:
        accounts = s.exec(select(Account).order_by(Account.id)).all()
    locks = {accounts[0].id: "C", accounts[20].id: "S", accounts[40].id: "B"}
    for aid, tier in locks.items():
        set_tier(demo_store, aid, tier, reason="against the grain")

    shares = st.tuples(st.floats(0, 0.4), st.floats(0, 0.3), st.floats(0, 0.3))
    weights = st.dictionaries(st.sampled_from(list(CONFIG.weights)), st.floats(0.1, 50),
                              min_size=1)

    @settings(max_examples=40, deadline=None)
    @given(shares, weights, st.sampled_from(["share", "threshold"]))
    def check(share: tuple[float, float, float], w: dict[str, float], method: str) -> None:
        config = ScoringConfig({**{k: 0.0 for k in CONFIG.weights}, **w}, CONFIG.adjustments,
                               method, dict(zip("SAB", share, strict=True)), CONFIG.thresholds)
        report = retier(demo_store, dry_run=True, config=config)
        assert not set(locks) & {m.account_id for m in report.moves}

    check()
    retier(demo_store)
    with demo_store.session() as s:
        for aid, tier in locks.items():
            assert s.get(Account, aid).tier == tier


def test_override_then_retier_then_unlock(demo_store: Store) -> None:
    with demo_store.session() as s:
        acc = s.exec(select(Account).where(Account.name == "Coho Winery")).one()
    move = set_tier(demo_store, acc.id, "S", reason="referred three customers")
    assert move.new == "S"
    report = retier(demo_store)
    assert acc.id not in {m.account_id for m in report.moves}
    assert any(k[0] == acc.id for k in report.locked_kept)
    back = unlock(demo_store, acc.id)
    assert back.new != "S"
    with demo_store.session() as s:
        changes = s.exec(select(TierChange).where(TierChange.account_id == acc.id)).all()
        assert [c.manual for c in changes].count(True) == 2
    with pytest.raises(ValueError, match="tier"):
        set_tier(demo_store, acc.id, "X", reason="nope")
    with pytest.raises(ValueError, match="reason"):
        set_tier(demo_store, acc.id, "A", reason=" ")


def test_rfm_segments(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    with demo_store.session() as s:
        rfm = rfm_for_accounts(s, today)
    assert len(rfm) == 59
    assert all(1 <= v.recency <= 5 and 1 <= v.frequency <= 5 for v in rfm.values())
    assert segment(5, 5, 5) == "Champions"
    assert segment(1, 1, 1) == "Lost"


@pytest.mark.sqlite_only
def test_cli_tier_retier_brief(demo_store: Store, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    db = str(demo_store.path)
    assert main(["tier", "Coho Winery", "A", "--reason", "board contact", "--db", db]) == 0
    assert "(locked: board contact)" in capsys.readouterr().out
    assert main(["tier", "Coho Winery", "Q", "--reason", "x", "--db", db]) == 2
    assert "tier" in capsys.readouterr().err
    assert main(["tier", "Nobody Inc", "A", "--reason", "x", "--db", db]) == 2
    assert main(["retier", "--dry-run", "--db", db]) == 0
    assert "accounts scored" in capsys.readouterr().out
    assert main(["tier", "Coho Winery", "--unlock", "--db", db]) == 0
    out = tmp_path / "brief.md"
    assert main(["brief", "清华大学", "--out", str(out), "--db", db, "--today",
                 "2026-11-24"]) == 0
    text = out.read_text(encoding="utf-8")
    for heading in ("# Meeting brief: 清华大学", "## Health", "## Stakeholders",
                    "## Last five touchpoints", "Tier S"):
        assert heading in text


def test_book_scores_explain_each_account_as_the_whole_book_scoring_does(
        demo_store: Store) -> None:
    """The account screen's scoring (compact columns and totals, one breakdown made
    when shown) gives every account the same score, breakdown and model tier as
    scoring the whole book with breakdowns (what a retier uses)."""
    from csm_tui.tiering import book_scores, compute

    with demo_store.session() as s:
        scores, tiers, _inputs = compute(s)
        book = book_scores(s)
    assert book.tiers == tiers and len(tiers) > 40
    for aid, score in scores.items():
        assert book.score_of(aid) == score
    assert book.score_of(10**9) is None


def test_the_account_screen_with_the_books_figures_equals_one_read_alone(
        demo_store: Store) -> None:
    from csm_tui.account_view import account_detail
    from csm_tui.services import Services
    from tests.conftest import TODAY

    services = Services(demo_store, today=lambda: TODAY, user="alex.chen")
    key = services.view_key()
    with demo_store.session() as s:
        ids = [a.id for a in s.exec(select(Account)).all()][:8]
    for aid in ids:
        kept = services.account_detail(aid, TODAY, key)
        with demo_store.session() as s:
            alone = account_detail(s, aid, TODAY)
        assert (kept.score, kept.computed_tier, kept.rfm) == (alone.score, alone.computed_tier,
                                                              alone.rfm)
        assert kept.rfm is not None
