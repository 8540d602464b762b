"""The demo city's drug and alcohol system: the story the demo exercise is about.

Three local charities (a partnership) hold the council's drug and alcohol contracts. A community hub
hosts one of them and a peer support group; the peer group lives on a subcontract from the lead
incumbent, so if the lead fails the peer group follows (contagion). A mental health charity, two faith
groups (a night shelter and a food project), street outreach, and public and NHS services are the entry
points and onward services. Three bids: a national provider (cheapest, few local ties), a consortium led
by the lead incumbent (keeps the ecosystem whole), and a regional provider with some unanswered claims and
one disputed claim.

All organisations are fictional. Figures are fixed (not drawn) so that the story reads the same for every
seed; only the background city varies with the seed. Money is £ a year; people are people a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..commissioning import (
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
from ..ecosystem import (
    Cohort,
    CommunityAsset,
    FinancialYear,
    FundingTie,
    JointDelivery,
    Organisation,
    ReferralRoute,
    Service,
    SharedPremises,
)
from ..vocabulary import (
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
from .names import demo_org_id

COUNCIL_ID = "GB-LAE-BST"
COUNCIL_NAME = "Bristol City Council (demo record)"
LATEST_YEAR = 2025  # the latest financial year on record (ends in 2025); the register describes 2026
STORY_ORG_COUNT = 18  # demo ids 0001..0018 belong to the story; the background city starts after them

# Ward codes (Bristol 2016 wards) where the story's organisations are based.
LAWRENCE_HILL = "E05010907"
HARTCLIFFE_WITHYWOOD = "E05010900"
FILWOOD = "E05010898"
ASHLEY = "E05010885"
CENTRAL = "E05010892"
SOUTHMEAD = "E05010913"
EASTON = "E05010896"

S = IncomeSource


@dataclass(frozen=True, slots=True)
class DemoCast:
    """Who plays which part in the story, by id, so pages, engine tests and docs can point at them."""

    council: str
    incumbents: tuple[str, str, str]  # the lead incumbent first
    hub: str
    peer_group: str
    mental_health_charity: str
    night_shelter: str
    food_project: str
    street_outreach: str
    community_foundation: str
    national_provider: str
    regional_provider: str
    replaced_streams: tuple[str, str, str]
    peer_subcontract: str  # the lead incumbent's subcontract to the peer group (the contagion channel)
    national_bid: str
    consortium_bid: str
    regional_bid: str


ORG = {
    "lead": demo_org_id(1),
    "alcohol": demo_org_id(2),
    "young": demo_org_id(3),
    "hub": demo_org_id(4),
    "peer": demo_org_id(5),
    "mh": demo_org_id(6),
    "shelter": demo_org_id(7),
    "food": demo_org_id(8),
    "outreach": demo_org_id(9),
    "foundation": demo_org_id(10),
    "icb": demo_org_id(11),
    "hospital": demo_org_id(12),
    "mh_trust": demo_org_id(13),
    "pcn": demo_org_id(14),
    "police": demo_org_id(15),
    "probation": demo_org_id(16),
    "national": demo_org_id(17),
    "regional": demo_org_id(18),
}

SVC = {
    key: f"demo-svc-{key}"
    for key in (
        "adult-recovery",
        "alcohol-advice",
        "young-people-substance",
        "peer-recovery",
        "hub-dropin",
        "mh-community",
        "dual-diagnosis",
        "night-shelter",
        "food-project",
        "street-outreach",
        "gp",
        "ae-liaison",
        "cmht",
        "custody-liaison",
        "probation",
        "housing-options",
        "early-help",
    )
}

COHORT = {
    "co_occurring": "demo-cohort-co-occurring",
    "young": "demo-cohort-young-people",
    "rough_sleeping": "demo-cohort-rough-sleeping-alcohol",
    "alcohol": "demo-cohort-alcohol-dependence",
}

REPLACED = ("demo-fund-da-adult", "demo-fund-da-alcohol", "demo-fund-da-young")
PEER_SUBCONTRACT = "demo-fund-peer-subcontract"
EXERCISE_ID = "demo-exercise-integrated-drug-alcohol"
BID = {"national": "demo-bid-national", "consortium": "demo-bid-consortium", "regional": "demo-bid-regional"}

CAST = DemoCast(
    council=COUNCIL_ID,
    incumbents=(ORG["lead"], ORG["alcohol"], ORG["young"]),
    hub=ORG["hub"],
    peer_group=ORG["peer"],
    mental_health_charity=ORG["mh"],
    night_shelter=ORG["shelter"],
    food_project=ORG["food"],
    street_outreach=ORG["outreach"],
    community_foundation=ORG["foundation"],
    national_provider=ORG["national"],
    regional_provider=ORG["regional"],
    replaced_streams=REPLACED,
    peer_subcontract=PEER_SUBCONTRACT,
    national_bid=BID["national"],
    consortium_bid=BID["consortium"],
    regional_bid=BID["regional"],
)


# ---------------------------------------------------------------------------------------------------------
# Finances


def finance_series(
    income_by_source: dict[IncomeSource, float],
    expenditure: float,
    free_reserves: float,
    net_assets: float,
    admin_costs: float,
    years: int = 4,
) -> list[FinancialYear]:
    """A short history ending in LATEST_YEAR, oldest first: earlier years a little smaller (2-4% a year).

    The story's figures are fixed; earlier years are derived, not drawn, so the story is the same for
    every seed. Reserves and net assets of earlier years are the latest less the surpluses since.
    """
    history = [
        FinancialYear(
            LATEST_YEAR, dict(income_by_source), expenditure, free_reserves, net_assets, admin_costs
        )
    ]
    for back in range(1, years):
        later = history[-1]
        scale = 1 / (1.02 + 0.01 * (back % 3))
        income = {source: round(amount * scale, -2) for source, amount in later.income_by_source.items()}
        spent = round(later.expenditure * scale, -2)
        surplus = later.income - later.expenditure
        history.append(
            FinancialYear(
                LATEST_YEAR - back,
                income,
                spent,
                max(0.0, later.free_reserves - surplus),
                max(0.0, later.net_assets - surplus),
                round(later.admin_costs * scale, -2),
            )
        )
    return list(reversed(history))


def _org(
    key: str,
    name: str,
    kind: OrgKind,
    wards: list[str],
    founded: int,
    finances: list[FinancialYear],
    people: tuple[int, int, int, float, int],
    assets: list[CommunityAsset] | None = None,
) -> Organisation:
    staff, local_staff, volunteers, volunteer_hours, reached = people
    return Organisation(
        id=ORG[key],
        name=name,
        kind=kind,
        wards=wards,
        year_founded=founded,
        finances=finances,
        staff=staff,
        local_staff=local_staff,
        volunteers=volunteers,
        volunteer_hours_per_year=volunteer_hours,
        people_reached_per_year=reached,
        community_assets=assets or [],
        fictional=True,
    )


def story_organisations() -> list[Organisation]:
    """The story's organisations (the council record included), with their finances and people."""
    return [
        Organisation(
            id=COUNCIL_ID,
            name=COUNCIL_NAME,
            kind=OrgKind.PUBLIC_BODY,
            year_founded=1974,
            finances=finance_series(
                {S.GOVERNMENT_GRANTS: 560e6, S.TRADING: 180e6, S.OTHER: 640e6, S.INVESTMENTS: 12e6},
                1_385e6,
                95e6,
                1_900e6,
                48e6,
                years=3,
            ),
            staff=6_500,
            local_staff=5_600,
            people_reached_per_year=480_000,
            fictional=True,
        ),
        # The three incumbents: the lead holds the largest contract; reserves run from thin to modest.
        _org(
            "lead",
            "Kestrel Recovery Trust",
            OrgKind.LOCAL_VCSE,
            [LAWRENCE_HILL, EASTON, ASHLEY],
            2004,
            finance_series(
                {
                    S.GOVERNMENT_CONTRACTS: 715_000,
                    S.GOVERNMENT_GRANTS: 40_000,
                    S.TRUSTS_AND_FOUNDATIONS: 180_000,
                    S.DONATIONS: 60_000,
                    S.TRADING: 90_000,
                    S.OTHER: 15_000,
                },
                1_115_000,
                280_000,  # 3.0 months: the largest of the three has the most put by
                380_000,
                66_000,
                years=5,
            ),
            (28, 25, 45, 4_500, 1_300),
            [CommunityAsset("Kestrel House recovery café", "cafe", 20)],
        ),
        _org(
            "alcohol",
            "Lantern Alcohol Advice",
            OrgKind.LOCAL_VCSE,
            [LAWRENCE_HILL, FILWOOD],
            2009,
            finance_series(
                {
                    S.GOVERNMENT_CONTRACTS: 340_000,
                    S.TRUSTS_AND_FOUNDATIONS: 95_000,
                    S.DONATIONS: 40_000,
                    S.TRADING: 25_000,
                },
                505_000,
                29_000,
                45_000,
                31_000,
                years=4,
            ),
            (12, 11, 18, 1_400, 520),
        ),
        _org(
            "young",
            "Tanhouse Young People's Drug and Alcohol Service",
            OrgKind.LOCAL_VCSE,
            [HARTCLIFFE_WITHYWOOD, FILWOOD, SOUTHMEAD],
            2011,
            finance_series(
                {
                    S.GOVERNMENT_CONTRACTS: 190_000,
                    S.GOVERNMENT_GRANTS: 25_000,
                    S.TRUSTS_AND_FOUNDATIONS: 60_000,
                    S.DONATIONS: 20_000,
                },
                288_000,
                67_000,
                90_000,
                21_000,
                years=4,
            ),
            (7, 7, 10, 600, 210),
        ),
        _org(
            "hub",
            "Hollins Yard Community Hub",
            OrgKind.LOCAL_VCSE,
            [LAWRENCE_HILL, EASTON],
            1998,
            finance_series(
                {
                    S.GOVERNMENT_GRANTS: 60_000,
                    S.TRUSTS_AND_FOUNDATIONS: 70_000,
                    S.TRADING: 140_000,
                    S.DONATIONS: 30_000,
                    S.OTHER: 10_000,
                },
                302_000,
                113_000,
                620_000,
                24_000,
                years=5,
            ),
            (9, 9, 60, 5_200, 2_400),
            [
                CommunityAsset("Hollins Yard hall", "hall", 30),
                CommunityAsset("Hollins Yard café", "cafe", 40),
                CommunityAsset("Hollins Yard meeting rooms", "meeting room", 25),
            ],
        ),
        _org(
            "peer",
            "Second Dawn Peer Recovery",
            OrgKind.LOCAL_VCSE,
            [LAWRENCE_HILL],
            2016,
            finance_series(
                {S.GOVERNMENT_CONTRACTS: 38_000, S.TRUSTS_AND_FOUNDATIONS: 6_000, S.DONATIONS: 4_000},
                49_000,
                2_000,
                3_000,
                3_000,
                years=4,
            ),
            (3, 3, 25, 2_600, 160),
        ),
        _org(
            "mh",
            "Clearwater Mental Health Network",
            OrgKind.LOCAL_VCSE,
            [ASHLEY, EASTON, SOUTHMEAD],
            1994,
            finance_series(
                {
                    S.GOVERNMENT_CONTRACTS: 420_000,
                    S.GOVERNMENT_GRANTS: 90_000,
                    S.TRUSTS_AND_FOUNDATIONS: 150_000,
                    S.DONATIONS: 120_000,
                    S.TRADING: 30_000,
                    S.OTHER: 18_000,
                },
                815_000,
                353_000,
                420_000,
                57_000,
                years=5,
            ),
            (21, 19, 40, 3_100, 1_450),
        ),
        _org(
            "shelter",
            "Candlewick Night Shelter",
            OrgKind.FAITH_GROUP,
            [CENTRAL],
            1989,
            finance_series(
                {S.GOVERNMENT_GRANTS: 30_000, S.DONATIONS: 95_000, S.TRUSTS_AND_FOUNDATIONS: 35_000},
                158_000,
                26_000,
                180_000,
                9_000,
                years=4,
            ),
            (4, 4, 85, 9_800, 240),
            [CommunityAsset("Candlewick church hall", "hall", 35)],
        ),
        _org(
            "food",
            "Bramblegate Chapel Food Project",
            OrgKind.FAITH_GROUP,
            [FILWOOD],
            2013,
            finance_series(
                {S.TRUSTS_AND_FOUNDATIONS: 8_000, S.DONATIONS: 22_000}, 28_000, 14_000, 16_000, 1_500, years=3
            ),
            (0, 0, 30, 3_900, 900),
            [CommunityAsset("Bramblegate chapel kitchen", "kitchen", 12)],
        ),
        _org(
            "outreach",
            "Nightjar Street Outreach",
            OrgKind.LOCAL_VCSE,
            [CENTRAL, LAWRENCE_HILL, ASHLEY],
            2007,
            finance_series(
                {S.GOVERNMENT_CONTRACTS: 280_000, S.TRUSTS_AND_FOUNDATIONS: 40_000, S.DONATIONS: 15_000},
                331_000,
                83_000,
                95_000,
                23_000,
                years=4,
            ),
            (9, 9, 12, 900, 520),
        ),
        _org(
            "foundation",
            "Merrow Community Foundation",
            OrgKind.LOCAL_VCSE,
            [CENTRAL],
            1995,
            finance_series(
                {S.INVESTMENTS: 900_000, S.DONATIONS: 1_400_000},
                2_200_000,
                1_830_000,
                14_500_000,
                190_000,
                years=5,
            ),
            (11, 10, 20, 800, 0),
        ),
        _org(
            "icb",
            "City Integrated Care Board (demo record)",
            OrgKind.NHS,
            [],
            2022,
            finance_series({S.GOVERNMENT_GRANTS: 1_950e6}, 1_948e6, 20e6, 35e6, 22e6, years=3),
            (420, 380, 0, 0, 0),
        ),
        _org(
            "hospital",
            "City General Hospital NHS Trust (demo record)",
            OrgKind.NHS,
            [CENTRAL],
            1991,
            finance_series(
                {S.GOVERNMENT_CONTRACTS: 910e6, S.TRADING: 45e6, S.OTHER: 20e6},
                978e6,
                40e6,
                610e6,
                30e6,
                years=3,
            ),
            (10_500, 8_900, 350, 28_000, 350_000),
        ),
        _org(
            "mh_trust",
            "City Mental Health NHS Trust (demo record)",
            OrgKind.NHS,
            [],
            1994,
            finance_series({S.GOVERNMENT_CONTRACTS: 240e6, S.OTHER: 6e6}, 245e6, 12e6, 150e6, 9e6, years=3),
            (3_100, 2_700, 60, 4_000, 42_000),
        ),
        _org(
            "pcn",
            "Inner City Primary Care Network (demo record)",
            OrgKind.NHS,
            [LAWRENCE_HILL, EASTON, ASHLEY],
            2019,
            finance_series({S.GOVERNMENT_CONTRACTS: 14e6}, 13.9e6, 0.6e6, 2.5e6, 0.7e6, years=3),
            (160, 140, 0, 0, 62_000),
        ),
        _org(
            "police",
            "Police force (demo record)",
            OrgKind.PUBLIC_BODY,
            [],
            1974,
            finance_series({S.GOVERNMENT_GRANTS: 330e6, S.OTHER: 20e6}, 348e6, 25e6, 120e6, 10e6, years=3),
            (5_400, 4_500, 300, 20_000, 0),
        ),
        _org(
            "probation",
            "Probation service (demo record)",
            OrgKind.PUBLIC_BODY,
            [],
            2021,
            finance_series({S.GOVERNMENT_GRANTS: 60e6}, 60e6, 0, 4e6, 3e6, years=3),
            (700, 600, 40, 2_000, 4_800),
        ),
        _org(
            "national",
            "Calderbrook Care Group",
            OrgKind.OUTSIDE_PROVIDER,
            [],
            1996,
            finance_series(
                {S.GOVERNMENT_CONTRACTS: 172e6, S.TRADING: 6e6, S.DONATIONS: 2e6},
                178e6,
                37e6,
                62e6,
                9e6,
                years=5,
            ),
            (4_200, 0, 600, 30_000, 95_000),
        ),
        _org(
            "regional",
            "Westmarch Health and Recovery",
            OrgKind.OUTSIDE_PROVIDER,
            [],
            2003,
            finance_series(
                {S.GOVERNMENT_CONTRACTS: 21e6, S.TRUSTS_AND_FOUNDATIONS: 1.5e6, S.DONATIONS: 1.5e6},
                23.6e6,
                5.9e6,
                8.5e6,
                1.6e6,
                years=5,
            ),
            (520, 35, 90, 5_000, 11_000),
        ),
    ]


