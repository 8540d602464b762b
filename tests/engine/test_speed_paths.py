"""The nation-scale speed paths give exactly what the plain paths give: reused work arrays, the bids'
service networks built from the status quo's, and the compiled open-share pass."""

from __future__ import annotations

import numpy as np

from netimpact.domain.demo_city import build_demo_city
from netimpact.engine import pathways
from netimpact.engine.contagion import (
    PARALLEL_FROM,
    DebtRankWork,
    ExposureMatrix,
    debtrank,
    first_round_with_noise,
    open_share_of_owners,
)
from netimpact.engine.funding import evidence_weights


def _random_exposures(n: int, ties: int, seed: int) -> ExposureMatrix:
    rng = np.random.default_rng(seed)
    exposed, depends_on = rng.integers(0, n, ties), rng.integers(0, n, ties)
    flow, premises = rng.uniform(0, 5e4, ties), rng.uniform(0, 1e3, ties) * (rng.random(ties) < 0.1)
    return ExposureMatrix.from_ties(n, exposed, depends_on, flow, premises)


def test_reused_work_arrays_give_the_same_cascade_as_fresh_ones() -> None:
    rng = np.random.default_rng(3)
    work = DebtRankWork(0)
    # large enough for the threaded kernel, then smaller (the reused arrays hold the last run's values)
    for n, draws in ((400, PARALLEL_FROM // 400 + 3), (300, 40), (50, 7)):
        matrix = _random_exposures(n, 6 * n, seed=n)
        h0 = np.where(rng.random((n, draws)) < 0.05, rng.random((n, draws)), 0.0)
        scale = rng.uniform(1e-6, 1e-4, (n, draws))
        t_adj = rng.uniform(0.5, 1.5, draws)
        fresh = debtrank(matrix, h0, scale=scale, t_adj=t_adj)
        reused = debtrank(matrix, h0, scale=scale, t_adj=t_adj, work=work)
        np.testing.assert_array_equal(fresh.h, reused.h)
        np.testing.assert_array_equal(fresh.passed, reused.passed)
        assert fresh.rounds == reused.rounds


def test_first_round_into_given_arrays_equals_new_arrays() -> None:
    rng = np.random.default_rng(8)
    rows = np.arange(5, 65)
    change = -rng.uniform(0, 2e4, (rows.size, 30))
    args = (
        9,
        rows,
        100,
        130,
        rng.uniform(1e3, 1e5, rows.size),
        change,
        rng.uniform(0.5, 1.5, 30),
        1.0,
        0.2,
        0.25,
        0.005,
    )
    h0, scale = first_round_with_noise(*args)
    out = (np.full((rows.size, 30), np.nan), np.full((rows.size, 30), np.nan))
    h0_out, scale_out = first_round_with_noise(*args, out=out)
    assert h0_out is out[0] and scale_out is out[1]
    np.testing.assert_array_equal(h0, h0_out)
    np.testing.assert_array_equal(scale, scale_out)


def test_open_share_pass_equals_numpy() -> None:
    rng = np.random.default_rng(2)
    reached_h = rng.random((20, 33)).astype(np.float32)
    services = np.array([0, 3, 4, 9], dtype=np.int64)
    owners = np.array([5, 0, 19, 5], dtype=np.int64)
    compiled = np.ones((10, 33), dtype=np.float32)
    open_share_of_owners(compiled, reached_h, services, owners)
    plain = np.ones((10, 33), dtype=np.float32)
    plain[services] = 1.0 - reached_h[owners]
    np.testing.assert_array_equal(compiled, plain)


def test_a_bids_network_from_the_status_quos_equals_one_built_afresh() -> None:
    city = build_demo_city()
    evidence = evidence_weights(0.4)
    status_quo = pathways.build_network(city.ecosystem, city.exercise, None, evidence_weights(0.0))
    lost = pathways.funding_lost_share(city.ecosystem, city.exercise)
    assert lost  # the demo's award ends some services' funding
    for bid in city.bids:
        fresh = pathways.build_network(city.ecosystem, city.exercise, bid, evidence)
        derived = pathways.build_network(city.ecosystem, city.exercise, bid, evidence, status_quo, lost)
        assert derived.nodes == fresh.nodes
        assert derived.index == fresh.index
        assert derived.claimed_links == fresh.claimed_links
        assert derived.register_cohorts == fresh.register_cohorts
        np.testing.assert_array_equal(derived.referral_from, fresh.referral_from)
        np.testing.assert_array_equal(derived.referral_to, fresh.referral_to)
        lookup_fresh, lookup_derived = fresh.lookup, derived.lookup
        np.testing.assert_array_equal(lookup_fresh.capacity, lookup_derived.capacity)
        np.testing.assert_array_equal(lookup_fresh.closed_by_award, lookup_derived.closed_by_award)


def test_each_threaded_kernel_is_cached_apart_from_its_serial_twin() -> None:
    """Numba caches by qualified name, not by compile flags: a threaded kernel sharing its serial twin's
    name loaded the serial code from the cache and ran on one thread (the nation ran at CPU = wall)."""
    from netimpact.engine import contagion

    pairs = [
        (contagion._debtrank_parallel, contagion._debtrank_serial),
        (contagion._first_round_parallel, contagion._first_round_serial),
        (contagion._chunk_summaries_parallel, contagion._chunk_summaries_serial),
        (contagion._hashed_normal_pairs_parallel, contagion._hashed_normal_pairs_serial),
    ]
    for threaded, serial in pairs:
        assert threaded.targetoptions.get("parallel") is True
        assert not serial.targetoptions.get("parallel")
        assert threaded.py_func.__qualname__ != serial.py_func.__qualname__
        assert threaded.py_func.__code__ is serial.py_func.__code__  # the same kernel, compiled twice


def test_noise_drawn_once_for_all_bids_gives_the_first_round_bit_for_bit() -> None:
    from netimpact.engine.contagion import first_round_from_factors, noise_factors

    rng = np.random.default_rng(11)
    union = np.sort(rng.choice(5_000, 1_200, replace=False))
    rows_at = np.sort(rng.choice(union.size, 700, replace=False))  # one bid's rows within the union
    rows = union[rows_at]
    for start, stop in ((0, 9), (40, 40 + PARALLEL_FROM // 700 + 2)):  # serial, then threaded
        draws = stop - start
        reserves = rng.uniform(0, 2e5, rows.size)
        change = rng.uniform(-5e4, 1e3, (rows.size, draws))
        t_adj = rng.uniform(0.5, 1.5, draws)
        expected = first_round_with_noise(7, rows, start, stop, reserves, change, t_adj, 1.0, 0.3, 0.2, 0.01)
        factors = noise_factors(
            7,
            union,
            start,
            stop,
            0.3,
            0.2,
            out=(np.empty((union.size, draws)), np.empty((union.size, draws))),
        )
        got = first_round_from_factors(
            rows_at,
            reserves,
            change,
            t_adj,
            1.0,
            0.01,
            factors,
            out=(np.empty((rows.size, draws)), np.empty((rows.size, draws))),
        )
        np.testing.assert_array_equal(expected[0], got[0])
        np.testing.assert_array_equal(expected[1], got[1])
