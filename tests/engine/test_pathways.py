"""Pathways on small hand-built ecosystems: each convention of impact-model.md section 5, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from netimpact.domain.commissioning import Bid, BidService, Exercise, Partnership
from netimpact.domain.ecosystem import (
    Cohort,
    Ecosystem,
    FinancialYear,
    FundingTie,
    Organisation,
    ReferralRoute,
    Service,
)
from netimpact.domain.vocabulary import (
    ClaimState,
    EntryPoint,
    FundingKind,
    IncomeSource,
    JoinUpMechanism,
    Need,
    OrgKind,
)
from netimpact.engine.pathways import (
    PathwayError,
    build_network,
    cohort_pathways,
    missing_link_changes,
    pathways_given_links,
)

EVIDENCE = {ClaimState.CONFIRMED: 1.0, ClaimState.UNANSWERED: 0.5, ClaimState.DISPUTED: 0.0}
GP, CUSTODY = EntryPoint.GP, EntryPoint.POLICE_CUSTODY
DRUGS, MIND, HOME = Need.SUBSTANCE_USE, Need.MENTAL_HEALTH, Need.HOUSING


def _org(org_id: str, income: float | None = None) -> Organisation:
    finances = (
        []
        if income is None
        else [
            FinancialYear(
                2025, {IncomeSource.DONATIONS: income}, expenditure=income, free_reserves=0.0, net_assets=0.0
            )
        ]
    )
    return Organisation(id=org_id, name=org_id.title(), kind=OrgKind.LOCAL_VCSE, finances=finances)


def _service(sid: str, owner: str, needs, entries=(), capacity=100.0, **kw) -> Service:
    return Service(sid, f"{sid} service", owner, list(needs), capacity, entry_points=list(entries), **kw)


def _cohort(needs=(DRUGS, MIND), shares=None, size=100.0, **kw) -> Cohort:
    return Cohort(
        "dual",
        "Adults with drug use and mental ill-health",
        list(needs),
        size,
        shares or {GP: 1.0},
        unit_cost_unmet_need=2000.0,
        **kw,
    )


def _city(services, referrals=(), funding=(), orgs=None, cohorts=None) -> Ecosystem:
    owners = {s.organisation for s in services}
    return Ecosystem(
        "test city",
        organisations=orgs or [_org(o) for o in sorted(owners)],
        services=list(services),
        referrals=[ReferralRoute(f"r{i}", a, b, 10.0) for i, (a, b) in enumerate(referrals)],
        funding=list(funding),
        cohorts=cohorts if cohorts is not None else [_cohort()],
    )


def _exercise(replaced=()) -> Exercise:
    return Exercise("ex", "Drug and alcohol service", "GB-LAE-X", "", ["dual"], 500_000.0, 3, list(replaced))


def _bid(partnerships=(), needs=(DRUGS,), entries=(GP,), capacity=80.0) -> Bid:
    return Bid(
        "b1",
        "ex",
        "bidder",
        "Bid",
        400_000.0,
        BidService("New recovery service", list(needs), capacity, entry_points=list(entries)),
        partnerships=list(partnerships),
    )


def _run(eco, bid=None, k=3, scale=None, n_draws=1, cohorts=None, exercise=None):
    network = build_network(eco, exercise or _exercise(), bid, EVIDENCE)
    if scale is None:
        scale = np.ones((network.n_services, n_draws))
    result = cohort_pathways(network, cohorts or eco.cohorts, scale, np.random.default_rng(1), k)
    return network, result


# Reachability --------------------------------------------------------------------------------------------


def test_a_pathway_needs_every_need_within_k_referrals_counting_the_first_service_as_hop_zero() -> None:
    chain = [_service("a", "o1", [DRUGS], [GP]), _service("b", "o1", [HOME]), _service("c", "o2", [MIND])]
    eco = _city(chain, referrals=[("a", "b"), ("b", "c")])
    _, two_hops = _run(eco, k=2)
    _, one_hop = _run(eco, k=1)
    assert two_hops.coverage[0, 0] == 1.0
    assert one_hop.coverage[0, 0] == 0.0
    (gap,) = one_hop.missing_links["dual"]
    assert (gap.entry_point, gap.need, gap.cause, gap.nearest_referrals) == (GP, MIND, "beyond_hop_limit", 2)
    assert "c service, is 2 referrals away, beyond the limit of 1" in gap.sentence


def test_coverage_weights_entry_points_by_their_share() -> None:
    services = [_service("a", "o1", [DRUGS, MIND], [GP]), _service("b", "o1", [DRUGS], [CUSTODY])]
    eco = _city(services, cohorts=[_cohort(shares={GP: 0.7, CUSTODY: 0.3})])
    _, result = _run(eco)
    assert result.coverage[0, 0] == pytest.approx(0.7)
    (gap,) = result.missing_links["dual"]
    assert (gap.entry_point, gap.need, gap.cause) == (CUSTODY, MIND, "no_route")
    assert gap.people_per_year == pytest.approx(30.0)


def test_routes_cannot_pass_through_ineligible_or_out_of_ward_services() -> None:
    services = [
        _service("a", "o1", [DRUGS], [GP]),
        _service("youth", "o1", [Need.YOUTH], eligible_cohorts=["young"]),
        _service("west", "o1", [Need.FOOD], wards=["W2"]),
        _service("mind", "o2", [MIND]),
    ]
    eco = _city(
        services,
        referrals=[("a", "youth"), ("youth", "mind"), ("a", "west"), ("west", "mind")],
        cohorts=[_cohort(wards=["W1"])],
    )
    _, result = _run(eco)
    assert result.coverage[0, 0] == 0.0
    # A city-wide cohort may use the ward-based service: in the cohort's wards = the ward lists overlap.
    eco.cohorts = [_cohort()]
    _, result = _run(eco)
    assert result.coverage[0, 0] == 1.0


def test_a_closed_service_breaks_the_routes_through_it_only_in_the_draws_it_is_closed() -> None:
    services = [
        _service("a", "o1", [DRUGS], [GP]),
        _service("hub", "o2", [HOME]),
        _service("m", "o3", [MIND]),
    ]
    eco = _city(services, referrals=[("a", "hub"), ("hub", "m")])
    scale = np.ones((3, 4))
    scale[1, [0, 2]] = 0.0  # the hub's owner fails in draws 0 and 2
    _, result = _run(eco, scale=scale)
    assert result.coverage[0].tolist() == [0.0, 1.0, 0.0, 1.0]
    (gap,) = result.missing_links["dual"]
    assert gap.missing_share == 0.5 and gap.cause == "route_broken"
    assert [e.id for e in gap.route_elements] == ["hub"]
    assert "in 50% of draws" in gap.sentence and "its owner fails in 50% of draws" in gap.sentence


# Capacity ------------------------------------------------------------------------------------------------


def test_people_served_is_the_smallest_need_flow_and_distress_scales_capacity() -> None:
    services = [_service("a", "o1", [DRUGS], [GP], capacity=60.0), _service("m", "o2", [MIND], capacity=30.0)]
    eco = _city(services, referrals=[("a", "m")])
    scale = np.array([[1.0, 1.0], [1.0, 0.5]])
    _, result = _run(eco, scale=scale)
    assert result.people_served[0].tolist() == pytest.approx([30.0, 15.0])
    assert result.people_falling_through[0].tolist() == pytest.approx([70.0, 85.0])
    assert result.cost_of_falling_through_per_year()[0].tolist() == pytest.approx([140_000.0, 170_000.0])


def test_capacity_is_shared_by_size_among_the_cohorts_that_can_use_it() -> None:
    services = [_service("a", "o1", [DRUGS, MIND], [GP], capacity=90.0)]
    other = Cohort("other", "Other", [DRUGS], 200.0, {GP: 1.0})
    unrelated = Cohort("food", "Food", [Need.FOOD], 1000.0, {GP: 1.0})  # meets none of its needs
    eco = _city(services, cohorts=[_cohort(), other, unrelated])
    _, result = _run(eco, cohorts=[eco.cohorts[0]])
    assert result.people_served[0, 0] == pytest.approx(30.0)  # 90 x 100 / (100 + 200)


def test_entry_point_supply_limits_the_flow() -> None:
    services = [_service("a", "o1", [DRUGS, MIND], [GP], capacity=500.0)]
    eco = _city(services, cohorts=[_cohort(shares={GP: 0.4, CUSTODY: 0.6})])
    _, result = _run(eco)
    assert result.people_served[0, 0] == pytest.approx(40.0)


# Services under change -----------------------------------------------------------------------------------


def _incumbent_city() -> Ecosystem:
    services = [
        _service("old", "inc", [DRUGS, MIND], [GP], capacity=100.0),
        _service("inc-other", "inc", [HOME], capacity=50.0),
        _service("half", "mix", [DRUGS], capacity=40.0),
        _service("whole", "gen", [MIND], capacity=10.0),
    ]
    funding = [
        FundingTie("t-old", "GB-LAE-X", "inc", FundingKind.CONTRACT, 200_000.0, service="old"),
        FundingTie("t-half", "GB-LAE-X", "mix", FundingKind.CONTRACT, 30_000.0, service="half"),
        FundingTie("t-half2", "trust", "mix", FundingKind.GRANT, 10_000.0, service="half"),
        FundingTie("t-gen", "GB-LAE-X", "gen", FundingKind.GRANT, 25_000.0),
    ]
    orgs = [_org("inc", 300_000.0), _org("mix", 100_000.0), _org("gen", 100_000.0)]
    return _city(services, funding=funding, orgs=orgs)


def test_services_lose_capacity_in_proportion_to_the_funding_that_ends() -> None:
    eco = _incumbent_city()
    status_quo = build_network(eco, _exercise(["t-old", "t-half", "t-gen"]), None, EVIDENCE)
    assert status_quo.base_capacity.tolist() == [100.0, 50.0, 40.0, 10.0]
    award = build_network(eco, _exercise(["t-old", "t-half", "t-gen"]), _bid(), EVIDENCE)
    capacity = dict(zip(award.service_ids, award.base_capacity.tolist(), strict=True))
    assert capacity["old"] == 0.0 and award.nodes[0].closed_by_award  # all its named funding ends
    assert capacity["inc-other"] == 50.0  # funded otherwise
    assert capacity["half"] == pytest.approx(10.0)  # 30k of its 40k named funding ends
    assert capacity["whole"] == pytest.approx(7.5)  # unnamed tie: 25k of the owner's 100k income
    assert capacity["bid:b1"] == 80.0
    assert award.service_owner[-1] == "bidder"


def test_the_bids_partnerships_are_two_way_links_drawn_with_their_evidence_weight() -> None:
    services = [_service("a", "o1", [HOME], [CUSTODY]), _service("m", "o2", [MIND])]
    eco = _city(services, cohorts=[_cohort(shares={GP: 0.5, CUSTODY: 0.5})])
    bid = _bid(
        [
            Partnership("a", JoinUpMechanism.REFERRAL_ROUTE, state=ClaimState.CONFIRMED),
            Partnership("m", JoinUpMechanism.JOINT_CASE_MANAGEMENT, state=ClaimState.UNANSWERED),
        ]
    )
    network = build_network(eco, _exercise(), bid, EVIDENCE)
    assert network.claimed_edge_probability.tolist() == [1.0, 0.5]
    scale = np.ones((network.n_services, 4000))
    result = cohort_pathways(network, eco.cohorts, scale, np.random.default_rng(7), 3)
    # From GP: bid service (drugs) -> m (mental health) needs the unanswered link: about half the draws.
    # From custody: a -> bid service (back along the confirmed link) -> m, the same unanswered link.
    assert result.coverage.mean() == pytest.approx(0.5, abs=0.03)
    linked = result.claimed_links_present[1]
    assert np.array_equal(result.coverage[0], linked.astype(float))
    gaps = {(g.entry_point, g.need): g for g in result.missing_links["dual"]}
    assert gaps[(GP, MIND)].route_elements[0].kind == "claimed_link"
    assert "not yet answered by the partner" in gaps[(GP, MIND)].sentence


def test_a_disputed_partnership_never_exists_and_a_cohort_specific_one_serves_only_its_cohort() -> None:
    services = [_service("m", "o2", [MIND])]
    dual = _cohort()
    other = Cohort("other", "Other", [DRUGS, MIND], 50.0, {GP: 1.0})
    eco = _city(services, cohorts=[dual, other])
    exercise = Exercise("ex", "x", "GB-LAE-X", "", ["dual", "other"], 1.0, 1, [])
    disputed = _bid([Partnership("m", JoinUpMechanism.REFERRAL_ROUTE, state=ClaimState.DISPUTED)])
    _, result = _run(eco, disputed, n_draws=50, exercise=exercise)
    assert result.coverage.max() == 0.0
    only_other = _bid(
        [Partnership("m", JoinUpMechanism.REFERRAL_ROUTE, cohort="other", state=ClaimState.CONFIRMED)]
    )
    _, result = _run(eco, only_other, n_draws=3, exercise=exercise)
    assert result.coverage[:, 0].tolist() == [0.0, 1.0]


def test_missing_link_changes_name_the_gaps_a_bid_closes_and_opens() -> None:
    services = [_service("old", "inc", [DRUGS, MIND], [GP]), _service("h", "o2", [DRUGS], [CUSTODY])]
    funding = [FundingTie("t-old", "GB-LAE-X", "inc", FundingKind.CONTRACT, 1.0, service="old")]
    eco = _city(services, funding=funding, cohorts=[_cohort(shares={GP: 0.5, CUSTODY: 0.5})])
    exercise = _exercise(["t-old"])
    _, before = _run(eco, exercise=exercise)
    bid = _bid(
        [Partnership("h", JoinUpMechanism.REFERRAL_ROUTE, state=ClaimState.CONFIRMED)],
        needs=(MIND,),
        entries=(),
    )
    _, after = _run(eco, bid, exercise=exercise)
    changes = {(c.entry_point, c.need): c for c in missing_link_changes(before, after)}
    assert changes[(CUSTODY, MIND)].change == "gap_closed"  # custody -> h -> the bid's service
    assert "can now reach a service for mental health within 3 referrals" in changes[(CUSTODY, MIND)].sentence
    assert changes[(GP, DRUGS)].change == "new_gap"  # the incumbent's service closes with the award
    assert changes[(GP, DRUGS)].after.cause == "route_broken"
    assert "closed: the award ends its funding" in changes[(GP, DRUGS)].sentence
    assert changes[(GP, DRUGS)].to_dict()["after"]["route_elements"][0]["id"] == "old"


# Results and errors --------------------------------------------------------------------------------------


def test_results_serialise_with_medians_and_intervals() -> None:
    services = [_service("a", "o1", [DRUGS], [GP])]
    eco = _city(services)
    _, result = _run(eco, n_draws=5)
    data = result.to_dict()
    (cohort,) = data["cohorts"]
    assert cohort["coverage"]["median"] == 0.0
    assert cohort["people_falling_through"]["median"] == 100.0
    assert cohort["missing_links"][0]["need"] == "mental_health"
    assert cohort["missing_links"][0]["cause"] == "no_service"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda eco, ex, bid: ex.replaced_streams.append("nope"), "replaces funding stream 'nope'"),
        (
            lambda eco, ex, bid: eco.referrals.append(ReferralRoute("rx", "a", "zz", 1.0)),
            "names service 'zz'",
        ),
        (
            lambda eco, ex, bid: bid.partnerships.append(Partnership("zz", JoinUpMechanism.CO_LOCATION)),
            "partnership 1 names service 'zz'",
        ),
        (
            lambda eco, ex, bid: bid.partnerships.append(
                Partnership("a", JoinUpMechanism.CO_LOCATION, cohort="ghosts")
            ),
            "cohort 'ghosts'",
        ),
    ],
)
def test_bad_register_or_bid_is_named(change, message) -> None:
    eco = _city([_service("a", "o1", [DRUGS], [GP])])
    exercise, bid = _exercise(), _bid()
    change(eco, exercise, bid)
    with pytest.raises(PathwayError, match=message):
        build_network(eco, exercise, bid, EVIDENCE)


def test_bad_draw_inputs_are_named() -> None:
    eco = _city([_service("a", "o1", [DRUGS], [GP])])
    network = build_network(eco, _exercise(), None, EVIDENCE)
    with pytest.raises(PathwayError, match="expected \\(1, n_draws\\)"):
        cohort_pathways(network, eco.cohorts, np.ones((2, 3)), np.random.default_rng(), 3)
    with pytest.raises(PathwayError, match=r"service 'a', draw 1 has 1\.5"):
        cohort_pathways(network, eco.cohorts, np.array([[0.5, 1.5]]), np.random.default_rng(), 3)
    with pytest.raises(PathwayError, match=r"service 'a', draw 0 has -0\.1"):
        cohort_pathways(network, eco.cohorts, np.array([[-0.1, 1.0]]), np.random.default_rng(), 3)
    with pytest.raises(PathwayError, match=r"service 'a', draw 1 has nan"):
        cohort_pathways(network, eco.cohorts, np.array([[1.0, np.nan]]), np.random.default_rng(), 3)
    with pytest.raises(PathwayError, match="k \\(referral hops\\)"):
        pathways_given_links(network, eco.cohorts, np.ones((1, 1)), np.zeros((0, 1), bool), -1)
    lopsided = _cohort(shares={GP: 0.5})
    with pytest.raises(PathwayError, match=r"entry shares sum to 0\.5000"):
        cohort_pathways(network, [lopsided], np.ones((1, 1)), np.random.default_rng(), 3)


def test_open_scale_may_be_float32_or_whole_numbers() -> None:
    services = [_service("a", "o1", [DRUGS], [GP], capacity=60.0), _service("m", "o2", [MIND], capacity=30.0)]
    eco = _city(services, referrals=[("a", "m")])
    network = build_network(eco, _exercise(), None, EVIDENCE)
    scale = np.array([[1.0, 1.0, 0.0], [1.0, 0.5, 1.0]])
    results = [
        cohort_pathways(network, eco.cohorts, values, np.random.default_rng(0), 3)
        for values in (scale, scale.astype(np.float32), (scale > 0.75).astype(int))
    ]
    assert results[0].people_served[0].tolist() == pytest.approx([30.0, 15.0, 0.0])
    assert results[1].people_served[0].tolist() == pytest.approx([30.0, 15.0, 0.0])
    assert results[2].people_served[0].tolist() == pytest.approx([30.0, 0.0, 0.0])


def test_claimed_links_may_be_drawn_with_a_probability_per_draw() -> None:
    services = [_service("m", "o2", [MIND])]
    eco = _city(services)
    bid = _bid([Partnership("m", JoinUpMechanism.REFERRAL_ROUTE, state=ClaimState.UNANSWERED)])
    network = build_network(eco, _exercise(), bid, EVIDENCE)
    scale = np.ones((network.n_services, 4))
    per_draw = np.array([[0.0, 1.0, 0.0, 1.0]])
    result = cohort_pathways(
        network, eco.cohorts, scale, np.random.default_rng(3), 3, link_probability=per_draw
    )
    assert result.coverage[0].tolist() == [0.0, 1.0, 0.0, 1.0]
    with pytest.raises(PathwayError, match="link_probability has shape"):
        cohort_pathways(network, eco.cohorts, scale, np.random.default_rng(3), 3, np.ones((1, 3)))


def test_results_and_changes_serialise_to_json() -> None:
    import json

    services = [_service("old", "inc", [DRUGS, MIND], [GP]), _service("h", "o2", [DRUGS], [CUSTODY])]
    funding = [FundingTie("t-old", "GB-LAE-X", "inc", FundingKind.CONTRACT, 1.0, service="old")]
    eco = _city(services, funding=funding, cohorts=[_cohort(shares={GP: 0.5, CUSTODY: 0.5})])
    exercise = _exercise(["t-old"])
    _, before = _run(eco, exercise=exercise, n_draws=3)
    _, after = _run(eco, _bid(), exercise=exercise, n_draws=3)
    document = {
        "before": before.to_dict(),
        "after": after.to_dict(threshold=0.0),
        "changes": [c.to_dict() for c in missing_link_changes(before, after)],
    }
    assert json.loads(json.dumps(document))["changes"][0]["change"] == "new_gap"


def test_a_service_listed_twice_is_named() -> None:
    eco = _city([_service("a", "o1", [DRUGS], [GP]), _service("a", "o2", [MIND])])
    with pytest.raises(PathwayError, match="lists service 'a' twice"):
        build_network(eco, _exercise(), None, EVIDENCE)
