"""Tier scoring: an explainable weighted score and the S/A/B/C cut-offs.

Pure functions over plain numbers; no database. Each factor is turned into a
percentile within the portfolio (so one giant account does not flatten everyone
else), weighted into 100 points, then adjusted by rules (+ referrals, + leading
account, - late payment). Every score carries its breakdown.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui.i18n import N_, t
from csm_tui.paths import config_dir, fixtures_dir
from csm_tui.tomlfile import read_toml, table

if TYPE_CHECKING:
    from sqlmodel import Session

FACTORS = ("revenue", "payment", "profit", "growth", "influence", "referrals", "engagement")
FACTOR_LABELS = {"revenue": N_("revenue (ARR)"), "payment": N_("on-time payment"),
                 "profit": N_("profit contribution"), "growth": N_("growth potential"),
                 "influence": N_("influence"), "referrals": N_("referrals"),
                 "engagement": N_("engagement")}
ADJUSTMENT_KEYS = ("per_referral", "referral_cap", "leading_account", "late_payment",
                   "late_payment_below")
TIERS_ORDER = ("S", "A", "B", "C")


class ScoringError(ValueError):
    """scoring.toml is wrong; the message names file and key."""


@dataclass(frozen=True)
class ScoringConfig:
    weights: dict[str, float]
    adjustments: dict[str, float]
    method: str  # share | threshold
    shares: dict[str, float]
    thresholds: dict[str, float]


@dataclass(frozen=True, slots=True)
class FactorInput:
    """The raw numbers one account brings to scoring."""

    account_id: int
    arr_minor: int
    on_time_payment: float
    profit_margin: float
    growth_potential: int
    influence: int
    referrals: int
    engagement: int


@dataclass(frozen=True)
class Score:
    account_id: int
    total: float
    breakdown: list[tuple[str, float]] = field(default_factory=list)
    adjustments: list[tuple[str, float]] = field(default_factory=list)

    def explain(self, top: int = 3) -> str:
        best = sorted(self.breakdown, key=lambda p: -p[1])[:top]
        parts = [f"{t(FACTOR_LABELS[n])} {p:.0f}" for n, p in best]
        adj = [f"{label} {p:+.0f}" for label, p in self.adjustments]
        return t("score {score}", score=f"{self.total:.1f}") + " — " + t(", ").join(parts + adj)


# ---- configuration ---------------------------------------------------------

def _num(path: Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or abs(value) > 1e9:
        raise ScoringError(t("{path}: {key} must be a number, not {value!r}",
                             path=path, key=key, value=value))
    return float(value)


def parse_config(data: dict[str, Any], path: Path) -> ScoringConfig:
    where = str(path)
    weights_raw = table(data, "weights", where, ScoringError)
    for key in weights_raw:
        if key not in FACTORS:
            raise ScoringError(t("{path}: weights.{key} is not a factor ({value})",
                                 path=path, key=key, value=', '.join(FACTORS)))
    weights = {f: _num(path, f"weights.{f}", weights_raw.get(f, 0)) for f in FACTORS}
    for f, w in weights.items():
        if w < 0:
            raise ScoringError(t("{path}: weights.{f} is negative ({w:g}); weights must be ≥ 0",
                                 path=path, f=f, w=w))
    if sum(weights.values()) <= 0:
        raise ScoringError(t("{path}: [weights] add up to 0", path=path))
    adj_raw = table(data, "adjustments", where, ScoringError)
    for key in adj_raw:
        if key not in ADJUSTMENT_KEYS:
            raise ScoringError(t("{path}: adjustments.{key} is not known ({value})",
                                 path=path, key=key, value=', '.join(ADJUSTMENT_KEYS)))
    adjustments = {k: _num(path, f"adjustments.{k}", adj_raw.get(k, 0)) for k in ADJUSTMENT_KEYS}
    tiers = table(data, "tiers", where, ScoringError)
    method = tiers.get("method", "share")
    if not isinstance(method, str) or method not in ("share", "threshold"):
        raise ScoringError(t("{path}: tiers.method must be 'share' or 'threshold', not "
                             "{method!r}", path=path, method=method))
    shares = {t: _num(path, f"tiers.{t}", tiers.get(t, 0)) for t in ("S", "A", "B")}
    for tier, v in shares.items():
        if not 0 <= v <= 1:
            raise ScoringError(t("{path}: tiers.{tier} must be a share between 0 and 1, not "
                                 "{v:g}", path=path, tier=tier, v=v))
    if sum(shares.values()) > 1:
        raise ScoringError(t("{path}: tiers S + A + B shares exceed 1", path=path))
    thr_raw = table(data, "thresholds", where, ScoringError)
    thresholds = {t: _num(path, f"thresholds.{t}", thr_raw.get(t, 0)) for t in ("S", "A", "B")}
    if not thresholds["S"] >= thresholds["A"] >= thresholds["B"]:
        raise ScoringError(t("{path}: thresholds out of order: need S ≥ A ≥ B, got "
                             "S={value:g}, A={value2:g}, B={value3:g}",
                             path=path, value=thresholds['S'], value2=thresholds['A'],
                             value3=thresholds['B']))
    return ScoringConfig(weights, adjustments, method, shares, thresholds)


def _read(path: Path) -> dict[str, Any]:
    return read_toml(path, ScoringError)


def load_scoring(user_path: Path | None = None) -> ScoringConfig:
    """The shipped defaults, replaced section by section by the user's copy if present."""
    default = fixtures_dir() / "scoring.toml"
    data = _read(default)
    path = user_path or config_dir() / "scoring.toml"
    if path.exists():
        user = _read(path)
        for section, values in user.items():
            if isinstance(values, dict) and isinstance(data.get(section), dict):
                data[section] = {**data[section], **values}
            else:
                data[section] = values
        return parse_config(data, path)
    return parse_config(data, default)