# ---------------------------------------------------------------------------------------------------------
# Services, cohorts and ties


def _service(
    key: str,
    name: str,
    owner: str,
    needs: list[Need],
    capacity: float,
    entry: list[EntryPoint],
    cohorts: list[str] | None = None,
    wards: list[str] | None = None,
    description: str = "",
) -> Service:
    return Service(
        SVC[key], name, ORG.get(owner, owner), needs, capacity, cohorts or [], wards or [], entry, description
    )


def story_services() -> list[Service]:
    N, E = Need, EntryPoint
    return [
        _service(
            "adult-recovery",
            "Adult community drug and alcohol recovery",
            "lead",
            [N.SUBSTANCE_USE, N.ALCOHOL],
            900,
            [E.SELF_REFERRAL],
            cohorts=[COHORT["co_occurring"], COHORT["rough_sleeping"], COHORT["alcohol"]],
            description="Assessment, key work, prescribing liaison and recovery groups for adults.",
        ),
        _service(
            "alcohol-advice",
            "Alcohol advice and community detox support",
            "alcohol",
            [N.ALCOHOL],
            450,
            [E.SELF_REFERRAL],
            cohorts=[COHORT["co_occurring"], COHORT["rough_sleeping"], COHORT["alcohol"]],
        ),
        _service(
            "young-people-substance",
            "Young people's drug and alcohol service",
            "young",
            [N.SUBSTANCE_USE, N.ALCOHOL, N.YOUTH],
            200,
            [E.SCHOOL, E.SELF_REFERRAL],
            cohorts=[COHORT["young"]],
        ),
        _service(
            "peer-recovery",
            "Peer recovery groups",
            "peer",
            [N.SUBSTANCE_USE, N.ALCOHOL, N.SOCIAL_CONNECTION],
            150,
            [E.SELF_REFERRAL],
            wards=[LAWRENCE_HILL, EASTON, ASHLEY],
        ),
        _service(
            "hub-dropin",
            "Community drop-in and advice",
            "hub",
            [N.MONEY_AND_BENEFITS, N.SOCIAL_CONNECTION, N.FOOD],
            1_200,
            [E.SELF_REFERRAL],
            wards=[LAWRENCE_HILL, EASTON],
        ),
        _service(
            "mh-community", "Community mental health support", "mh", [N.MENTAL_HEALTH], 600, [E.SELF_REFERRAL]
        ),
        _service(
            "dual-diagnosis",
            "Dual diagnosis link work",
            "mh",
            [N.MENTAL_HEALTH, N.SUBSTANCE_USE],
            120,
            [],
            cohorts=[COHORT["co_occurring"]],
            description="Mental health workers embedded with the drug and alcohol service.",
        ),
        _service(
            "night-shelter",
            "Winter and emergency night shelter",
            "shelter",
            [N.HOUSING, N.FOOD],
            110,
            [E.SELF_REFERRAL],
        ),
        _service(
            "food-project",
            "Community food project",
            "food",
            [N.FOOD],
            900,
            [E.SELF_REFERRAL],
            wards=[FILWOOD, HARTCLIFFE_WITHYWOOD],
        ),
        _service(
            "street-outreach",
            "Street outreach to people sleeping rough",
            "outreach",
            [N.HOUSING],
            400,
            [E.STREET_OUTREACH],
        ),
        _service("gp", "GP practices", "pcn", [N.PHYSICAL_HEALTH], 20_000, [E.GP]),
        _service(
            "ae-liaison", "A&E alcohol and drug liaison", "hospital", [N.PHYSICAL_HEALTH], 2_500, [E.A_AND_E]
        ),
        _service("cmht", "Community mental health team", "mh_trust", [N.MENTAL_HEALTH], 1_500, []),
        _service(
            "custody-liaison",
            "Custody liaison and diversion",
            "police",
            [N.CRIMINAL_JUSTICE],
            600,
            [E.POLICE_CUSTODY],
        ),
        _service(
            "probation", "Probation supervision", "probation", [N.CRIMINAL_JUSTICE], 1_800, [E.PROBATION]
        ),
        _service(
            "housing-options",
            "Housing options and homelessness prevention",
            COUNCIL_ID,
            [N.HOUSING],
            3_000,
            [E.HOUSING_OPTIONS],
        ),
        _service(
            "early-help",
            "Early help for young people and families",
            COUNCIL_ID,
            [N.YOUTH, N.FAMILY_SUPPORT],
            1_200,
            [E.SCHOOL, E.SOCIAL_CARE],
        ),
    ]


