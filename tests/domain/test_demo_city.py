"""The demo city: deterministic for a seed, fictional throughout, and telling the mission's story."""

import time
from collections import Counter

import pytest

from netimpact.domain.demo_city import DemoCity, build_demo_city
from netimpact.domain.vocabulary import ClaimState, FundingKind, OrgKind


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return build_demo_city()


def test_same_seed_gives_an_equal_city() -> None:
    assert build_demo_city(7) == build_demo_city(7)


def test_different_seeds_give_different_cities() -> None:
    first, second = build_demo_city(7), build_demo_city(8)
    assert first.ecosystem.organisations != second.ecosystem.organisations
    # The story stays fixed whatever the seed, so engine results on it are stable.
    assert first.exercise == second.exercise
    assert first.bids == second.bids


def test_builds_in_under_a_second() -> None:
    # Best of three, so a busy CI machine does not fail a build that is fast on its own.
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        build_demo_city(11)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 1.0


def test_about_300_fictional_organisations_with_unique_ids(city: DemoCity) -> None:
    organisations = city.ecosystem.organisations
    assert 280 <= len(organisations) <= 320
    assert all(o.fictional for o in organisations)
    ids = [o.id for o in organisations]
    assert len(ids) == len(set(ids))
    assert {o.kind for o in organisations} == set(OrgKind)


def test_no_demo_organisation_carries_a_registered_number(city: DemoCity) -> None:
    for organisation in city.ecosystem.organisations:
        if organisation.id == "GB-LAE-BST":
            assert organisation.name == "Bristol City Council (demo record)"
            continue
        assert organisation.id.startswith("360G-netimpactdemo-"), organisation.id
        assert all(not i.startswith(("GB-CHC", "GB-COH", "GB-SC", "GB-NIC")) for i in organisation.org_ids)


def test_names_are_unique_and_avoid_real_ward_names(city: DemoCity) -> None:
    names = [o.name for o in city.ecosystem.organisations]
    assert len(names) == len(set(names))
    ward_names = {w.name for w in city.ecosystem.wards}
    for name in names:
        assert not any(ward in name for ward in ward_names), name


def test_every_other_id_is_unique(city: DemoCity) -> None:
    eco = city.ecosystem
    for items in (
        eco.services,
        eco.funding,
        eco.referrals,
        eco.shared_premises,
        eco.joint_delivery,
        eco.cohorts,
    ):
        ids = [item.id for item in items]
        duplicates = [i for i, n in Counter(ids).items() if n > 1]
        assert not duplicates
    assert len({b.id for b in city.bids}) == 3


def test_three_local_incumbents_hold_the_replaced_contracts(city: DemoCity) -> None:
    eco, cast = city.ecosystem, city.cast
    assert cast is not None
    replaced = [t for t in eco.funding if t.id in city.exercise.replaced_streams]
    assert len(replaced) == 3 == len(city.exercise.replaced_streams)
    assert {t.recipient for t in replaced} == set(cast.incumbents)
    for tie in replaced:
        assert tie.funder == "GB-LAE-BST"
        assert tie.kind is FundingKind.CONTRACT
        assert eco.organisation(tie.recipient).kind is OrgKind.LOCAL_VCSE
    total = sum(t.amount_per_year for t in replaced)
    assert 0.85 * total <= city.exercise.budget_per_year <= total


def test_peer_group_lives_on_a_subcontract_from_an_incumbent(city: DemoCity) -> None:
    eco, cast = city.ecosystem, city.cast
    assert cast is not None
    tie = next(t for t in eco.funding if t.id == cast.peer_subcontract)
    assert tie.kind is FundingKind.SUBCONTRACT
    assert tie.funder in cast.incumbents and tie.recipient == cast.peer_group
    peer = eco.organisation(cast.peer_group).latest_finances
    assert peer is not None and tie.amount_per_year / peer.income > 0.5
    assert any(p.host == cast.hub and p.tenant == cast.peer_group for p in eco.shared_premises)


