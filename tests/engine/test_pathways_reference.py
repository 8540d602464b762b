"""The fast pathway model equals the plain NetworkX one on random networks, draw by draw; and its
monotonicity properties hold."""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netimpact.engine import pathways
from netimpact.engine.pathways import _need_flow, pathways_given_links
from netimpact.engine.reference_pathways import reference_pathways_one_draw

from .pathway_cases import random_case

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _assert_equals_reference(case) -> None:
    fast = pathways_given_links(case.network, case.cohorts, case.open_scale, case.present, case.k)
    n_draws = case.open_scale.shape[1]
    missing = {c.id: {} for c in case.cohorts}
    for d in range(n_draws):
        reference = reference_pathways_one_draw(
            case.network, case.cohorts, case.open_scale[:, d], case.present[:, d], case.k
        )
        for row, (cohort, ref) in enumerate(zip(case.cohorts, reference, strict=True)):
            assert fast.coverage[row, d] == pytest.approx(ref.coverage, abs=1e-12), (cohort.id, d)
            assert fast.people_served[row, d] == pytest.approx(ref.people_served, rel=1e-9, abs=1e-9), (
                cohort.id,
                d,
            )
            for key, met in ref.met.items():
                missing[cohort.id][key] = missing[cohort.id].get(key, 0) + (not met)
    for cohort in case.cohorts:
        got = {(m.entry_point, m.need): m.missing_share for m in fast.missing_links[cohort.id]}
        expected = {key: count / n_draws for key, count in missing[cohort.id].items() if count}
        assert got == pytest.approx(expected)


@settings(max_examples=300, deadline=None)
@given(SEEDS)
def test_fast_pathways_equal_the_networkx_reference(seed: int) -> None:
    _assert_equals_reference(random_case(seed))


@settings(max_examples=25, deadline=None)
@given(SEEDS)
def test_draws_split_into_chunks_give_the_same_answer(seed: int) -> None:
    chunk = pathways._DRAW_CHUNK
    pathways._DRAW_CHUNK = 3  # blocks that do not divide the draws, nor a 64-draw word
    try:
        _assert_equals_reference(random_case(seed, n_draws=11))
    finally:
        pathways._DRAW_CHUNK = chunk


def test_many_draws_cross_packed_words_exactly() -> None:
    for seed in range(5):
        _assert_equals_reference(random_case(seed * 7919, n_draws=131))


def _bipartite_max_flow(supply, reach, capacity) -> float:
    graph = nx.DiGraph()
    for e, people in enumerate(supply):
        graph.add_edge("source", ("e", e), capacity=people)
    for s, cap in enumerate(capacity):
        graph.add_edge(("s", s), "sink", capacity=cap)
        for e in range(len(supply)):
            if reach[s, e]:
                graph.add_edge(("e", e), ("s", s))
    graph.add_node("sink")
    return nx.maximum_flow_value(graph, "source", "sink")


@settings(max_examples=200, deadline=None)
@given(SEEDS, st.integers(1, 6), st.integers(0, 9))
def test_min_cut_over_entry_subsets_equals_max_flow(seed: int, n_entries: int, n_services: int) -> None:
    rng = np.random.default_rng(seed)
    supply = rng.choice([0.0, 1.0, 7.5, 20.0], n_entries)
    reach = rng.random((n_services, n_entries)) < 0.4
    capacity = rng.choice([0.0, 2.0, 5.0, 13.0], n_services)
    signature = reach @ (1 << np.arange(n_entries))
    hist = np.zeros((2**n_entries, 1))
    np.add.at(hist[:, 0], signature, capacity)
    bits = (np.arange(2**n_entries)[:, None] >> np.arange(n_entries)) & 1
    flow = _need_flow(hist, bits @ supply)[0]
    assert flow == pytest.approx(_bipartite_max_flow(supply, reach, capacity), abs=1e-9)


# Properties -----------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(SEEDS, st.data())
def test_removing_a_referral_route_never_raises_coverage(seed: int, data: st.DataObject) -> None:
    case = random_case(seed)
    if not len(case.network.referral_from):
        return
    drop = data.draw(st.integers(0, len(case.network.referral_from) - 1))
    keep = np.arange(len(case.network.referral_from)) != drop
    network = case.network
    fewer = dataclasses.replace(
        network, referral_from=network.referral_from[keep], referral_to=network.referral_to[keep]
    )
    before = pathways_given_links(case.network, case.cohorts, case.open_scale, case.present, case.k)
    after = pathways_given_links(fewer, case.cohorts, case.open_scale, case.present, case.k)
    assert np.all(after.coverage <= before.coverage + 1e-12)
    assert np.all(after.people_served <= before.people_served + 1e-9)


@settings(max_examples=150, deadline=None)
@given(SEEDS, st.data())
def test_lowering_an_open_scale_never_raises_people_served(seed: int, data: st.DataObject) -> None:
    case = random_case(seed)
    row = data.draw(st.integers(0, case.network.n_services - 1))
    factor = data.draw(st.sampled_from([0.0, 0.5, 0.99]))
    lower = case.open_scale.copy()
    lower[row] *= factor
    before = pathways_given_links(case.network, case.cohorts, case.open_scale, case.present, case.k)
    after = pathways_given_links(case.network, case.cohorts, lower, case.present, case.k)
    assert np.all(after.people_served <= before.people_served + 1e-9)
    assert np.all(after.coverage <= before.coverage + 1e-12)


@settings(max_examples=150, deadline=None)
@given(SEEDS)
def test_one_more_hop_never_lowers_coverage(seed: int) -> None:
    case = random_case(seed)
    shorter = pathways_given_links(case.network, case.cohorts, case.open_scale, case.present, case.k)
    longer = pathways_given_links(case.network, case.cohorts, case.open_scale, case.present, case.k + 1)
    assert np.all(longer.coverage >= shorter.coverage - 1e-12)
    assert np.all(longer.people_served >= shorter.people_served - 1e-9)


@settings(max_examples=100, deadline=None)
@given(SEEDS)
def test_a_claimed_link_that_exists_never_lowers_coverage(seed: int) -> None:
    case = random_case(seed)
    every_link = np.ones_like(case.present)
    drawn = pathways_given_links(case.network, case.cohorts, case.open_scale, case.present, case.k)
    all_present = pathways_given_links(case.network, case.cohorts, case.open_scale, every_link, case.k)
    assert np.all(all_present.coverage >= drawn.coverage - 1e-12)
