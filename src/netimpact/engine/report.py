"""How an evaluation document (Evaluation.to_dict()) reads: the components' names and signs, a figure
with its unit and 90% interval, the bids in ranked order, and cohort coverage before and after an award.

Plain Python over the JSON document, so the CLI report and the web pages can say the same thing the same
way; the web app uses it (netimpact.web.commissioning), the CLI may adopt it in place of its own copies.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .explanation import money


def finite(value: Any) -> Any:
    """The document as strict JSON: NaN and infinities (undefined figures) become null, numpy values
    plain Python ones."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if isinstance(value, np.ndarray):
        return finite(value.tolist())
    if isinstance(value, np.generic):
        return finite(value.item())
    return value


@dataclass(frozen=True, slots=True)
class Component:
    key: str  # key in a bid's "components"
    label: str
    sign: str  # how it enters net impact: "+" adds, "-" subtracts
    meaning: str


COMPONENTS = (
    Component(
        "committed_social_value",
        "Committed social value",
        "+",
        "What the bid's commitments (jobs, volunteering, space) are worth, net of what would happen anyway.",
    ),
    Component(
        "local_multiplier_value",
        "Local multiplier value (LM3)",
        "+",
        "Money the contract keeps circulating in the city, against the contracts it replaces.",
    ),
    Component(
        "social_capital_at_risk",
        "Social capital at risk",
        "-",
        "Volunteers, space, staff and trust lost when local organisations are put in distress or close.",
    ),
    Component(
        "cost_of_falling_through",
        "Cost of people falling through",
        "-",
        "Extra people the cohorts' pathways no longer reach, at each cohort's cost of unmet need.",
    ),
)

# The engine's units, as a reader says them.
UNIT_LABELS = {
    "GBP": "£ over the contract term, discounted",
    "GBP/year": "£ a year",
    "share": "share (0 to 1)",
    "organisations": "organisations",
    "people/year": "people a year",
}


def unit_label(unit: str) -> str:
    return UNIT_LABELS.get(unit, unit)


def figure_text(figure: Mapping[str, Any]) -> str:
    """ "£1.2m (90% interval £0.8m to £1.6m)"; a figure the engine could not define says why."""
    median, low, high = figure.get("median"), figure.get("low"), figure.get("high")
    if median is None or low is None or high is None:
        return f"undefined ({figure.get('explanation', '')})"
    unit = str(figure.get("unit", ""))
    if unit.startswith("GBP"):
        suffix = " a year" if unit == "GBP/year" else ""
        return f"{money(median)}{suffix} (90% interval {money(low)} to {money(high)})"
    return f"{median:.3g} {unit_label(unit)} (90% interval {low:.3g} to {high:.3g})"


def ranked_bids(evaluation: Mapping[str, Any]) -> list[str]:
    """Bid ids best first: by median award score, then by median net impact; unscored bids last."""
    ranking = evaluation.get("ranking") or {}
    award = ranking.get("award_score_median") or {}
    impact = {b["bid"]: b["net_impact"]["median"] for b in evaluation["bids"]}

    def order(bid_id: str) -> tuple[bool, float, float, str]:
        score = award.get(bid_id)
        return (score is None, -(score or 0.0), -(impact.get(bid_id) or 0.0), bid_id)

    return sorted(impact, key=order)


@dataclass(frozen=True, slots=True)
class CohortChange:
    """One cohort's pathways in the status quo and after awarding to one bid (medians over the draws)."""

    cohort: str
    size_per_year: float  # people a year
    coverage_before: float | None  # share of the cohort a pathway reaches, 0..1
    coverage_after: float | None
    falling_through_before: float | None  # people a year
    falling_through_after: float | None
    falling_through_after_low: float | None  # 5th percentile, people a year
    falling_through_after_high: float | None  # 95th percentile

    @property
    def extra_falling_through(self) -> float | None:
        if self.falling_through_before is None or self.falling_through_after is None:
            return None
        return self.falling_through_after - self.falling_through_before


