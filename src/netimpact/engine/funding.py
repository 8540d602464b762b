"""The register as arrays, the funding shift of an award (section 1) and the exposures (section 3).

Organisations are indexed 0..n-1 in register order. Everything here is deterministic; the Monte Carlo
(netimpact.engine.evaluation) supplies per-draw claim weights, noise and parameter values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from netimpact.domain.commissioning import Bid, Exercise
from netimpact.domain.ecosystem import Ecosystem, FundingTie
from netimpact.domain.vocabulary import ClaimState, OrgKind

from .contagion import ExposureMatrix

WEEKS_PER_YEAR = 52
PENNY_ROUNDING = 0.005  # £: income changes smaller than half a penny are rounding


def evidence_weights(p_unconfirmed: float) -> dict[ClaimState, float]:
    """Section 1: confirmed x1, unanswered x p_unconfirmed, disputed x0."""
    return {ClaimState.CONFIRMED: 1.0, ClaimState.UNANSWERED: p_unconfirmed, ClaimState.DISPUTED: 0.0}


def is_local(kind: OrgKind, wards: list[str], city_wards: set[str]) -> bool:
    """A supplier is local (for LM3) when it is part of the city's ecosystem or its public services, or a
    private company working in the city's wards. Outside providers are never local."""
    if kind == OrgKind.OUTSIDE_PROVIDER:
        return False
    if kind == OrgKind.PRIVATE_COMPANY:
        return bool(set(wards) & city_wards) if city_wards else bool(wards)
    return True


@dataclass(frozen=True, slots=True)
class OrganisationTable:
    """The organisations' figures the engine needs, one entry per organisation in register order."""

    ids: list[str]
    names: list[str]
    position: dict[str, int]
    reserves: np.ndarray  # £ free reserves (0 where no accounts)
    has_accounts: np.ndarray  # bool
    income: np.ndarray  # £/year
    expenditure: np.ndarray  # £/year
    age: np.ndarray  # years since founding at the register's year; nan where unknown
    local: np.ndarray  # bool, see is_local
    volunteer_hours: np.ndarray  # hours/year
    community_space_hours: np.ndarray  # hours/year the organisation's spaces are open to the community
    local_staff: np.ndarray  # people
    people_reached: np.ndarray  # people/year

    @classmethod
    def from_ecosystem(cls, ecosystem: Ecosystem) -> OrganisationTable:
        orgs = ecosystem.organisations
        position: dict[str, int] = {}
        for index, org in enumerate(orgs):
            if org.id in position:
                raise ValueError(f"the register lists organisation {org.id!r} twice")
            position[org.id] = index
        city_wards = {w.code for w in ecosystem.wards}
        latest = [org.latest_finances for org in orgs]
        ages = [org.age_in(ecosystem.year) for org in orgs]

        def column(values: list[float]) -> np.ndarray:
            return np.asarray(values, dtype=float)

        return cls(
            ids=[o.id for o in orgs],
            names=[o.name for o in orgs],
            position=position,
            reserves=column([f.free_reserves if f else 0.0 for f in latest]),
            has_accounts=np.asarray([f is not None for f in latest], dtype=bool),
            income=column([f.income if f else 0.0 for f in latest]),
            expenditure=column([f.expenditure if f else 0.0 for f in latest]),
            age=column([np.nan if a is None else a for a in ages]),
            local=np.asarray([is_local(o.kind, o.wards, city_wards) for o in orgs], dtype=bool),
            volunteer_hours=column([o.volunteer_hours_per_year for o in orgs]),
            community_space_hours=column(
                [sum(a.community_hours_per_week for a in o.community_assets) * WEEKS_PER_YEAR for o in orgs]
            ),
            local_staff=column([o.local_staff for o in orgs]),
            people_reached=column([o.people_reached_per_year for o in orgs]),
        )

    @property
    def n(self) -> int:
        return len(self.ids)

    def index(self, org_id: str, where: str) -> int:
        try:
            return self.position[org_id]
        except KeyError:
            raise ValueError(f"{where}: organisation {org_id!r} is not in the register") from None


