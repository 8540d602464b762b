"""Financial vulnerability of an organisation: months of reserves and the Tuckman & Chang indicators.

Sources
- Tuckman, H. P. & Chang, C. F. (1991) "A methodology for measuring the financial vulnerability of
  charitable nonprofit organizations", Nonprofit and Voluntary Sector Quarterly 20(4): 445-460. Four
  indicators: equity ratio, revenue concentration, administrative cost ratio and operating margin. An
  organisation is "at risk" when it lies in the bottom quintile of its peers on any one indicator, and
  "severely at risk" when it does on all four (the quintile is taken in the direction of vulnerability:
  low equity, high concentration, low administrative costs, low margin).
- Greenlee, J. S. & Trussel, J. M. (2000) "Predicting the financial vulnerability of charitable
  organizations", Nonprofit Management & Leadership 11(2): 199-210, tested the same four indicators as
  predictors of a later cut in programme spending and found them predictive. They fit a logit rather than
  fixed cut-offs, so the thresholds here follow Tuckman & Chang's quintile rule.
- Clifford, D. & Mohan, J. (2020), on 12,700 charities in England and Wales with income of at least
  £500k: 21% held less than one month of spending in reserve; median 3.92 months (reported by Third
  Sector, "More than one in five charities have less than a month's financial reserves").

Every ratio whose denominator is zero is None (not infinite, not an error): an organisation with no income
has no equity ratio, and the pages say "no income recorded" rather than show a number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from .ecosystem import Ecosystem, FinancialYear, Organisation
from .vocabulary import IncomeSource

MONTHS_PER_YEAR = 12
TUCKMAN_CHANG_QUANTILE = 0.2  # bottom quintile of the peer group (Tuckman & Chang 1991)
TIE_MARGIN = 1e-9  # a ratio this close to a peer cut-off counts as at it
MONEY_ROUNDING = 1e-6  # £: a fall may overshoot the recorded income by float rounding only


@dataclass(frozen=True, slots=True)
class VulnerabilityThresholds:
    """Where each indicator starts to flag vulnerability; `source` says where the figures come from.

    An organisation is flagged when equity ratio < equity_ratio_below, revenue concentration >
    concentration_above, administrative cost ratio < admin_cost_ratio_below, operating margin <
    operating_margin_below, or months of reserves < months_of_reserves_below.
    """

    equity_ratio_below: float
    concentration_above: float
    admin_cost_ratio_below: float
    operating_margin_below: float
    months_of_reserves_below: float
    source: str


ASSUMED_THRESHOLDS = VulnerabilityThresholds(
    # Used when no peer group is at hand. Tuckman & Chang's cut-offs are quintiles of a sample, not fixed
    # numbers; these are the project's assumptions, each chosen to sit near the vulnerable tail:
    equity_ratio_below=0.10,  # net assets under about five weeks of revenue (assumption)
    concentration_above=0.75,  # HHI: one source gives over about 85% of income (assumption)
    admin_cost_ratio_below=0.05,  # under 5% of revenue on administration: little left to cut (assumption)
    operating_margin_below=0.0,  # a deficit (assumption; Tuckman & Chang use the bottom quintile)
    months_of_reserves_below=1.0,  # the lowest band in Clifford & Mohan (2020): 21% of charities
    source="netimpact assumptions (fixed cut-offs); months of reserves after Clifford & Mohan (2020)",
)


@dataclass(frozen=True, slots=True)
class VulnerabilityIndicators:
    """One financial year's indicators and which of them flag vulnerability.

    Figures are None where their denominator is zero. `flags` names the indicators past their threshold
    (values: "equity_ratio", "revenue_concentration", "admin_cost_ratio", "operating_margin",
    "months_of_reserves").
    """

    year: int
    income: float  # £ in the year
    expenditure: float  # £ in the year
    months_of_reserves: float | None  # free reserves / (expenditure / 12)
    equity_ratio: float | None  # net assets / revenue
    revenue_concentration: float | None  # HHI of income shares by source, 0..1 (1 = a single source)
    admin_cost_ratio: float | None  # administrative costs / revenue
    operating_margin: float | None  # (revenue - expenditure) / revenue
    flags: frozenset[str]
    thresholds: VulnerabilityThresholds

    TUCKMAN_CHANG = ("equity_ratio", "revenue_concentration", "admin_cost_ratio", "operating_margin")

    @property
    def at_risk(self) -> bool:
        """Tuckman & Chang's "at risk": past the threshold on at least one of their four indicators."""
        return any(name in self.flags for name in self.TUCKMAN_CHANG)

    @property
    def severely_at_risk(self) -> bool:
        """Tuckman & Chang's "severely at risk": past the threshold on all four of their indicators."""
        return all(name in self.flags for name in self.TUCKMAN_CHANG)

    @property
    def reserves_flagged(self) -> bool:
        return "months_of_reserves" in self.flags

    def value(self, indicator: str) -> float | None:
        return {
            "months_of_reserves": self.months_of_reserves,
            "equity_ratio": self.equity_ratio,
            "revenue_concentration": self.revenue_concentration,
            "admin_cost_ratio": self.admin_cost_ratio,
            "operating_margin": self.operating_margin,
        }[indicator]

    def explain(self) -> list[str]:
        """One plain sentence per indicator, for pages and the engine's explanations."""
        return [
            _explain(name, self.value(name), name in self.flags, self.thresholds) for name in INDICATOR_LABELS
        ]