def test_the_national_provider_is_cheapest_and_has_no_local_ties(city: DemoCity) -> None:
    cast = city.cast
    assert cast is not None
    by_id = {b.id: b for b in city.bids}
    national = by_id[cast.national_bid]
    assert national.price_per_year == min(b.price_per_year for b in city.bids)
    assert city.ecosystem.organisation(national.bidder).kind is OrgKind.OUTSIDE_PROVIDER
    eco = city.ecosystem
    assert not [t for t in eco.funding if cast.national_provider in (t.funder, t.recipient)]
    consortium = by_id[cast.consortium_bid]
    assert len(national.subcontracts) < len(consortium.subcontracts)
    assert len(national.partnerships) < len(consortium.partnerships)


def test_the_consortium_keeps_the_incumbents_and_peer_group_in_the_work(city: DemoCity) -> None:
    cast = city.cast
    assert cast is not None
    consortium = next(b for b in city.bids if b.id == cast.consortium_bid)
    assert consortium.bidder in cast.incumbents
    partners = {s.partner for s in consortium.subcontracts if s.state is ClaimState.CONFIRMED}
    assert set(cast.incumbents) - {consortium.bidder} <= partners
    assert cast.peer_group in partners
    assert all(p.state is ClaimState.CONFIRMED for p in consortium.partnerships)
    assert consortium.local_spend is not None and consortium.local_spend.local_staff_wages > 0


def test_the_regional_bid_has_unanswered_claims_and_exactly_one_disputed(city: DemoCity) -> None:
    cast = city.cast
    assert cast is not None
    regional = next(b for b in city.bids if b.id == cast.regional_bid)
    states = [s.state for s in regional.subcontracts] + [p.state for p in regional.partnerships]
    assert states.count(ClaimState.DISPUTED) == 1
    assert states.count(ClaimState.UNANSWERED) >= 2
    others = [b for b in city.bids if b.id != cast.regional_bid]
    for bid in others:
        claims = [s.state for s in bid.subcontracts] + [p.state for p in bid.partnerships]
        assert ClaimState.DISPUTED not in claims


def test_every_claim_names_something_in_the_register(city: DemoCity) -> None:
    eco = city.ecosystem
    service_ids = {s.id for s in eco.services}
    org_ids = {o.id for o in eco.organisations}
    for bid in city.bids:
        assert bid.exercise == city.exercise.id
        assert bid.bidder in org_ids
        assert 0 <= (bid.quality_score or -1) <= 1
        assert all(s.partner in org_ids for s in bid.subcontracts)
        assert all(p.partner_service in service_ids for p in bid.partnerships)
        assert bid.service.capacity_per_year > 0 and bid.service.needs and bid.service.entry_points


def test_incumbents_reserves_are_realistic_some_thin(city: DemoCity) -> None:
    from netimpact.domain.indicators import months_of_reserves

    cast = city.cast
    assert cast is not None
    months = [months_of_reserves(city.ecosystem.organisation(i).latest_finances) for i in cast.incumbents]
    assert all(m is not None and 0 < m < 6 for m in months)
    assert min(m for m in months if m is not None) < 1


def test_exercise_is_as_published(city: DemoCity) -> None:
    exercise = city.exercise
    assert exercise.commissioner == "GB-LAE-BST"
    assert exercise.term_years == 5
    criteria = exercise.criteria
    assert criteria.price + criteria.quality + criteria.net_impact == pytest.approx(1)
    assert criteria.net_impact >= 0.1
    assert sum(q.weight for q in exercise.quality_questions) == pytest.approx(1)
    assert exercise.price_ceiling_per_year is not None
    assert all(b.price_per_year <= exercise.price_ceiling_per_year for b in city.bids)
    assert set(exercise.cohorts) == {c.id for c in city.ecosystem.cohorts}


