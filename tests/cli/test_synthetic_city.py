"""Synthetic cities: the sizes asked for, the same city for the same seed, heavy-tailed ties, mixed claims."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from netimpact.domain.vocabulary import ClaimState, FundingKind, OrgKind
from netimpact.engine.synthetic import synthetic_city


@pytest.fixture(scope="module")
def city():
    return synthetic_city(3_000, 30_000, 5, seed=4)


def test_the_sizes_asked_for(city):
    assert len(city.ecosystem.organisations) == 3_000
    assert len(city.ecosystem.funding) == 30_000
    assert len(city.bids) == 5
    assert len({b.bidder for b in city.bids}) == 5
    assert len({o.id for o in city.ecosystem.organisations}) == 3_000


def test_the_same_seed_gives_the_same_city_and_another_seed_another():
    assert synthetic_city(100, 500, 2, seed=9) == synthetic_city(100, 500, 2, seed=9)
    assert synthetic_city(100, 500, 2, seed=9) != synthetic_city(100, 500, 2, seed=10)


def test_degrees_are_heavy_tailed(city):
    received = Counter(t.recipient for t in city.ecosystem.funding)
    paid = Counter(t.funder for t in city.ecosystem.funding)
    in_degrees = np.array(list(received.values()))
    assert in_degrees.max() > 10 * np.median(in_degrees)
    assert paid.most_common(1)[0][0] == "GB-LAE-SYN"  # the council pays the most ties
    assert all(t.funder != t.recipient for t in city.ecosystem.funding)


def test_finances_follow_the_ties(city):
    income_from_ties = Counter()
    for tie in city.ecosystem.funding:
        income_from_ties[tie.recipient] += tie.amount_per_year
    for organisation in city.ecosystem.organisations[1:200]:
        latest = organisation.latest_finances
        assert latest.income >= income_from_ties[organisation.id] - 1.0
        assert latest.expenditure > 0
    months = [o.latest_finances.free_reserves / (o.latest_finances.expenditure / 12)
              for o in city.ecosystem.organisations]
    assert 2.5 < float(np.median(months)) < 5.5  # Clifford & Mohan: median 3.92 months


def test_the_exercise_replaces_incumbents_contracts_and_bids_make_mixed_claims(city):
    ties = {t.id: t for t in city.ecosystem.funding}
    kinds = {o.id: o.kind for o in city.ecosystem.organisations}
    replaced = [ties[t] for t in city.exercise.replaced_streams]
    assert len(replaced) == 3
    assert len({t.recipient for t in replaced}) == 3  # three incumbents, one contract each
    assert all(t.funder == city.exercise.commissioner for t in replaced)
    assert all(t.kind is FundingKind.CONTRACT and kinds[t.recipient].is_local_ecosystem for t in replaced)
    assert all(150_000 <= t.amount_per_year <= 700_000 for t in replaced)
    assert city.exercise.budget_per_year == sum(t.amount_per_year for t in replaced)
    for incumbent in {t.recipient for t in replaced}:
        passed_on = [t for t in city.ecosystem.funding if t.funder == incumbent]
        subcontracts = [t for t in passed_on if t.kind is FundingKind.SUBCONTRACT]
        assert 2 <= len(subcontracts) <= 4
        assert all(10_000 <= t.amount_per_year <= 60_000 for t in subcontracts)
        services = [s for s in city.ecosystem.services if s.organisation == incumbent]
        assert services and all(len(s.needs) == 2 and not s.wards for s in services)
    states = Counter(claim.state for bid in city.bids for claim in [*bid.subcontracts, *bid.partnerships])
    assert {ClaimState.CONFIRMED, ClaimState.UNANSWERED} <= set(states)
    assert kinds[city.bids[0].bidder] is OrgKind.OUTSIDE_PROVIDER


def test_too_small_a_city_is_refused():
    with pytest.raises(ValueError, match="n_organisations must be at least 20"):
        synthetic_city(5, 100, 1)
