"""Pathways on whole cities, with distress from the engine's own funding shift and DebtRank: the fast model
equals the NetworkX reference on real-looking draws, and the demo city tells its story."""

from __future__ import annotations

import numpy as np

from netimpact.domain.demo_city import build_demo_city
from netimpact.engine.pathway_benchmark import run
from netimpact.engine.pathways import missing_link_changes
from netimpact.engine.synthetic import synthetic_city


def test_a_synthetic_city_equals_the_reference_on_its_first_draws() -> None:
    city = synthetic_city(150, 1500, 3, seed=4)
    results = run(city.ecosystem, city.exercise, city.bids, n_draws=300, check_draws=4, seed=4)
    assert len(results) == 4
    for result in results:
        assert result.coverage.shape == (len(city.exercise.cohorts), 300)
        assert np.all(result.people_served <= result.cohort_sizes[:, None] + 1e-9)


def test_the_demo_city_loses_pathways_when_the_local_consortium_loses() -> None:
    city = build_demo_city()
    status_quo, *after = run(city.ecosystem, city.exercise, city.bids, n_draws=400, check_draws=3, seed=1)
    by_bid = {bid.id: result for bid, result in zip(city.bids, after, strict=True)}
    consortium = next(b.id for b in city.bids if "consortium" in b.id)
    others = [b.id for b in city.bids if b.id != consortium]
    assert not [c for c in missing_link_changes(status_quo, by_bid[consortium]) if c.change == "new_gap"]
    for bid_id in others:
        assert by_bid[bid_id].coverage.mean() < by_bid[consortium].coverage.mean()
        assert by_bid[bid_id].people_falling_through.mean() > status_quo.people_falling_through.mean()
        gaps = [c for c in missing_link_changes(status_quo, by_bid[bid_id]) if c.change == "new_gap"]
        assert gaps and all(c.after is not None and c.after.cause == "route_broken" for c in gaps)