# Cohort sizes (people a year) and unit costs of unmet need (£ per person a year) are ASSUMPTIONS, scaled
# to a city of Bristol's size (about 470,000 people). OHID's drug and alcohol treatment statistics report
# that most adults starting treatment have a mental health need, which is why the co-occurring cohort is
# the largest adult group. A council should replace the unit costs with figures from a published unit cost
# database (e.g. the Greater Manchester Combined Authority's Unit Cost Database) before relying on them.
def story_cohorts() -> list[Cohort]:
    N, E = Need, EntryPoint
    return [
        Cohort(
            COHORT["co_occurring"],
            "Adults with co-occurring substance use and mental ill-health",
            [N.SUBSTANCE_USE, N.MENTAL_HEALTH],
            650,
            {
                E.GP: 0.30,
                E.SELF_REFERRAL: 0.20,
                E.A_AND_E: 0.15,
                E.POLICE_CUSTODY: 0.15,
                E.PROBATION: 0.10,
                E.HOUSING_OPTIONS: 0.10,
            },
            unit_cost_unmet_need=9_000,
            description="Size and unit cost are assumptions (docs/demo-city.md).",
        ),
        Cohort(
            COHORT["young"],
            "Young people misusing drugs or alcohol",
            [N.SUBSTANCE_USE, N.YOUTH],
            160,
            {
                E.SCHOOL: 0.35,
                E.SOCIAL_CARE: 0.25,
                E.SELF_REFERRAL: 0.15,
                E.POLICE_CUSTODY: 0.15,
                E.A_AND_E: 0.10,
            },
            unit_cost_unmet_need=6_000,
            description="Size and unit cost are assumptions (docs/demo-city.md).",
        ),
        Cohort(
            COHORT["rough_sleeping"],
            "People sleeping rough who drink",
            [N.ALCOHOL, N.HOUSING],
            110,
            {E.STREET_OUTREACH: 0.55, E.HOUSING_OPTIONS: 0.20, E.A_AND_E: 0.15, E.POLICE_CUSTODY: 0.10},
            unit_cost_unmet_need=14_000,
            description="Size and unit cost are assumptions (docs/demo-city.md).",
        ),
        Cohort(
            COHORT["alcohol"],
            "Adults dependent on alcohol",
            [N.ALCOHOL, N.PHYSICAL_HEALTH],
            900,
            {E.GP: 0.45, E.A_AND_E: 0.25, E.SELF_REFERRAL: 0.30},
            unit_cost_unmet_need=4_500,
            description="Size and unit cost are assumptions (docs/demo-city.md).",
        ),
    ]


