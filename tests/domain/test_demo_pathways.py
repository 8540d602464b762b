"""The demo city's pathways: whole before the award, broken by the cheapest bid, kept by the consortium.

A plain breadth-first reading of shared/docs/impact-model.md section 5 (k = 3 referral hops, entering the
first service is hop 0; services funded mostly by a replaced stream close; the winning bid's service is
added with its entry points, and its partnerships join it to the named services both ways). Only
confirmed partnerships count here. The engine's own implementation is tested elsewhere; this checks
that the story's data carries the gaps it is meant to.
"""

from collections import defaultdict

import pytest

from netimpact.domain.commissioning import Bid
from netimpact.domain.demo_city import DemoCity, build_demo_city
from netimpact.domain.ecosystem import Cohort, Service
from netimpact.domain.vocabulary import ClaimState, EntryPoint

HOPS = 3
BID_SERVICE = "bid-service"


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return build_demo_city()


def open_services(city: DemoCity, bid: Bid | None) -> tuple[dict[str, Service], dict[str, set[str]]]:
    eco = city.ecosystem
    funding: dict[str, float] = defaultdict(float)
    replaced: dict[str, float] = defaultdict(float)
    for tie in eco.funding:
        if tie.service:
            funding[tie.service] += tie.amount_per_year
            if bid is not None and tie.id in city.exercise.replaced_streams:
                replaced[tie.service] += tie.amount_per_year
    services = {s.id: s for s in eco.services if replaced[s.id] <= 0.5 * funding[s.id]}
    edges: dict[str, set[str]] = defaultdict(set)
    for route in eco.referrals:
        edges[route.from_service].add(route.to_service)
    if bid is not None:
        offered = bid.service
        services[BID_SERVICE] = Service(
            BID_SERVICE,
            offered.name,
            bid.bidder,
            offered.needs,
            offered.capacity_per_year,
            offered.eligible_cohorts,
            offered.wards,
            offered.entry_points,
        )
        for partnership in bid.partnerships:
            if partnership.state is ClaimState.CONFIRMED:
                edges[BID_SERVICE].add(partnership.partner_service)
                edges[partnership.partner_service].add(BID_SERVICE)
    return services, edges


def missing_links(city: DemoCity, cohort: Cohort, bid: Bid | None) -> set[tuple[EntryPoint, str]]:
    services, edges = open_services(city, bid)

    def usable(service: Service) -> bool:
        return not service.eligible_cohorts or cohort.id in service.eligible_cohorts

    missing = set()
    for entry, share in cohort.entry_shares.items():
        if share <= 0:
            continue
        frontier = {s.id for s in services.values() if entry in s.entry_points and usable(s)}
        reached = set(frontier)
        for _ in range(HOPS):
            frontier = {
                t
                for s in frontier
                for t in edges[s]
                if t in services and usable(services[t]) and t not in reached
            }
            reached |= frontier
        met = {need for s in reached for need in services[s].needs}
        missing |= {(entry, need.value) for need in cohort.needs if need not in met}
    return missing


def test_every_cohort_has_a_complete_pathway_before_the_award(city: DemoCity) -> None:
    for cohort in city.ecosystem.cohorts:
        assert missing_links(city, cohort, None) == set(), cohort.id


def test_the_cheapest_bid_leaves_people_falling_through_the_gaps(city: DemoCity) -> None:
    cast = city.cast
    assert cast is not None
    national = next(b for b in city.bids if b.id == cast.national_bid)
    gaps = {c.id: missing_links(city, c, national) for c in city.ecosystem.cohorts}
    rough_sleeping = gaps["demo-cohort-rough-sleeping-alcohol"]
    assert (EntryPoint.STREET_OUTREACH, "alcohol") in rough_sleeping
    assert (EntryPoint.POLICE_CUSTODY, "substance_use") in gaps["demo-cohort-co-occurring"]


def test_the_consortium_keeps_every_pathway(city: DemoCity) -> None:
    cast = city.cast
    assert cast is not None
    consortium = next(b for b in city.bids if b.id == cast.consortium_bid)
    for cohort in city.ecosystem.cohorts:
        assert missing_links(city, cohort, consortium) == set(), cohort.id
