"""Ranking and sensitivity (impact-model.md, section 8).

The award score of a bid = w_quality x quality + w_price x price score + w_net_impact x net impact score,
with the weights published in advance (AwardCriteria). Quality and price are fixed; the net impact score
varies by Monte Carlo draw, so award scores are n_bids x n_draws. The winner is the compliant bid with the
highest expected (mean over draws) award score; being linear in the weights, that makes the sensitivity of
the winner to the weights exact geometry rather than a search.

docs/impact-engine-ranking.md explains each formula for officers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from scipy import stats

from netimpact.domain.commissioning import AwardCriteria
from netimpact.domain.vocabulary import PriceFormula

from .parameters import ParameterSet

CRITERIA = ("quality", "price", "net_impact")
CRITERION_LABELS = {"quality": "quality", "price": "price", "net_impact": "net impact"}

RELATIVE_FORMULA_NOTE = (
    "Relative scoring: a bid's score depends on the other bids (the lowest price, the best net impact), so "
    "adding or withdrawing a bid can reverse the order of two others (rank reversal)."
)

# Default seed of the weight sampling in rank_stability, so the published figure can be reproduced.
STABILITY_SEED = 20_230_026  # Procurement Act 2023 c. 54; any fixed number would do
_WEIGHT_TOLERANCE = 1e-6


class RankingError(ValueError):
    """Scores or weights that cannot be ranked; the message names the bid or criterion."""


# ---------------------------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriceScores:
    bid_ids: tuple[str, ...]
    prices: np.ndarray  # £ a year
    scores: np.ndarray  # 0..1; NaN for a non-compliant bid (not scored)
    compliant: np.ndarray  # bool
    formula: PriceFormula
    ceiling: float | None
    non_compliance: dict[str, str] = field(default_factory=dict)  # bid id -> why it is not scored

    def to_dict(self) -> dict[str, Any]:
        return {
            "formula": self.formula.value,
            "formula_label": self.formula.label,
            "ceiling": self.ceiling,
            "note": RELATIVE_FORMULA_NOTE,
            "bids": [
                {
                    "bid": bid,
                    "price_per_year": float(self.prices[i]),
                    "compliant": bool(self.compliant[i]),
                    "score": None if not self.compliant[i] else float(self.scores[i]),
                    "non_compliance": self.non_compliance.get(bid),
                }
                for i, bid in enumerate(self.bid_ids)
            ],
        }


def price_scores(
    bid_ids: Sequence[str], prices: Sequence[float], formula: PriceFormula, ceiling: float | None
) -> PriceScores:
    """Price scores by the published formula; a price above the ceiling is non-compliant (flagged, NaN).

    - proportional: P_min / P_i;
    - budget-anchored: (P_ceiling - P_i) / (P_ceiling - P_min) (1 for every bid when P_min = P_ceiling).
    P_min is the lowest compliant price.
    """
    price = np.asarray(prices, dtype=float)
    if price.shape != (len(bid_ids),):
        raise RankingError(f"{len(bid_ids)} bids but {price.shape} prices")
    for bid, p in zip(bid_ids, price, strict=True):
        if not math.isfinite(p) or p <= 0:
            raise RankingError(f"bid {bid!r}: price must be a positive number of £ a year, got {p!r}")
    if ceiling is not None and (not math.isfinite(ceiling) or ceiling <= 0):
        raise RankingError(f"the price ceiling must be a positive number of £ a year, got {ceiling!r}")
    if formula == PriceFormula.BUDGET_ANCHORED and ceiling is None:
        raise RankingError("the budget-anchored price formula needs a published ceiling (or budget)")

    compliant = np.ones(len(price), dtype=bool) if ceiling is None else price <= ceiling
    reasons = {
        bid: f"price £{p:,.0f} a year is above the published ceiling of £{ceiling:,.0f}"
        for bid, p, ok in zip(bid_ids, price, compliant, strict=True)
        if not ok and ceiling is not None
    }
    scores = np.full(len(price), np.nan)
    if compliant.any():
        lowest = price[compliant].min()
        if formula == PriceFormula.PROPORTIONAL:
            scores[compliant] = lowest / price[compliant]
        else:
            assert ceiling is not None
            spread = ceiling - lowest
            scores[compliant] = 1.0 if spread <= 0 else (ceiling - price[compliant]) / spread
    return PriceScores(tuple(bid_ids), price, scores, compliant, formula, ceiling, reasons)


class NetImpactScale(StrEnum):
    """How net impact (£ over the term, discounted) becomes a 0..1 score, the same way in every draw."""

    BEST_ANCHORED = "best_anchored"  # (NI - floor) / (NI_best - floor), floor = -anchor; clipped to 0..1
    ABSOLUTE = "absolute"  # 0.5 + NI / (2 x anchor), clipped to 0..1; no bid's score depends on another's


def net_impact_scores(
    net_impact: np.ndarray,
    compliant: np.ndarray,
    anchor: float,
    scale: NetImpactScale = NetImpactScale.BEST_ANCHORED,
) -> np.ndarray:
    """n_bids x n_draws net impact scores in 0..1; NaN for non-compliant bids.

    `anchor` (£, > 0) is the size of net impact the scale spans; the engine uses the contract's value over
    the term (budget a year x term). Best-anchored mirrors the budget-anchored price formula: in each draw
    the best compliant bid scores 1 and a bid that destroys `anchor` £ of value (net impact = -anchor) or
    more scores 0, linearly in between. If even the best is at or below -anchor, every bid scores 0.
    """
    values = np.asarray(net_impact, dtype=float)
    if values.ndim != 2:
        raise RankingError(f"net impact must be n_bids x n_draws, got shape {values.shape}")
    ok = np.asarray(compliant, dtype=bool)
    if ok.shape != (values.shape[0],):
        raise RankingError(f"compliant has shape {ok.shape}, expected ({values.shape[0]},)")
    if not math.isfinite(anchor) or anchor <= 0:
        raise RankingError(f"the net impact anchor must be a positive £ amount, got {anchor!r}")
    scores = np.full(values.shape, np.nan)
    if not ok.any():
        return scores
    mine = values[ok]
    if scale == NetImpactScale.ABSOLUTE:
        scores[ok] = np.clip(0.5 + mine / (2.0 * anchor), 0.0, 1.0)
        return scores
    floor = -anchor
    span = mine.max(axis=0) - floor
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(span > 0, (mine - floor) / span, 0.0)
    scores[ok] = np.clip(scaled, 0.0, 1.0)
    return scores


def criteria_weights(criteria: AwardCriteria) -> np.ndarray:
    """(quality, price, net impact) weights, checked: each in 0..1, summing to 1."""
    weights = np.array([criteria.quality, criteria.price, criteria.net_impact], dtype=float)
    for name, w in zip(CRITERIA, weights, strict=True):
        if not math.isfinite(w) or w < 0 or w > 1:
            raise RankingError(f"the {CRITERION_LABELS[name]} weight must be between 0 and 1, got {w!r}")
    if abs(weights.sum() - 1.0) > _WEIGHT_TOLERANCE:
        raise RankingError(f"the award weights sum to {weights.sum():.4f}, expected 1")
    return weights


def award_scores(
    quality: np.ndarray, price_score: np.ndarray, net_impact_score: np.ndarray, criteria: AwardCriteria
) -> np.ndarray:
    """n_bids x n_draws award scores in 0..1; NaN where a bid is not scored (non-compliant)."""
    q, p, n = _checked_scores(quality, price_score, net_impact_score)
    w = criteria_weights(criteria)
    return w[0] * q[:, None] + w[1] * p[:, None] + w[2] * n


def _checked_scores(quality, price_score, net_impact_score) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q = np.asarray(quality, dtype=float)
    p = np.asarray(price_score, dtype=float)
    n = np.asarray(net_impact_score, dtype=float)
    if n.ndim != 2 or q.shape != (n.shape[0],) or p.shape != (n.shape[0],):
        raise RankingError(
            f"expected quality and price scores of shape (n_bids,) and net impact scores of "
            f"shape (n_bids, n_draws); got {q.shape}, {p.shape}, {n.shape}"
        )
    for name, values in (("quality", q), ("price", p), ("net impact", n)):
        finite = values[np.isfinite(values)]
        if finite.size and (finite.min() < -1e-12 or finite.max() > 1 + 1e-12):
            raise RankingError(f"{name} scores must be in 0..1 (a share of the maximum)")
    return q, p, n


def probability_beats(values: np.ndarray) -> np.ndarray:
    """n_bids x n_bids: P[b, c] = share of draws in which bid b's value is above bid c's.

    Ties count a half, so P[b, c] + P[c, b] = 1 and the diagonal is 0.5. Rows and columns of bids with no
    value (NaN, non-compliant) are NaN.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[1] == 0:
        raise RankingError(f"values must be n_bids x n_draws with at least one draw, got {v.shape}")
    above = (v[:, None, :] > v[None, :, :]).mean(axis=2)
    tied = (v[:, None, :] == v[None, :, :]).mean(axis=2)
    result = above + 0.5 * tied
    missing = np.isnan(v).any(axis=1)
    result[missing, :] = np.nan
    result[:, missing] = np.nan
    return result


