"""Join-up: pathways through services and the people who fall through the gaps (impact-model.md, section 5).

Two steps, called by the orchestrator once per scenario (the status quo and each bid):

1. `build_network` turns the register (and, for a bid, the award) into a `ServiceNetwork`: services are
   nodes, referral routes directed edges, each partnership the bid claims a link drawn with the evidence
   weight of its claim state.
2. `cohort_pathways` runs the Monte Carlo draws through it: which cohorts have a complete pathway from each
   entry point within k referrals, how many people the services can carry along those pathways (max flow),
   and which links are missing.

Conventions (impact-model.md, "Pathways" and "Capacity form"), as implemented here:
- entering the first service from an entry point is hop 0; k counts referral edges;
- every service on a route must be open in the draw, eligible for the cohort and in its wards; no
  eligibility list = open to all cohorts; no ward list = city-wide; a service is "in the cohort's wards"
  when either is city-wide or their ward lists share a ward;
- a claimed partnership is one Bernoulli draw per Monte Carlo draw, shared by its two directions and by
  every cohort it applies to;
- capacity form: for each need, max flow from the entry points (people = size x entry share) to services
  meeting the need that are reachable within k referrals; transit through referral routes consumes no
  capacity, so each need is a bipartite problem solved exactly by max-flow/min-cut over subsets of entry
  points (see `_need_flow`). People served = the minimum over needs: an upper bound.

docs/impact-engine-pathways.md explains the model and its choices for officers.
"""

from __future__ import annotations

import gc
import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from netimpact.domain.commissioning import Bid, Exercise
from netimpact.domain.ecosystem import Cohort, Ecosystem, Organisation
from netimpact.domain.vocabulary import ClaimState, EntryPoint, JoinUpMechanism, Need

# A funding share at or above this counts as all of it: float sums of £ amounts are not exact.
_CLOSED_SHARE = 1.0 - 1e-9
# Draws handled at once: bounds memory of the per-draw arrays (entry points x services x draws).
_DRAW_CHUNK = 4096
# Cells (entry points x unsure services, or entry subsets x needs) per block of draws: about 64 MB of bools.
_BLOCK_CELLS = 2**26
# Entry points a cohort may have with a non-zero share: the exact cut enumerates 2^E subsets.
_MAX_ENTRY_POINTS = len(EntryPoint)
# Entry shares must sum to 1 within this (the register stores rounded shares).
_SHARE_TOLERANCE = 1e-3


class PathwayError(ValueError):
    """The register, exercise or bid cannot be turned into a service network; the message says where."""


# ---------------------------------------------------------------------------------------------------------
# The service network
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceNode:
    """One service as the pathway model sees it in a scenario."""

    id: str
    name: str
    owner: str  # Org-ID
    needs: frozenset[Need]
    eligible_cohorts: frozenset[str]  # empty = open to all
    wards: frozenset[str]  # empty = city-wide
    entry_points: frozenset[EntryPoint]
    register_capacity: float  # people a year, as the register (or the bid) states it
    funding_lost_share: float  # share of its funding that the award ends (0 in the status quo)
    added_by_bid: bool = False

    @property
    def capacity(self) -> float:
        """People a year it can serve in this scenario, before any distress of its owner."""
        return self.register_capacity * max(0.0, 1.0 - self.funding_lost_share)

    @property
    def closed_by_award(self) -> bool:
        return self.funding_lost_share >= _CLOSED_SHARE

    def usable_by(self, cohort: Cohort) -> bool:
        """Eligible for the cohort and in its wards (open or not)."""
        eligible = not self.eligible_cohorts or cohort.id in self.eligible_cohorts
        in_wards = not self.wards or not cohort.wards or not self.wards.isdisjoint(cohort.wards)
        return eligible and in_wards


@dataclass(frozen=True, slots=True)
class ClaimedLink:
    """A partnership the bid claims: a route between its service and a partner's, drawn per draw."""

    bid: str
    partnership: int  # position in the bid's list of partnerships
    bid_service: int  # node index
    partner_service: int  # node index
    mechanism: JoinUpMechanism
    state: ClaimState
    probability: float  # evidence weight of the claim state
    cohort: str | None  # None = every cohort of the exercise
    description: str = ""

    def applies_to(self, cohort_id: str) -> bool:
        return self.cohort is None or self.cohort == cohort_id


@dataclass(slots=True)
class ServiceNetwork:
    """Services (nodes), sure referral routes (edges) and claimed partnership links for one scenario."""

    scenario: str | None  # bid id, or None for the status quo
    nodes: tuple[ServiceNode, ...]
    referral_from: np.ndarray  # int node indices of the register's referral routes
    referral_to: np.ndarray
    claimed_links: tuple[ClaimedLink, ...]
    register_cohorts: tuple[Cohort, ...]  # every cohort in the register: they share services' capacity
    index: dict[str, int] = field(default_factory=dict)
    _lookup: _NodeLookup | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {node.id: i for i, node in enumerate(self.nodes)}

    @property
    def n_services(self) -> int:
        return len(self.nodes)

    @property
    def service_ids(self) -> tuple[str, ...]:
        return tuple(node.id for node in self.nodes)

    @property
    def service_owner(self) -> tuple[str, ...]:
        """The Org-ID owning each service, in node order: open_scale rows follow it."""
        return tuple(node.owner for node in self.nodes)

    @property
    def base_capacity(self) -> np.ndarray:
        """People a year per service in this scenario, after the award's funding loss."""
        return np.array([node.capacity for node in self.nodes], dtype=float)

    @property
    def claimed_edge_probability(self) -> np.ndarray:
        """Probability that each claimed link exists (its evidence weight), in `claimed_links` order."""
        return np.array([link.probability for link in self.claimed_links], dtype=float)

    @property
    def lookup(self) -> _NodeLookup:
        """Node attributes as arrays, built once per network."""
        if self._lookup is None:
            with _collector_paused():  # small objects per node, no cycles: a collection costs seconds
                self._lookup = _NodeLookup.of(self.nodes)
        return self._lookup

    def usable_mask(self, cohort: Cohort) -> np.ndarray:
        """Services eligible for the cohort and in its wards (open or not), as a bool array."""
        return self.lookup.usable(cohort)

    @property
    def bid_service_index(self) -> int | None:
        for i, node in enumerate(self.nodes):
            if node.added_by_bid:
                return i
        return None


def bid_service_id(bid: Bid) -> str:
    """The node id a bid's own service takes in its scenario."""
    return f"bid:{bid.id}"


def build_network(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bid: Bid | None,
    evidence_weight: Mapping[ClaimState, float],
    status_quo: ServiceNetwork | None = None,
    lost_share: Mapping[str, float] | None = None,
) -> ServiceNetwork:
    """The service network of the status quo (bid None) or of "award to `bid`".

    Under a bid, each service loses capacity in proportion to the share of its funding that the replaced
    streams represent (closed at 100%): ties that name a service count against that service's named
    funding; ties that name none count against the owner's total income and cut all its services alike.
    The bid's service is added, owned by the bidder, and each partnership adds a two-way link between it
    and the partner service that exists with probability `evidence_weight[claim state]`.

    Evaluating several bids: pass the status quo's network of the same ecosystem and exercise
    (`status_quo`) and funding_lost_share(ecosystem, exercise) (`lost_share`), and the bid's network reuses
    their nodes, index and routes instead of building one object per service again (the same network).
    """
    with _collector_paused():
        if bid is not None and status_quo is not None and status_quo.scenario is None:
            lost = funding_lost_share(ecosystem, exercise) if lost_share is None else lost_share
            return _network_from_status_quo(status_quo, exercise, bid, evidence_weight, lost)
        return _build_network(ecosystem, exercise, bid, evidence_weight, lost_share)