# ---- scoring ---------------------------------------------------------------

def base_revenue(session: Session, amounts: list[tuple[int, str]]) -> list[int]:
    """Each (ARR, currency) in base-currency minor units, with the newest known rates;
    an amount with no rate counts as 0 (it is named by the totals' warning, never
    compared raw against amounts in another currency)."""
    from csm_tui.money import load_rates

    rates = load_rates(session, None)
    return [rates.to_base(minor, currency) or 0 for minor, currency in amounts]


def _raw(f: FactorInput, name: str) -> float:
    if name == "revenue":
        return f.arr_minor
    if name == "payment":
        return f.on_time_payment
    if name == "profit":
        return f.arr_minor * f.profit_margin
    if name == "growth":
        return f.growth_potential
    if name == "influence":
        return f.influence
    if name == "referrals":
        return f.referrals
    return f.engagement


def _percentile(sorted_values: Sequence[float], value: float) -> float:
    """Mid-rank percentile in 0..1 (ties share a rank); a single account gets 1."""
    n = len(sorted_values)
    if n <= 1:
        return 1.0
    lo = bisect_left(sorted_values, value)
    hi = bisect_right(sorted_values, value)
    return (lo + hi - 1) / 2 / (n - 1)


def _adjustments(f: FactorInput, adj: dict[str, float]) -> list[tuple[str, float]]:
    out = []
    if f.referrals > 0 and adj["per_referral"]:
        out.append((t("{n} referrals", n=f.referrals) if f.referrals > 1 else t("1 referral"),
                    min(f.referrals * adj["per_referral"], adj["referral_cap"])))
    if f.influence >= 5 and adj["leading_account"]:
        out.append((t("leading account"), adj["leading_account"]))
    if f.on_time_payment < adj["late_payment_below"] and adj["late_payment"]:
        out.append((t("late payments ({share} on time)", share=f"{f.on_time_payment:.0%}"),
                    adj["late_payment"]))
    return out


def _adjustment_points(f: FactorInput, adj: dict[str, float]) -> float:
    """The points of `_adjustments`, summed the same way, without their labels."""
    total: float = 0
    if f.referrals > 0 and adj["per_referral"]:
        total += min(f.referrals * adj["per_referral"], adj["referral_cap"])
    if f.influence >= 5 and adj["leading_account"]:
        total += adj["leading_account"]
    if f.on_time_payment < adj["late_payment_below"] and adj["late_payment"]:
        total += adj["late_payment"]
    return total


Columns = dict[str, Sequence[float]]  # each factor's raw values over the book, sorted


