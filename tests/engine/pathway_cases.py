"""Small random ecosystems for the pathway tests: built from a seed, so hypothesis can shrink the seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netimpact.domain.commissioning import Bid, BidService, Exercise, Partnership
from netimpact.domain.ecosystem import Cohort, Ecosystem, Organisation, ReferralRoute, Service
from netimpact.domain.vocabulary import ClaimState, EntryPoint, JoinUpMechanism, Need, OrgKind
from netimpact.engine.pathways import ServiceNetwork, build_network

NEEDS = (Need.HOUSING, Need.MENTAL_HEALTH, Need.SUBSTANCE_USE)
ENTRIES = (EntryPoint.GP, EntryPoint.SELF_REFERRAL, EntryPoint.POLICE_CUSTODY, EntryPoint.A_AND_E)
EVIDENCE = {ClaimState.CONFIRMED: 1.0, ClaimState.UNANSWERED: 0.5, ClaimState.DISPUTED: 0.0}


@dataclass
class RandomCase:
    ecosystem: Ecosystem
    exercise: Exercise
    bid: Bid | None
    network: ServiceNetwork
    cohorts: list[Cohort]
    open_scale: np.ndarray
    present: np.ndarray
    k: int


def _subset(rng: np.random.Generator, items: tuple, low: int, high: int) -> list:
    size = int(rng.integers(low, high + 1))
    return [items[i] for i in sorted(rng.choice(len(items), size=size, replace=False))]


def _cohort(rng: np.random.Generator, cohort_id: str) -> Cohort:
    entries = _subset(rng, ENTRIES, 1, 3)
    weights = rng.random(len(entries)) + 0.05
    weights /= weights.sum()
    return Cohort(
        id=cohort_id,
        name=f"Cohort {cohort_id}",
        needs=_subset(rng, NEEDS, 1, 3),
        size_per_year=float(rng.choice([0.0, 10.0, 40.0, 100.0])) if rng.random() < 0.9 else 7.0,
        entry_shares=dict(zip(entries, weights.tolist(), strict=True)),
        wards=[] if rng.random() < 0.6 else ["W1"],
        unit_cost_unmet_need=1000.0,
    )


def random_case(seed: int, n_draws: int | None = None, max_services: int = 8) -> RandomCase:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, max_services + 1))
    services = [
        Service(
            id=f"s{i}",
            name=f"Service {i}",
            organisation=f"org-{int(rng.integers(0, 4))}",
            needs=_subset(rng, NEEDS, 1, 2),
            capacity_per_year=float(rng.choice([0.0, 5.0, 10.0, 30.0, 100.0])),
            eligible_cohorts=[[], [], ["c1"], ["c2"], ["c1", "c2"]][int(rng.integers(0, 5))],
            wards=[[], [], ["W1"], ["W2"]][int(rng.integers(0, 4))],
            entry_points=_subset(rng, ENTRIES, 0, 2),
        )
        for i in range(n)
    ]
    referrals = [
        ReferralRoute(f"r{j}", f"s{int(rng.integers(0, n))}", f"s{int(rng.integers(0, n))}", 5.0)
        for j in range(int(rng.integers(0, 3 * n + 1)))
    ]
    cohorts = [_cohort(rng, "c1"), _cohort(rng, "c2")]
    register_only = _cohort(rng, "c3")
    ecosystem = Ecosystem(
        name="random",
        organisations=[
            Organisation(id=f"org-{i}", name=f"Org {i}", kind=OrgKind.LOCAL_VCSE) for i in range(5)
        ],
        services=services,
        referrals=referrals,
        cohorts=[*cohorts, register_only],
    )
    exercise = Exercise("ex", "Exercise", "GB-LAE-X", "", ["c1", "c2"], 1e6, 3, [])
    bid = None
    if rng.random() < 0.7:
        bid = Bid(
            id="b1",
            exercise="ex",
            bidder="org-4",
            title="Bid",
            price_per_year=1e5,
            service=BidService(
                name="Bid service",
                needs=_subset(rng, NEEDS, 1, 2),
                capacity_per_year=float(rng.choice([0.0, 20.0, 60.0])),
                eligible_cohorts=[[], ["c1"]][int(rng.integers(0, 2))],
                wards=[[], ["W1"]][int(rng.integers(0, 2))],
                entry_points=_subset(rng, ENTRIES, 0, 2),
            ),
            partnerships=[
                Partnership(
                    partner_service=f"s{int(rng.integers(0, n))}",
                    mechanism=JoinUpMechanism.REFERRAL_ROUTE,
                    cohort=[None, None, "c1", "c2"][int(rng.integers(0, 4))],
                    state=list(ClaimState)[int(rng.integers(0, 3))],
                )
                for _ in range(int(rng.integers(0, 4)))
            ],
        )
    network = build_network(ecosystem, exercise, bid, EVIDENCE)
    draws = int(rng.integers(1, 7)) if n_draws is None else n_draws
    open_scale = rng.choice([0.0, 0.3, 1.0, 1.0], size=(network.n_services, draws))
    steady = rng.random(network.n_services) < 0.4  # some services the same in every draw
    open_scale[steady] = open_scale[steady, :1]
    present = rng.random((len(network.claimed_links), draws)) < network.claimed_edge_probability[:, None]
    k = int(rng.integers(0, 5))
    return RandomCase(ecosystem, exercise, bid, network, cohorts, open_scale, present, k)