def _network_from_status_quo(
    status_quo: ServiceNetwork,
    exercise: Exercise,
    bid: Bid,
    evidence_weight: Mapping[ClaimState, float],
    lost: Mapping[str, float],
) -> ServiceNetwork:
    """The bid's network as _build_network makes it, from the status quo's (every share there is 0)."""
    if bid.exercise != exercise.id:
        raise PathwayError(f"bid {bid.id!r} is for exercise {bid.exercise!r}, not {exercise.id!r}")
    nodes = list(status_quo.nodes)
    index = dict(status_quo.index)
    for service_id, share in lost.items():
        position = index[service_id]
        nodes[position] = replace(nodes[position], funding_lost_share=share)
    nodes.append(_bid_node(bid, index))
    index[nodes[-1].id] = len(nodes) - 1
    return ServiceNetwork(
        scenario=bid.id,
        nodes=tuple(nodes),
        referral_from=status_quo.referral_from,
        referral_to=status_quo.referral_to,
        claimed_links=tuple(_claimed_links(bid, exercise, index, evidence_weight)),
        register_cohorts=status_quo.register_cohorts,
        index=index,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building a network creates one object per service and no reference cycles; the cyclic garbage
    collector would otherwise run many times over the whole heap while it does (seconds at nation scale)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build_network(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bid: Bid | None,
    evidence_weight: Mapping[ClaimState, float],
    lost_share: Mapping[str, float] | None = None,
) -> ServiceNetwork:
    lost: Mapping[str, float] = {}
    if bid is not None:
        lost = funding_lost_share(ecosystem, exercise) if lost_share is None else lost_share
    nodes = [
        ServiceNode(
            id=s.id,
            name=s.name,
            owner=s.organisation,
            needs=frozenset(s.needs),
            eligible_cohorts=frozenset(s.eligible_cohorts),
            wards=frozenset(s.wards),
            entry_points=frozenset(s.entry_points),
            register_capacity=_non_negative(s.capacity_per_year, f"service {s.id!r}: capacity_per_year"),
            funding_lost_share=lost.get(s.id, 0.0),
        )
        for s in ecosystem.services
    ]
    index = {node.id: i for i, node in enumerate(nodes)}
    if len(index) < len(nodes):
        twice = next(sid for sid, count in Counter(node.id for node in nodes).items() if count > 1)
        raise PathwayError(f"the register lists service {twice!r} twice")

    links: list[ClaimedLink] = []
    if bid is not None:
        if bid.exercise != exercise.id:
            raise PathwayError(f"bid {bid.id!r} is for exercise {bid.exercise!r}, not {exercise.id!r}")
        nodes.append(_bid_node(bid, index))
        index[nodes[-1].id] = len(nodes) - 1
        links = _claimed_links(bid, exercise, index, evidence_weight)

    routes = ecosystem.referrals
    referral_from = np.array([index.get(r.from_service, -1) for r in routes], dtype=np.int64)
    referral_to = np.array([index.get(r.to_service, -1) for r in routes], dtype=np.int64)
    unknown = (referral_from < 0) | (referral_to < 0)
    if unknown.any():
        route = routes[int(np.flatnonzero(unknown)[0])]
        end = route.from_service if route.from_service not in index else route.to_service
        raise PathwayError(f"referral route {route.id!r} names service {end!r}, not in the register")
    loops = referral_from == referral_to  # a route from a service to itself leads nowhere new

    return ServiceNetwork(
        scenario=None if bid is None else bid.id,
        nodes=tuple(nodes),
        referral_from=referral_from[~loops],
        referral_to=referral_to[~loops],
        claimed_links=tuple(links),
        register_cohorts=tuple(ecosystem.cohorts),
        index=index,
    )


def funding_lost_share(ecosystem: Ecosystem, exercise: Exercise) -> dict[str, float]:
    """Share of each service's funding that ends when the exercise's replaced streams stop."""
    ties = {tie.id: tie for tie in ecosystem.funding}
    service_ids = {s.id for s in ecosystem.services}
    for tie_id in exercise.replaced_streams:
        if tie_id not in ties:
            raise PathwayError(
                f"exercise {exercise.id!r} replaces funding stream {tie_id!r}, which is not in the register"
            )
    replaced = set(exercise.replaced_streams)

    # First the replaced ties: which services and organisations they touch. Then only those totals.
    named_replaced: dict[str, float] = {}
    unnamed_replaced: dict[str, float] = {}
    for tie_id in replaced:
        tie = ties[tie_id]
        amount = _non_negative(tie.amount_per_year, f"funding tie {tie.id!r}: amount_per_year")
        if tie.service is not None:
            if tie.service not in service_ids:
                raise PathwayError(
                    f"funding tie {tie.id!r} names service {tie.service!r}, not in the register"
                )
            named_replaced[tie.service] = named_replaced.get(tie.service, 0.0) + amount
        else:
            unnamed_replaced[tie.recipient] = unnamed_replaced.get(tie.recipient, 0.0) + amount
    named_total = dict.fromkeys(named_replaced, 0.0)
    ties_received = dict.fromkeys(unnamed_replaced, 0.0)
    for tie in ecosystem.funding:
        if tie.service in named_total:
            named_total[tie.service] += max(0.0, tie.amount_per_year)
        if tie.recipient in ties_received:
            ties_received[tie.recipient] += max(0.0, tie.amount_per_year)

    organisations = {org.id: org for org in ecosystem.organisations}
    org_share = {
        org_id: min(1.0, amount / _income(organisations.get(org_id), ties_received.get(org_id, 0.0)))
        for org_id, amount in unnamed_replaced.items()
        if amount > 0
    }

    lost: dict[str, float] = {}
    for service in ecosystem.services:
        named = 0.0
        if service.id in named_replaced:
            named = named_replaced[service.id] / named_total[service.id]
        unnamed = org_share.get(service.organisation, 0.0)
        share = 1.0 - (1.0 - min(1.0, named)) * (1.0 - unnamed)
        if share > 0:
            lost[service.id] = 1.0 if share >= _CLOSED_SHARE else share
    return lost


def _income(organisation: Organisation | None, ties_received: float) -> float:
    """Annual income: the latest accounts, or (none filed) the funding ties it receives in the register."""
    finances = organisation.latest_finances if organisation is not None else None
    income = finances.income if finances is not None else 0.0
    # The replaced ties are part of its income, so the income is at least what the register shows it receives.
    return max(income, ties_received, 1e-9)


def _bid_node(bid: Bid, index: Mapping[str, int]) -> ServiceNode:
    node_id = bid_service_id(bid)
    if node_id in index:
        raise PathwayError(f"bid {bid.id!r}: the register already has a service with id {node_id!r}")
    service = bid.service
    return ServiceNode(
        id=node_id,
        name=service.name,
        owner=bid.bidder,
        needs=frozenset(service.needs),
        eligible_cohorts=frozenset(service.eligible_cohorts),
        wards=frozenset(service.wards),
        entry_points=frozenset(service.entry_points),
        register_capacity=_non_negative(service.capacity_per_year, f"bid {bid.id!r}: service capacity"),
        funding_lost_share=0.0,
        added_by_bid=True,
    )


def _claimed_links(
    bid: Bid, exercise: Exercise, index: Mapping[str, int], evidence_weight: Mapping[ClaimState, float]
) -> list[ClaimedLink]:
    links = []
    bid_index = index[bid_service_id(bid)]
    for position, partnership in enumerate(bid.partnerships):
        where = f"bid {bid.id!r}, partnership {position + 1}"
        if partnership.partner_service not in index:
            raise PathwayError(f"{where} names service {partnership.partner_service!r}, not in the register")
        if partnership.cohort is not None and partnership.cohort not in exercise.cohorts:
            raise PathwayError(f"{where} is for cohort {partnership.cohort!r}, not one of the exercise's")
        if partnership.state not in evidence_weight:
            raise PathwayError(
                f"{where}: no evidence weight given for claim state {partnership.state.value!r}"
            )
        probability = float(evidence_weight[partnership.state])
        if not 0.0 <= probability <= 1.0:
            raise PathwayError(
                f"evidence weight of {partnership.state.value!r} must be in [0, 1], got {probability!r}"
            )
        links.append(
            ClaimedLink(
                bid=bid.id,
                partnership=position,
                bid_service=bid_index,
                partner_service=index[partnership.partner_service],
                mechanism=partnership.mechanism,
                state=partnership.state,
                probability=probability,
                cohort=partnership.cohort,
                description=partnership.description,
            )
        )
    return links


def _non_negative(value: float, where: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise PathwayError(f"{where} must be a finite number >= 0, got {value!r}")
    return value


# ---------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RouteElement:
    """A service or claimed link that the routes for a missing link run through, and how often it fails."""

    kind: str  # "service" or "claimed_link"
    id: str
    name: str
    owner: str
    failure_share: float  # share of draws in which it is closed (service) or absent (claimed link)
    reason: str  # words: why it fails

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "owner": self.owner,
            "failure_share": self.failure_share,
            "reason": self.reason,
        }


# Why a need cannot be reached from an entry point, in increasing order of how fixable it is.
CAUSES = {
    "no_service": "no service open to the cohort in its wards meets this need",
    "no_entry": "no service open to the cohort in its wards takes people from this entry point",
    "no_route": "no chain of referral routes leads from this entry point to a service meeting the need",
    "beyond_hop_limit": "the nearest service meeting the need is more referrals away than the limit",
    "route_broken": "the routes run through services that close or partnerships that may not exist",
}


@dataclass(frozen=True, slots=True)
class MissingLink:
    """A need the cohort cannot reach from an entry point, in a share of the draws, and why."""

    scenario: str | None
    cohort: str
    cohort_name: str
    entry_point: EntryPoint
    need: Need
    missing_share: float  # share of draws in which no service meeting the need is reachable
    people_per_year: float  # people entering there (cohort size x entry share)
    k: int
    cause: str  # a key of CAUSES
    nearest_referrals: int | None = None  # for "beyond_hop_limit": referrals to the nearest such service
    nearest_service: str | None = None
    route_elements: tuple[RouteElement, ...] = ()

    @property
    def sentence(self) -> str:
        head = (
            f"{self.cohort_name}: of the {self.people_per_year:,.0f} people a year who come in through "
            f"{self.entry_point.label.lower()}, none can reach a service for "
            f"{self.need.label.lower()} within {self.k} referral{'s' if self.k != 1 else ''}"
        )
        head += "" if self.missing_share >= 1.0 else f" in {self.missing_share:.0%} of draws"
        return f"{head}: {self._reason()}."

    def _reason(self) -> str:
        if self.cause == "beyond_hop_limit" and self.nearest_referrals is not None:
            return (
                f"the nearest, {self.nearest_service}, is {self.nearest_referrals} referrals away, "
                f"beyond the limit of {self.k}"
            )
        if self.cause == "route_broken" and self.route_elements:
            parts = [f"{e.name} ({e.reason})" for e in self.route_elements[:3]]
            more = len(self.route_elements) - 3
            tail = f" and {more} more" if more > 0 else ""
            return "the routes run through " + "; ".join(parts) + tail
        return CAUSES[self.cause]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "cohort": self.cohort,
            "cohort_name": self.cohort_name,
            "entry_point": self.entry_point.value,
            "need": self.need.value,
            "missing_share": self.missing_share,
            "people_per_year": self.people_per_year,
            "k": self.k,
            "cause": self.cause,
            "nearest_referrals": self.nearest_referrals,
            "nearest_service": self.nearest_service,
            "route_elements": [e.to_dict() for e in self.route_elements],
            "sentence": self.sentence,
        }