CONTRACT_START = date(LATEST_YEAR - 4, 4, 1)
CONTRACT_END = date(LATEST_YEAR + 1, 3, 31)


def story_funding() -> list[FundingTie]:
    """Each tie fits its recipient's income by source in the latest year (docs/demo-city.md)."""
    C, G, SUB = FundingKind.CONTRACT, FundingKind.GRANT, FundingKind.SUBCONTRACT

    def tie(
        tie_id: str,
        funder: str,
        recipient: str,
        kind: FundingKind,
        amount: float,
        service: str | None,
        description: str,
    ) -> FundingTie:
        return FundingTie(
            tie_id,
            ORG.get(funder, funder),
            ORG[recipient],
            kind,
            amount,
            SVC[service] if service else None,
            CONTRACT_START,
            CONTRACT_END,
            description,
        )

    return [
        tie(
            REPLACED[0], COUNCIL_ID, "lead", C, 620_000, "adult-recovery", "Adult drug and alcohol treatment"
        ),
        tie(REPLACED[1], COUNCIL_ID, "alcohol", C, 340_000, "alcohol-advice", "Community alcohol service"),
        tie(
            REPLACED[2],
            COUNCIL_ID,
            "young",
            C,
            190_000,
            "young-people-substance",
            "Young people's substance misuse service",
        ),
        tie(
            "demo-fund-icb-alcohol-pathway",
            "icb",
            "lead",
            C,
            95_000,
            "adult-recovery",
            "Alcohol care pathway (NHS)",
        ),
        tie("demo-fund-young-grant", COUNCIL_ID, "young", G, 25_000, None, "Youth diversion grant"),
        tie(
            PEER_SUBCONTRACT,
            "lead",
            "peer",
            SUB,
            38_000,
            "peer-recovery",
            "Peer recovery groups for the adult treatment contract",
        ),
        tie("demo-fund-hub-council", COUNCIL_ID, "hub", G, 60_000, "hub-dropin", "Community hub core grant"),
        tie("demo-fund-hub-foundation", "foundation", "hub", G, 25_000, "hub-dropin", "Community café grant"),
        tie(
            "demo-fund-outreach",
            COUNCIL_ID,
            "outreach",
            C,
            280_000,
            "street-outreach",
            "Rough sleeper outreach",
        ),
        tie(
            "demo-fund-mh-nhs",
            "mh_trust",
            "mh",
            C,
            420_000,
            "mh-community",
            "Community mental health support",
        ),
        tie(
            "demo-fund-mh-council",
            COUNCIL_ID,
            "mh",
            G,
            90_000,
            "mh-community",
            "Prevention and wellbeing grant",
        ),
        tie(
            "demo-fund-shelter", COUNCIL_ID, "shelter", G, 30_000, "night-shelter", "Severe weather provision"
        ),
        tie("demo-fund-peer-foundation", "foundation", "peer", G, 6_000, "peer-recovery", "Small grant"),
        tie("demo-fund-food-foundation", "foundation", "food", G, 8_000, "food-project", "Small grant"),
    ]


