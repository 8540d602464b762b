"""Time the pathway model at city scale, and check a few draws against the NetworkX reference.

    .venv/bin/python -m netimpact.engine.pathway_benchmark [--organisations 2000] [--ties 20000]
        [--bids 5] [--draws 10000] [--check-draws 3] [--demo]

Distress per draw comes from the engine's own pieces (funding shift, first-round distress, DebtRank) with
the default parameters' noise, so the open_scale arrays look like the orchestrator's. --demo runs the demo
city instead of a synthetic one and prints the missing links an officer would see.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import numpy as np

from netimpact.domain.commissioning import Bid, Exercise
from netimpact.domain.ecosystem import Ecosystem

from .contagion import debtrank
from .funding import (
    ExposureTies,
    OrganisationTable,
    evidence_weights,
    first_round_distress,
    funding_shift,
)
from .parameters import ParameterSet
from .pathways import PathwayResult, build_network, cohort_pathways, missing_link_changes
from .reference_pathways import reference_pathways_one_draw


def open_scale_per_draw(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bid: Bid | None,
    service_owner: Sequence[str],
    n_draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """n_services x n_draws = 1 - final distress of each service's owner (1 if it is not in the register)."""
    parameters = ParameterSet.default()
    table = OrganisationTable.from_ecosystem(ecosystem)
    n = table.n
    h = np.zeros((n, n_draws))
    if bid is not None:
        evidence = evidence_weights(parameters["p_unconfirmed"])
        shift = funding_shift(table, ecosystem, exercise, bid)
        weights = np.repeat(shift.central_weights(evidence)[:, None], n_draws, axis=1)
        t_adj = parameters.parameter("t_adj").distribution.sample(parameters["t_adj"], rng, n_draws)  # type: ignore[union-attr]
        reserves = table.reserves[:, None] * np.exp(
            rng.normal(0.0, parameters["reserves_noise"], (n, n_draws))
        )
        h0 = first_round_distress(
            shift.income_change(weights), reserves, t_adj[None, :], parameters["epsilon"]
        )
        ties = ExposureTies.status_quo(table, ecosystem).after_award(
            table, ecosystem, exercise, bid, evidence
        )
        noise = np.exp(rng.normal(0.0, parameters["exposure_noise"], (n, n_draws)))
        scale = noise / np.maximum(reserves, parameters["epsilon"])
        h = debtrank(ties.matrix(n), h0, scale=scale, t_adj=t_adj).h
    rows = np.array([table.position.get(owner, -1) for owner in service_owner])
    scale_out = np.ones((len(rows), n_draws))
    known = rows >= 0
    scale_out[known] = 1.0 - h[rows[known]]
    return np.clip(scale_out, 0.0, 1.0)


def run(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bids: Sequence[Bid],
    n_draws: int,
    check_draws: int,
    seed: int = 0,
) -> list[PathwayResult]:
    rng = np.random.default_rng(seed)
    evidence = evidence_weights(ParameterSet.default()["p_unconfirmed"])
    cohorts = [ecosystem.cohort(c) for c in exercise.cohorts]
    k = int(ParameterSet.default()["k_hops"])
    results = []
    total = cpu = 0.0
    for bid in [None, *bids]:
        started, cpu_started = time.perf_counter(), time.process_time()
        network = build_network(ecosystem, exercise, bid, evidence)
        built, cpu_built = time.perf_counter(), time.process_time()
        scale = open_scale_per_draw(ecosystem, exercise, bid, network.service_owner, n_draws, rng)
        drawn, cpu_drawn = time.perf_counter(), time.process_time()
        result = cohort_pathways(network, cohorts, scale, rng, k)
        finished, cpu_finished = time.perf_counter(), time.process_time()
        total += (built - started) + (finished - drawn)
        cpu += (cpu_built - cpu_started) + (cpu_finished - cpu_drawn)
        results.append(result)
        print(
            f"{bid.id if bid else 'status quo':>24}: build_network {1000 * (built - started):6.1f} ms, "
            f"cohort_pathways {1000 * (finished - drawn):6.1f} ms; closed services (mean per draw) "
            f"{(scale <= 0).sum(axis=0).mean():6.1f}; coverage {np.round(result.coverage.mean(axis=1), 3)}"
        )
        for d in range(min(check_draws, n_draws)):
            reference = reference_pathways_one_draw(
                network, cohorts, scale[:, d], result.claimed_links_present[:, d], k
            )
            for row, ref in enumerate(reference):
                assert abs(ref.coverage - result.coverage[row, d]) < 1e-12, ("coverage", bid, d, row)
                assert abs(ref.people_served - result.people_served[row, d]) <= 1e-9 * max(
                    1.0, ref.people_served
                ), ("people served", bid, d, row)
    print(
        f"pathways for {len(bids) + 1} scenarios x {n_draws} draws: {1000 * total:.0f} ms wall clock, "
        f"{1000 * cpu:.0f} ms CPU"
        + (f" (first {check_draws} draws of each equal the NetworkX reference)" if check_draws else "")
    )
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--ties", type=int, default=20_000)
    parser.add_argument("--bids", type=int, default=5)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--check-draws", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--demo", action="store_true", help="the demo city, with its missing links")
    args = parser.parse_args(argv)
    if args.demo:
        from netimpact.domain.demo_city import build_demo_city

        city = build_demo_city()
        ecosystem, exercise, bids = city.ecosystem, city.exercise, city.bids
    else:
        from .synthetic import synthetic_city

        synthetic = synthetic_city(args.organisations, args.ties, args.bids, seed=args.seed)
        ecosystem, exercise, bids = synthetic.ecosystem, synthetic.exercise, synthetic.bids
    print(
        f"{len(ecosystem.organisations)} organisations, {len(ecosystem.services)} services, "
        f"{len(ecosystem.referrals)} referral routes, {len(exercise.cohorts)} cohorts"
    )
    results = run(ecosystem, exercise, bids, args.draws, args.check_draws, args.seed)
    if args.demo:
        for bid, result in zip(bids, results[1:], strict=True):
            print(f"\n{bid.title}:")
            for change in missing_link_changes(results[0], result):
                print("  -", change.sentence)


if __name__ == "__main__":
    main()