@dataclass(slots=True)
class PathwayResult:
    """Per cohort (rows, in the order given) and per draw (columns) for one scenario."""

    scenario: str | None
    cohort_ids: tuple[str, ...]
    cohort_sizes: np.ndarray  # people a year
    unit_cost_unmet_need: np.ndarray  # £ per person a year falling through, per cohort
    coverage: np.ndarray  # n_cohorts x n_draws, sum over entry points of share x [pathway exists]
    people_served: np.ndarray  # n_cohorts x n_draws, an upper bound (min over needs of each need's max flow)
    people_falling_through: np.ndarray  # n_cohorts x n_draws = size - served
    missing_links: dict[str, tuple[MissingLink, ...]]  # per cohort, every (entry point, need) ever missing
    claimed_links_present: np.ndarray  # n_claimed_links x n_draws booleans drawn
    k: int

    @property
    def n_draws(self) -> int:
        return int(self.coverage.shape[1])

    def cost_of_falling_through_per_year(self) -> np.ndarray:
        """£ a year, n_cohorts x n_draws: people falling through x the cohort's unit cost of unmet need."""
        return self.people_falling_through * self.unit_cost_unmet_need[:, None]

    def reported_missing_links(self, threshold: float = 0.5) -> list[MissingLink]:
        """Missing links an officer should see: missing in at least `threshold` of the draws."""
        found = [m for links in self.missing_links.values() for m in links if m.missing_share >= threshold]
        return sorted(found, key=lambda m: (-m.missing_share * m.people_per_year, m.cohort))

    def to_dict(self, threshold: float = 0.5) -> dict[str, Any]:
        cohorts = []
        for row, cohort_id in enumerate(self.cohort_ids):
            cohorts.append(
                {
                    "cohort": cohort_id,
                    "size_per_year": float(self.cohort_sizes[row]),
                    "coverage": _summary(self.coverage[row]),
                    "people_served": _summary(self.people_served[row]),
                    "people_falling_through": _summary(self.people_falling_through[row]),
                    "cost_of_falling_through_per_year": _summary(
                        self.people_falling_through[row] * self.unit_cost_unmet_need[row]
                    ),
                    "missing_links": [
                        m.to_dict() for m in self.missing_links[cohort_id] if m.missing_share >= threshold
                    ],
                }
            )
        return {"scenario": self.scenario, "k": self.k, "n_draws": self.n_draws, "cohorts": cohorts}


def _summary(values: np.ndarray) -> dict[str, float]:
    low, median, high = np.quantile(values, [0.05, 0.5, 0.95])
    return {"median": float(median), "p05": float(low), "p95": float(high), "mean": float(values.mean())}


# ---------------------------------------------------------------------------------------------------------
# The Monte Carlo over pathways
# ---------------------------------------------------------------------------------------------------------