def cohort_changes(evaluation: Mapping[str, Any], bid_id: str) -> list[CohortChange]:
    """Each of the exercise's cohorts, status quo beside the award to `bid_id`, in the status quo's order."""
    bid = next((b for b in evaluation["bids"] if b["bid"] == bid_id), None)
    if bid is None:
        raise KeyError(f"the evaluation has no bid {bid_id!r}")
    after = {c["cohort"]: c for c in (bid.get("pathways") or {}).get("cohorts", [])}
    changes = []
    for before in evaluation["status_quo"]["pathways"]["cohorts"]:
        now = after.get(before["cohort"], {})
        falling = now.get("people_falling_through") or {}
        changes.append(
            CohortChange(
                cohort=before["cohort"],
                size_per_year=before["size_per_year"],
                coverage_before=before["coverage"]["median"],
                coverage_after=(now.get("coverage") or {}).get("median"),
                falling_through_before=before["people_falling_through"]["median"],
                falling_through_after=falling.get("median"),
                falling_through_after_low=falling.get("p05"),
                falling_through_after_high=falling.get("p95"),
            )
        )
    return changes


# ------------------------------------------------------------------------ sensitivity to the parameters


@dataclass(frozen=True, slots=True)
class SensitivityParameter:
    """A parameter the tornado moves. Low and high default to the 5th and 95th percentiles of its Monte
    Carlo distribution (ranking.default_low_high); a parameter the draws hold fixed needs them here, with
    where the range comes from."""

    name: str
    low: float | None = None
    high: float | None = None
    range_source: str = "5th and 95th percentiles of its distribution"


_HCA_RANGE = "Homes and Communities Agency Additionality Guide ready reckoner: none (0%) to medium (50%)"

# Parameters with uncertainty, or that a council would plausibly set (impact-model.md section 8). The CLI
# (`netimpact evaluate --tornado`) and the evaluation page both use this list.
SENSITIVITY_PARAMETERS = (
    SensitivityParameter("t_adj"),
    SensitivityParameter("p_unconfirmed"),
    SensitivityParameter("rebuild_cap_years", 5.0, 20.0, "assumption: half to twice the ten-year cap"),
    SensitivityParameter(
        "discount_rate",
        0.015,
        0.05,
        "HM Treasury Green Book: 1.5% (its rate for health effects) to 5% (assumption: a higher rate)",
    ),
    SensitivityParameter("respend_share"),
    SensitivityParameter("lm3_local_share"),
    SensitivityParameter("value_per_volunteer_hour"),
    SensitivityParameter("value_per_community_space_hour"),
    SensitivityParameter("value_per_local_staff"),
    SensitivityParameter("value_per_person_reached"),
    SensitivityParameter("value_per_year_of_trust"),
    SensitivityParameter("deadweight", 0.0, 0.5, _HCA_RANGE),
    SensitivityParameter("displacement", 0.0, 0.5, _HCA_RANGE),
    SensitivityParameter("attribution", 0.0, 0.5, "assumption: none to half owed to others"),
    SensitivityParameter("k_hops", 2.0, 4.0, "assumption: one referral fewer or more than the default 3"),
)

# Few draws are enough: every evaluation uses the same seed, so a bar shows the parameter, not noise.
SENSITIVITY_DRAWS = 200