@dataclass(frozen=True, slots=True)
class FundingShift:
    """Each organisation's income change under "award to this bid" (section 1).

    `fixed` holds what does not depend on evidence (replaced streams end, the bidder's price); each
    subcontract adds weight x amount to its partner and takes it from the bidder. With the weights per
    draw (subcontracts x draws), `income_change` gives organisations x draws.
    """

    fixed: np.ndarray  # £/year, n
    partners: np.ndarray  # int, one per subcontract
    amounts: np.ndarray  # £/year, one per subcontract
    states: list[ClaimState]
    bidder: int | None  # None when the bidder is not in the register
    lost: dict[int, list[FundingTie]] = field(default_factory=dict)  # replaced streams each org loses

    def income_change(
        self, weights: np.ndarray, rows: np.ndarray | None = None, out: np.ndarray | None = None
    ) -> np.ndarray:
        """weights: subcontracts x draws (or subcontracts); returns n x draws (or n).

        With `rows` (sorted organisation indices), only those organisations' rows are computed. `out`: a
        float64 rows x draws array to write into (a reused work array), for 2-d weights.
        """
        weights = np.asarray(weights, dtype=float)
        keep = np.arange(self.fixed.size) if rows is None else np.asarray(rows, dtype=np.int64)
        passed = self.amounts.reshape((-1,) + (1,) * (weights.ndim - 1)) * weights
        base = self.fixed[keep]
        if out is not None and weights.ndim == 2:
            change = out
            change[...] = base[:, None]
        else:
            change = np.repeat(base[:, None], weights.shape[1], axis=1) if weights.ndim == 2 else base.copy()
        if self.partners.size and keep.size:
            where = np.searchsorted(keep, self.partners)
            hit = (where < keep.size) & (keep[np.minimum(where, keep.size - 1)] == self.partners)
            np.add.at(change, where[hit], passed[hit])
            if self.bidder is not None:
                b = np.searchsorted(keep, self.bidder)
                if b < keep.size and keep[b] == self.bidder:
                    change[b] -= passed.sum(axis=0)
        return change

    def central_weights(self, evidence: Mapping[ClaimState, float]) -> np.ndarray:
        return np.asarray([evidence[s] for s in self.states], dtype=float)


def funding_shift(
    table: OrganisationTable, ecosystem: Ecosystem, exercise: Exercise, bid: Bid | None
) -> FundingShift:
    """Section 1. Status quo (bid None): no change."""
    fixed = np.zeros(table.n)
    lost: dict[int, list[FundingTie]] = {}
    if bid is None:
        return FundingShift(fixed, np.zeros(0, dtype=np.int64), np.zeros(0), [], None, lost)
    for tie in replaced_ties(ecosystem, exercise):
        if tie.recipient in table.position:
            i = table.position[tie.recipient]
            fixed[i] -= tie.amount_per_year
            lost.setdefault(i, []).append(tie)
    bidder = table.position.get(bid.bidder)
    if bidder is not None:
        fixed[bidder] += bid.price_per_year
    partners = np.asarray(
        [table.index(s.partner, f"bid {bid.id!r} subcontract") for s in bid.subcontracts], dtype=np.int64
    )
    amounts = np.asarray([s.amount_per_year for s in bid.subcontracts], dtype=float)
    if (amounts < 0).any():
        raise ValueError(f"bid {bid.id!r}: a subcontract amount is negative")
    return FundingShift(fixed, partners, amounts, [s.state for s in bid.subcontracts], bidder, lost)


def replaced_ties(ecosystem: Ecosystem, exercise: Exercise) -> list[FundingTie]:
    wanted = set(exercise.replaced_streams)
    by_id = {tie.id: tie for tie in ecosystem.funding if tie.id in wanted}
    missing = [tie_id for tie_id in exercise.replaced_streams if tie_id not in by_id]
    if missing:
        raise ValueError(
            f"exercise {exercise.id!r}: replaced stream(s) {', '.join(missing)} not in the register"
        )
    return [by_id[tie_id] for tie_id in exercise.replaced_streams]