INDICATOR_LABELS = {
    "months_of_reserves": "Months of reserves",
    "equity_ratio": "Equity ratio (net assets / income)",
    "revenue_concentration": "Income concentration (HHI, 1 = a single source)",
    "admin_cost_ratio": "Administrative costs / income",
    "operating_margin": "Operating margin",
}


def _explain(name: str, value: float | None, flagged: bool, thresholds: VulnerabilityThresholds) -> str:
    label = INDICATOR_LABELS[name]
    if value is None:
        missing = "no spending recorded" if name == "months_of_reserves" else "no income recorded"
        return f"{label}: not available ({missing})" + (
            "; flagged: spending with no income" if flagged else ""
        )
    shown = {
        "months_of_reserves": f"{value:.1f} months",
        "operating_margin": f"{value:+.1%}",
        "admin_cost_ratio": f"{value:.1%}",
    }.get(name, f"{value:.2f}")
    line = {
        "months_of_reserves": ("below", thresholds.months_of_reserves_below, "{:.1f} months"),
        "equity_ratio": ("below", thresholds.equity_ratio_below, "{:.2f}"),
        "revenue_concentration": ("above", thresholds.concentration_above, "{:.2f}"),
        "admin_cost_ratio": ("below", thresholds.admin_cost_ratio_below, "{:.1%}"),
        "operating_margin": ("below", thresholds.operating_margin_below, "{:+.1%}"),
    }[name]
    side, limit, fmt = line
    verdict = (
        f"flagged ({side} {fmt.format(limit)})" if flagged else f"not flagged (threshold {fmt.format(limit)})"
    )
    return f"{label}: {shown}, {verdict}"


def months_of_reserves(fy: FinancialYear) -> float | None:
    """Free reserves / monthly expenditure, in months; None when the year had no expenditure."""
    return _ratio(fy.free_reserves, fy.expenditure / MONTHS_PER_YEAR)


def equity_ratio(fy: FinancialYear) -> float | None:
    """Net assets / revenue (Tuckman & Chang 1991); None when the year had no income."""
    return _ratio(fy.net_assets, fy.income)


def revenue_concentration(fy: FinancialYear) -> float | None:
    """Herfindahl-Hirschman index of income shares by source (Tuckman & Chang 1991), 0..1.

    1 means a single source. Sources with no (or negative, e.g. investment losses) income are left out of
    the shares. None when no source brought in any income.
    """
    positive = [amount for amount in fy.income_by_source.values() if amount > 0]
    total = sum(positive)
    if total <= 0:
        return None
    return float(sum((amount / total) ** 2 for amount in positive))


