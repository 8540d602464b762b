"""A plain, obviously correct pathway model for ONE draw, on NetworkX: the check on the fast one.

Used only by tests and the benchmark (impact-model.md, "Scale"). It shares nothing with
netimpact.engine.pathways except the ServiceNetwork it reads: it rebuilds each cohort's graph, finds what is
reachable by breadth-first search with a hop limit, and computes people served by networkx's maximum flow on
the full, non-bipartite, hop-expanded network (a copy of each service per hop, so routes longer than k
referrals cannot carry anyone; one capacity per service shared by all its copies).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from netimpact.domain.ecosystem import Cohort
from netimpact.domain.vocabulary import EntryPoint, Need

from .pathways import ServiceNetwork


@dataclass(frozen=True, slots=True)
class ReferenceCohortDraw:
    coverage: float
    people_served: float
    met: dict[tuple[EntryPoint, Need], bool]  # need reachable from entry point within k


def reference_pathways_one_draw(
    network: ServiceNetwork,
    cohorts: Sequence[Cohort],
    open_scale: np.ndarray,  # n_services: 1 - distress of each service's owner in this draw
    links_present: np.ndarray,  # n_claimed_links bool: which claimed links exist in this draw
    k: int,
) -> list[ReferenceCohortDraw]:
    everyone = {c.id: c for c in network.register_cohorts}
    everyone.update({c.id: c for c in cohorts})
    return [
        _one_cohort(network, cohort, list(everyone.values()), open_scale, links_present, k)
        for cohort in cohorts
    ]


def _one_cohort(
    network: ServiceNetwork,
    cohort: Cohort,
    everyone: list[Cohort],
    open_scale: np.ndarray,
    links_present: np.ndarray,
    k: int,
) -> ReferenceCohortDraw:
    graph = nx.DiGraph()
    for i, node in enumerate(network.nodes):
        eligible = not node.eligible_cohorts or cohort.id in node.eligible_cohorts
        in_wards = not node.wards or not cohort.wards or bool(node.wards & set(cohort.wards))
        is_open = open_scale[i] > 0 and node.funding_lost_share < 1.0 - 1e-9
        if eligible and in_wards and is_open:
            graph.add_node(i)
    for a, b in zip(network.referral_from, network.referral_to, strict=True):
        if a in graph and b in graph and a != b:
            graph.add_edge(int(a), int(b))
    for row, link in enumerate(network.claimed_links):
        applies = link.cohort is None or link.cohort == cohort.id
        a, b = link.bid_service, link.partner_service
        if applies and links_present[row] and a in graph and b in graph and a != b:
            graph.add_edge(a, b)
            graph.add_edge(b, a)

    entries = [e for e, w in cohort.entry_shares.items() if w > 0]
    met: dict[tuple[EntryPoint, Need], bool] = {}
    coverage = 0.0
    for entry in entries:
        reached = _reached_within(graph, network, entry, k)
        complete = True
        for need in cohort.needs:
            met[(entry, need)] = any(need in network.nodes[s].needs for s in reached)
            complete = complete and met[(entry, need)]
        coverage += cohort.entry_shares[entry] * complete

    flows = [
        _need_max_flow(graph, network, cohort, everyone, need, entries, open_scale, k)
        for need in dict.fromkeys(cohort.needs)
    ]
    served = min(min(flows), cohort.size_per_year)
    return ReferenceCohortDraw(coverage=coverage, people_served=served, met=met)


def _reached_within(graph: nx.DiGraph, network: ServiceNetwork, entry: EntryPoint, k: int) -> set[int]:
    """Services within k referrals of an entry point: a super-source one step before the first service."""
    with_source = graph.copy()
    with_source.add_node("entry")
    for s in graph.nodes:
        if entry in network.nodes[s].entry_points:
            with_source.add_edge("entry", s)
    lengths = nx.single_source_shortest_path_length(with_source, "entry", cutoff=k + 1)
    return {s for s in lengths if s != "entry"}


def _need_max_flow(
    graph: nx.DiGraph,
    network: ServiceNetwork,
    cohort: Cohort,
    everyone: list[Cohort],
    need: Need,
    entries: list[EntryPoint],
    open_scale: np.ndarray,
    k: int,
) -> float:
    flow = nx.DiGraph()
    flow.add_node("sink")
    for entry in entries:
        flow.add_edge("source", ("entry", entry), capacity=cohort.size_per_year * cohort.entry_shares[entry])
        for s in graph.nodes:
            if entry in network.nodes[s].entry_points:
                flow.add_edge(("entry", entry), (s, 0))  # no capacity attribute = unbounded
    for s in graph.nodes:
        for hop in range(k + 1):
            flow.add_edge((s, hop), ("service", s))
            if hop < k:
                for t in graph.successors(s):
                    flow.add_edge((s, hop), (t, hop + 1))
        if need in network.nodes[s].needs:
            capacity = network.nodes[s].capacity * _share(network, s, cohort, everyone) * open_scale[s]
            flow.add_edge(("service", s), "sink", capacity=capacity)
    if "source" not in flow:
        return 0.0
    return float(nx.maximum_flow_value(flow, "source", "sink"))


def _share(network: ServiceNetwork, s: int, cohort: Cohort, everyone: list[Cohort]) -> float:
    """This cohort's share of service s: by size among every cohort that can use it for one of its needs."""
    node = network.nodes[s]

    def uses(c: Cohort) -> bool:
        eligible = not node.eligible_cohorts or c.id in node.eligible_cohorts
        in_wards = not node.wards or not c.wards or bool(node.wards & set(c.wards))
        return eligible and in_wards and bool(node.needs & set(c.needs))

    total = sum(c.size_per_year for c in everyone if uses(c))
    return 1.0 if total == 0 else cohort.size_per_year / total
