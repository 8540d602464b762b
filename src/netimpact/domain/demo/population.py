"""The background city: some 280 fictional organisations around the drug and alcohol story.

Drawn with a numpy Generator so the same seed gives the same city. Local VCSE, faith groups and social
enterprises are drawn to the published distributions in distributions.py (size bands, reserves, government
share of income); their home wards lean towards the more deprived wards. Each gets services, and the city
gets funding ties (consistent with each recipient's income by source), referral routes, shared premises and
joint delivery among them. Money is £ a year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ecosystem import (
    CommunityAsset,
    FinancialYear,
    FundingTie,
    JointDelivery,
    Organisation,
    ReferralRoute,
    Service,
    SharedPremises,
    Ward,
)
from ..vocabulary import EntryPoint, FundingKind, IncomeSource, Need, OrgKind
from . import distributions as dist
from . import names

# How many background organisations of each kind (assumption: a city register's mix, mostly small VCSE).
BACKGROUND_KIND_COUNTS: dict[OrgKind, int] = {
    OrgKind.LOCAL_VCSE: 190,
    OrgKind.FAITH_GROUP: 40,
    OrgKind.SOCIAL_ENTERPRISE: 22,
    OrgKind.PUBLIC_BODY: 8,
    OrgKind.NHS: 6,
    OrgKind.OUTSIDE_PROVIDER: 8,
    OrgKind.PRIVATE_COMPANY: 6,
}

# Home ward weight = IMD score ** exponent. VCSE and faith groups cluster where need is greatest
# (assumption; the mission's premise and NCVO's mapping of local groups); social enterprises less so.
DEPRIVATION_EXPONENT = {OrgKind.LOCAL_VCSE: 1.5, OrgKind.FAITH_GROUP: 1.5, OrgKind.SOCIAL_ENTERPRISE: 0.5}

THEME_NEEDS: dict[str, list[Need]] = {
    "youth": [Need.YOUTH],
    "food": [Need.FOOD],
    "wellbeing": [Need.MENTAL_HEALTH, Need.SOCIAL_CONNECTION],
    "older_people": [Need.SOCIAL_CONNECTION],
    "employment": [Need.EMPLOYMENT],
    "money": [Need.MONEY_AND_BENEFITS],
    "domestic_abuse": [Need.DOMESTIC_ABUSE],
    "housing": [Need.HOUSING],
    "family": [Need.FAMILY_SUPPORT],
    "health": [Need.PHYSICAL_HEALTH],
    "justice": [Need.CRIMINAL_JUSTICE],
    "community": [Need.SOCIAL_CONNECTION],
}
THEME_ENTRY: dict[str, list[EntryPoint]] = {
    "youth": [EntryPoint.SCHOOL],
    "wellbeing": [EntryPoint.GP],
    "housing": [EntryPoint.HOUSING_OPTIONS],
    "justice": [EntryPoint.PROBATION],
    "family": [EntryPoint.SOCIAL_CARE],
    "domestic_abuse": [EntryPoint.SOCIAL_CARE],
}
FAITH_THEMES = ("food", "community", "older_people", "housing")
SOCIAL_ENTERPRISE_THEMES = ("employment", "food", "community")


@dataclass(slots=True)
class Background:
    organisations: list[Organisation] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    funding: list[FundingTie] = field(default_factory=list)
    referrals: list[ReferralRoute] = field(default_factory=list)
    shared_premises: list[SharedPremises] = field(default_factory=list)
    joint_delivery: list[JointDelivery] = field(default_factory=list)


@dataclass(slots=True)
class _Funders:
    council: str
    nhs: list[str]
    foundation: str


def build_background(
    rng: np.random.Generator,
    wards: list[Ward],
    first_number: int,
    latest_year: int,
    funders: tuple[str, list[str], str],
    taken_names: set[str],
    story_services: list[Service],
) -> Background:
    """The background city; organisation numbers start at `first_number` (the story's come before)."""
    pool = names.NamePool(rng, taken_names)
    council, nhs, foundation = funders
    world = _World(rng, wards, latest_year, _Funders(council, nhs, foundation))
    background = Background()
    number = first_number
    kinds = [kind for kind, count in BACKGROUND_KIND_COUNTS.items() for _ in range(count)]
    local_kinds = [k for k in kinds if k.is_local_ecosystem]
    draws = _local_draws(rng, len(local_kinds))
    local_index = 0
    for kind in kinds:
        org_id = names.demo_org_id(number)
        number += 1
        if kind.is_local_ecosystem:
            theme = world.theme(kind)
            organisation = world.local_organisation(org_id, kind, theme, pool, draws[local_index])
            local_index += 1
        else:
            theme = "public"
            organisation = world.other_organisation(org_id, kind, pool)
        background.organisations.append(organisation)
        background.services.extend(world.services_for(organisation, theme, len(background.services)))
        background.funding.extend(world.funding_for(organisation, len(background.funding)))
    background.referrals = world.referrals(background.services, story_services, background.organisations)
    background.shared_premises = world.shared_premises(background.organisations)
    background.joint_delivery = world.joint_delivery(background.organisations, background.services)
    return background


@dataclass(frozen=True, slots=True)
class _LocalDraw:
    band: dist.SizeBand
    reserves_months: float
    government_share: float


def _local_draws(rng: np.random.Generator, total: int) -> list[_LocalDraw]:
    """Size band, months of reserves and government share for each local organisation.

    Stratified draws (one per equal slice of probability) keep a city of a few hundred organisations close
    to the published shares and quantiles, where independent draws would wander by several points.
    """
    by_name = {band.name: band for band in dist.SIZE_BANDS}
    bands = [by_name[name] for name, count in dist.band_counts(total).items() for _ in range(count)]
    bands = [bands[i] for i in rng.permutation(len(bands))]
    reserves = dist.reserves_months(dist.stratified_uniforms(rng, total))
    government = np.zeros(total)
    for band in dist.SIZE_BANDS:
        members = [i for i, b in enumerate(bands) if b is band]
        if members:
            government[members] = dist.government_shares(band, dist.stratified_uniforms(rng, len(members)))
    return [
        _LocalDraw(band, float(months), float(share))
        for band, months, share in zip(bands, reserves, government, strict=True)
    ]


class _World:
    """The drawing rules, sharing one Generator so the order of draws (and so the city) is fixed by seed."""

    def __init__(
        self, rng: np.random.Generator, wards: list[Ward], latest_year: int, funders: _Funders
    ) -> None:
        self.rng = rng
        self.wards = wards
        self.latest_year = latest_year
        self.funders = funders
        scores = np.array([w.imd_score or 0.0 for w in wards])
        self.ward_weights = {
            kind: (scores**exponent) / (scores**exponent).sum()
            for kind, exponent in DEPRIVATION_EXPONENT.items()
        }
        self.uniform_wards = np.full(len(wards), 1 / len(wards))
        self.organisations: dict[str, Organisation] = {}  # filled once the background is drawn

    # -- organisations ------------------------------------------------------------------------------------

    def theme(self, kind: OrgKind) -> str:
        options: tuple[str, ...] = tuple(THEME_NEEDS)
        if kind is OrgKind.FAITH_GROUP:
            options = FAITH_THEMES
        elif kind is OrgKind.SOCIAL_ENTERPRISE:
            options = SOCIAL_ENTERPRISE_THEMES
        return options[int(self.rng.integers(len(options)))]

    def local_organisation(
        self, org_id: str, kind: OrgKind, theme: str, pool: names.NamePool, draw: _LocalDraw
    ) -> Organisation:
        rng = self.rng
        band = draw.band
        if kind is OrgKind.FAITH_GROUP:
            name = pool.draw(names.FAITH_NAME_PATTERNS)
        elif kind is OrgKind.SOCIAL_ENTERPRISE:
            name = pool.draw(names.SOCIAL_ENTERPRISE_NAME_PATTERNS)
        else:
            name = pool.draw(names.THEME_NAME_PATTERNS[theme])
        income = float(np.exp(rng.uniform(np.log(band.income_from), np.log(band.income_to))))
        latest = self.latest_year_accounts(kind, draw, income)
        years = int(rng.integers(3, 6))
        finances = self.history(latest, years)
        staff = self.staff_for(latest.expenditure, band)
        volunteers = int(rng.integers(3, 25)) + int(np.sqrt(income) / 40)
        age = int(np.clip(rng.lognormal(np.log(40 if kind is OrgKind.FAITH_GROUP else 14), 0.7), 1, 150))
        return Organisation(
            id=org_id,
            name=name,
            kind=kind,
            wards=self.wards_for(kind, band),
            year_founded=self.latest_year + 1 - age,
            finances=finances,
            staff=staff,
            local_staff=round(staff * rng.uniform(0.7, 1.0)),
            volunteers=volunteers,
            volunteer_hours_per_year=round(volunteers * rng.uniform(30, 150)),
            people_reached_per_year=int(income / rng.uniform(150, 1_200)) + int(rng.integers(10, 80)),
            community_assets=self.assets_for(kind, name),
            fictional=True,
        )

    def other_organisation(self, org_id: str, kind: OrgKind, pool: names.NamePool) -> Organisation:
        rng = self.rng
        patterns, income, sources = {
            OrgKind.PUBLIC_BODY: (
                names.PUBLIC_NAME_PATTERNS,
                rng.uniform(0.5e6, 8e6),
                {IncomeSource.GOVERNMENT_GRANTS: 0.85, IncomeSource.TRADING: 0.15},
            ),
            OrgKind.NHS: (
                names.NHS_NAME_PATTERNS,
                rng.uniform(5e6, 40e6),
                {IncomeSource.GOVERNMENT_CONTRACTS: 1.0},
            ),
            OrgKind.OUTSIDE_PROVIDER: (
                names.OUTSIDE_PROVIDER_NAME_PATTERNS,
                rng.uniform(8e6, 120e6),
                {IncomeSource.GOVERNMENT_CONTRACTS: 0.9, IncomeSource.TRADING: 0.1},
            ),
            OrgKind.PRIVATE_COMPANY: (
                names.PRIVATE_NAME_PATTERNS,
                rng.uniform(0.3e6, 6e6),
                {IncomeSource.TRADING: 1.0},
            ),
        }[kind]
        income_by_source = {source: round(income * share, -2) for source, share in sources.items()}
        total = sum(income_by_source.values())
        spent = round(total * (1 - rng.uniform(-0.03, 0.05)), -2)
        latest = FinancialYear(
            self.latest_year,
            income_by_source,
            spent,
            round(spent / 12 * rng.uniform(1, 6), -2),
            round(total * rng.uniform(0.3, 1.0), -2),
            round(spent * rng.uniform(0.04, 0.1), -2),
        )
        staff = int(spent * 0.6 / 34_000)
        return Organisation(
            id=org_id,
            name=pool.draw(patterns),
            kind=kind,
            wards=[] if kind is OrgKind.OUTSIDE_PROVIDER else self.draw_wards(self.uniform_wards, 1, 4),
            year_founded=self.latest_year + 1 - int(rng.integers(5, 60)),
            finances=self.history(latest, 3),
            staff=staff,
            local_staff=0 if kind is OrgKind.OUTSIDE_PROVIDER else int(staff * 0.8),
            people_reached_per_year=int(total / rng.uniform(300, 3_000)),
            fictional=True,
        )

    def latest_year_accounts(self, kind: OrgKind, draw: _LocalDraw, income: float) -> FinancialYear:
        rng = self.rng
        income_by_source = self.income_mix(kind, draw.band, income, draw.government_share)
        total = sum(income_by_source.values())
        margin = float(
            np.clip(rng.normal(dist.MARGIN_MEAN, dist.MARGIN_SD), -dist.MARGIN_CLIP, dist.MARGIN_CLIP)
        )
        spent = round(total * (1 - margin), -1)
        reserves = round(draw.reserves_months * spent / 12, -1)
        # Net assets: free reserves, plus restricted funds, plus premises for the groups that own a building.
        owns_building = rng.random() < (0.6 if kind is OrgKind.FAITH_GROUP else 0.12)
        fixed = total * rng.uniform(0.5, 3.0) if owns_building else 0.0
        net_assets = round(reserves + total * rng.uniform(0.0, 0.2) + fixed, -1)
        admin = round(spent * rng.uniform(*dist.ADMIN_SHARE_RANGE), -1)
        return FinancialYear(self.latest_year, income_by_source, spent, reserves, net_assets, admin)

    def income_mix(
        self, kind: OrgKind, band: dist.SizeBand, income: float, government: float
    ) -> dict[IncomeSource, float]:
        """Income by source: the drawn government share, the rest spread over a few other sources."""
        rng = self.rng
        low, high = dist.SOURCE_COUNT[band.name]
        source_count = int(rng.integers(low, high + 1))
        shares: dict[IncomeSource, float] = {}
        if government > 0:
            contract = self._contract_fraction(band)
            if contract > 0:
                shares[IncomeSource.GOVERNMENT_CONTRACTS] = government * contract
            if contract < 1:
                shares[IncomeSource.GOVERNMENT_GRANTS] = government * (1 - contract)
        rest = 1.0 - government
        if rest > 0:
            weights = dist.NON_GOVERNMENT_WEIGHTS[kind.value]
            others = max(1, source_count - len(shares))
            sources = list(weights)
            p = np.array([weights[s] for s in sources])
            picked = rng.choice(len(sources), size=min(others, len(sources)), replace=False, p=p / p.sum())
            split = rng.dirichlet(np.ones(len(picked)))
            for index, part in zip(picked, split, strict=True):
                shares[sources[int(index)]] = rest * float(part)
        return {
            source: round(income * share, -1)
            for source, share in shares.items()
            if round(income * share, -1) > 0
        }

    def _contract_fraction(self, band: dist.SizeBand) -> float:
        # Small bodies get one kind of government money or the other; larger ones a mix.
        if band.name in ("micro", "small"):
            return 1.0 if self.rng.random() < band.government_contract_share else 0.0
        share = band.government_contract_share
        return float(self.rng.beta(share * 4, (1 - share) * 4))

    def history(self, latest: FinancialYear, years: int) -> list[FinancialYear]:
        """Earlier years back-cast from the latest: income a few % different, reserves less surpluses."""
        rng = self.rng
        history = [latest]
        for _ in range(1, years):
            later = history[-1]
            growth = float(np.clip(rng.normal(1.03, 0.08), 0.8, 1.3))
            noise = rng.uniform(0.9, 1.1, size=len(later.income_by_source))
            income = {
                source: round(amount / growth * factor, -1)
                for (source, amount), factor in zip(later.income_by_source.items(), noise, strict=True)
            }
            total = sum(income.values())
            margin = float(
                np.clip(rng.normal(dist.MARGIN_MEAN, dist.MARGIN_SD), -dist.MARGIN_CLIP, dist.MARGIN_CLIP)
            )
            surplus = later.income - later.expenditure
            history.append(
                FinancialYear(
                    later.year - 1,
                    income,
                    round(total * (1 - margin), -1),
                    max(0.0, round(later.free_reserves - surplus, -1)),
                    max(0.0, round(later.net_assets - surplus, -1)),
                    round(later.admin_costs / growth, -1),
                )
            )
        return list(reversed(history))

    def staff_for(self, expenditure: float, band: dist.SizeBand) -> int:
        if band.name == "micro":
            return 0
        # About 55% of spending goes on staff at about £30k a head (assumption; Almanac: staff costs are
        # the largest part of sector spending).
        return max(0, round(expenditure * 0.55 / 30_000 * self.rng.uniform(0.7, 1.2)))

    def wards_for(self, kind: OrgKind, band: dist.SizeBand) -> list[str]:
        extra = {"micro": 1, "small": 2, "medium": 4, "large": 8, "major": 12}[band.name]
        return self.draw_wards(self.ward_weights[kind], 1, extra)

    def draw_wards(self, weights: np.ndarray, low: int, high: int) -> list[str]:
        count = int(self.rng.integers(low, high + 1))
        picked = self.rng.choice(len(self.wards), size=count, replace=False, p=weights)
        return [self.wards[int(i)].code for i in picked]  # the first is the home ward

    def assets_for(self, kind: OrgKind, name: str) -> list[CommunityAsset]:
        chance = 0.7 if kind is OrgKind.FAITH_GROUP else 0.2
        if self.rng.random() >= chance:
            return []
        asset_kind = (
            "hall"
            if kind is OrgKind.FAITH_GROUP
            else ("cafe", "garden", "meeting room")[int(self.rng.integers(3))]
        )
        return [CommunityAsset(f"{name} {asset_kind}", asset_kind, float(self.rng.integers(4, 40)))]

    # -- services and ties ---------------------------------------------------------------------------------

    def services_for(self, organisation: Organisation, theme: str, already: int) -> list[Service]:
        if theme == "public":
            return self._public_services(organisation, already)
        count = 2 if organisation.latest_finances and organisation.latest_finances.income > 100_000 else 1
        needs = THEME_NEEDS[theme]
        entry = [EntryPoint.SELF_REFERRAL, *THEME_ENTRY.get(theme, [])]
        reached = max(10, organisation.people_reached_per_year)
        return [
            Service(
                id=f"demo-svc-{already + i + 1:04d}",
                name=f"{organisation.name}: {'main service' if i == 0 else 'outreach sessions'}",
                organisation=organisation.id,
                needs=list(needs),
                capacity_per_year=float(round(reached / count)),
                wards=list(organisation.wards),
                entry_points=entry if i == 0 else [EntryPoint.SELF_REFERRAL],
            )
            for i in range(count)
        ]

    def _public_services(self, organisation: Organisation, already: int) -> list[Service]:
        if organisation.kind is OrgKind.PRIVATE_COMPANY:
            return []
        kind_needs = {
            OrgKind.PUBLIC_BODY: ([Need.EMPLOYMENT, Need.SOCIAL_CONNECTION], [EntryPoint.SELF_REFERRAL]),
            OrgKind.NHS: ([Need.PHYSICAL_HEALTH], [EntryPoint.GP]),
            OrgKind.OUTSIDE_PROVIDER: ([Need.HOUSING, Need.MENTAL_HEALTH], [EntryPoint.HOUSING_OPTIONS]),
        }
        needs, entry = kind_needs[organisation.kind]
        return [
            Service(
                id=f"demo-svc-{already + 1:04d}",
                name=f"{organisation.name}: services in the city",
                organisation=organisation.id,
                needs=list(needs),
                capacity_per_year=float(max(50, organisation.people_reached_per_year // 10)),
                wards=list(organisation.wards),
                entry_points=list(entry),
            )
        ]

    def funding_for(self, organisation: Organisation, already: int) -> list[FundingTie]:
        """Ties that account for part of the recipient's latest income, never more than that source gives."""
        latest = organisation.latest_finances
        if latest is None or not organisation.kind.is_local_ecosystem:
            return []
        rng = self.rng
        ties: list[FundingTie] = []

        def add(funder: str, kind: FundingKind, source: IncomeSource, low: float, description: str) -> None:
            recorded = latest.income_by_source.get(source, 0.0)
            amount = float(np.floor(recorded * rng.uniform(low, 1.0) / 100) * 100)
            if amount >= 500:
                ties.append(
                    FundingTie(
                        f"demo-fund-{already + len(ties) + 1:04d}",
                        funder,
                        organisation.id,
                        kind,
                        amount,
                        None,
                        description=description,
                    )
                )

        public_funder = (
            self.funders.council
            if rng.random() < 0.75
            else self.funders.nhs[int(rng.integers(len(self.funders.nhs)))]
        )
        if latest.income_by_source.get(IncomeSource.GOVERNMENT_GRANTS, 0) > 0:
            add(public_funder, FundingKind.GRANT, IncomeSource.GOVERNMENT_GRANTS, 0.5, "Grant")
        if latest.income_by_source.get(IncomeSource.GOVERNMENT_CONTRACTS, 0) > 0 and latest.income > 30_000:
            add(public_funder, FundingKind.CONTRACT, IncomeSource.GOVERNMENT_CONTRACTS, 0.6, "Contract")
        if latest.income_by_source.get(IncomeSource.TRUSTS_AND_FOUNDATIONS, 0) > 0 and rng.random() < 0.5:
            add(
                self.funders.foundation,
                FundingKind.GRANT,
                IncomeSource.TRUSTS_AND_FOUNDATIONS,
                0.3,
                "Community foundation grant",
            )
        return ties

    def referrals(
        self, services: list[Service], story_services: list[Service], organisations: list[Organisation]
    ) -> list[ReferralRoute]:
        """Each background service refers to 0-3 others, preferring services that share a ward."""
        rng = self.rng
        self.organisations = {o.id: o for o in organisations}
        everything = services + story_services
        by_ward: dict[str, list[int]] = {}
        for index, service in enumerate(everything):
            for code in service.wards:
                by_ward.setdefault(code, []).append(index)
        routes: list[ReferralRoute] = []
        seen: set[tuple[str, str]] = set()
        paid_so_far: dict[str, float] = {}
        for service in services:
            for _ in range(int(rng.integers(0, 4))):
                nearby = by_ward.get(service.wards[0], []) if service.wards else []
                pool = nearby if nearby and rng.random() < 0.8 else range(len(everything))
                target = everything[int(rng.choice(list(pool)))]
                key = (service.id, target.id)
                if target.id == service.id or key in seen:
                    continue
                seen.add(key)
                people = float(rng.integers(3, 60))
                income = self.referral_income(target, people, paid_so_far)
                routes.append(
                    ReferralRoute(f"demo-ref-{len(routes) + 1:04d}", service.id, target.id, people, income)
                )
        return routes

    def referral_income(self, target: Service, people: float, paid_so_far: dict[str, float]) -> float:
        """About one route in ten pays the receiving group per person (spot purchase, session fees).

        £50-£300 a person (assumption), and never more than half the recipient's recorded trading and other
        income in all, so the register's referral income stays inside its accounts.
        """
        recipient = self.organisations.get(target.organisation)
        if recipient is None or not recipient.kind.is_local_ecosystem or self.rng.random() >= 0.1:
            return 0.0
        latest = recipient.latest_finances
        if latest is None:
            return 0.0
        earned = latest.income_by_source.get(IncomeSource.TRADING, 0.0) + latest.income_by_source.get(
            IncomeSource.OTHER, 0.0
        )
        room = 0.5 * earned - paid_so_far.get(recipient.id, 0.0)
        income = float(min(room, round(people * self.rng.uniform(50, 300), -1)))
        if income < 100:
            return 0.0
        paid_so_far[recipient.id] = paid_so_far.get(recipient.id, 0.0) + income
        return income

    def shared_premises(self, organisations: list[Organisation]) -> list[SharedPremises]:
        """Groups with a hall or room host one or two small groups from their home ward."""
        rng = self.rng
        hosts = [o for o in organisations if o.community_assets and o.wards]
        small = [o for o in organisations if o.kind.is_local_ecosystem and o.wards and not o.community_assets]
        ties: list[SharedPremises] = []
        for host in hosts:
            neighbours = [o for o in small if o.wards[0] == host.wards[0]]
            for index in rng.permutation(len(neighbours))[: int(rng.integers(0, 3))]:
                tenant = neighbours[int(index)]
                ties.append(
                    SharedPremises(
                        f"demo-prem-{len(ties) + 1:04d}",
                        host.id,
                        tenant.id,
                        host.community_assets[0].name,
                        float(rng.integers(10, 200) * 100),
                    )
                )
        return ties

    def joint_delivery(
        self, organisations: list[Organisation], services: list[Service]
    ) -> list[JointDelivery]:
        rng = self.rng
        local = [o for o in organisations if o.kind.is_local_ecosystem and o.wards]
        owned = {s.organisation: s.id for s in services}
        records: list[JointDelivery] = []
        for _ in range(20):
            first = local[int(rng.integers(len(local)))]
            partners = [o for o in local if o.id != first.id and o.wards[0] == first.wards[0]]
            if not partners:
                continue
            second = partners[int(rng.integers(len(partners)))]
            records.append(
                JointDelivery(
                    f"demo-joint-{len(records) + 1:04d}",
                    [first.id, second.id],
                    owned.get(first.id),
                    "Joint sessions in the same neighbourhood",
                )
            )
        return records
