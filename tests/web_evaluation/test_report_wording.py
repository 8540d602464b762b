"""netimpact.engine.report: how the evaluation document reads, shared by the web pages (and the CLI)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from netimpact.engine.report import (
    COMPONENTS,
    cohort_changes,
    figure_text,
    finite,
    ranked_bids,
    unit_label,
)


def _figure(median, low, high, unit="GBP"):
    return {"median": median, "low": low, "high": high, "unit": unit, "explanation": "why"}


def _cohort(cohort, coverage, falling, low=None, high=None):
    return {
        "cohort": cohort,
        "size_per_year": 100.0,
        "coverage": {"median": coverage},
        "people_falling_through": {"median": falling, "p05": low, "p95": high},
        "missing_links": [],
    }


def _document():
    return {
        "bids": [
            {"bid": "b-low", "net_impact": _figure(-5.0, -6.0, -4.0), "pathways": {"cohorts": []}},
            {
                "bid": "b-high",
                "net_impact": _figure(1.0, 0.0, 2.0),
                "pathways": {"cohorts": [_cohort("c1", 0.7, 30.0, 10.0, 30.0)]},
            },
            {"bid": "b-unscored", "net_impact": _figure(9.0, 8.0, 10.0), "pathways": None},
        ],
        "status_quo": {"pathways": {"cohorts": [_cohort("c1", 1.0, 0.0), _cohort("c2", 0.9, 10.0)]}},
        "ranking": {"award_score_median": {"b-low": 0.4, "b-high": 0.9, "b-unscored": None}},
    }


def test_a_figure_reads_with_its_unit_and_interval():
    assert figure_text(_figure(1_234_567, -20_000, 2_500_000)) == "£1.2m (90% interval -£20k to £2.5m)"
    assert figure_text(_figure(650_000, 600_000, 700_000, "GBP/year")).startswith("£650k a year (")
    assert figure_text(_figure(3.0, 1.0, 4.0, "organisations")) == "3 organisations (90% interval 1 to 4)"
    assert figure_text(_figure(None, 1.0, 2.0)) == "undefined (why)"
    assert unit_label("GBP") == "£ over the contract term, discounted"
    assert unit_label("furlongs") == "furlongs"  # an unknown unit is shown as the engine wrote it


def test_the_components_are_the_engines_four_with_their_signs():
    assert [(c.key, c.sign) for c in COMPONENTS] == [
        ("committed_social_value", "+"),
        ("local_multiplier_value", "+"),
        ("social_capital_at_risk", "-"),
        ("cost_of_falling_through", "-"),
    ]


def test_bids_rank_by_award_score_with_unscored_bids_last():
    assert ranked_bids(_document()) == ["b-high", "b-low", "b-unscored"]
    no_ranking = {**_document(), "ranking": None}
    assert ranked_bids(no_ranking) == ["b-unscored", "b-high", "b-low"]  # then by net impact


def test_cohort_coverage_before_and_after_an_award():
    high, low = cohort_changes(_document(), "b-high"), cohort_changes(_document(), "b-low")

    assert [c.cohort for c in high] == ["c1", "c2"]  # the status quo's order, every cohort
    assert (high[0].coverage_before, high[0].coverage_after) == (1.0, 0.7)
    assert (high[0].falling_through_after_low, high[0].falling_through_after_high) == (10.0, 30.0)
    assert high[0].extra_falling_through == 30.0
    assert high[1].coverage_after is None and high[1].extra_falling_through is None  # no figure after
    assert low[0].coverage_before == 1.0 and low[0].coverage_after is None
    with pytest.raises(KeyError, match="no bid 'b-missing'"):
        cohort_changes(_document(), "b-missing")


def test_finite_gives_strict_json():
    document = {"a": math.nan, "b": [np.float64(1.5), np.int64(2), math.inf], 3: np.array([1.0, np.nan])}

    cleaned = finite(document)

    assert cleaned == {"a": None, "b": [1.5, 2, None], "3": [1.0, None]}
    json.dumps(cleaned, allow_nan=False)


def _tornado(winner_low, winner_high):
    from netimpact.engine.report import SENSITIVITY_PARAMETERS

    bar = {
        "parameter": "t_adj",
        "unit": "years",
        "value": 0.5,
        "low": 0.35,
        "high": 0.86,
        "winner_low": winner_low,
        "winner_high": winner_high,
    }
    other = {
        **bar,
        "parameter": "discount_rate",
        "unit": "per year",
        "low": 0.015,
        "high": 0.05,
        "winner_low": "a",
        "winner_high": "a",
    }
    assert {p.name for p in SENSITIVITY_PARAMETERS} >= {"t_adj", "discount_rate"}
    return {"winner": "a", "bars": [bar, other]}


def test_the_winner_sentence_names_each_parameter_end_that_changes_the_winner():
    from netimpact.engine.report import winner_changes, winner_sentence

    steady = _tornado("a", "a")
    assert winner_changes(steady) == []
    assert winner_sentence(steady, {"a": "Bid A"}) == (
        "No single parameter at its low or high value changes the winner: Bid A (a) wins at every one of "
        "the 2 parameters' ends."
    )
    moved = _tornado("a", "b")
    assert [(c["parameter"], c["end"], c["winner"]) for c in winner_changes(moved)] == [
        ("t_adj", "high", "b")
    ]
    assert winner_sentence(moved, {"a": "Bid A", "b": "Bid B"}) == (
        "The winner, Bid A (a), changes when one parameter moves alone: t_adj at its high value "
        "(0.86 years) makes Bid B (b) the winner."
    )
    assert winner_sentence({"winner": None, "bars": []}).startswith("No bid has an award score")