def story_referrals() -> list[ReferralRoute]:
    routes: list[tuple[str, str, float, float]] = [
        ("gp", "adult-recovery", 140, 0),
        ("gp", "mh-community", 220, 0),
        ("gp", "cmht", 160, 0),
        ("gp", "alcohol-advice", 90, 0),
        ("ae-liaison", "alcohol-advice", 130, 0),
        ("ae-liaison", "adult-recovery", 60, 0),
        ("ae-liaison", "young-people-substance", 15, 0),
        ("custody-liaison", "adult-recovery", 85, 0),
        ("custody-liaison", "young-people-substance", 20, 0),
        ("custody-liaison", "mh-community", 25, 0),
        ("probation", "adult-recovery", 110, 0),
        ("probation", "housing-options", 50, 0),
        ("street-outreach", "night-shelter", 90, 0),
        ("street-outreach", "adult-recovery", 35, 0),
        ("street-outreach", "alcohol-advice", 30, 0),
        ("street-outreach", "housing-options", 70, 0),
        ("housing-options", "night-shelter", 60, 0),
        ("housing-options", "adult-recovery", 25, 0),
        ("early-help", "young-people-substance", 55, 0),
        ("young-people-substance", "mh-community", 18, 0),
        ("young-people-substance", "early-help", 20, 0),
        ("adult-recovery", "peer-recovery", 70, 0),
        # The lead incumbent pays the mental health charity per dual diagnosis referral (its "other" income).
        ("adult-recovery", "dual-diagnosis", 60, 18_000),
        ("adult-recovery", "hub-dropin", 45, 6_000),  # café and advice vouchers (in the hub's trading income)
        ("adult-recovery", "housing-options", 40, 0),
        ("adult-recovery", "mh-community", 35, 0),
        ("alcohol-advice", "adult-recovery", 50, 0),
        ("alcohol-advice", "peer-recovery", 30, 0),
        ("alcohol-advice", "gp", 30, 0),
        ("adult-recovery", "gp", 40, 0),
        ("mh-community", "adult-recovery", 30, 0),
        ("cmht", "dual-diagnosis", 40, 0),
        ("dual-diagnosis", "adult-recovery", 25, 0),
        ("night-shelter", "adult-recovery", 30, 0),
        ("night-shelter", "alcohol-advice", 25, 0),
        ("night-shelter", "food-project", 40, 0),
        ("food-project", "hub-dropin", 50, 0),
        ("hub-dropin", "alcohol-advice", 25, 0),
        ("hub-dropin", "mh-community", 20, 0),
        ("peer-recovery", "hub-dropin", 30, 0),
    ]
    return [
        ReferralRoute(f"demo-ref-story-{number:03d}", SVC[source], SVC[target], people, income)
        for number, (source, target, people, income) in enumerate(routes, start=1)
    ]