def cohort_pathways(
    network: ServiceNetwork,
    cohorts: Sequence[Cohort],
    open_scale: np.ndarray,
    rng: np.random.Generator,
    k: int,
    link_probability: np.ndarray | None = None,
) -> PathwayResult:
    """Coverage, people served and falling through, and missing links, per cohort and draw.

    `open_scale` is n_services x n_draws in [0, 1]: 1 - final distress of each service's owner in each
    draw (0 = closed). Each claimed link is drawn per draw from `rng` (one uniform per link and draw) with
    its probability: the network's evidence weight, or `link_probability` (n_links, or n_links x n_draws
    when the evidence weight itself varies by draw, e.g. with p_unconfirmed drawn).
    """
    n_draws = np.shape(open_scale)[1] if np.ndim(open_scale) == 2 else 0
    n_links = len(network.claimed_links)
    probability = network.claimed_edge_probability if link_probability is None else link_probability
    probability = np.asarray(probability, dtype=float)
    if probability.ndim == 1:
        probability = probability[:, None]
    if probability.shape not in ((n_links, 1), (n_links, n_draws)):
        raise PathwayError(
            f"link_probability has shape {probability.shape}, expected ({n_links},) or ({n_links}, {n_draws})"
        )
    if probability.size and not (np.all(probability >= 0) and np.all(probability <= 1)):
        raise PathwayError("link_probability must be in [0, 1]")
    present = rng.random((n_links, n_draws)) < probability
    return pathways_given_links(network, cohorts, open_scale, present, k)


def pathways_given_links(
    network: ServiceNetwork,
    cohorts: Sequence[Cohort],
    open_scale: np.ndarray,
    claimed_links_present: np.ndarray,
    k: int,
) -> PathwayResult:
    """As `cohort_pathways`, with the claimed links' existence per draw given (n_links x n_draws bool)."""
    _check_cohorts(cohorts)
    lookup = network.lookup
    relevant = np.zeros(network.n_services, dtype=bool)
    for cohort in cohorts:
        relevant |= network.usable_mask(cohort)
    relevant &= ~lookup.closed_by_award
    open_scale, row_min, row_max = _checked_open_scale(network, open_scale, relevant)
    n_draws = open_scale.shape[1]
    present = np.asarray(claimed_links_present, dtype=bool)
    if present.shape != (len(network.claimed_links), n_draws):
        raise PathwayError(
            f"claimed_links_present has shape {present.shape}, expected "
            f"({len(network.claimed_links)}, {n_draws})"
        )
    if isinstance(k, bool) or int(k) != k or k < 0 or k > 200:
        raise PathwayError(f"k (referral hops) must be a whole number from 0 to 200, got {k!r}")
    k = int(k)

    shares = _capacity_shares(network, cohorts)
    scale_constant = row_min == row_max
    never_open = row_max <= 0

    coverage = np.zeros((len(cohorts), n_draws))
    served = np.zeros((len(cohorts), n_draws))
    missing: dict[str, tuple[MissingLink, ...]] = {}
    for row, cohort in enumerate(cohorts):
        frame = _CohortFrame.build(
            network, cohort, row_min, present, never_open, scale_constant, shares[row], k
        )
        missing_count = np.zeros((frame.n_entries, len(frame.needs)), dtype=np.int64)
        block = frame.draws_per_block()
        for start in range(0, n_draws, block):
            draws = slice(start, min(n_draws, start + block))
            met, flows = frame.run_chunk(open_scale[:, draws], present[:, draws])
            pathway = met.all(axis=1)  # entries x draws
            coverage[row, draws] = frame.entry_share @ pathway
            served[row, draws] = flows.min(axis=0) if len(frame.needs) else cohort.size_per_year
            missing_count += (~met).sum(axis=2)
        missing[cohort.id] = _explain_missing(frame, network, open_scale, present, missing_count, n_draws)

    sizes = np.array([c.size_per_year for c in cohorts], dtype=float)
    served = np.minimum(served, sizes[:, None])
    return PathwayResult(
        scenario=network.scenario,
        cohort_ids=tuple(c.id for c in cohorts),
        cohort_sizes=sizes,
        unit_cost_unmet_need=np.array([c.unit_cost_unmet_need for c in cohorts], dtype=float),
        coverage=coverage,
        people_served=served,
        people_falling_through=sizes[:, None] - served,
        missing_links=missing,
        claimed_links_present=present,
        k=k,
    )


