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