def win_probability(award: np.ndarray) -> np.ndarray:
    """Share of draws in which each bid has the highest award score (ties split equally)."""
    a = np.where(np.isnan(award), -np.inf, np.asarray(award, dtype=float))
    top = a == a.max(axis=0, keepdims=True)
    top &= np.isfinite(a)
    counts = top.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, top / np.maximum(counts, 1), 0.0).mean(axis=1)


# ---------------------------------------------------------------------------------------------------------
# Sensitivity to the weights
# ---------------------------------------------------------------------------------------------------------


def expected_criterion_scores(
    quality: np.ndarray, price_score: np.ndarray, net_impact_score: np.ndarray
) -> np.ndarray:
    """n_bids x 3 (quality, price, mean net impact score over draws); NaN rows for non-compliant bids."""
    q, p, n = _checked_scores(quality, price_score, net_impact_score)
    scores = np.column_stack([q, p, n.mean(axis=1)])
    scores[~np.isfinite(scores).all(axis=1)] = np.nan
    return scores


def winner_of(scores: np.ndarray, weights: np.ndarray) -> int | None:
    """Index of the compliant bid with the highest expected award score (the first, on a tie)."""
    totals = scores @ weights
    if np.isnan(totals).all():
        return None
    return int(np.nanargmax(totals))