# The impact model's first-round distress (shared/docs/impact-model.md section 2), written out here so the
# story can be checked without the engine: h0 = min(1, loss * T_adj / reserves), T_adj = 0.5 years.
T_ADJ_YEARS = 0.5
EVIDENCE_WEIGHT = {ClaimState.CONFIRMED: 1.0, ClaimState.UNANSWERED: 0.5, ClaimState.DISPUTED: 0.0}


def first_round_distress(city: DemoCity, bid_id: str) -> dict[str, float]:
    eco = city.ecosystem
    bid = next(b for b in city.bids if b.id == bid_id)
    change: dict[str, float] = {}
    for tie in eco.funding:
        if tie.id in city.exercise.replaced_streams:
            change[tie.recipient] = change.get(tie.recipient, 0.0) - tie.amount_per_year
    passed_on = 0.0
    for sub in bid.subcontracts:
        amount = sub.amount_per_year * EVIDENCE_WEIGHT[sub.state]
        change[sub.partner] = change.get(sub.partner, 0.0) + amount
        passed_on += amount
    change[bid.bidder] = change.get(bid.bidder, 0.0) + bid.price_per_year - passed_on
    distress = {}
    for org_id, delta in change.items():
        latest = eco.organisation(org_id).latest_finances
        assert latest is not None
        distress[org_id] = min(1.0, max(0.0, -delta) * T_ADJ_YEARS / max(latest.free_reserves, 1.0))
    return distress


def test_the_cheapest_bid_breaks_the_incumbents_and_the_peer_group_is_exposed(city: DemoCity) -> None:
    from netimpact.domain.indicators import indicators_after
    from netimpact.domain.vocabulary import IncomeSource

    cast = city.cast
    assert cast is not None
    distress = first_round_distress(city, cast.national_bid)
    for incumbent in cast.incumbents:
        assert distress[incumbent] == 1.0
        latest = city.ecosystem.organisation(incumbent).latest_finances
        assert latest is not None
        lost = sum(
            t.amount_per_year
            for t in city.ecosystem.funding
            if t.id in cast.replaced_streams and t.recipient == incumbent
        )
        assert lost / latest.income > 0.5  # each incumbent loses most of its income
        after = indicators_after(latest, -lost, IncomeSource.GOVERNMENT_CONTRACTS)
        assert after.operating_margin is not None and after.operating_margin < -0.5
    # The peer group is not in the award at all; its risk is the lead incumbent's failure (contagion).
    assert cast.peer_group not in distress
    peer = city.ecosystem.organisation(cast.peer_group).latest_finances
    subcontract = next(t for t in city.ecosystem.funding if t.id == cast.peer_subcontract)
    assert peer is not None and subcontract.amount_per_year * T_ADJ_YEARS > peer.free_reserves


def test_the_consortium_keeps_the_ecosystem_whole(city: DemoCity) -> None:
    cast = city.cast
    assert cast is not None
    distress = first_round_distress(city, cast.consortium_bid)
    assert all(distress[i] < 0.2 for i in cast.incumbents), distress
    assert distress[cast.peer_group] == 0 and distress[cast.hub] == 0
    regional = first_round_distress(city, cast.regional_bid)
    assert all(regional[i] == 1.0 for i in cast.incumbents)
    assert regional[cast.peer_group] == 0  # its disputed subcontract brings it nothing, and costs nothing


def test_referral_income_stays_inside_the_recipients_accounts(city: DemoCity) -> None:
    from netimpact.domain.vocabulary import IncomeSource

    eco = city.ecosystem
    owner = {s.id: s.organisation for s in eco.services}
    earned: dict[str, float] = {}
    for route in eco.referrals:
        if route.income_per_year:
            recipient = owner[route.to_service]
            earned[recipient] = earned.get(recipient, 0.0) + route.income_per_year
    assert len(earned) >= 5  # some routes carry income, in the story and the background
    for org_id, amount in earned.items():
        latest = eco.organisation(org_id).latest_finances
        assert latest is not None
        recorded = sum(
            latest.income_by_source.get(s, 0.0) for s in (IncomeSource.TRADING, IncomeSource.OTHER)
        )
        assert amount <= recorded, org_id
