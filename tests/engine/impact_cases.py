"""Small hand-built and random ecosystems for the impact engine's tests."""

from __future__ import annotations

from hypothesis import strategies as st

from netimpact.domain.commissioning import (
    Bid,
    BidService,
    Commitment,
    Exercise,
    LocalSpend,
    Partnership,
    Subcontract,
)
from netimpact.domain.ecosystem import (
    Cohort,
    CommunityAsset,
    Ecosystem,
    FinancialYear,
    FundingTie,
    Organisation,
    ReferralRoute,
    Service,
    SharedPremises,
)
from netimpact.domain.vocabulary import (
    ClaimState,
    CommitmentKind,
    EntryPoint,
    FundingKind,
    IncomeSource,
    JoinUpMechanism,
    Need,
    OrgKind,
)

COUNCIL = "GB-LAE-TST"
STATES = list(ClaimState)


def organisation(
    org_id: str,
    reserves: float | None,
    income: float = 200_000.0,
    kind: OrgKind = OrgKind.LOCAL_VCSE,
    founded: int | None = 2010,
    volunteer_hours: float = 1_000.0,
) -> Organisation:
    finances = []
    if reserves is not None:
        finances.append(
            FinancialYear(
                year=2025,
                income_by_source={
                    IncomeSource.GOVERNMENT_CONTRACTS: income * 0.6,
                    IncomeSource.DONATIONS: income * 0.4,
                },
                expenditure=income,
                free_reserves=reserves,
                net_assets=reserves * 1.5,
                admin_costs=income * 0.08,
            )
        )
    return Organisation(
        id=org_id,
        name=f"Organisation {org_id}",
        kind=kind,
        year_founded=founded,
        finances=finances,
        staff=6,
        local_staff=4,
        volunteers=10,
        volunteer_hours_per_year=volunteer_hours,
        people_reached_per_year=300,
        community_assets=[CommunityAsset("hall", "hall", 10.0)],
    )


def service(org_id: str, needs: list[Need], capacity: float = 100.0) -> Service:
    return Service(
        id=f"svc-{org_id}",
        name=f"Service of {org_id}",
        organisation=org_id,
        needs=needs,
        capacity_per_year=capacity,
        entry_points=[EntryPoint.SELF_REFERRAL, EntryPoint.GP],
    )


def story_city() -> tuple[Ecosystem, Exercise, list[Bid]]:
    """The mission's story in six organisations.

    A (incumbent, thin reserves) subcontracts £40k to B (peer group, tiny reserves); C hosts B's premises;
    D is a mental health charity receiving referral income from A; the council funds A and D. Bid "outside"
    (an outside provider, no local partners) and bid "local" (A's consortium, subcontracts to A and B).
    """
    orgs = [
        organisation(COUNCIL, 5e7, income=1e8, kind=OrgKind.PUBLIC_BODY, founded=1974),
        organisation("A", 50_000.0, income=300_000.0),
        organisation("B", 5_000.0, income=60_000.0),
        organisation("C", 80_000.0, income=150_000.0),
        organisation("D", 40_000.0, income=250_000.0),
        organisation(
            "OUT", 2e6, income=3e7, kind=OrgKind.OUTSIDE_PROVIDER, founded=1990, volunteer_hours=0.0
        ),
    ]
    services = [
        service("A", [Need.SUBSTANCE_USE]),
        service("B", [Need.SUBSTANCE_USE, Need.SOCIAL_CONNECTION]),
        service("D", [Need.MENTAL_HEALTH]),
    ]
    funding = [
        FundingTie("t-a", COUNCIL, "A", FundingKind.CONTRACT, 180_000.0, service="svc-A"),
        FundingTie("t-ab", "A", "B", FundingKind.SUBCONTRACT, 40_000.0, service="svc-B"),
        FundingTie("t-d", COUNCIL, "D", FundingKind.GRANT, 100_000.0, service="svc-D"),
    ]
    referrals = [ReferralRoute("r-ad", "svc-A", "svc-D", 50.0, income_per_year=20_000.0)]
    premises = [SharedPremises("p-cb", "C", "B", "C's back room", 6_000.0)]
    cohorts = [
        Cohort(
            "co-occurring",
            "Drug use and mental ill-health",
            [Need.SUBSTANCE_USE, Need.MENTAL_HEALTH],
            60.0,
            {EntryPoint.SELF_REFERRAL: 0.5, EntryPoint.GP: 0.5},
            unit_cost_unmet_need=5_000.0,
        )
    ]
    ecosystem = Ecosystem(
        "Story city",
        organisations=orgs,
        services=services,
        funding=funding,
        referrals=referrals,
        shared_premises=premises,
        cohorts=cohorts,
    )
    exercise = Exercise(
        id="ex",
        title="Drug and alcohol service",
        commissioner=COUNCIL,
        description="",
        cohorts=["co-occurring"],
        budget_per_year=200_000.0,
        term_years=3,
        replaced_streams=["t-a"],
        price_ceiling_per_year=200_000.0,
    )
    outside = Bid(
        id="outside",
        exercise="ex",
        bidder="OUT",
        title="National provider",
        price_per_year=150_000.0,
        service=BidService("Recovery service", [Need.SUBSTANCE_USE], 120.0, entry_points=[EntryPoint.GP]),
        commitments=[Commitment(CommitmentKind.LOCAL_JOBS, 2.0)],
    )
    local = Bid(
        id="local",
        exercise="ex",
        bidder="A",
        title="Local consortium",
        price_per_year=190_000.0,
        service=BidService("Recovery partnership", [Need.SUBSTANCE_USE], 120.0, entry_points=[EntryPoint.GP]),
        subcontracts=[Subcontract("B", 40_000.0, ClaimState.CONFIRMED)],
        partnerships=[Partnership("svc-D", JoinUpMechanism.REFERRAL_ROUTE, state=ClaimState.CONFIRMED)],
        commitments=[
            Commitment(CommitmentKind.VOLUNTEERING_HOURS, 2_000.0, partner="B", state=ClaimState.CONFIRMED)
        ],
        local_spend=LocalSpend(local_staff_wages=120_000.0, local_suppliers=10_000.0),
    )
    return ecosystem, exercise, [outside, local]