def _checked_open_scale(
    network: ServiceNetwork, open_scale: np.ndarray, relevant: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The array as floats, with each relevant service's lowest and highest value over the draws.

    Reading the n_services x n_draws array is the largest cost of a scenario at city scale, so it is read
    once: the minimum of every row of a service some cohort can use, then the maximum only of rows whose
    minimum is below 1 (services whose owner is distressed in some draw). A row whose minimum is exactly 1
    is taken as 1 throughout; a value above 1 in such a row is the one bad input not reported (it would
    mean "more than open" and is read as open). Rows no cohort can use are never read (reported as 1).
    """
    open_scale = np.asarray(open_scale)
    if open_scale.dtype not in (np.float64, np.float32):  # float32 is read as it is: no copy of the draws
        open_scale = open_scale.astype(float)
    if open_scale.ndim != 2 or open_scale.shape[0] != network.n_services:
        raise PathwayError(
            f"open_scale has shape {open_scale.shape}, expected ({network.n_services}, "
            f"n_draws): one row per service in the network's order"
        )
    row_min, row_max = np.ones(network.n_services), np.ones(network.n_services)
    if open_scale.shape[1] == 0 or not relevant.any():
        return open_scale, row_min, row_max
    if relevant.mean() > 0.25:  # reading every row beats copying most of them out first
        row_min[relevant] = open_scale.min(axis=1)[relevant]
    else:
        row_min[relevant] = open_scale[relevant].min(axis=1)
    partial = row_min < 1.0  # NaN compares False here and is caught below
    if partial.any():
        row_max[partial] = open_scale[partial].max(axis=1)
    bad_rows = ~((row_min >= 0.0) & (row_min <= 1.0) & (row_max <= 1.0))  # NaN fails every test
    if bad_rows.any():
        row = int(np.flatnonzero(bad_rows)[0])
        draw = int(np.flatnonzero(~((open_scale[row] >= 0.0) & (open_scale[row] <= 1.0)))[0])
        raise PathwayError(
            f"open_scale must be in [0, 1]; service {network.nodes[row].id!r}, draw "
            f"{draw} has {float(open_scale[row, draw])!r}"
        )
    return open_scale, row_min, row_max


def _check_cohorts(cohorts: Sequence[Cohort]) -> None:
    seen: set[str] = set()
    for cohort in cohorts:
        where = f"cohort {cohort.id!r}"
        if cohort.id in seen:
            raise PathwayError(f"{where} is listed twice")
        seen.add(cohort.id)
        if not cohort.needs:
            raise PathwayError(f"{where} lists no needs, so no pathway can be defined for it")
        if not np.isfinite(cohort.size_per_year) or cohort.size_per_year < 0:
            raise PathwayError(f"{where}: size_per_year must be >= 0, got {cohort.size_per_year!r}")
        if any(not np.isfinite(w) or w < 0 for w in cohort.entry_shares.values()):
            raise PathwayError(f"{where}: entry shares must be >= 0, got {dict(cohort.entry_shares)!r}")
        total = sum(cohort.entry_shares.values())
        if abs(total - 1.0) > _SHARE_TOLERANCE:
            raise PathwayError(f"{where}: entry shares sum to {total:.4f}, expected 1")


def _capacity_shares(network: ServiceNetwork, cohorts: Sequence[Cohort]) -> np.ndarray:
    """n_cohorts x n_services: each cohort's share of each service's capacity.

    A service's capacity is shared among every cohort (in the register or passed in) that can use it:
    eligible, in its wards, and with at least one need it meets; in proportion to the cohorts' sizes.
    """
    everyone = {c.id: c for c in network.register_cohorts}
    everyone.update({c.id: c for c in cohorts})
    users = np.zeros(network.n_services)
    for cohort in everyone.values():
        users += _uses(network, cohort) * cohort.size_per_year
    shares = np.zeros((len(cohorts), network.n_services))
    for row, cohort in enumerate(cohorts):
        uses = _uses(network, cohort)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares[row] = np.where(uses & (users > 0), cohort.size_per_year / users, 0.0)
        # A cohort of size 0 shares nothing but still needs its pathway's capacity to exist.
        shares[row] = np.where(uses & (users == 0), 1.0, shares[row])
    return shares


def _uses(network: ServiceNetwork, cohort: Cohort) -> np.ndarray:
    lookup = network.lookup
    return network.usable_mask(cohort) & lookup.meets_any(cohort.needs)


@dataclass(frozen=True, slots=True)
class _NodeLookup:
    """Who may use each service, what it meets and where it takes people from, as arrays."""

    open_to_all: np.ndarray  # bool: no eligibility list
    eligible_by_cohort: dict[str, np.ndarray]  # cohort id -> node indices listing it
    citywide: np.ndarray  # bool: no ward list
    nodes_by_ward: dict[str, np.ndarray]
    needs: np.ndarray  # n x len(Need) bool
    entry_points: np.ndarray  # n x len(EntryPoint) bool
    closed_by_award: np.ndarray  # bool
    capacity: np.ndarray  # people a year in the scenario

    @classmethod
    def of(cls, nodes: Sequence[ServiceNode]) -> _NodeLookup:
        eligible: dict[str, list[int]] = {}
        wards: dict[str, list[int]] = {}
        for i, node in enumerate(nodes):
            for cohort_id in node.eligible_cohorts:
                eligible.setdefault(cohort_id, []).append(i)
            for ward in node.wards:
                wards.setdefault(ward, []).append(i)
        need_column = {need: j for j, need in enumerate(Need)}
        entry_column = {entry: j for j, entry in enumerate(EntryPoint)}
        need_cells = [(i, need_column[n]) for i, node in enumerate(nodes) for n in node.needs]
        entry_cells = [(i, entry_column[e]) for i, node in enumerate(nodes) for e in node.entry_points]
        needs = np.zeros((len(nodes), len(need_column)), dtype=bool)
        entries = np.zeros((len(nodes), len(entry_column)), dtype=bool)
        if need_cells:
            needs[tuple(np.array(need_cells).T)] = True
        if entry_cells:
            entries[tuple(np.array(entry_cells).T)] = True
        return cls(
            open_to_all=np.array([not n.eligible_cohorts for n in nodes], dtype=bool),
            eligible_by_cohort={k: np.array(v, dtype=np.int64) for k, v in eligible.items()},
            citywide=np.array([not n.wards for n in nodes], dtype=bool),
            nodes_by_ward={k: np.array(v, dtype=np.int64) for k, v in wards.items()},
            needs=needs,
            entry_points=entries,
            closed_by_award=np.array([n.closed_by_award for n in nodes], dtype=bool),
            capacity=np.array([n.capacity for n in nodes], dtype=float),
        )

    def usable(self, cohort: Cohort) -> np.ndarray:
        eligible = self.open_to_all.copy()
        eligible[self.eligible_by_cohort.get(cohort.id, np.zeros(0, dtype=np.int64))] = True
        if not cohort.wards:
            return eligible
        in_wards = self.citywide.copy()
        for ward in cohort.wards:
            in_wards[self.nodes_by_ward.get(ward, np.zeros(0, dtype=np.int64))] = True
        return eligible & in_wards

    def meets_any(self, needs: Sequence[Need]) -> np.ndarray:
        return self.meets(needs).any(axis=1)

    def meets(self, needs: Sequence[Need]) -> np.ndarray:
        columns = [list(Need).index(n) for n in needs]
        return self.needs[:, columns]

    def enters(self, entries: Sequence[EntryPoint]) -> np.ndarray:
        columns = [list(EntryPoint).index(e) for e in entries]
        return self.entry_points[:, columns]


@dataclass(slots=True)
class _CohortFrame:
    """One cohort's view of the network, with the work that does not depend on the draw done once.

    Reachability is monotone: opening a service or adding a link never lengthens a route. So the hop
    distance of each service in any draw lies between its distance in the "fullest" graph (every service
    that is ever open, every link that is ever present) and in the "barest" one (only services and links
    present in every draw). Where the two agree the distance is fixed; only the few services where they
    differ (`unsure`) are recomputed per draw.
    """

    cohort: Cohort
    needs: tuple[Need, ...]
    entries: tuple[EntryPoint, ...]
    entry_share: np.ndarray  # E
    supply: np.ndarray  # E: people a year entering through each entry point
    k: int
    nodes: np.ndarray  # global indices of the services usable in some draw (local index = position)
    meets: np.ndarray  # m x needs bool
    capacity: np.ndarray  # m: this cohort's share of each service's capacity in the scenario
    dist: np.ndarray  # m x E uint8 fixed distances (inf = k + 1) of services not in `unsure`
    unsure: np.ndarray  # local indices whose distance depends on the draw
    unsure_base: np.ndarray  # E x u fixed lower bound from sure predecessors and entry
    link_in: list[tuple[int, int, np.ndarray]]  # (claimed link row, unsure target, E distances of source)
    inner_src: np.ndarray  # edges among unsure services (local unsure positions)
    inner_dst: np.ndarray
    inner_link: np.ndarray  # claimed link row, or -1 for a sure edge
    scale_constant: np.ndarray  # m bool: open_scale constant over draws
    scale_value: np.ndarray  # m: the open_scale of services where it is constant (their row minimum)

    @property
    def n_entries(self) -> int:
        return len(self.entries)

    def draws_per_block(self) -> int:
        """Draws handled at once: up to _DRAW_CHUNK, fewer when many services are unsure (memory)."""
        per_draw = max(1, self.n_entries * len(self.unsure), 2**self.n_entries * len(self.needs))
        return max(1, min(_DRAW_CHUNK, max(64, _BLOCK_CELLS // per_draw)))

    @classmethod
    def build(
        cls,
        network: ServiceNetwork,
        cohort: Cohort,
        row_min: np.ndarray,
        present: np.ndarray,
        never_open: np.ndarray,
        scale_constant: np.ndarray,
        share: np.ndarray,
        k: int,
    ) -> _CohortFrame:
        entries = tuple(e for e, w in cohort.entry_shares.items() if w > 0)
        if len(entries) > _MAX_ENTRY_POINTS:
            raise PathwayError(
                f"cohort {cohort.id!r} has {len(entries)} entry points; at most "
                f"{_MAX_ENTRY_POINTS} are supported"
            )
        entry_share = np.array([cohort.entry_shares[e] for e in entries], dtype=float)
        supply = cohort.size_per_year * entry_share
        needs = tuple(dict.fromkeys(cohort.needs))

        lookup = network.lookup
        usable = network.usable_mask(cohort) & ~lookup.closed_by_award & ~never_open
        nodes = np.flatnonzero(usable)
        local = np.full(network.n_services, -1, dtype=np.int64)
        local[nodes] = np.arange(len(nodes))
        m = len(nodes)
        always_open = row_min[nodes] > 0

        sure, var = _cohort_edges(network, cohort.id, local, present)
        is_entry = lookup.enters(entries)[nodes]
        every_src, every_dst = np.concatenate([sure[0], var[0]]), np.concatenate([sure[1], var[1]])
        fullest = hop_distances(m, every_src, every_dst, is_entry, np.ones(m, dtype=bool), k)
        barest = hop_distances(m, sure[0], sure[1], is_entry, always_open, k)
        unsure = np.flatnonzero((fullest != barest).any(axis=1))
        base, link_in, inner = _unsure_inputs(unsure, is_entry, sure, var, barest, k)
        return cls(
            cohort=cohort,
            needs=needs,
            entries=entries,
            entry_share=entry_share,
            supply=supply,
            k=k,
            nodes=nodes,
            meets=lookup.meets(needs)[nodes],
            capacity=lookup.capacity[nodes] * share[nodes],
            dist=barest,
            unsure=unsure,
            unsure_base=base,
            link_in=link_in,
            inner_src=inner[0],
            inner_dst=inner[1],
            inner_link=inner[2],
            scale_constant=scale_constant[nodes],
            scale_value=row_min[nodes],
        )

    def run_chunk(self, open_scale: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For a block of draws: met (E x needs x draws bool) and each need's max flow (needs x draws)."""
        n_draws = open_scale.shape[1]
        # E x u' x draws for the unsure services meeting one of the cohort's needs (u' of them).
        serving_unsure = self.meets[self.unsure].any(axis=1)
        reach_unsure = self._unsure_reach(open_scale, present, serving_unsure)
        fixed_reach = self.dist <= self.k  # m x E, valid outside `unsure`
        unsure_mask = np.zeros(len(self.nodes), dtype=bool)
        unsure_mask[self.unsure] = True

        met = np.zeros((self.n_entries, len(self.needs), n_draws), dtype=bool)
        flows = np.zeros((len(self.needs), n_draws))
        for j in range(len(self.needs)):
            serving = self.meets[:, j]
            sure_serving = serving & ~unsure_mask
            met[:, j, :] |= fixed_reach[sure_serving].any(axis=0)[:, None]
            in_unsure = serving[self.unsure]
            in_reach = in_unsure[serving_unsure]
            if in_unsure.any():
                met[:, j, :] |= reach_unsure[:, in_reach, :].any(axis=1)

            flows[j] = self._need_flow_chunk(
                open_scale,
                np.flatnonzero(sure_serving),
                fixed_reach,
                self.unsure[in_unsure],
                reach_unsure[:, in_reach, :],
            )
        return met, flows

    def _need_flow_chunk(
        self,
        open_scale: np.ndarray,
        sure_rows: np.ndarray,
        fixed_reach: np.ndarray,
        unsure_rows: np.ndarray,
        unsure_reach: np.ndarray,
    ) -> np.ndarray:
        """Max flow of one need in each draw of the block (see `_need_flow`).

        Entry points that reach exactly the same services in every draw of the block are merged (their
        people summed) and those that reach none are dropped: both leave the max flow unchanged and shrink
        the 2^E subsets the cut runs over.
        """
        n_draws = open_scale.shape[1]
        sure_bits = fixed_reach[sure_rows]  # services x E
        groups: dict[bytes, list[int]] = {}
        for e in range(self.n_entries):
            column = sure_bits[:, e]
            if not column.any() and not unsure_reach[e].any():
                continue
            key = np.packbits(column).tobytes() + np.packbits(unsure_reach[e]).tobytes()
            groups.setdefault(key, []).append(e)
        members = list(groups.values())
        if not members:
            return np.zeros(n_draws)
        representative = [g[0] for g in members]
        supply = np.array([self.supply[g].sum() for g in members])
        weights = 1 << np.arange(len(members))
        subsets = np.arange(2 ** len(members))
        supply_by_subset = ((subsets[:, None] >> np.arange(len(members))[None, :]) & 1) @ supply

        # Capacity by reach signature: hist[s, d] = capacity reachable from exactly the entry subset s.
        hist = np.zeros((len(subsets), n_draws))
        signature = sure_bits[:, representative] @ weights
        reached = signature > 0
        sure_rows, signature = sure_rows[reached], signature[reached]
        constant = self.scale_constant[sure_rows]
        if constant.any():
            cap = self.capacity[sure_rows[constant]] * self.scale_value[sure_rows[constant]]
            hist += np.bincount(signature[constant], weights=cap, minlength=len(subsets))[:, None]
        if (~constant).any():
            rows, sig = sure_rows[~constant], signature[~constant]
            order = np.argsort(sig, kind="stable")
            rows, sig = rows[order], sig[order]
            starts = np.flatnonzero(np.r_[True, sig[1:] != sig[:-1]])
            cap = self.capacity[rows, None] * open_scale[self.nodes[rows]]
            hist[sig[starts]] += np.add.reduceat(cap, starts, axis=0)
        if len(unsure_rows):
            sig = np.tensordot(weights, unsure_reach[representative], axes=(0, 0))  # u' x draws
            cap = self.capacity[unsure_rows, None] * open_scale[self.nodes[unsure_rows]]
            flat = (sig * n_draws + np.arange(n_draws)[None, :]).ravel()
            hist += np.bincount(flat, weights=cap.ravel(), minlength=hist.size).reshape(hist.shape)
        return _need_flow(hist, supply_by_subset)

    def _unsure_reach(self, open_scale: np.ndarray, present: np.ndarray, keep: np.ndarray) -> np.ndarray:
        """E x u x draws: whether each unsure service is within k referrals of each entry point.

        Level by level (reached within 0, 1, ..., k referrals), with the draws packed 64 to a word so that
        one bitwise operation handles 64 draws.
        """
        n_draws = open_scale.shape[1]
        u = len(self.unsure)
        if u == 0 or not keep.any():  # no unsure service meets a need: nothing per draw to find
            return np.zeros((self.n_entries, 0, n_draws), dtype=bool)
        is_open = _pack_draws(open_scale[self.nodes[self.unsure]] > 0)  # u x words; padding bits are 0
        everyone = np.uint64(0xFFFFFFFFFFFFFFFF)
        edge_mask = np.full((len(self.inner_src), is_open.shape[1]), everyone)
        linked = self.inner_link >= 0
        if linked.any():
            edge_mask[linked] = _pack_draws(present[self.inner_link[linked]])
        link_bits = [
            (_pack_draws(present[row][None, :])[0], target, via) for row, target, via in self.link_in
        ]
        starts = (
            np.flatnonzero(np.r_[True, self.inner_dst[1:] != self.inner_dst[:-1]])
            if len(self.inner_dst)
            else np.zeros(0, dtype=np.int64)
        )
        targets = self.inner_dst[starts]

        reach = np.zeros((self.n_entries, u, is_open.shape[1]), dtype=np.uint64)
        for level in range(self.k + 1):
            seed = np.where((self.unsure_base <= level)[:, :, None], everyone, np.uint64(0))
            seed = np.broadcast_to(seed, reach.shape).copy()
            for bits, target, via in link_bits:
                seed[:, target, :] |= np.where((via <= level)[:, None], bits[None, :], np.uint64(0))
            if level > 0 and len(starts):
                step = reach[:, self.inner_src, :] & edge_mask[None, :, :]
                seed[:, targets, :] |= np.bitwise_or.reduceat(step, starts, axis=1)
            reach = (reach | seed) & is_open[None, :, :]
        kept = np.ascontiguousarray(reach[:, keep, :])  # only services meeting a need are read per draw
        unpacked = np.unpackbits(kept.view(np.uint8), axis=-1, count=n_draws, bitorder="little")
        return unpacked.view(bool)


def _pack_draws(flags: np.ndarray) -> np.ndarray:
    """rows x draws booleans -> rows x words uint64, draw d in bit d % 64 of word d // 64 (zero padded)."""
    packed = np.packbits(flags, axis=-1, bitorder="little")
    pad = (-packed.shape[-1]) % 8
    if pad:
        packed = np.concatenate([packed, np.zeros((*packed.shape[:-1], pad), dtype=np.uint8)], axis=-1)
    return np.ascontiguousarray(packed).view(np.uint64)


Edges = tuple[np.ndarray, np.ndarray]  # (from, to) local service indices
LinkEdges = tuple[np.ndarray, np.ndarray, np.ndarray]  # (from, to, claimed link row)


def _cohort_edges(
    network: ServiceNetwork, cohort_id: str, local: np.ndarray, present: np.ndarray
) -> tuple[Edges, LinkEdges]:
    """The cohort's sure edges (referral routes, links present in every draw) and its variable ones.

    Both ends must be usable by the cohort (local index >= 0). A claimed link never present is dropped.
    """
    keep = (local[network.referral_from] >= 0) & (local[network.referral_to] >= 0)
    sure_src: list[int] = []
    sure_dst: list[int] = []
    var_src: list[int] = []
    var_dst: list[int] = []
    var_link: list[int] = []
    for row, link in enumerate(network.claimed_links):
        a, b = int(local[link.bid_service]), int(local[link.partner_service])
        if not link.applies_to(cohort_id) or a < 0 or b < 0 or a == b or not present[row].any():
            continue
        if present[row].all():
            sure_src += [a, b]
            sure_dst += [b, a]
        else:
            var_src += [a, b]
            var_dst += [b, a]
            var_link += [row, row]
    sure = (
        np.concatenate([local[network.referral_from[keep]], np.array(sure_src, dtype=np.int64)]),
        np.concatenate([local[network.referral_to[keep]], np.array(sure_dst, dtype=np.int64)]),
    )
    var = (
        np.array(var_src, dtype=np.int64),
        np.array(var_dst, dtype=np.int64),
        np.array(var_link, dtype=np.int64),
    )
    return sure, var


def _unsure_inputs(
    unsure: np.ndarray, is_entry: np.ndarray, sure: Edges, var: LinkEdges, barest: np.ndarray, k: int
) -> tuple[np.ndarray, list[tuple[int, int, np.ndarray]], LinkEdges]:
    """What the per-draw search over unsure services starts from.

    - base (E x u): hop 0 for entry services, else the best distance through a sure edge from a service
      whose distance is fixed (k + 1 = none);
    - link_in: claimed links from a fixed service into an unsure one, with the distance they would give;
    - inner: edges between unsure services (sure ones with link row -1), sorted by target.
    """
    inf = k + 1
    position = np.full(len(is_entry), -1, dtype=np.int64)
    position[unsure] = np.arange(len(unsure))
    base = np.where(is_entry[unsure].T, 0, inf).astype(np.int16)
    into_unsure = position[sure[1]] >= 0
    from_fixed = into_unsure & (position[sure[0]] < 0)
    via_fixed = barest[sure[0][from_fixed]].astype(np.int16) + 1  # edges x E
    np.minimum.at(base.T, position[sure[1][from_fixed]], via_fixed)
    link_in = [
        (int(row), int(position[dst]), np.minimum(barest[src].astype(np.int16) + 1, inf))
        for src, dst, row in zip(*var, strict=True)
        if position[src] < 0 and position[dst] >= 0 and (barest[src] < inf).any()
    ]
    inner = into_unsure & (position[sure[0]] >= 0)
    inner_var = (position[var[0]] >= 0) & (position[var[1]] >= 0)
    inner_src = np.concatenate([position[sure[0][inner]], position[var[0][inner_var]]])
    inner_dst = np.concatenate([position[sure[1][inner]], position[var[1][inner_var]]])
    inner_link = np.concatenate([np.full(int(inner.sum()), -1, dtype=np.int64), var[2][inner_var]])
    order = np.argsort(inner_dst, kind="stable")
    return np.minimum(base, inf), link_in, (inner_src[order], inner_dst[order], inner_link[order])


def _need_flow(hist: np.ndarray, supply_by_subset: np.ndarray) -> np.ndarray:
    """Max flow of one need per draw, exactly, by min-cut over subsets of entry points.

    `hist[s, d]`: capacity (people a year) in draw d of the services reached from exactly the subset s of
    entry points (bit e set = reachable from entry point e). The bipartite network: source -> entry point e
    (the people entering there), e -> each service meeting the need reachable from e (unbounded),
    service -> sink (its capacity). A cut keeps a set A of entry points on the source side and must then
    cut every service reachable from A. So
        max flow = min over T (entry points cut) of supply(T) + capacity(services reachable from outside T),
    and capacity(reachable from outside T) = total - Z[T], where Z[T] sums the capacity of services whose
    signature is a subset of T: the subset-sum (zeta) transform of `hist`.
    """
    n_subsets, n_draws = hist.shape
    zeta = hist.copy()
    zeta[0] = 0.0  # services no entry point reaches carry nobody
    total = zeta.sum(axis=0)
    bit = 1
    while bit < n_subsets:
        view = zeta.reshape(-1, 2, bit, n_draws)  # subsets grouped by this bit: [without, with]
        view[:, 1] += view[:, 0]
        bit *= 2
    cut = supply_by_subset[:, None] - zeta
    return np.maximum(cut.min(axis=0) + total, 0.0)


def hop_distances(
    m: int, src: np.ndarray, dst: np.ndarray, sources: np.ndarray, node_ok: np.ndarray, k: int
) -> np.ndarray:
    """m x E hop distances (k + 1 = unreachable within k) from each column's source services.

    Sources are hop 0; only services with node_ok may be entered or passed through.
    """
    n_cols = sources.shape[1]
    dist = np.full((m, n_cols), k + 1, dtype=np.uint8 if k < 254 else np.int16)
    if m == 0 or n_cols == 0:
        return dist
    order = np.argsort(dst, kind="stable")
    src, dst = np.asarray(src)[order], np.asarray(dst)[order]
    starts = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]]) if len(dst) else np.zeros(0, dtype=np.int64)
    targets = dst[starts]
    frontier = sources & node_ok[:, None]
    visited = frontier.copy()
    dist[frontier] = 0
    for hop in range(1, k + 1):
        if not frontier.any() or not len(targets):
            break
        step = np.zeros_like(frontier)
        step[targets] = np.logical_or.reduceat(frontier[src], starts, axis=0)
        frontier = step & ~visited & node_ok[:, None]
        dist[frontier] = hop
        visited |= frontier
    return dist