def story_shared_premises() -> list[SharedPremises]:
    return [
        SharedPremises(
            "demo-prem-hub-alcohol", ORG["hub"], ORG["alcohol"], "Hollins Yard, first-floor offices", 35_000
        ),
        SharedPremises("demo-prem-hub-peer", ORG["hub"], ORG["peer"], "Hollins Yard group room", 6_000),
        SharedPremises(
            "demo-prem-hub-mh", ORG["hub"], ORG["mh"], "Hollins Yard Tuesday wellbeing room", 4_000
        ),
        SharedPremises("demo-prem-lead-mh", ORG["lead"], ORG["mh"], "Kestrel House clinic room", 3_000),
    ]


def story_joint_delivery() -> list[JointDelivery]:
    return [
        JointDelivery(
            "demo-joint-partnership",
            [ORG["lead"], ORG["alcohol"], ORG["young"]],
            SVC["adult-recovery"],
            "Drug and alcohol partnership: shared assessment, case review and transitions at 18",
        ),
        JointDelivery(
            "demo-joint-dual-diagnosis",
            [ORG["lead"], ORG["mh"]],
            SVC["dual-diagnosis"],
            "Joint dual diagnosis clinic",
        ),
        JointDelivery(
            "demo-joint-hub-tuesday",
            [ORG["hub"], ORG["food"], ORG["peer"]],
            SVC["hub-dropin"],
            "Community Tuesday: food, advice and peer groups under one roof",
        ),
        JointDelivery(
            "demo-joint-winter",
            [ORG["outreach"], ORG["shelter"]],
            SVC["night-shelter"],
            "Winter night shelter with outreach in-reach",
        ),
    ]


