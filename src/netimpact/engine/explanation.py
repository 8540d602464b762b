"""Explanations: the chain of causes behind every organisation put at risk, in words and numbers.

One set of types feeds the CLI, the web pages and the decision report. Numbers in the words come from the
central estimate (every parameter at its value, every claim at its evidence weight, no noise); the
Monte Carlo's spread is given beside them (closure probability, final distress interval).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


def money(amount: float) -> str:
    """£180k, £1.2m, £950: how officers write amounts."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= 999_500:
        return f"{sign}£{amount / 1e6:.1f}m"
    if amount >= 9_995:
        return f"{sign}£{amount / 1e3:.0f}k"
    if amount >= 1_000:
        return f"{sign}£{amount / 1e3:.1f}k"
    return f"{sign}£{amount:,.0f}"


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure under uncertainty: median and 90% interval of the Monte Carlo draws.

    The draws themselves stay in memory for ranking (probability one bid beats another) but are not part
    of the JSON document.
    """

    median: float
    low: float  # 5th percentile
    high: float  # 95th percentile
    unit: str
    explanation: str
    draws: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.zeros(0))

    @classmethod
    def from_draws(cls, draws: np.ndarray, unit: str, explanation: str) -> Figure:
        values = np.asarray(draws, dtype=float)
        low, median, high = np.quantile(values, [0.05, 0.5, 0.95]) if values.size else (0.0, 0.0, 0.0)
        return cls(float(median), float(low), float(high), unit, explanation, values)

    def to_dict(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class DistressLink:
    """Distress that passed between two organisations, and the ties it passed through."""

    organisation: str  # Org-ID of the other organisation
    name: str
    distress: float  # added to the receiver's h (0..1), central estimate
    through: list[str]  # the ties, in words ("£40k subcontract")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class OrganisationAtRisk:
    """Why an organisation is at risk under an award: its loss, its buffer, the distress in and out."""

    organisation: str
    name: str
    income_change_per_year: float  # £, central (negative = loss)
    income_lost_per_year: float  # £ of replaced streams it loses
    lost_streams: list[str]  # the replaced streams, in words
    income_per_year: float  # £ before the award
    share_of_income_lost: float | None  # None when no income is recorded
    reserves: float  # £ free reserves
    months_of_reserves: float | None  # reserves / monthly expenditure
    has_accounts: bool
    first_round_distress: float  # h0, central
    final_distress: float  # h, central
    final_distress_low: float  # 5th percentile over the draws
    final_distress_high: float  # 95th percentile over the draws
    closure_probability: float  # share of draws with h >= 1
    received_from: list[DistressLink]
    passed_on_to: list[DistressLink]
    social_capital_per_year: float  # S_i, £/year, central
    social_capital_at_risk: float  # h x S x discounted rebuild years, £, central
    indicators_before: dict[str, Any] | None
    indicators_after: dict[str, Any] | None
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_from"] = [link.to_dict() for link in self.received_from]
        data["passed_on_to"] = [link.to_dict() for link in self.passed_on_to]
        return data


def at_risk_sentence(risk: OrganisationAtRisk, t_adj: float) -> str:
    """The chain of causes in one paragraph, e.g. "loses £180k contract income, 61% of its income; ...".

    Built from the structured fields so that the words and the numbers cannot disagree.
    """
    parts: list[str] = []
    if risk.income_lost_per_year > 0:
        share = (
            "" if risk.share_of_income_lost is None else f", {risk.share_of_income_lost:.0%} of its income"
        )
        streams = f" ({'; '.join(risk.lost_streams)})" if risk.lost_streams else ""
        parts.append(f"loses {money(risk.income_lost_per_year)} a year of income{streams}{share}")
        gained = risk.income_change_per_year + risk.income_lost_per_year
        if gained > 0:
            parts.append(f"gains {money(gained)} a year under the bid")
    if not risk.has_accounts:
        parts.append("no accounts in the register, so no reserves are assumed")
    elif risk.months_of_reserves is not None:
        parts.append(f"{risk.months_of_reserves:.1f} months of reserves ({money(risk.reserves)})")
    if risk.first_round_distress > 0:
        parts.append(
            f"the loss over the {t_adj:g}-year adjustment time puts it at {risk.first_round_distress:.0%} "
            "distress before any knock-on effect"
        )
    for link in risk.received_from:
        parts.append(
            f"receives {link.distress:.0%} distress from {link.name} through {', '.join(link.through)}"
        )
    for link in risk.passed_on_to:
        parts.append(
            f"{link.distress:.0%} distress passed on to {link.name} through {', '.join(link.through)}"
        )
    parts.append(
        f"final distress {risk.final_distress:.0%} (90% interval {risk.final_distress_low:.0%}-"
        f"{risk.final_distress_high:.0%}); closes in {risk.closure_probability:.0%} of draws"
    )
    if risk.social_capital_at_risk > 0:
        parts.append(f"social capital at risk {money(risk.social_capital_at_risk)}")
    return f"{risk.name}: " + "; ".join(parts) + "."