# ---------------------------------------------------------------------------------------------------------
# Explanations
# ---------------------------------------------------------------------------------------------------------


def _explain_missing(
    frame: _CohortFrame,
    network: ServiceNetwork,
    open_scale: np.ndarray,
    present: np.ndarray,
    missing_count: np.ndarray,
    n_draws: int,
) -> tuple[MissingLink, ...]:
    """A MissingLink for every (entry point, need) missing in at least one draw, with its cause."""
    cohort = frame.cohort
    found = []
    if n_draws == 0 or not missing_count.any():
        return ()
    structural = _StructuralView.build(network, cohort, frame.entries, frame.k)
    for e, entry in enumerate(frame.entries):
        for j, need in enumerate(frame.needs):
            if missing_count[e, j] == 0:
                continue
            cause, nearest, nearest_name, elements = structural.cause(e, need, network, open_scale, present)
            found.append(
                MissingLink(
                    scenario=network.scenario,
                    cohort=cohort.id,
                    cohort_name=cohort.name,
                    entry_point=entry,
                    need=need,
                    missing_share=float(missing_count[e, j] / n_draws),
                    people_per_year=float(cohort.size_per_year * frame.entry_share[e]),
                    k=frame.k,
                    cause=cause,
                    nearest_referrals=nearest,
                    nearest_service=nearest_name,
                    route_elements=elements,
                )
            )
    found.sort(key=lambda m: (-m.missing_share * m.people_per_year, m.entry_point.value, m.need.value))
    return tuple(found)