# ---------------------------------------------------------------------------------------------------------
# The exercise and its bids


def story_exercise() -> Exercise:
    replaced_total = 620_000 + 340_000 + 190_000
    return Exercise(
        id=EXERCISE_ID,
        title="Integrated drug and alcohol service",
        commissioner=COUNCIL_ID,
        description=(
            "One integrated service for adults and young people who use drugs or alcohol, joined up "
            "with mental health, criminal justice and housing services so that people with several "
            "needs at once do not fall through the gaps. Replaces the three current drug and alcohol "
            "contracts."
        ),
        cohorts=list(COHORT.values()),
        budget_per_year=round(replaced_total * 0.96, -4),  # £1.10m: a little under the £1.15m it replaces
        term_years=5,
        replaced_streams=list(REPLACED),
        price_ceiling_per_year=replaced_total,
        criteria=AwardCriteria(
            price=0.3, quality=0.5, net_impact=0.2, price_formula=PriceFormula.BUDGET_ANCHORED
        ),
        quality_questions=[
            QualityQuestion(
                "demo-q-model", "Service model and pathways for people with co-occurring needs", 0.30
            ),
            QualityQuestion(
                "demo-q-join-up", "Join-up with health, criminal justice and housing services", 0.25
            ),
            QualityQuestion("demo-q-safeguarding", "Safeguarding and risk management", 0.15),
            QualityQuestion(
                "demo-q-transition", "Mobilisation and transition of current service users and staff", 0.15
            ),
            QualityQuestion(
                "demo-q-lived-experience", "Involving people with lived experience and peer support", 0.15
            ),
        ],
        deadline=date(2026, 2, 27),
    )


def _bid_service(name: str, needs: list[Need], capacity: float, entry: list[EntryPoint]) -> BidService:
    return BidService(name, needs, capacity, list(COHORT.values()), [], entry)