def sensitivity(
    ecosystem: Any,
    exercise: Any,
    bids: Any,
    parameters: Any = None,
    draws: int = SENSITIVITY_DRAWS,
    seed: int = 0,
    chosen: tuple[SensitivityParameter, ...] = SENSITIVITY_PARAMETERS,
) -> dict[str, Any]:
    """Tornado of median net impact per bid (netimpact.engine.ranking.tornado), each chosen parameter moved
    alone to its low and high value, with the ranking's winner at each: a JSON-ready dict, bars largest
    swing first. The exercise's own parameter overrides are the base the parameters move from."""
    from dataclasses import replace

    from . import ranking
    from .evaluation import evaluate_exercise
    from .parameters import ParameterSet

    base = (parameters or ParameterSet.default()).with_overrides(exercise.parameters)
    # With the overrides folded into the base, the exercise must not reapply them over a moved parameter.
    plain = replace(exercise, parameters={})
    names = [p.name for p in chosen]
    low_high = {p.name: (p.low, p.high) for p in chosen if p.low is not None and p.high is not None}
    winners: dict[tuple[float, ...], str | None] = {}

    def median_net(params: Any) -> np.ndarray:
        result = evaluate_exercise(ecosystem, plain, bids, params, draws=draws, seed=seed)
        winners[tuple(params[n] for n in names)] = _winner(result)
        return np.array([b.net_impact.median for b in result.bids])

    found = ranking.tornado(median_net, base, names, low_high=low_high, bid_ids=[b.id for b in bids])
    at_base = tuple(base[n] for n in names)
    winner = winners[at_base]

    def winner_at(name: str, value: float) -> str | None:
        return winners[tuple(value if n == name else v for n, v in zip(names, at_base, strict=True))]

    document = finite(found.to_dict())
    ranges = {p.name: p.range_source for p in chosen}
    for bar in document["bars"]:
        bar["range_source"] = ranges[bar["parameter"]]
        bar["winner_low"] = winner_at(bar["parameter"], bar["low"])
        bar["winner_high"] = winner_at(bar["parameter"], bar["high"])
        bar["changes_winner"] = winner != bar["winner_low"] or winner != bar["winner_high"]
    document.update(draws=draws, seed=seed, winner=winner)
    return document


def _winner(result: Any) -> str | None:
    """The ranking's first bid (as ranked_bids orders them), or None when no bid has an award score."""
    if result.ranking is None:
        return None
    ranking = result.ranking.to_dict()
    document = {
        "ranking": ranking,
        "bids": [{"bid": b.bid, "net_impact": {"median": b.net_impact.median}} for b in result.bids],
    }
    first = ranked_bids(document)[0] if result.bids else None
    award = ranking.get("award_score_median") or {}
    return first if award.get(first) is not None else None


def winner_changes(tornado: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each parameter value (low or high) at which the ranking's winner is not the published one."""
    changes = []
    for bar in tornado["bars"]:
        for end in ("low", "high"):
            if bar[f"winner_{end}"] != tornado["winner"]:
                changes.append(
                    {
                        "parameter": bar["parameter"],
                        "end": end,
                        "value": bar[end],
                        "unit": bar["unit"],
                        "winner": bar[f"winner_{end}"],
                    }
                )
    return changes


def parameter_value_text(value: float, unit: str) -> str:
    """A parameter's value with its unit as a reader says it: "3.5% a year", "£19.4 per hour"."""
    if unit.startswith("share") and 0 <= value <= 1:  # "66% of income", "20% of R2", "50%"
        return f"{value:.0%}{unit.removeprefix('share')}"
    if unit == "per year" and 0 <= value <= 1:  # a rate: "3.5% a year"
        return f"{value * 100:.3g}% a year"
    if unit == "probability" and 0 <= value <= 1:
        return f"{value:.0%} chance"
    text = f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if unit.startswith("GBP/"):  # a proxy value: "£19.4 per hour"
        return f"£{text} per {unit.removeprefix('GBP/')}"
    return f"{text} {unit}".strip()


def winner_sentence(tornado: Mapping[str, Any], titles: Mapping[str, str] | None = None) -> str:
    """Whether any single parameter at its low or high value changes the ranking's winner, and which."""
    titles = titles or {}

    def name(bid_id: str | None) -> str:
        if bid_id is None:
            return "no bid"
        return f"{titles[bid_id]} ({bid_id})" if bid_id in titles else bid_id

    winner = tornado.get("winner")
    if winner is None:
        return "No bid has an award score, so there is no winner to change."
    changes = winner_changes(tornado)
    if not changes:
        return (
            f"No single parameter at its low or high value changes the winner: {name(winner)} wins at "
            f"every one of the {len(tornado['bars'])} parameters' ends."
        )
    moved = "; ".join(
        f"{c['parameter']} at its {c['end']} value ({parameter_value_text(c['value'], c['unit'])}) makes "
        f"{name(c['winner'])} the winner"
        for c in changes
    )
    return f"The winner, {name(winner)}, changes when one parameter moves alone: {moved}."