@dataclass(slots=True)
class _StructuralView:
    """The cohort's services ignoring closures, with every claimed link: where routes could run at all."""

    nodes: np.ndarray  # global indices of services eligible and in wards (open or not)
    src: np.ndarray
    dst: np.ndarray
    link_row: np.ndarray  # -1 for referral routes
    dist: np.ndarray  # m x E within k
    k: int

    @classmethod
    def build(
        cls, network: ServiceNetwork, cohort: Cohort, entries: Sequence[EntryPoint], k: int
    ) -> _StructuralView:
        nodes = np.flatnonzero(network.usable_mask(cohort))
        local = np.full(network.n_services, -1, dtype=np.int64)
        local[nodes] = np.arange(len(nodes))
        keep = (local[network.referral_from] >= 0) & (local[network.referral_to] >= 0)
        src, dst = list(local[network.referral_from[keep]]), list(local[network.referral_to[keep]])
        rows = [-1] * len(src)
        for row, link in enumerate(network.claimed_links):
            a, b = local[link.bid_service], local[link.partner_service]
            if link.applies_to(cohort.id) and a >= 0 and b >= 0 and link.probability > 0:
                src += [a, b]
                dst += [b, a]
                rows += [row, row]
        src_a, dst_a = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)
        is_entry = network.lookup.enters(entries)[nodes]
        dist = hop_distances(len(nodes), src_a, dst_a, is_entry, np.ones(len(nodes), dtype=bool), k)
        return cls(nodes, src_a, dst_a, np.array(rows, dtype=np.int64), dist, k)

    def cause(
        self, e: int, need: Need, network: ServiceNetwork, open_scale: np.ndarray, present: np.ndarray
    ) -> tuple[str, int | None, str | None, tuple[RouteElement, ...]]:
        m = len(self.nodes)
        serving = network.lookup.meets([need])[self.nodes, 0]
        if not serving.any():
            return "no_service", None, None, ()
        if not (self.dist[:, e] == 0).any():
            return "no_entry", None, None, ()
        within = (self.dist[:, e] <= self.k) & serving
        if not within.any():
            far = hop_distances(
                m, self.src, self.dst, (self.dist[:, e] == 0)[:, None], np.ones(m, dtype=bool), min(m, 250)
            )[:, 0].astype(np.int64)
            far = np.where(serving, far, 10**9)
            nearest = int(far.argmin())
            if far[nearest] > min(m, 250):
                return "no_route", None, None, ()
            return "beyond_hop_limit", int(far[nearest]), network.nodes[self.nodes[nearest]].name, ()
        # Services and links on some route of at most k referrals, and how often each fails.
        back = hop_distances(m, self.dst, self.src, serving[:, None], np.ones(m, dtype=bool), self.k)
        forward = self.dist[:, e].astype(np.int64)
        on_route = forward + back[:, 0].astype(np.int64) <= self.k
        elements = []
        for local in np.flatnonzero(on_route):
            node = network.nodes[self.nodes[local]]
            if node.closed_by_award:
                elements.append(
                    RouteElement(
                        "service", node.id, node.name, node.owner, 1.0, "closed: the award ends its funding"
                    )
                )
                continue
            closed = float((open_scale[self.nodes[local]] <= 0).mean())
            if closed > 0:
                elements.append(
                    RouteElement(
                        "service",
                        node.id,
                        node.name,
                        node.owner,
                        closed,
                        f"its owner fails in {closed:.0%} of draws",
                    )
                )
        edge_on_route = forward[self.src] + 1 + back[self.dst, 0].astype(np.int64) <= self.k
        for row in sorted({int(r) for r in self.link_row[edge_on_route] if r >= 0}):
            link = network.claimed_links[row]
            absent = float(1.0 - present[row].mean())
            partner = network.nodes[link.partner_service]
            elements.append(
                RouteElement(
                    "claimed_link",
                    f"{link.bid}#{link.partnership + 1}",
                    f"the claimed {link.mechanism.label.lower()} with {partner.name}",
                    partner.owner,
                    absent,
                    f"{link.state.label.lower()}, absent in {absent:.0%} of draws",
                )
            )
        elements.sort(key=lambda x: -x.failure_share)
        return "route_broken", None, None, tuple(x for x in elements if x.failure_share > 0)