@dataclass(frozen=True, slots=True)
class RankStability:
    bid_ids: tuple[str, ...]
    winner: str | None
    band_points: float  # each weight moves by at most this many points (of 100)
    n_samples: int
    seed: int
    share_keeping_winner: float
    share_winning: dict[str, float]  # per bid: share of the sampled weight vectors under which it wins

    @property
    def sentence(self) -> str:
        if self.winner is None:
            return "No bid is compliant, so there is no winner to test."
        return (
            f"{self.winner} stays the winner under {self.share_keeping_winner:.0%} of {self.n_samples:,} "
            f"weightings within ±{self.band_points:g} points of the published weights."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "winner": self.winner,
            "band_points": self.band_points,
            "n_samples": self.n_samples,
            "seed": self.seed,
            "share_keeping_winner": self.share_keeping_winner,
            "share_winning": self.share_winning,
            "sentence": self.sentence,
        }


def sample_weights(weights: np.ndarray, band: float, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Weight vectors drawn uniformly from those that sum to 1, are >= 0 and within ±band of each weight."""
    if not 0 < band <= 1:
        raise RankingError(f"the band must be a share in (0, 1], e.g. 0.10 for ±10 points; got {band!r}")
    n = len(weights)
    found: list[np.ndarray] = []
    total = 0
    while total < n_samples:
        # Free coordinates uniform in the box; the last one keeps the sum at 1. The map is linear with a
        # constant Jacobian, so accepted points are uniform on the slice of the simplex.
        free = rng.uniform(-band, band, (2 * (n_samples - total) + 16, n - 1))
        delta = np.column_stack([free, -free.sum(axis=1)])
        moved = weights[None, :] + delta
        keep = (np.abs(delta[:, -1]) <= band) & (moved >= 0).all(axis=1)
        found.append(moved[keep])
        total += int(keep.sum())
    return np.concatenate(found)[:n_samples]


def rank_stability(
    bid_ids: Sequence[str],
    quality: np.ndarray,
    price_score: np.ndarray,
    net_impact_score: np.ndarray,
    criteria: AwardCriteria,
    band: float = 0.10,
    n_samples: int = 10_000,
    seed: int = STABILITY_SEED,
) -> RankStability:
    """Share of random weight vectors within ±band of the published weights that keep the winner."""
    scores = expected_criterion_scores(quality, price_score, net_impact_score)
    weights = criteria_weights(criteria)
    winner = winner_of(scores, weights)
    if winner is None:
        return RankStability(tuple(bid_ids), None, band * 100, n_samples, seed, 0.0, {})
    sampled = sample_weights(weights, band, n_samples, np.random.default_rng(seed))
    totals = np.where(np.isnan(scores), -np.inf, scores) @ sampled.T  # bids x samples
    winners = totals.argmax(axis=0)
    share = {bid: float((winners == i).mean()) for i, bid in enumerate(bid_ids)}
    return RankStability(
        tuple(bid_ids), bid_ids[winner], band * 100, n_samples, seed, float((winners == winner).mean()), share
    )


@dataclass(frozen=True, slots=True)
class WeightFlip:
    """The smallest move of published weight that changes the winner.

    Measured in points of weight moved (out of 100): moving 5 points from price to net impact is 5 points
    (an L1 change of 10 in the weight vector, as every point taken from one criterion goes to another).
    At `new_weights` the winner and `new_winner` tie; any further move the same way makes `new_winner` win.
    """

    winner: str | None
    new_winner: str | None  # None: no change of weights can change the winner
    points_moved: float | None
    new_weights: dict[str, float] | None
    transfers: tuple[tuple[str, str, float], ...]  # (from criterion, to criterion, points)

    @property
    def l1_change(self) -> float | None:
        return None if self.points_moved is None else 2 * self.points_moved / 100

    @property
    def sentence(self) -> str:
        if self.winner is None:
            return "No bid is compliant, so there is no winner to change."
        if self.new_winner is None or self.points_moved is None:
            return (
                f"No change of the weights would make another bid win: {self.winner} wins under all of them."
            )
        moves = " and ".join(
            f"{pts:.1f} points from {CRITERION_LABELS[a]} to {CRITERION_LABELS[b]}"
            for a, b, pts in self.transfers
        )
        if not moves:
            return f"{self.winner} and {self.new_winner} tie under the published weights."
        return f"Moving {moves} would make {self.new_winner} level with {self.winner}; any more makes it win."

    def to_dict(self) -> dict[str, Any]:
        return {
            "winner": self.winner,
            "new_winner": self.new_winner,
            "points_moved": self.points_moved,
            "l1_change": self.l1_change,
            "new_weights": self.new_weights,
            "transfers": [{"from": a, "to": b, "points": p} for a, b, p in self.transfers],
            "sentence": self.sentence,
        }


def smallest_weight_change_to_flip(
    bid_ids: Sequence[str],
    quality: np.ndarray,
    price_score: np.ndarray,
    net_impact_score: np.ndarray,
    criteria: AwardCriteria,
) -> WeightFlip:
    """Exact smallest L1 change of the weights (kept >= 0 and summing to 1) that lets another bid draw level.

    For a challenger c with score differences d = X_c - X_winner per criterion, the winner's lead is
    g = -w . d. Moving t points from criterion i to j gains t (d_j - d_i). The best target is always the
    criterion where c gains most (argmax d) and the best sources those where it gains least, each limited
    by its current weight: a fractional knapsack, solved exactly by the greedy order. The answer is the
    smallest over challengers (no other bid overtakes first: it would then need less).
    """
    scores = expected_criterion_scores(quality, price_score, net_impact_score)
    weights = criteria_weights(criteria)
    winner = winner_of(scores, weights)
    if winner is None:
        return WeightFlip(None, None, None, None, ())
    best: tuple[float, int, list[tuple[int, int, float]]] | None = None
    for challenger in range(len(bid_ids)):
        if challenger == winner or np.isnan(scores[challenger]).any():
            continue
        plan = _cheapest_transfer(weights, scores[challenger] - scores[winner])
        if plan is not None and (best is None or plan[0] < best[0] - 1e-15):
            best = (plan[0], challenger, plan[1])
    if best is None:
        return WeightFlip(bid_ids[winner], None, None, None, ())
    moved, challenger, transfers = best
    new = weights.copy()
    for source, target, amount in transfers:
        new[source] -= amount
        new[target] += amount
    return WeightFlip(
        winner=bid_ids[winner],
        new_winner=bid_ids[challenger],
        points_moved=100 * moved,
        new_weights={name: float(new[i]) for i, name in enumerate(CRITERIA)},
        transfers=tuple((CRITERIA[s], CRITERIA[t], 100 * a) for s, t, a in transfers),
    )


Transfers = list[tuple[int, int, float]]  # (from criterion, to criterion, share of weight)


def _cheapest_transfer(weights: np.ndarray, diff: np.ndarray) -> tuple[float, Transfers] | None:
    lead = -float(weights @ diff)
    if lead <= 0:
        return 0.0, []
    target = int(np.argmax(diff))
    transfers = []
    moved = 0.0
    for source in np.argsort(diff, kind="stable"):
        rate = diff[target] - diff[source]
        if source == target or rate <= 0 or weights[source] <= 0:
            continue
        amount = min(float(weights[source]), lead / rate)
        transfers.append((int(source), target, amount))
        moved += amount
        lead -= amount * rate
        if lead <= 1e-15:
            return moved, transfers
    return None


# ---------------------------------------------------------------------------------------------------------
# Sensitivity to the parameters
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TornadoBar:
    parameter: str
    unit: str
    value: float
    low: float
    high: float
    net_impact_low: np.ndarray  # per bid, with the parameter at its low value
    net_impact_high: np.ndarray
    swing: float  # largest |high - low| over the bids, £
    order_changes: bool  # the bids' order on net impact differs at the low or high value from the base

    def to_dict(self, bid_ids: Sequence[str]) -> dict[str, Any]:
        return {
            "parameter": self.parameter,
            "unit": self.unit,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "net_impact_low": dict(zip(bid_ids, self.net_impact_low.tolist(), strict=True)),
            "net_impact_high": dict(zip(bid_ids, self.net_impact_high.tolist(), strict=True)),
            "swing": self.swing,
            "order_changes": self.order_changes,
        }


@dataclass(frozen=True, slots=True)
class Tornado:
    bid_ids: tuple[str, ...]
    base: np.ndarray  # net impact per bid with every parameter at its value
    bars: tuple[TornadoBar, ...]  # largest swing first

    def to_dict(self) -> dict[str, Any]:
        return {
            "bids": list(self.bid_ids),
            "base": dict(zip(self.bid_ids, self.base.tolist(), strict=True)),
            "bars": [bar.to_dict(self.bid_ids) for bar in self.bars],
        }


def default_low_high(parameters: ParameterSet, name: str) -> tuple[float, float]:
    """5th and 95th percentiles of the parameter's Monte Carlo distribution, within its allowed range."""
    parameter = parameters.parameter(name)
    dist, value = parameter.distribution, parameter.value
    if dist is None:
        raise RankingError(f"parameter {name!r} has no distribution: give its low and high values")
    if dist.kind == "triangular":
        low, high = value * dist.low_factor, value * dist.high_factor
        if high > low:
            c = (value - low) / (high - low)
            low, high = stats.triang.ppf([0.05, 0.95], c, loc=low, scale=high - low)
    elif dist.kind == "lognormal":
        low, high = value * np.exp(stats.norm.ppf([0.05, 0.95]) * dist.sigma)
    elif 0 < value < 1:
        a, b = dist.concentration * value, dist.concentration * (1 - value)
        low, high = stats.beta.ppf([0.05, 0.95], a, b)
    else:
        low = high = value
    return (
        float(np.clip(low, parameter.minimum, parameter.maximum)),
        float(np.clip(high, parameter.minimum, parameter.maximum)),
    )


def tornado(
    evaluate_fn: Callable[[ParameterSet], np.ndarray],
    parameters: ParameterSet,
    names: Sequence[str],
    low_high: Mapping[str, tuple[float, float]] | None = None,
    bid_ids: Sequence[str] | None = None,
) -> Tornado:
    """Net impact per bid with each parameter at its low and at its high value (others at their values).

    `evaluate_fn` returns net impact per bid (e.g. the median over draws, with a fixed seed so that the
    bars show the parameter's effect and not sampling noise). Low and high default to the 5th and 95th
    percentiles of each parameter's distribution. Bars are sorted by swing, largest first.
    """
    base = np.asarray(evaluate_fn(parameters), dtype=float)
    if base.ndim != 1:
        raise RankingError(f"evaluate_fn must return net impact per bid (1-d), got shape {base.shape}")
    ids = tuple(bid_ids) if bid_ids is not None else tuple(f"bid {i + 1}" for i in range(len(base)))
    base_order = np.argsort(-base, kind="stable")
    bars = []
    for name in names:
        parameter = parameters.parameter(name)
        low, high = low_high[name] if low_high and name in low_high else default_low_high(parameters, name)
        at_low = np.asarray(evaluate_fn(parameters.with_overrides({name: low})), dtype=float)
        at_high = np.asarray(evaluate_fn(parameters.with_overrides({name: high})), dtype=float)
        order_changes = not (
            np.array_equal(np.argsort(-at_low, kind="stable"), base_order)
            and np.array_equal(np.argsort(-at_high, kind="stable"), base_order)
        )
        swing = float(np.max(np.abs(at_high - at_low))) if len(base) else 0.0
        bars.append(
            TornadoBar(
                name,
                parameter.unit,
                parameter.value,
                float(low),
                float(high),
                at_low,
                at_high,
                swing,
                order_changes,
            )
        )
    bars.sort(key=lambda bar: -bar.swing)
    return Tornado(ids, base, tuple(bars))