def story_bids() -> list[Bid]:
    N, E, CS, J = Need, EntryPoint, ClaimState, JoinUpMechanism
    national = Bid(
        id=BID["national"],
        exercise=EXERCISE_ID,
        bidder=ORG["national"],
        title="Calderbrook Bristol Recovery Service",
        price_per_year=945_000,
        service=_bid_service(
            "Calderbrook Bristol Recovery Service",
            [N.SUBSTANCE_USE, N.ALCOHOL, N.YOUTH],
            1_500,
            [E.SELF_REFERRAL, E.GP, E.PROBATION],
        ),
        subcontracts=[Subcontract(ORG["hub"], 12_000, CS.UNANSWERED, "Room hire for satellite clinics")],
        partnerships=[
            Partnership(SVC["gp"], J.REFERRAL_ROUTE, None, CS.CONFIRMED, "GP referral protocol"),
            Partnership(
                SVC["probation"], J.REFERRAL_ROUTE, None, CS.CONFIRMED, "Drug rehabilitation requirements"
            ),
        ],
        commitments=[
            Commitment(CommitmentKind.LOCAL_JOBS, 22),
            Commitment(
                CommitmentKind.STAFF_TRANSFER, 15, description="Incumbent staff transferring under TUPE"
            ),
            Commitment(CommitmentKind.APPRENTICESHIPS, 52),
        ],
        local_spend=LocalSpend(local_staff_wages=470_000, local_suppliers=25_000),
        quality_score=0.80,
        summary="A national provider's standard model: lowest price, strong written answers, few local ties.",
    )
    consortium = Bid(
        id=BID["consortium"],
        exercise=EXERCISE_ID,
        bidder=ORG["lead"],
        title="Bristol Recovery Partnership (Kestrel Recovery Trust and partners)",
        price_per_year=1_140_000,
        service=_bid_service(
            "Bristol Recovery Partnership",
            [N.SUBSTANCE_USE, N.ALCOHOL, N.YOUTH],
            1_450,
            [E.SELF_REFERRAL, E.GP, E.PROBATION, E.SCHOOL, E.STREET_OUTREACH],
        ),
        subcontracts=[
            Subcontract(ORG["alcohol"], 338_000, CS.CONFIRMED, "Community alcohol service"),
            Subcontract(ORG["young"], 188_000, CS.CONFIRMED, "Young people's service"),
            Subcontract(ORG["peer"], 45_000, CS.CONFIRMED, "Peer recovery groups"),
            Subcontract(ORG["hub"], 20_000, CS.CONFIRMED, "Drop-in space and community café sessions"),
        ],
        partnerships=[
            Partnership(SVC["dual-diagnosis"], J.JOINT_CASE_MANAGEMENT, COHORT["co_occurring"], CS.CONFIRMED),
            Partnership(SVC["mh-community"], J.REFERRAL_ROUTE, COHORT["co_occurring"], CS.CONFIRMED),
            Partnership(SVC["cmht"], J.JOINT_CASE_MANAGEMENT, COHORT["co_occurring"], CS.CONFIRMED),
            Partnership(SVC["gp"], J.REFERRAL_ROUTE, None, CS.CONFIRMED),
            Partnership(SVC["ae-liaison"], J.REFERRAL_ROUTE, None, CS.CONFIRMED),
            Partnership(SVC["custody-liaison"], J.REFERRAL_ROUTE, None, CS.CONFIRMED),
            Partnership(SVC["probation"], J.CO_LOCATION, None, CS.CONFIRMED),
            Partnership(
                SVC["street-outreach"], J.JOINT_CASE_MANAGEMENT, COHORT["rough_sleeping"], CS.CONFIRMED
            ),
            Partnership(SVC["night-shelter"], J.CO_LOCATION, COHORT["rough_sleeping"], CS.CONFIRMED),
            Partnership(SVC["housing-options"], J.DATA_SHARING, None, CS.CONFIRMED),
            Partnership(SVC["early-help"], J.REFERRAL_ROUTE, COHORT["young"], CS.CONFIRMED),
        ],
        commitments=[
            Commitment(CommitmentKind.LOCAL_JOBS, 30),
            Commitment(CommitmentKind.VOLUNTEERING_HOURS, 6_000, ORG["peer"], CS.CONFIRMED),
            Commitment(CommitmentKind.CAPACITY_BUILDING, 15_000, ORG["peer"], CS.CONFIRMED),
            Commitment(CommitmentKind.PREMISES_HOURS, 1_500, ORG["hub"], CS.CONFIRMED),
            Commitment(CommitmentKind.SERVICE_USER_TRANSITION, 900),
        ],
        local_spend=LocalSpend(local_staff_wages=690_000, local_suppliers=55_000),
        quality_score=0.74,
        summary="The incumbents' consortium: keeps the partnership, the peer group and the hub in the work.",
    )
    regional = Bid(
        id=BID["regional"],
        exercise=EXERCISE_ID,
        bidder=ORG["regional"],
        title="Westmarch Recovery Bristol",
        price_per_year=1_010_000,
        service=_bid_service(
            "Westmarch Recovery Bristol",
            [N.SUBSTANCE_USE, N.ALCOHOL, N.YOUTH],
            1_350,
            [E.SELF_REFERRAL, E.GP, E.PROBATION],
        ),
        subcontracts=[
            Subcontract(ORG["mh"], 60_000, CS.UNANSWERED, "Dual diagnosis sessions"),
            Subcontract(
                ORG["peer"],
                20_000,
                CS.DISPUTED,
                "The peer group says it was not approached and has not agreed to take part",
            ),
            Subcontract(ORG["hub"], 10_000, CS.UNANSWERED, "Satellite room hire"),
        ],
        partnerships=[
            Partnership(SVC["gp"], J.REFERRAL_ROUTE, None, CS.CONFIRMED),
            Partnership(SVC["probation"], J.REFERRAL_ROUTE, None, CS.CONFIRMED),
            Partnership(SVC["mh-community"], J.REFERRAL_ROUTE, COHORT["co_occurring"], CS.UNANSWERED),
            Partnership(SVC["night-shelter"], J.CO_LOCATION, COHORT["rough_sleeping"], CS.UNANSWERED),
            Partnership(SVC["ae-liaison"], J.REFERRAL_ROUTE, None, CS.UNANSWERED),
        ],
        commitments=[
            Commitment(CommitmentKind.LOCAL_JOBS, 18),
            Commitment(CommitmentKind.STAFF_TRANSFER, 10),
        ],
        local_spend=LocalSpend(local_staff_wages=520_000, local_suppliers=30_000),
        quality_score=0.70,
        summary="A regional provider naming local partners, some of whom have not answered and one disputes.",
    )
    return [national, consortium, regional]