# ---------------------------------------------------------------------------------------------------------
# Before and after
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissingLinkChange:
    """How a bid changes one (cohort, entry point, need) link against the status quo."""

    change: str  # "gap_closed", "new_gap", "gap_remains"
    cohort: str
    entry_point: EntryPoint
    need: Need
    missing_share_before: float
    missing_share_after: float
    people_per_year: float
    after: MissingLink | None
    before: MissingLink | None

    @property
    def sentence(self) -> str:
        before = f"{self.missing_share_before:.0%}"
        after = f"{self.missing_share_after:.0%}"
        if self.change == "gap_closed":
            link = self.before
            assert link is not None
            return (
                f"The bid closes a gap. {link.cohort_name}: the {self.people_per_year:,.0f} people a year "
                f"who come in through {self.entry_point.label.lower()} can now reach a service for "
                f"{self.need.label.lower()} within {link.k} referrals (missing in {after} of draws, "
                f"against {before} before the award)."
            )
        link = self.after
        assert link is not None
        lead = "The bid opens a gap." if self.change == "new_gap" else "A gap remains."
        return f"{lead} {link.sentence} (Before the award: missing in {before} of draws.)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "cohort": self.cohort,
            "entry_point": self.entry_point.value,
            "need": self.need.value,
            "missing_share_before": self.missing_share_before,
            "missing_share_after": self.missing_share_after,
            "people_per_year": self.people_per_year,
            "sentence": self.sentence,
            "after": None if self.after is None else self.after.to_dict(),
        }


def missing_link_changes(
    status_quo: PathwayResult, after: PathwayResult, threshold: float = 0.5
) -> list[MissingLinkChange]:
    """Links missing in at least `threshold` of draws before or after a bid, classed by what the bid does."""
    changes = []
    for cohort_id in after.cohort_ids:
        before_links = {(m.entry_point, m.need): m for m in status_quo.missing_links.get(cohort_id, ())}
        after_links = {(m.entry_point, m.need): m for m in after.missing_links.get(cohort_id, ())}
        for key in sorted(set(before_links) | set(after_links)):
            b, a = before_links.get(key), after_links.get(key)
            share_b = b.missing_share if b else 0.0
            share_a = a.missing_share if a else 0.0
            if share_b < threshold and share_a < threshold:
                continue
            change = (
                "gap_remains"
                if share_b >= threshold and share_a >= threshold
                else ("gap_closed" if share_b >= threshold else "new_gap")
            )
            people = (a or b).people_per_year  # type: ignore[union-attr]
            changes.append(
                MissingLinkChange(change, cohort_id, key[0], key[1], share_b, share_a, people, a, b)
            )
    order = {"new_gap": 0, "gap_closed": 1, "gap_remains": 2}
    changes.sort(key=lambda c: (order[c.change], -c.people_per_year))
    return changes
