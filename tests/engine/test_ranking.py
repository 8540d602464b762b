"""Ranking and sensitivity (impact-model.md section 8): worked examples, and the exact weight flip checked
against a linear programme and a brute-force search."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from netimpact.domain.commissioning import AwardCriteria
from netimpact.domain.vocabulary import PriceFormula
from netimpact.engine.parameters import ParameterSet
from netimpact.engine.ranking import (
    NetImpactScale,
    RankingError,
    award_scores,
    default_low_high,
    net_impact_scores,
    price_scores,
    probability_beats,
    rank_stability,
    sample_weights,
    smallest_weight_change_to_flip,
    tornado,
    win_probability,
)

BIDS = ("A", "B", "C")


def _criteria(quality=0.5, price=0.3, net_impact=0.2) -> AwardCriteria:
    return AwardCriteria(price=price, quality=quality, net_impact=net_impact)


# Price -----------------------------------------------------------------------------------------------------


def test_proportional_and_budget_anchored_price_scores() -> None:
    prices = [100_000.0, 125_000.0, 200_000.0]
    proportional = price_scores(BIDS, prices, PriceFormula.PROPORTIONAL, None)
    assert proportional.scores.tolist() == pytest.approx([1.0, 0.8, 0.5])
    anchored = price_scores(BIDS, prices, PriceFormula.BUDGET_ANCHORED, 200_000.0)
    assert anchored.scores.tolist() == pytest.approx([1.0, 0.75, 0.0])


def test_a_price_above_the_ceiling_is_flagged_and_not_scored() -> None:
    result = price_scores(BIDS, [90.0, 100.0, 150.0], PriceFormula.BUDGET_ANCHORED, 120.0)
    assert result.compliant.tolist() == [True, True, False]
    assert np.isnan(result.scores[2])
    assert result.scores[:2].tolist() == pytest.approx([1.0, 20 / 30])
    data = result.to_dict()
    assert data["bids"][2]["score"] is None
    assert "above the published ceiling of £120" in data["bids"][2]["non_compliance"]
    assert "rank reversal" in data["note"]


def test_a_relative_price_formula_can_reverse_two_bids_when_a_third_arrives() -> None:
    criteria = _criteria(quality=0.5, price=0.5, net_impact=0.0)
    no_impact = np.zeros((2, 1))
    two = price_scores(("A", "B"), [100.0, 150.0], PriceFormula.PROPORTIONAL, None)
    before = award_scores(np.array([0.6, 0.9]), two.scores, no_impact, criteria)[:, 0]
    three = price_scores(("A", "B", "C"), [100.0, 150.0, 50.0], PriceFormula.PROPORTIONAL, None)
    after = award_scores(np.array([0.6, 0.9, 0.0]), three.scores, np.zeros((3, 1)), criteria)[:, 0]
    assert before[0] > before[1]  # A ahead of B
    assert after[0] < after[1]  # a cheap third bid puts B ahead of A


def test_bad_prices_are_named() -> None:
    with pytest.raises(RankingError, match="bid 'B': price must be a positive"):
        price_scores(("A", "B"), [1.0, 0.0], PriceFormula.PROPORTIONAL, None)
    with pytest.raises(RankingError, match="needs a published ceiling"):
        price_scores(("A",), [1.0], PriceFormula.BUDGET_ANCHORED, None)


# Net impact and award -------------------------------------------------------------------------------------


def test_best_anchored_net_impact_score_per_draw() -> None:
    net_impact = np.array([[100.0, -50.0], [0.0, -150.0], [-300.0, 0.0]])
    scores = net_impact_scores(net_impact, np.array([True, True, True]), anchor=100.0)
    # Draw 0: best 100, floor -100: (NI + 100) / 200. Draw 1: best 0: (NI + 100) / 100, clipped.
    assert scores[:, 0].tolist() == pytest.approx([1.0, 0.5, 0.0])
    assert scores[:, 1].tolist() == pytest.approx([0.5, 0.0, 1.0])


def test_non_compliant_bids_get_no_net_impact_score_and_do_not_set_the_best() -> None:
    net_impact = np.array([[0.0], [1e9]])
    scores = net_impact_scores(net_impact, np.array([True, False]), anchor=100.0)
    assert scores[0, 0] == 1.0 and np.isnan(scores[1, 0])


def test_absolute_net_impact_scale() -> None:
    scores = net_impact_scores(
        np.array([[-100.0, 0.0, 50.0, 500.0]]), np.array([True]), 100.0, NetImpactScale.ABSOLUTE
    )
    assert scores[0].tolist() == pytest.approx([0.0, 0.5, 0.75, 1.0])


def test_award_scores_weight_each_criterion() -> None:
    award = award_scores(
        np.array([0.8, 0.4]), np.array([0.5, 1.0]), np.array([[1.0, 0.0], [0.5, 0.5]]), _criteria()
    )
    assert award[0].tolist() == pytest.approx([0.4 + 0.15 + 0.2, 0.4 + 0.15])
    assert award[1].tolist() == pytest.approx([0.2 + 0.3 + 0.1] * 2)
    with pytest.raises(RankingError, match=r"weights sum to 1\.1000"):
        award_scores(np.ones(1), np.ones(1), np.ones((1, 1)), _criteria(quality=0.6))


def test_probability_beats_and_win_probability() -> None:
    values = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 0.0, 0.0], [np.nan] * 4])
    beats = probability_beats(values)
    assert beats[0, 1] == pytest.approx(0.5 + 0.5 * 0.25)
    assert beats[1, 0] == pytest.approx(1 - beats[0, 1])
    assert beats[0, 0] == 0.5 and np.isnan(beats[2]).all() and np.isnan(beats[:, 2]).all()
    assert win_probability(values).tolist() == pytest.approx([0.625, 0.375, 0.0])


# Weights -------------------------------------------------------------------------------------------------


def test_sampled_weights_stay_in_the_band_sum_to_one_and_are_reproducible() -> None:
    weights = np.array([0.55, 0.4, 0.05])
    sampled = sample_weights(weights, 0.1, 5000, np.random.default_rng(3))
    assert sampled.shape == (5000, 3)
    assert np.allclose(sampled.sum(axis=1), 1.0)
    assert (sampled >= 0).all() and (np.abs(sampled - weights) <= 0.1 + 1e-12).all()
    assert sampled[:, 2].min() < 0.01  # reaches the edge where the small weight hits 0
    assert np.array_equal(sampled, sample_weights(weights, 0.1, 5000, np.random.default_rng(3)))


def test_rank_stability_is_one_for_a_dominant_bid_and_seeded() -> None:
    quality, price = np.array([0.9, 0.5]), np.array([1.0, 0.6])
    impact = np.array([[0.8, 0.9], [0.1, 0.2]])
    result = rank_stability(("A", "B"), quality, price, impact, _criteria())
    assert result.winner == "A" and result.share_keeping_winner == 1.0
    assert "within ±10 points" in result.sentence


def test_rank_stability_of_a_close_call() -> None:
    # A leads on quality, B on net impact; at (0.5, 0.3, 0.2): A 0.65, B 0.69.
    quality, price = np.array([0.8, 0.7]), np.array([0.5, 0.5])
    impact = np.array([[0.5], [0.95]])
    first = rank_stability(("A", "B"), quality, price, impact, _criteria())
    assert first.winner == "B"
    # A draws level after 7.3 points move from net impact to quality (next test): within the ±10 band.
    assert 0.5 < first.share_keeping_winner < 1.0
    assert first.share_winning["A"] + first.share_winning["B"] == pytest.approx(1.0)
    again = rank_stability(("A", "B"), quality, price, impact, _criteria())
    assert again.share_keeping_winner == first.share_keeping_winner


def test_smallest_weight_change_worked_example() -> None:
    quality, price = np.array([0.8, 0.7]), np.array([0.5, 0.5])
    impact = np.array([[0.5], [0.95]])
    flip = smallest_weight_change_to_flip(("A", "B"), quality, price, impact, _criteria())
    # A = 0.4 + 0.15 + 0.1 = 0.65, B = 0.35 + 0.15 + 0.19 = 0.69.
    assert flip.winner == "B"
    # B's lead 0.04; A gains most on quality (+0.1) vs net impact (-0.45): move from net impact to quality.
    assert flip.new_winner == "A"
    assert flip.points_moved == pytest.approx(100 * 0.04 / 0.55)
    assert flip.transfers[0][:2] == ("net_impact", "quality")
    assert "points from net impact to quality" in flip.sentence


def _brute_force_points(scores: np.ndarray, weights: np.ndarray, winner: int) -> float:
    """Smallest L1/2 distance to a weight vector on the simplex where some bid ties or beats the winner."""
    step = 0.005
    grid = np.arange(0, 1 + step / 2, step)
    q, p = np.meshgrid(grid, grid, indexing="ij")
    n = 1 - q - p
    ok = n >= -1e-12
    candidates = np.column_stack([q[ok], p[ok], np.clip(n[ok], 0, None)])
    totals = candidates @ scores.T
    others = np.delete(totals, winner, axis=1)
    flips = (others >= totals[:, [winner]] - 1e-12).any(axis=1)
    if not flips.any():
        return np.inf
    return float(np.abs(candidates[flips] - weights).sum(axis=1).min() / 2)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5))
def test_weight_flip_is_exact_against_linear_programming_and_a_grid(seed: int, n_bids: int) -> None:
    rng = np.random.default_rng(seed)
    quality, price = rng.random(n_bids), rng.random(n_bids)
    impact = rng.random((n_bids, 3))
    raw = rng.dirichlet(np.ones(3))
    criteria = _criteria(quality=raw[0], price=raw[1], net_impact=1 - raw[0] - raw[1])
    flip = smallest_weight_change_to_flip(
        tuple(f"b{i}" for i in range(n_bids)), quality, price, impact, criteria
    )
    scores = np.column_stack([quality, price, impact.mean(axis=1)])
    weights = np.array([criteria.quality, criteria.price, criteria.net_impact])
    winner = int(np.argmax(scores @ weights))
    # Linear programme per challenger: min sum(u + v) s.t. w + u - v >= 0, sum(u - v) = 0,
    # (w + u - v) . (x_c - x_winner) >= 0.
    best = np.inf
    for c in range(n_bids):
        if c == winner:
            continue
        d = scores[c] - scores[winner]
        res = linprog(
            np.ones(6),
            A_ub=np.vstack([np.r_[-d, d], np.column_stack([-np.eye(3), np.eye(3)])]),
            b_ub=np.r_[weights @ d, weights],
            A_eq=np.r_[np.ones(3), -np.ones(3)][None, :],
            b_eq=[0.0],
            bounds=[(0, None)] * 6,
            method="highs",
        )
        if res.status == 0:
            best = min(best, res.fun / 2)
    if flip.points_moved is None:
        assert best == np.inf
        return
    assert flip.points_moved / 100 == pytest.approx(best, abs=1e-9)
    assert flip.points_moved / 100 <= _brute_force_points(scores, weights, winner) + 1e-12
    assert _brute_force_points(scores, weights, winner) <= flip.points_moved / 100 + 0.005
    new = np.array([flip.new_weights[k] for k in ("quality", "price", "net_impact")])
    assert new.sum() == pytest.approx(1.0) and (new >= -1e-12).all()
    challenger = int(flip.new_winner[1:])
    assert scores[challenger] @ new == pytest.approx(scores[winner] @ new, abs=1e-9)
    assert (scores @ new).max() == pytest.approx(scores[winner] @ new, abs=1e-9)  # nobody overtook first


def test_no_flip_when_the_winner_leads_on_every_criterion() -> None:
    flip = smallest_weight_change_to_flip(
        ("A", "B"), np.array([0.9, 0.1]), np.array([0.9, 0.1]), np.array([[0.9], [0.1]]), _criteria()
    )
    assert flip.winner == "A" and flip.new_winner is None and flip.points_moved is None
    assert "wins under all of them" in flip.to_dict()["sentence"]


# Tornado -------------------------------------------------------------------------------------------------


def test_tornado_sorts_parameters_by_swing_and_flags_order_changes() -> None:
    parameters = ParameterSet.default()

    def net_impact(p: ParameterSet) -> np.ndarray:
        return np.array([1000.0 * p["t_adj"], 700.0 + 10.0 * p["k_hops"]])

    result = tornado(net_impact, parameters, ["k_hops", "t_adj"], {"k_hops": (1.0, 5.0)}, ("A", "B"))
    assert [bar.parameter for bar in result.bars] == ["t_adj", "k_hops"]
    t_adj = result.bars[0]
    assert (t_adj.low, t_adj.high) == pytest.approx(default_low_high(parameters, "t_adj"))
    assert t_adj.low < 0.5 < t_adj.high
    assert t_adj.swing == pytest.approx(1000.0 * (t_adj.high - t_adj.low))
    assert t_adj.order_changes  # at t_adj's high A overtakes B
    assert not result.bars[1].order_changes and result.bars[1].swing == pytest.approx(40.0)
    assert result.to_dict()["bars"][1]["net_impact_high"]["B"] == pytest.approx(750.0)


def test_tornado_needs_a_range_for_a_parameter_without_a_distribution() -> None:
    with pytest.raises(RankingError, match="'k_hops' has no distribution"):
        tornado(lambda p: np.zeros(1), ParameterSet.default(), ["k_hops"])


def test_every_result_serialises_to_json() -> None:
    import json

    quality, price = np.array([0.8, 0.7]), np.array([0.5, 0.5])
    impact = np.array([[0.5, 0.4], [0.95, 0.9]])
    criteria = _criteria()
    documents = [
        price_scores(("A", "B"), [1.0, 2.0], PriceFormula.BUDGET_ANCHORED, 1.5).to_dict(),
        rank_stability(("A", "B"), quality, price, impact, criteria, n_samples=500).to_dict(),
        smallest_weight_change_to_flip(("A", "B"), quality, price, impact, criteria).to_dict(),
        tornado(lambda p: np.array([p["t_adj"], 1.0]), ParameterSet.default(), ["t_adj"]).to_dict(),
    ]
    assert json.loads(json.dumps(documents))[1]["winner"] == "B"
