"""A plain, obviously correct implementation of the funding shift, first-round distress and DebtRank for
ONE draw, written straight from impact-model.md with dictionaries and loops.

Used only by the tests (to check the fast, vectorised engine on random ecosystems) and by the benchmark
(as the slow baseline). Never called by the engine itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from netimpact.domain.commissioning import Bid, Exercise
from netimpact.domain.ecosystem import Ecosystem
from netimpact.domain.vocabulary import ClaimState


def income_change(
    ecosystem: Ecosystem, exercise: Exercise, bid: Bid, evidence: Mapping[ClaimState, float]
) -> dict[str, float]:
    """Section 1: replaced streams end, the bidder gains its price less what it passes on, each
    subcontract reaches its partner weighted by evidence."""
    change = {org.id: 0.0 for org in ecosystem.organisations}
    for tie in ecosystem.funding:
        if tie.id in exercise.replaced_streams and tie.recipient in change:
            change[tie.recipient] -= tie.amount_per_year
    if bid.bidder in change:
        change[bid.bidder] += bid.price_per_year
    for sub in bid.subcontracts:
        passed = sub.amount_per_year * evidence[sub.state]
        change[sub.partner] += passed
        if bid.bidder in change:
            change[bid.bidder] -= passed
    return change


def reserves(ecosystem: Ecosystem) -> dict[str, float]:
    result = {}
    for org in ecosystem.organisations:
        latest = org.latest_finances
        result[org.id] = latest.free_reserves if latest is not None else 0.0
    return result


def first_round_distress(
    change: Mapping[str, float], buffers: Mapping[str, float], t_adj: float, epsilon: float
) -> dict[str, float]:
    """Section 2: h0 = min(1, L * T_adj / max(R, epsilon))."""
    h0 = {}
    for org_id, delta in change.items():
        loss = max(0.0, -delta)
        if loss < 0.005:  # half a penny: rounding of sums of £ amounts, not a loss
            loss = 0.0
        h0[org_id] = min(1.0, loss * t_adj / max(buffers[org_id], epsilon))
    return h0


def exposures(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bid: Bid | None,
    evidence: Mapping[ClaimState, float],
    t_adj: float,
) -> dict[tuple[str, str], float]:
    """A[(i, j)] = £ organisation i loses within T_adj if j fails (section 3, Conventions)."""
    known = {org.id for org in ecosystem.organisations}
    owner = {s.id: s.organisation for s in ecosystem.services}
    result: dict[tuple[str, str], float] = {}

    def add(i: str | None, j: str | None, amount: float) -> None:
        if i in known and j in known and i != j and amount > 0:
            assert i is not None and j is not None
            result[(i, j)] = result.get((i, j), 0.0) + amount

    for tie in ecosystem.funding:
        if bid is None or tie.id not in exercise.replaced_streams:
            add(tie.recipient, tie.funder, tie.amount_per_year * t_adj)
    if bid is not None:
        for sub in bid.subcontracts:
            add(sub.partner, bid.bidder, sub.amount_per_year * evidence[sub.state] * t_adj)
    for route in ecosystem.referrals:
        add(owner.get(route.to_service), owner.get(route.from_service), route.income_per_year * t_adj)
    for shared in ecosystem.shared_premises:
        add(shared.tenant, shared.host, shared.replacement_cost)
    return result


def debtrank(
    exposure: Mapping[tuple[str, str], float],
    buffers: Mapping[str, float],
    h0: Mapping[str, float],
    epsilon: float = 0.0,
) -> tuple[dict[str, float], dict[str, float]]:
    """DebtRank exactly as in impact-model.md section 3; returns (final h, h each node passed on).

    W_ji = min(1, A_ij / max(R_i, epsilon)). Synchronous rounds: every update in a round uses the h values
    from the round's start; distressed nodes become inactive after passing distress once; inactive nodes
    keep receiving.
    """
    nodes = list(h0)
    h = {i: min(1.0, max(0.0, h0[i])) for i in nodes}
    state = {i: ("D" if h[i] > 0 else "U") for i in nodes}
    passed = dict.fromkeys(nodes, 0.0)
    while any(s == "D" for s in state.values()):
        start = dict(h)
        distressed = [j for j in nodes if state[j] == "D"]
        for j in distressed:
            passed[j] = start[j]
        for i in nodes:
            total = start[i]
            for j in distressed:
                amount = exposure.get((i, j), 0.0)
                if amount > 0:
                    total += start[j] * min(1.0, amount / max(buffers[i], epsilon))
            h[i] = min(1.0, total)
        for i in nodes:
            if state[i] == "D":
                state[i] = "I"
            elif state[i] == "U" and h[i] > 0:
                state[i] = "D"
    return h, passed