def factor_columns(inputs: Iterable[FactorInput]) -> Columns:
    """Each factor's raw values over the scored book, sorted (compact arrays): what one
    account's percentiles are read from."""
    raws: dict[str, array[float]] = {name: array("d") for name in FACTORS}
    for f in inputs:
        for name in FACTORS:
            raws[name].append(_raw(f, name))
    return {name: array("d", sorted(values)) for name, values in raws.items()}


def explain(f: FactorInput, columns: Columns, config: ScoringConfig) -> Score:
    """One account's score with its breakdown: each factor's points from its mid-rank
    percentile in the book, then the adjustments."""
    total_weight = sum(config.weights.values())
    breakdown = []
    for name in FACTORS:
        weight = config.weights[name]
        if weight <= 0:
            continue
        points = 100 * weight / total_weight * _percentile(columns[name], _raw(f, name))
        breakdown.append((name, points))
    adjustments = _adjustments(f, config.adjustments)
    total = sum(p for _, p in breakdown) + sum(p for _, p in adjustments)
    return Score(f.account_id, round(total, 2), breakdown, adjustments)


def score_portfolio(inputs: list[FactorInput], config: ScoringConfig) -> dict[int, Score]:
    columns = factor_columns(inputs)
    return {f.account_id: explain(f, columns, config) for f in inputs}


def score_totals(inputs: Iterable[FactorInput], config: ScoringConfig
                 ) -> tuple[array[int], array[float]]:
    """The same totals as `score_portfolio` (same rule, same arithmetic, so the same
    floats) without the breakdowns, in compact arrays: (account ids, totals). A book of
    a million accounts costs tens of megabytes here instead of gigabytes."""
    ids: array[int] = array("q")
    raws = {name: array("d") for name in FACTORS}
    extra: array[float] = array("d")
    adj = config.adjustments
    for f in inputs:
        ids.append(f.account_id)
        for name in FACTORS:
            raws[name].append(_raw(f, name))
        extra.append(_adjustment_points(f, adj))
    total_weight = sum(config.weights.values())
    totals = array("d", bytes(8 * len(ids)))
    for name in FACTORS:
        weight = config.weights[name]
        if weight <= 0:
            continue
        column = raws[name]
        ordered = array("d", sorted(column))
        share = 100 * weight / total_weight
        memo: dict[float, float] = {}
        for i, value in enumerate(column):
            points = memo.get(value)
            if points is None:
                points = share * _percentile(ordered, value)
                if len(memo) < 4096:
                    memo[value] = points
            totals[i] += points
        del ordered
        raws[name] = array("d")  # done with it
    for i, points in enumerate(extra):
        totals[i] = round(totals[i] + points, 2)
    return ids, totals


def tier_ranks(ids: Sequence[int], totals: Sequence[float], config: ScoringConfig
               ) -> Iterator[tuple[int, str]]:
    """(index into `ids`, tier) by the cut-offs, for totals given parallel to `ids`:
    by share, best total first and ties by account id; or by thresholds."""
    if config.method == "threshold":
        t = config.thresholds
        for i, total in enumerate(totals):
            yield i, ("S" if total >= t["S"] else "A" if total >= t["A"]
                      else "B" if total >= t["B"] else "C")
        return
    n = len(ids)
    order: list[int] = list(range(n))
    if any(ids[i] >= ids[i + 1] for i in range(n - 1)):
        order.sort(key=ids.__getitem__)
    order.sort(key=totals.__getitem__, reverse=True)  # stable: ties stay by id
    bounds = []
    acc = 0.0
    for tier in ("S", "A", "B"):
        acc += config.shares[tier]
        bounds.append(round(acc * n))
    for rank, i in enumerate(order):
        yield i, ("S" if rank < bounds[0] else "A" if rank < bounds[1]
                  else "B" if rank < bounds[2] else "C")


def assign_tiers(scores: dict[int, Score], config: ScoringConfig) -> dict[int, str]:
    """Cut-offs by portfolio share (best scores first) or by score thresholds."""
    ids = list(scores)
    return {ids[i]: tier for i, tier
            in tier_ranks(ids, [scores[aid].total for aid in ids], config)}
