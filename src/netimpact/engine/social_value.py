"""Social capital (section 4), the local multiplier (section 6) and committed social value (section 6).

All money is £; "per year" figures are multiplied by discount factors here, never elsewhere. Year 0 (the
contract's first year) is undiscounted, year t is weighted 1 / (1 + r)^t (HM Treasury Green Book).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from netimpact.domain.commissioning import Bid
from netimpact.domain.vocabulary import ClaimState, CommitmentKind

from .funding import OrganisationTable

# Social capital S_i = sum over indicators of indicator x proxy value (per year).
SOCIAL_CAPITAL_PROXIES = (
    "value_per_volunteer_hour",
    "value_per_community_space_hour",
    "value_per_local_staff",
    "value_per_person_reached",
    "value_per_year_of_trust",
)

COMMITMENT_PROXY = {
    CommitmentKind.LOCAL_JOBS: "value_per_local_job",
    CommitmentKind.VOLUNTEERING_HOURS: "value_per_volunteer_hour",
    CommitmentKind.CAPACITY_BUILDING: "value_per_capacity_building_pound",
    CommitmentKind.PREMISES_HOURS: "value_per_community_space_hour",
    CommitmentKind.STAFF_TRANSFER: "value_per_staff_transfer",
    CommitmentKind.SERVICE_USER_TRANSITION: "value_per_service_user_transition",
    CommitmentKind.APPRENTICESHIPS: "value_per_apprenticeship_week",
}


def annuity(years: np.ndarray | float, rate: float) -> np.ndarray:
    """Sum of discount factors over `years` years from year 0: sum_{t < years} (1 + rate)^-t.

    A fractional last year counts in proportion (half a year at t = 5 adds 0.5 / 1.035^5).
    """
    span: np.ndarray = np.maximum(0.0, np.asarray(years, dtype=float))
    whole = np.floor(span)
    if rate == 0:
        return span
    v = 1.0 / (1.0 + rate)
    return np.asarray((1.0 - v**whole) / (1.0 - v) + (span - whole) * v**whole)


def discounted_years_with_drop_off(term: int, rate: float, drop_off: float) -> float:
    """sum_{t < term} (1 - drop_off)^t / (1 + rate)^t: full value in year 0, drop-off from the second year."""
    t = np.arange(max(0, term))
    return float(np.sum((1.0 - drop_off) ** t / (1.0 + rate) ** t))


@dataclass(frozen=True, slots=True)
class SocialCapital:
    """Indicators per organisation (n x 5, in SOCIAL_CAPITAL_PROXIES order) and rebuild years."""

    indicators: np.ndarray
    rebuild_years: np.ndarray  # min(age, rebuild cap); the cap where age is unknown
    rebuild_annuity: np.ndarray  # discounted years of loss per unit h and £ of S

    @classmethod
    def build(cls, table: OrganisationTable, rebuild_cap: float, rate: float) -> SocialCapital:
        age = np.where(np.isnan(table.age), rebuild_cap, table.age)
        rebuild = np.minimum(age, rebuild_cap)
        indicators = np.column_stack(
            [
                table.volunteer_hours,
                table.community_space_hours,
                table.local_staff,
                table.people_reached,
                rebuild,  # years of trust, up to the rebuild cap
            ]
        )
        return cls(indicators, rebuild, annuity(rebuild, rate))

    def value(self, proxies: np.ndarray) -> np.ndarray:
        """S (£/year): proxies is 5 (one set) or 5 x draws; returns n or n x draws."""
        return self.indicators @ proxies

    def loss_weights(self, excluded: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Indicators x discounted rebuild years, 0 for excluded organisations: (rows or n) x 5."""
        keep = slice(None) if rows is None else rows
        return self.indicators[keep] * (self.rebuild_annuity[keep] * ~excluded[keep])[:, None]

    def loss_by_draw(self, h: np.ndarray, proxies: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Discounted £ lost per draw: sum_i h_i S_i annuity_i over the organisations `weights` covers.

        h: organisations x draws (those of `loss_weights`, the others at h = 0); proxies: 5 x draws.
        Computed as sum_k proxy_k (X_k * annuity)^T h without forming S per draw.
        """
        # h^T X rather than X^T h: the same sums, and OpenBLAS runs it several times faster with h tall
        # (organisations x draws, C order).
        return np.einsum("kd,kd->d", proxies, (h.T @ weights).T)


def local_retained_per_year(
    table: OrganisationTable,
    bid: Bid,
    subcontract_weights: np.ndarray,
    local_share: np.ndarray,
    non_local_share: np.ndarray,
    respend: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """LM3 for a bid (section 6): (R2, R3) per draw, £/year.

    R2 is the local spend the bid states (local staff wages + local suppliers + subcontracts to local
    organisations, weighted by evidence per draw); where it states none, NEF's share for a local or
    non-local supplier. R3 = respend x R2.
    """
    if bid.local_spend is not None:
        local_subcontracts = np.zeros_like(respend)
        for k, sub in enumerate(bid.subcontracts):
            if sub.partner in table.position and table.local[table.position[sub.partner]]:
                local_subcontracts = local_subcontracts + sub.amount_per_year * subcontract_weights[k]
        r2 = bid.local_spend.local_staff_wages + bid.local_spend.local_suppliers + local_subcontracts
    else:
        bidder = table.position.get(bid.bidder)
        local = bidder is not None and bool(table.local[bidder])
        r2 = bid.price_per_year * (local_share if local else non_local_share)
    r2 = np.minimum(np.asarray(r2, dtype=float) * np.ones_like(respend), bid.price_per_year)
    return r2, respend * r2


def status_quo_retained_per_year(
    table: OrganisationTable,
    replaced: list[tuple[str, float]],
    local_share: np.ndarray,
    non_local_share: np.ndarray,
    respend: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """LM3 of the incumbents' replaced streams (recipient, £/year), at NEF's shares: (R2, R3) per draw."""
    local_income = sum(a for r, a in replaced if r in table.position and table.local[table.position[r]])
    other_income = sum(a for _, a in replaced) - local_income
    r2 = local_income * local_share + other_income * non_local_share
    return r2, respend * r2


def committed_value_by_draw(
    bid: Bid,
    proxies: Mapping[str, np.ndarray],
    claim_weights: np.ndarray,
    adjustment: float,
    years_factor: float,
) -> np.ndarray:
    """Section 6: sum over commitments of quantity x proxy x (1-dw)(1-disp)(1-attr) x evidence, over the
    term with drop-off and discounting. claim_weights: commitments x draws; returns £ per draw."""
    total = np.zeros(claim_weights.shape[1])
    for k, commitment in enumerate(bid.commitments):
        if commitment.quantity_per_year < 0:
            raise ValueError(f"bid {bid.id!r}: commitment {k + 1} has a negative quantity")
        proxy = proxies[COMMITMENT_PROXY[commitment.kind]]
        total = total + commitment.quantity_per_year * proxy * claim_weights[k]
    return total * adjustment * years_factor


def commitment_states(bid: Bid) -> list[ClaimState]:
    return [c.state for c in bid.commitments]