FUNDING, REFERRAL, PREMISES, BID_SUBCONTRACT = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class ExposureTies:
    """Every tie through which one organisation's failure costs another (section 3), before aggregation.

    Arrays of equal length: exposed (i), depends_on (j), flow (£/year, x T_adj), premises (one-off £),
    and where each tie comes from (origin: FUNDING, REFERRAL, PREMISES or BID_SUBCONTRACT, with the index
    of the tie in the register's list or the bid's subcontracts) for the explanations.
    """

    exposed: np.ndarray
    depends_on: np.ndarray
    flow: np.ndarray
    premises: np.ndarray
    origin: np.ndarray
    origin_index: np.ndarray

    def matrix(self, n: int) -> ExposureMatrix:
        return ExposureMatrix.from_ties(n, self.exposed, self.depends_on, self.flow, self.premises)

    @classmethod
    def status_quo(cls, table: OrganisationTable, ecosystem: Ecosystem) -> ExposureTies:
        """Funding ties (recipient exposed to funder), referral-linked income (receiving service's owner
        exposed to the referring service's owner) and shared premises (tenant exposed to host). Ties to
        organisations outside the register are left out: the model cannot make them fail."""
        pos = table.position
        owner = {s.id: s.organisation for s in ecosystem.services}

        def positions(org_ids: list[str | None]) -> np.ndarray:
            # map() with the dict's own get runs in C: millions of ties in a fraction of a second
            found = map(pos.get, org_ids, repeat(-1))  # type: ignore[arg-type]
            return np.fromiter(found, dtype=np.int64, count=len(org_ids))

        def amounts(values: list[float]) -> np.ndarray:
            return np.asarray(values, dtype=float).reshape(-1)

        funding, referrals, premises = ecosystem.funding, ecosystem.referrals, ecosystem.shared_premises
        parts = [
            (
                FUNDING,
                positions([t.recipient for t in funding]),
                positions([t.funder for t in funding]),
                amounts([t.amount_per_year for t in funding]),
                np.zeros(len(funding)),
            ),
            (
                REFERRAL,
                positions([owner.get(r.to_service) for r in referrals]),
                positions([owner.get(r.from_service) for r in referrals]),
                amounts([r.income_per_year for r in referrals]),
                np.zeros(len(referrals)),
            ),
            (
                PREMISES,
                positions([p.tenant for p in premises]),
                positions([p.host for p in premises]),
                np.zeros(len(premises)),
                amounts([p.replacement_cost for p in premises]),
            ),
        ]
        columns: list[list[np.ndarray]] = [[], [], [], [], [], []]
        for origin, exposed, depends, flow, prem in parts:
            keep = (exposed >= 0) & (depends >= 0) & (exposed != depends) & ((flow > 0) | (prem > 0))
            index = np.flatnonzero(keep)
            chosen = (
                exposed[keep],
                depends[keep],
                flow[keep],
                prem[keep],
                np.full(index.size, origin),
                index,
            )
            for column, values in zip(columns, chosen, strict=True):
                column.append(values)
        return cls(
            np.concatenate(columns[0]).astype(np.int64),
            np.concatenate(columns[1]).astype(np.int64),
            np.concatenate(columns[2]).astype(float),
            np.concatenate(columns[3]).astype(float),
            np.concatenate(columns[4]).astype(np.int64),
            np.concatenate(columns[5]).astype(np.int64),
        )

    def after_award(
        self,
        table: OrganisationTable,
        ecosystem: Ecosystem,
        exercise: Exercise,
        bid: Bid,
        evidence: Mapping[ClaimState, float],
    ) -> ExposureTies:
        """The replaced streams end; the bid's subcontracts start, weighted by evidence."""
        streams = set(exercise.replaced_streams)
        replaced = [i for i, t in enumerate(ecosystem.funding) if t.id in streams]
        keep = ~((self.origin == FUNDING) & np.isin(self.origin_index, replaced))
        new = [
            (table.position[s.partner], table.position[bid.bidder], s.amount_per_year * evidence[s.state], k)
            for k, s in enumerate(bid.subcontracts)
            if bid.bidder in table.position
            and s.partner in table.position
            and s.partner != bid.bidder
            and s.amount_per_year * evidence[s.state] > 0
        ]
        return ExposureTies(
            np.concatenate([self.exposed[keep], np.asarray([x[0] for x in new], dtype=np.int64)]),
            np.concatenate([self.depends_on[keep], np.asarray([x[1] for x in new], dtype=np.int64)]),
            np.concatenate([self.flow[keep], np.asarray([x[2] for x in new], dtype=float)]),
            np.concatenate([self.premises[keep], np.zeros(len(new))]),
            np.concatenate([self.origin[keep], np.full(len(new), BID_SUBCONTRACT, dtype=np.int64)]),
            np.concatenate([self.origin_index[keep], np.asarray([x[3] for x in new], dtype=np.int64)]),
        )


def first_round_distress(
    income_change: np.ndarray, reserves: np.ndarray, t_adj: np.ndarray | float, epsilon: float
) -> np.ndarray:
    """Section 2: h0 = min(1, L * T_adj / max(R, epsilon)), L = max(0, -dI). Arrays broadcast (n x draws).

    A loss under half a penny is the rounding of sums of £ amounts, not a loss: it would otherwise make an
    organisation "distressed" (h > 0) and start a cascade of negligible distress.
    """
    loss = np.maximum(0.0, -income_change)
    loss = np.where(loss < PENNY_ROUNDING, 0.0, loss)
    return np.minimum(1.0, loss * t_adj / np.maximum(reserves, epsilon))