def admin_cost_ratio(fy: FinancialYear) -> float | None:
    """Administrative (governance, fundraising) costs / revenue (Tuckman & Chang 1991); None at no income."""
    return _ratio(fy.admin_costs, fy.income)


def operating_margin(fy: FinancialYear) -> float | None:
    """(Revenue - expenditure) / revenue (Tuckman & Chang 1991); None when the year had no income."""
    return _ratio(fy.income - fy.expenditure, fy.income)


def vulnerability_indicators(
    fy: FinancialYear, thresholds: VulnerabilityThresholds = ASSUMED_THRESHOLDS
) -> VulnerabilityIndicators:
    """The indicators for one financial year and the flags the thresholds raise."""
    figures = {
        "months_of_reserves": months_of_reserves(fy),
        "equity_ratio": equity_ratio(fy),
        "revenue_concentration": revenue_concentration(fy),
        "admin_cost_ratio": admin_cost_ratio(fy),
        "operating_margin": operating_margin(fy),
    }
    return VulnerabilityIndicators(
        year=fy.year,
        income=fy.income,
        expenditure=fy.expenditure,
        months_of_reserves=figures["months_of_reserves"],
        equity_ratio=figures["equity_ratio"],
        revenue_concentration=figures["revenue_concentration"],
        admin_cost_ratio=figures["admin_cost_ratio"],
        operating_margin=figures["operating_margin"],
        flags=_flags(figures, fy, thresholds),
        thresholds=thresholds,
    )


def _flags(
    figures: dict[str, float | None], fy: FinancialYear, thresholds: VulnerabilityThresholds
) -> frozenset[str]:
    flags: set[str] = set()
    checks = {
        "equity_ratio": lambda v: v < thresholds.equity_ratio_below,
        "revenue_concentration": lambda v: v > thresholds.concentration_above,
        "admin_cost_ratio": lambda v: v < thresholds.admin_cost_ratio_below,
        "operating_margin": lambda v: v < thresholds.operating_margin_below,
        "months_of_reserves": lambda v: v < thresholds.months_of_reserves_below,
    }
    for name, past_threshold in checks.items():
        value = figures[name]
        if value is not None and past_threshold(value):
            flags.add(name)
    # Spending with no income at all is the most vulnerable position there is, though no ratio exists.
    if fy.income <= 0 < fy.expenditure:
        flags.add("operating_margin")
    return frozenset(flags)


def financial_year_after(fy: FinancialYear, income_change: float, source: IncomeSource) -> FinancialYear:
    """The year as it would look with income from `source` changed by `income_change` £ (negative: a loss).

    Expenditure, reserves, net assets and administrative costs stay as they were: the figures show the
    position the day the income goes, before the organisation has had time to cut its costs.
    """
    return financial_year_after_changes(fy, {source: income_change})


def financial_year_after_changes(fy: FinancialYear, changes: Mapping[IncomeSource, float]) -> FinancialYear:
    """The year with several sources changed at once, e.g. a lost contract and a new subcontract."""
    income_by_source = dict(fy.income_by_source)
    for source, change in changes.items():
        if not math.isfinite(change):
            raise ValueError(f"income change for {source.value} must be a finite £ amount, got {change!r}")
        before = income_by_source.get(source, 0.0)
        after = before + change
        if after < -MONEY_ROUNDING:
            raise ValueError(
                f"year {fy.year}: income from {source.value} is £{before:,.0f}; "
                f"it cannot fall by £{-change:,.0f}"
            )
        income_by_source[source] = max(0.0, after)
    return replace(fy, income_by_source=income_by_source)


def indicators_after(
    fy: FinancialYear,
    income_change: float,
    source: IncomeSource = IncomeSource.GOVERNMENT_CONTRACTS,
    thresholds: VulnerabilityThresholds = ASSUMED_THRESHOLDS,
) -> VulnerabilityIndicators:
    """The indicators recomputed after income from `source` changes by `income_change` £ (negative: falls).

    The engine reports these beside `vulnerability_indicators(fy)` for each organisation an award touches.
    Raises ValueError if the fall is larger than the income recorded from that source.
    """
    return vulnerability_indicators(financial_year_after(fy, income_change, source), thresholds)


