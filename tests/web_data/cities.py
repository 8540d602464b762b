"""Hand-built cities for the data-layer tests: one small city that uses every field, and a sized one.

The small city fills every optional field with a non-default value somewhere, and leaves it at its
default somewhere else, so a round trip that dropped or mangled a field would show.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from netimpact.domain.commissioning import (
    AwardCriteria,
    Bid,
    BidService,
    Commitment,
    Exercise,
    LocalSpend,
    Partnership,
    QualityQuestion,
    Subcontract,
)
from netimpact.domain.ecosystem import (
    Cohort,
    CommunityAsset,
    Ecosystem,
    FinancialYear,
    FundingTie,
    JointDelivery,
    Organisation,
    ReferralRoute,
    Service,
    SharedPremises,
    Ward,
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
    PriceFormula,
)

COUNCIL = "GB-LAE-BST"


@dataclass
class City:
    """The shape of netimpact.domain.demo_city.DemoCity."""

    ecosystem: Ecosystem
    exercise: Exercise
    bids: list[Bid]


def small_city(name: str = "Small test city") -> City:
    wards = [
        Ward("E05010885", "Ashley", 31.2, 0.25, 0.2),
        Ward("E05010886", "Avonmouth and Lawrence Weston", 40.1, 0.41, 0.38),
        Ward("E05010887", "Bedminster"),  # IMD unknown
    ]
    council = Organisation(
        id=COUNCIL,
        name="Bristol City Council",
        kind=OrgKind.PUBLIC_BODY,
        staff=6000,
        local_staff=5000,
    )
    recovery = Organisation(
        id="360G-netimpactdemo-0001",
        name="Ashley Recovery Project",
        kind=OrgKind.LOCAL_VCSE,
        org_ids=["GB-CHC-1000001", "360G-netimpactdemo-0001", "GB-COH-01000001"],
        wards=["E05010886", "E05010885"],
        year_founded=1998,
        finances=[
            FinancialYear(
                2024,
                {IncomeSource.GOVERNMENT_CONTRACTS: 310_000.5, IncomeSource.DONATIONS: 12_345.67},
                expenditure=330_000.0,
                free_reserves=45_000.0,
                net_assets=60_000.0,
                admin_costs=9_000.0,
            ),
            FinancialYear(
                2025,
                {IncomeSource.GOVERNMENT_CONTRACTS: 0.1 + 0.2, IncomeSource.TRADING: 1e-3},
                expenditure=1.0,
                free_reserves=-250.0,
                net_assets=-1_000.25,
            ),
        ],
        staff=12,
        local_staff=9,
        volunteers=40,
        volunteer_hours_per_year=3_120.5,
        people_reached_per_year=800,
        community_assets=[CommunityAsset("St Agnes hall", "hall", 20.0), CommunityAsset("Garden", "garden")],
        postcode="BS2 9XX",
        fictional=True,
    )
    mosque = Organisation(
        id="360G-netimpactdemo-0002",
        name="Lawrence Weston Mosque food share",
        kind=OrgKind.FAITH_GROUP,
        wards=["E05010886"],
        volunteers=15,
        fictional=True,
    )
    outsider = Organisation(
        id="GB-COH-09999999",
        name="Nationwide Recovery Ltd",
        kind=OrgKind.OUTSIDE_PROVIDER,
        year_founded=2005,
        staff=900,
        local_staff=3,
    )
    cohorts = [
        Cohort(
            "dual-diagnosis",
            "Adults with drug use and mental ill-health",
            [Need.SUBSTANCE_USE, Need.MENTAL_HEALTH, Need.HOUSING],
            420.0,
            {EntryPoint.GP: 0.5, EntryPoint.POLICE_CUSTODY: 0.3, EntryPoint.SELF_REFERRAL: 0.2},
            wards=["E05010886", "E05010885"],
            unit_cost_unmet_need=14_500.0,
            description="Co-occurring needs.",
        ),
        Cohort("hungry-families", "Families short of food", [Need.FOOD], 90.0, {EntryPoint.SCHOOL: 1.0}),
    ]
    services = [
        Service(
            "svc-recovery",
            "Recovery café",
            recovery.id,
            [Need.SUBSTANCE_USE, Need.SOCIAL_CONNECTION],
            150.0,
            eligible_cohorts=["dual-diagnosis"],
            wards=["E05010885"],
            entry_points=[EntryPoint.SELF_REFERRAL, EntryPoint.GP],
            description="Peer-led.",
        ),
        Service("svc-food", "Food share", mosque.id, [Need.FOOD], 300.0),
        Service(
            "svc-treatment",
            "Drug treatment",
            outsider.id,
            [Need.SUBSTANCE_USE, Need.ALCOHOL],
            700.0,
            entry_points=[EntryPoint.PROBATION],
        ),
    ]
    ecosystem = Ecosystem(
        name=name,
        wards=wards,
        organisations=[council, recovery, mosque, outsider],
        services=services,
        funding=[
            FundingTie(
                "tie-1",
                COUNCIL,
                recovery.id,
                FundingKind.CONTRACT,
                300_000.0,
                service="svc-recovery",
                start=date(2023, 4, 1),
                end=date(2026, 3, 31),
                description="Incumbent contract.",
            ),
            FundingTie("tie-2", recovery.id, mosque.id, FundingKind.GRANT, 4_000.0),
        ],
        referrals=[
            ReferralRoute("ref-1", "svc-recovery", "svc-food", 35.0, 1_200.0),
            ReferralRoute("ref-2", "svc-treatment", "svc-recovery", 80.0),
        ],
        shared_premises=[SharedPremises("prem-1", mosque.id, recovery.id, "Community room", 18_000.0)],
        joint_delivery=[
            JointDelivery("jd-1", [mosque.id, recovery.id], "svc-food", "Friday meals."),
            JointDelivery("jd-2", [recovery.id, outsider.id], None),
        ],
        cohorts=cohorts,
        year=2026,
    )
    exercise = Exercise(
        id="ex-drugs-2026",
        title="Drug and alcohol recovery service",
        commissioner=COUNCIL,
        description="Adults with co-occurring needs.",
        cohorts=["dual-diagnosis"],
        budget_per_year=1_200_000.0,
        term_years=5,
        replaced_streams=["tie-1"],
        price_ceiling_per_year=1_300_000.0,
        wards=["E05010886", "E05010885"],
        criteria=AwardCriteria(
            price=0.25, quality=0.5, net_impact=0.25, price_formula=PriceFormula.PROPORTIONAL
        ),
        quality_questions=[
            QualityQuestion("q2", "How will you join up?", 0.6),
            QualityQuestion("q1", "Staffing?", 0.4, max_score=5),
        ],
        deadline=date(2026, 9, 30),
        parameters={"adjustment_time_years": 0.75, "hops": 4.0},
    )
    bids = [
        Bid(
            "bid-outsider",
            exercise.id,
            outsider.id,
            "National model",
            1_050_000.0,
            BidService("Recovery hub", [Need.SUBSTANCE_USE, Need.ALCOHOL], 900.0),
        ),
        Bid(
            "bid-local",
            exercise.id,
            recovery.id,
            "Ashley-led partnership",
            1_180_000.0,
            BidService(
                "Joined-up recovery",
                [Need.MENTAL_HEALTH, Need.SUBSTANCE_USE],
                650.0,
                eligible_cohorts=["dual-diagnosis"],
                wards=["E05010885"],
                entry_points=[EntryPoint.POLICE_CUSTODY, EntryPoint.GP],
            ),
            subcontracts=[
                Subcontract(mosque.id, 40_000.0, ClaimState.CONFIRMED, "Meals."),
                Subcontract(outsider.id, 1.5),
            ],
            partnerships=[
                Partnership(
                    "svc-food",
                    JoinUpMechanism.CO_LOCATION,
                    "dual-diagnosis",
                    ClaimState.DISPUTED,
                    "Shared room.",
                ),
                Partnership("svc-treatment", JoinUpMechanism.REFERRAL_ROUTE),
            ],
            commitments=[
                Commitment(CommitmentKind.LOCAL_JOBS, 6.5),
                Commitment(
                    CommitmentKind.PREMISES_HOURS, 400.0, mosque.id, ClaimState.UNANSWERED, "Hall hire."
                ),
            ],
            local_spend=LocalSpend(local_staff_wages=400_000.0),
            quality_score=0.8125,
            summary="Local.",
        ),
    ]
    return City(ecosystem, exercise, bids)


def sized_city(organisations: int, seed: int = 1) -> Ecosystem:
    """A city of `organisations` organisations with several services, years and ties each."""
    rng = random.Random(seed)
    wards = [
        Ward(f"E0501{n:04d}", f"Ward {n}", rng.uniform(5, 60), rng.random(), rng.random()) for n in range(34)
    ]
    codes = [w.code for w in wards]
    cohorts = [
        Cohort(
            f"cohort-{n}",
            f"Cohort {n}",
            rng.sample(list(Need), 3),
            rng.uniform(50, 900),
            {EntryPoint.GP: 0.25, EntryPoint.A_AND_E: 0.75},
            wards=rng.sample(codes, 2),
        )
        for n in range(8)
    ]
    orgs, services = [], []
    for n in range(organisations):
        org_id = f"360G-netimpactdemo-{n:04d}"
        staff = rng.randint(0, 60)
        orgs.append(
            Organisation(
                id=org_id,
                name=f"Organisation {n}",
                kind=rng.choice(list(OrgKind)),
                org_ids=[org_id, f"GB-CHC-{n:07d}"],
                wards=rng.sample(codes, 3),
                year_founded=rng.randint(1950, 2024),
                finances=[
                    FinancialYear(
                        year,
                        {s: rng.uniform(0, 1e6) for s in rng.sample(list(IncomeSource), 3)},
                        rng.uniform(0, 1e6),
                        rng.uniform(-1e4, 1e5),
                        rng.uniform(-1e4, 1e6),
                        rng.uniform(0, 1e4),
                    )
                    for year in (2023, 2024, 2025)
                ],
                staff=staff,
                local_staff=rng.randint(0, staff),
                volunteers=rng.randint(0, 100),
                volunteer_hours_per_year=rng.uniform(0, 5000),
                people_reached_per_year=rng.randint(0, 5000),
                community_assets=[CommunityAsset(f"Hall {n}", "hall", rng.uniform(0, 40))],
                postcode=f"BS{n % 16} 1AA",
                fictional=True,
            )
        )
        for k in range(3):
            services.append(
                Service(
                    f"svc-{n}-{k}",
                    f"Service {n}.{k}",
                    org_id,
                    rng.sample(list(Need), 2),
                    rng.uniform(10, 500),
                    eligible_cohorts=rng.sample([c.id for c in cohorts], 1),
                    wards=rng.sample(codes, 2),
                    entry_points=rng.sample(list(EntryPoint), 2),
                )
            )
    ids = [o.id for o in orgs]
    service_ids = [s.id for s in services]
    return Ecosystem(
        name=f"City of {organisations}",
        wards=wards,
        organisations=orgs,
        services=services,
        cohorts=cohorts,
        funding=[
            FundingTie(
                f"tie-{n}",
                rng.choice(ids),
                rng.choice(ids),
                rng.choice(list(FundingKind)),
                rng.uniform(1e3, 1e6),
                service=rng.choice(service_ids),
            )
            for n in range(organisations * 2)
        ],
        referrals=[
            ReferralRoute(f"ref-{n}", rng.choice(service_ids), rng.choice(service_ids), rng.uniform(1, 90))
            for n in range(organisations * 3)
        ],
        shared_premises=[
            SharedPremises(f"prem-{n}", rng.choice(ids), rng.choice(ids), "Room", rng.uniform(0, 5e4))
            for n in range(organisations // 5)
        ],
        joint_delivery=[
            JointDelivery(f"jd-{n}", rng.sample(ids, 2), rng.choice(service_ids))
            for n in range(organisations // 10)
        ],
    )