@st.composite
def random_cities(draw: st.DrawFn, outside_bidder: bool = False) -> tuple[Ecosystem, Exercise, Bid]:
    """A random register of 2-7 organisations with funding, referral and premises ties, an exercise that
    replaces some of the council's streams, and a bid with subcontracts in random claim states.

    With outside_bidder, the bidder is a new organisation with no ties and ample reserves, passing on less
    than its price: it can never be distressed itself.
    """
    n = draw(st.integers(2, 7))
    ids = [f"O{i}" for i in range(n)]
    money = st.floats(0.0, 200_000.0, allow_nan=False).map(lambda x: round(x, 2))
    orgs = [organisation(COUNCIL, 1e9, income=1e9, kind=OrgKind.PUBLIC_BODY)]
    for org_id in ids:
        reserves = draw(st.one_of(st.none(), st.floats(-5_000.0, 150_000.0, allow_nan=False)))
        orgs.append(
            organisation(org_id, reserves, founded=draw(st.one_of(st.none(), st.integers(1950, 2026))))
        )
    funding = []
    for k in range(draw(st.integers(1, 12))):
        funder = draw(st.sampled_from([COUNCIL, *ids]))
        recipient = draw(st.sampled_from(ids))
        kind = draw(st.sampled_from(list(FundingKind)))
        funding.append(FundingTie(f"f{k}", funder, recipient, kind, draw(money)))
    services = [
        service(org_id, [draw(st.sampled_from([Need.SUBSTANCE_USE, Need.MENTAL_HEALTH]))]) for org_id in ids
    ]
    referrals = []
    for k in range(draw(st.integers(0, 6))):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        referrals.append(ReferralRoute(f"r{k}", f"svc-{a}", f"svc-{b}", 10.0, income_per_year=draw(money)))
    premises = []
    for k in range(draw(st.integers(0, 3))):
        host, tenant = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        premises.append(SharedPremises(f"p{k}", host, tenant, "room", draw(money)))
    cohorts = [
        Cohort(
            "c",
            "Cohort",
            [Need.SUBSTANCE_USE],
            50.0,
            {EntryPoint.SELF_REFERRAL: 1.0},
            unit_cost_unmet_need=1_000.0,
        )
    ]
    replaced = [t.id for t in funding if draw(st.booleans())]
    if outside_bidder:
        orgs.append(organisation("BIDDER", 1e9, income=1e9, kind=OrgKind.OUTSIDE_PROVIDER))
        bidder = "BIDDER"
    else:
        bidder = draw(st.sampled_from(ids))
    subcontracts = [
        Subcontract(draw(st.sampled_from(ids)), draw(money), draw(st.sampled_from(STATES)))
        for _ in range(draw(st.integers(0, 3)))
    ]
    price = sum(s.amount_per_year for s in subcontracts) + draw(money)
    ecosystem = Ecosystem(
        "Random city",
        organisations=orgs,
        services=services,
        funding=funding,
        referrals=referrals,
        shared_premises=premises,
        cohorts=cohorts,
    )
    exercise = Exercise("ex", "Exercise", COUNCIL, "", ["c"], 1e6, draw(st.integers(1, 5)), replaced)
    bid = Bid(
        id="bid",
        exercise="ex",
        bidder=bidder,
        title="Bid",
        price_per_year=price,
        service=BidService("Service", [Need.SUBSTANCE_USE], 40.0, entry_points=[EntryPoint.SELF_REFERRAL]),
        subcontracts=subcontracts,
        partnerships=[
            Partnership(
                f"svc-{draw(st.sampled_from(ids))}",
                JoinUpMechanism.REFERRAL_ROUTE,
                state=draw(st.sampled_from(STATES)),
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        commitments=[
            Commitment(
                draw(st.sampled_from(list(CommitmentKind))),
                draw(st.floats(0, 100)),
                partner=draw(st.sampled_from(ids)),
                state=draw(st.sampled_from(STATES)),
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        local_spend=draw(st.one_of(st.none(), st.just(LocalSpend(1_000.0, 500.0)))),
    )
    return ecosystem, exercise, bid