def indicators_after_changes(
    fy: FinancialYear,
    changes: Mapping[IncomeSource, float],
    thresholds: VulnerabilityThresholds = ASSUMED_THRESHOLDS,
) -> VulnerabilityIndicators:
    """The indicators after several sources change at once (£ by source; negative: a loss)."""
    return vulnerability_indicators(financial_year_after_changes(fy, changes), thresholds)


def indicators_by_year(
    organisation: Organisation, thresholds: VulnerabilityThresholds = ASSUMED_THRESHOLDS
) -> list[VulnerabilityIndicators]:
    """The organisation's indicators for each financial year it has, oldest first."""
    return [
        vulnerability_indicators(fy, thresholds) for fy in sorted(organisation.finances, key=lambda f: f.year)
    ]


def latest_indicators(
    organisation: Organisation, thresholds: VulnerabilityThresholds = ASSUMED_THRESHOLDS
) -> VulnerabilityIndicators | None:
    latest = organisation.latest_finances
    return None if latest is None else vulnerability_indicators(latest, thresholds)


def peer_thresholds(
    years: Iterable[FinancialYear], quantile: float = TUCKMAN_CHANG_QUANTILE, source: str = "peer group"
) -> VulnerabilityThresholds:
    """Tuckman & Chang's rule: the cut-offs are the peer group's bottom quintile on each indicator.

    `years` is the peer group (e.g. the latest year of every local VCSE organisation in the register).
    Low equity, low administrative costs and low margin are vulnerable, so those cut-offs are the
    `quantile`-th quantile; high concentration is vulnerable, so its cut-off is the (1 - quantile)-th.
    Months of reserves keeps Clifford & Mohan's one-month line, which is an absolute, published figure.
    An organisation exactly at a cut-off counts as inside the quintile: tied organisations share a rank,
    so when many sit at the extreme (e.g. every single-source group at concentration 1) all are flagged.
    """
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must lie strictly between 0 and 1, got {quantile}")
    peers = list(years)
    if not peers:
        raise ValueError("peer_thresholds needs at least one financial year")

    def cut(values: Sequence[float | None], q: float) -> float:
        known = sorted(v for v in values if v is not None)
        if not known:
            raise ValueError("no peer has income, so no Tuckman & Chang threshold can be set")
        return _quantile(known, q)

    # The flags compare strictly, so nudge each cut-off a hair into the safe side to include ties.
    return VulnerabilityThresholds(
        equity_ratio_below=cut([equity_ratio(fy) for fy in peers], quantile) + TIE_MARGIN,
        concentration_above=cut([revenue_concentration(fy) for fy in peers], 1 - quantile) - TIE_MARGIN,
        admin_cost_ratio_below=cut([admin_cost_ratio(fy) for fy in peers], quantile) + TIE_MARGIN,
        operating_margin_below=cut([operating_margin(fy) for fy in peers], quantile) + TIE_MARGIN,
        months_of_reserves_below=ASSUMED_THRESHOLDS.months_of_reserves_below,
        source=f"Tuckman & Chang (1991) quintile rule over {len(peers)} years of {source}",
    )


def register_thresholds(eco: Ecosystem, quantile: float = TUCKMAN_CHANG_QUANTILE) -> VulnerabilityThresholds:
    """Tuckman & Chang thresholds, the register's local VCSE, faith groups and social enterprises as peers.

    Each peer contributes its latest year. Raises ValueError if the register has no such organisation with
    accounts.
    """
    peers = [
        latest
        for o in eco.organisations
        if o.kind.is_local_ecosystem and (latest := o.latest_finances) is not None
    ]
    return peer_thresholds(peers, quantile, source=f"the local VCSE and faith organisations of {eco.name}")


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default method), without numpy."""
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else float(numerator / denominator)
