"""Synthetic ecosystems of any size, for the benchmark and for tests.

A synthetic city looks like the demo city at scale: finances drawn from the same published distributions
(NCVO size bands, Clifford & Mohan's months of reserves; see netimpact.domain.demo.distributions), funding
ties as a sparse random graph whose degrees are heavy-tailed (a few councils, NHS bodies and large
providers fund many; most groups receive from one or two), services with referral routes between them,
cohorts with entry points, an exercise that replaces a few incumbents' contracts, and bids whose
subcontracts and partnerships are in mixed claim states.

Everything is drawn as numpy arrays and turned into the domain's dataclasses in single list comprehensions,
so a nation (200,000 organisations, 2,000,000 ties) builds in seconds. The same seed gives the same city.
Organisations are marked fictional; ward codes are made up in an unused range (E059xxxxx).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from netimpact.domain.commissioning import (
    AwardCriteria,
    Bid,
    BidService,
    Commitment,
    Exercise,
    LocalSpend,
    Partnership,
    Subcontract,
)
from netimpact.domain.demo.distributions import SIZE_BANDS, reserves_months
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
)

COMMISSIONER_ID = "GB-LAE-SYN"
REGISTER_YEAR = 2026
PEOPLE_PER_WARD_ORGANISATIONS = 60  # organisations per ward (assumption: Bristol has ~2,000 over 34 wards)

# Mix of kinds among the organisations other than the commissioner (assumption, after the demo city:
# mostly local VCSE, a tenth faith groups, a few public and NHS bodies that fund, a few outside providers).
KIND_SHARES: tuple[tuple[OrgKind, float], ...] = (
    (OrgKind.LOCAL_VCSE, 0.70),
    (OrgKind.FAITH_GROUP, 0.12),
    (OrgKind.SOCIAL_ENTERPRISE, 0.08),
    (OrgKind.PUBLIC_BODY, 0.02),
    (OrgKind.NHS, 0.01),
    (OrgKind.OUTSIDE_PROVIDER, 0.03),
    (OrgKind.PRIVATE_COMPANY, 0.04),
)
# Annual income (GBP) of funders and providers that are not VCSE: log-uniform between the bounds
# (assumption: district and unitary budgets, NHS trusts, national providers' turnover).
LARGE_BODY_INCOME = {
    OrgKind.PUBLIC_BODY: (5e6, 5e8),
    OrgKind.NHS: (5e7, 1e9),
    OrgKind.OUTSIDE_PROVIDER: (5e6, 3e8),
    OrgKind.PRIVATE_COMPANY: (1e5, 2e7),
}
# Weight of an organisation as a funder, by kind, multiplying its income (assumption: councils and the NHS
# pay most ties; outside providers subcontract; VCSE pass small grants on).
FUNDER_WEIGHT = {
    OrgKind.PUBLIC_BODY: 40.0,
    OrgKind.NHS: 30.0,
    OrgKind.OUTSIDE_PROVIDER: 5.0,
    OrgKind.PRIVATE_COMPANY: 0.5,
    OrgKind.LOCAL_VCSE: 1.0,
    OrgKind.FAITH_GROUP: 0.5,
    OrgKind.SOCIAL_ENTERPRISE: 1.0,
}
RECIPIENT_PARETO_SHAPE = 1.5  # tail index of recipients' attractiveness: a heavy tail of hubs (assumption)
TIED_INCOME_SHARE = (2.0, 3.0)  # Beta(a, b) share of a recipient's income that arrives through its ties
# The exercise's incumbents: local charities of a medium or large size (GBP a year of income from outside
# the register), each holding one council contract of a local drug and alcohol service's size and passing
# parts of it to two to four small groups (assumptions, after the demo city's story: contracts of £190k to
# £620k, subcontracts of £38k and £45k to a peer group).
INCUMBENTS = 3
INCUMBENT_INCOME = (100_000.0, 3_000_000.0)
INCUMBENT_CONTRACT = (150_000.0, 700_000.0)  # GBP a year, log-uniform
DEPENDANT_SUBCONTRACT = (10_000.0, 60_000.0)  # GBP a year, uniform
SMALL_GROUP_INCOME = 100_000.0  # GBP a year: micro and small groups (NCVO bands)
OPEN_SERVICE_SHARE = 0.5  # share of services open to every cohort; the others serve one (assumption)
CLAIM_STATE_SHARES = (0.6, 0.3, 0.1)  # confirmed, unanswered, disputed (assumption for a mid-exercise mix)

COHORT_NEEDS: tuple[tuple[str, tuple[Need, ...], float], ...] = (
    ("Adults with co-occurring drug use and mental ill-health",
     (Need.MENTAL_HEALTH, Need.SUBSTANCE_USE), 0.6),
    ("Adults with drug or alcohol use who are homeless",
     (Need.ALCOHOL, Need.HOUSING, Need.SUBSTANCE_USE), 0.3),
    ("Survivors of domestic abuse with mental ill-health", (Need.DOMESTIC_ABUSE, Need.MENTAL_HEALTH), 0.4),
    ("Young people at risk of exclusion", (Need.EMPLOYMENT, Need.YOUTH), 0.5),
)
ENTRY_POINTS = tuple(EntryPoint)
NEEDS = tuple(Need)


@dataclass(slots=True)
class SyntheticCity:
    ecosystem: Ecosystem
    exercise: Exercise
    bids: list[Bid]


def synthetic_city(n_organisations: int, n_ties: int, n_bids: int, seed: int = 0) -> SyntheticCity:
    """A random city of `n_organisations` (the commissioner included), `n_ties` funding ties, an exercise
    replacing a few incumbents' contracts and `n_bids` bids. Deterministic for a seed."""
    if n_organisations < 20:
        raise ValueError(f"n_organisations must be at least 20, got {n_organisations}")
    if n_ties < n_organisations // 10:
        raise ValueError(f"n_ties must be at least n_organisations / 10, got {n_ties}")
    if not 1 <= n_bids <= 50:
        raise ValueError(f"n_bids must be between 1 and 50, got {n_bids}")
    with _collector_paused():
        return _build(n_organisations, n_ties, n_bids, seed)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Millions of new records trigger the cyclic collector again and again (3x slower); none form cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(n_organisations: int, n_ties: int, n_bids: int, seed: int) -> SyntheticCity:
    rng = np.random.default_rng(seed)
    draft = _CityDraft(rng, n_organisations)
    draft.draw_funding(n_ties)
    draft.choose_incumbents()
    draft.draw_services()
    ecosystem = Ecosystem(
        name=f"Synthetic city {n_organisations}/{n_ties} (seed {seed})",
        wards=draft.wards(),
        organisations=draft.organisations(),
        services=draft.services(),
        funding=draft.funding(),
        referrals=draft.referrals(),
        shared_premises=draft.shared_premises(),
        joint_delivery=draft.joint_delivery(),
        cohorts=draft.cohorts(),
        year=REGISTER_YEAR,
    )
    exercise = draft.exercise()
    bids = draft.bids(exercise, n_bids)
    return SyntheticCity(ecosystem, exercise, bids)


class _CityDraft:
    """The city as arrays, drawn step by step, then turned into domain records."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        self.rng = rng
        self.n = n
        self.n_wards = max(10, n // PEOPLE_PER_WARD_ORGANISATIONS)
        self.ward_codes = [f"E059{i:05d}" for i in range(self.n_wards)]
        self.ids = [COMMISSIONER_ID] + [f"360G-netimpact-synthetic-{i:07d}" for i in range(1, n)]
        kinds, shares = zip(*KIND_SHARES, strict=True)
        kind_index = rng.choice(len(kinds), size=n, p=np.array(shares) / sum(shares))
        kind_index[0] = kinds.index(OrgKind.PUBLIC_BODY)
        self.kind_list = list(kinds)
        self.kind_index = kind_index
        self.kinds = [kinds[k] for k in kind_index.tolist()]
        self.home_ward = rng.integers(0, self.n_wards, n)
        self.other_income = self._base_income()
        self.other_income[0] = 1.2e9  # the commissioner: a unitary council's gross budget (assumption)

    def _of_kind(self, *kinds: OrgKind) -> np.ndarray:
        return np.isin(self.kind_index, [self.kind_list.index(k) for k in kinds])

    def _base_income(self) -> np.ndarray:
        """Income from outside the register (donations, trading, other funders), GBP a year."""
        rng, n = self.rng, self.n
        bands = rng.choice(len(SIZE_BANDS), size=n, p=np.array([b.share for b in SIZE_BANDS]))
        low = np.array([b.income_from for b in SIZE_BANDS])[bands]
        high = np.array([b.income_to for b in SIZE_BANDS])[bands]
        income = np.exp(rng.uniform(np.log(low), np.log(high)))
        for kind, (lo, hi) in LARGE_BODY_INCOME.items():
            mask = self._of_kind(kind)
            income[mask] = np.exp(rng.uniform(np.log(lo), np.log(hi), int(mask.sum())))
        return income

    # Funding ties: a Chung-Lu style random graph with heavy-tailed degrees --------------------------------

    def draw_funding(self, n_ties: int) -> None:
        rng, n = self.rng, self.n
        kind_weight = np.array([FUNDER_WEIGHT[k] for k in self.kind_list])
        funder_weight = self.other_income * kind_weight[self.kind_index]
        funder_weight[0] *= 20.0  # the commissioner pays the most ties in its own city
        attractiveness = rng.pareto(RECIPIENT_PARETO_SHAPE, n) + 1.0
        attractiveness[self._of_kind(OrgKind.PUBLIC_BODY, OrgKind.NHS)] *= 0.05  # funders rarely receive
        funders = rng.choice(n, size=n_ties, p=funder_weight / funder_weight.sum())
        recipients = rng.choice(n, size=n_ties, p=attractiveness / attractiveness.sum())
        loops = funders == recipients
        recipients[loops] = (recipients[loops] + 1 + rng.integers(0, n - 1, int(loops.sum()))) % n
        # Each recipient's tied income is a Beta share of its total; the ties split it by random weights.
        tied_share = rng.beta(*TIED_INCOME_SHARE, n)
        tied_income = self.other_income * tied_share / (1.0 - tied_share)
        weights = rng.exponential(1.0, n_ties)
        weight_sum = np.bincount(recipients, weights=weights, minlength=n)
        amounts = np.round(tied_income[recipients] * weights / weight_sum[recipients], 0)
        self.tie_amount = np.maximum(amounts, 100.0)  # GBP a year; no tie below £100
        funder_kind = self.kind_index[funders]
        public = np.isin(funder_kind, [self.kind_list.index(k) for k in (OrgKind.PUBLIC_BODY, OrgKind.NHS)])
        provider = np.isin(funder_kind, [self.kind_list.index(k) for k in
                                         (OrgKind.OUTSIDE_PROVIDER, OrgKind.PRIVATE_COMPANY)])
        contract = rng.random(n_ties) < 0.55
        self.tie_kind = np.where(public, np.where(contract, 0, 1), np.where(provider, 2, 1))  # see _TIE_KINDS
        self.tie_funder, self.tie_recipient = funders, recipients

    def choose_incumbents(self) -> None:
        """Three local charities each holding one council contract, each passing parts of it on."""
        rng = self.rng
        local = self._of_kind(OrgKind.LOCAL_VCSE, OrgKind.SOCIAL_ENTERPRISE, OrgKind.FAITH_GROUP)
        local[0] = False
        income = self.other_income
        sized = local & (income >= INCUMBENT_INCOME[0]) & (income <= INCUMBENT_INCOME[1])
        candidates = np.flatnonzero(sized[self.tie_recipient])
        if np.unique(self.tie_recipient[candidates]).size < INCUMBENTS:
            candidates = np.flatnonzero(local[self.tie_recipient])
        chosen: dict[int, int] = {}  # incumbent -> its replaced tie
        for tie in rng.permutation(candidates).tolist():
            chosen.setdefault(int(self.tie_recipient[tie]), tie)
            if len(chosen) == INCUMBENTS:
                break
        replaced = np.array(sorted(chosen.values()), dtype=np.int64)
        low, high = np.log(INCUMBENT_CONTRACT[0]), np.log(INCUMBENT_CONTRACT[1])
        self.tie_funder[replaced] = 0
        self.tie_kind[replaced] = 0
        self.tie_amount[replaced] = np.round(np.exp(rng.uniform(low, high, replaced.size)), -3)
        # Small groups' ties are re-pointed to come from an incumbent, as subcontracts: the count stays.
        small = local & (self.other_income < SMALL_GROUP_INCOME)
        free = np.flatnonzero(small[self.tie_recipient])
        free = free[~np.isin(free, replaced) & ~np.isin(self.tie_recipient[free], list(chosen))]
        picks = rng.permutation(free)
        start = 0
        for incumbent in chosen:
            count = int(rng.integers(2, 5))
            ties = picks[start:start + count]
            start += count
            self.tie_funder[ties] = incumbent
            self.tie_kind[ties] = 2
            self.tie_amount[ties] = np.round(rng.uniform(*DEPENDANT_SUBCONTRACT, ties.size), -3)
        self.replaced = replaced
        self.incumbents = np.array(list(chosen), dtype=np.int64)

    # Services and referral routes ----------------------------------------------------------------------

    def draw_services(self) -> None:
        rng, n = self.rng, self.n
        second = rng.random(n) < 0.2
        owners = np.concatenate([np.arange(1, n), np.flatnonzero(second[1:]) + 1])
        owners.sort()
        self.service_owner = owners
        count = owners.size
        self.service_ids = [f"syn-service-{j:07d}" for j in range(count)]
        self.service_need = rng.integers(0, len(NEEDS), (count, 2))
        self.service_two_needs = rng.random(count) < 0.4
        self.service_capacity = np.round(np.clip(self.other_income[owners] / 2_000.0, 5.0, 5_000.0), 0)
        self.service_entry = rng.integers(0, len(ENTRY_POINTS), (count, 2))
        self.service_citywide = rng.random(count) < 0.3
        self.service_cohort = np.where(rng.random(count) < OPEN_SERVICE_SHARE, -1,
                                       rng.integers(0, len(COHORT_NEEDS), count))
        # The incumbents run the services the exercise re-commissions: drug, alcohol and mental health.
        theirs = np.isin(owners, self.incumbents)
        self.service_need[theirs] = [NEEDS.index(Need.SUBSTANCE_USE), NEEDS.index(Need.MENTAL_HEALTH)]
        self.service_need[theirs & (np.arange(count) % 2 == 1)] = [NEEDS.index(Need.ALCOHOL),
                                                                   NEEDS.index(Need.HOUSING)]
        self.service_two_needs[theirs] = True
        self.service_citywide[theirs] = True
        self.service_cohort[theirs] = -1

    def wards(self) -> list[Ward]:
        scores = np.round(self.rng.gamma(3.0, 8.0, self.n_wards), 3).tolist()
        extents = np.round(self.rng.beta(1.0, 3.0, self.n_wards), 4).tolist()
        deprived = np.round(self.rng.beta(0.6, 4.0, self.n_wards), 4).tolist()
        return [Ward(code, f"Synthetic ward {i}", scores[i], extents[i], deprived[i])
                for i, code in enumerate(self.ward_codes)]

    def organisations(self) -> list[Organisation]:
        rng, n = self.rng, self.n
        received = np.bincount(self.tie_recipient, weights=self.tie_amount, minlength=n)
        grants = np.bincount(self.tie_recipient, weights=self.tie_amount * (self.tie_kind == 1), minlength=n)
        contracts = received - grants
        other = self.other_income
        donations, trading = np.round(other * 0.6, 0), np.round(other * 0.4, 0)
        income = other + received
        margin = np.clip(rng.normal(0.01, 0.08, n), -0.3, 0.3)  # as the demo city (distributions.py)
        expenditure = np.round(income * (1.0 - margin), 0)
        reserves = np.round(reserves_months(rng.random(n)) * expenditure / 12.0, 0)
        net_assets = np.round(reserves * rng.uniform(1.0, 3.0, n), 0)
        admin = np.round(expenditure * rng.uniform(0.03, 0.15, n), 0)
        staff = np.minimum(np.round(income / 35_000.0 * rng.uniform(0.5, 1.5, n)), 50_000).astype(int)
        local_staff = np.round(staff * rng.beta(5.0, 2.0, n)).astype(int)
        volunteers = np.round(rng.lognormal(2.5, 1.0, n)).astype(int)
        hours = np.round(volunteers * rng.uniform(20.0, 120.0, n), 0)
        reached = np.round(income / 300.0).astype(int)
        founded = (REGISTER_YEAR - np.minimum(np.round(rng.lognormal(3.0, 0.8, n)), 150)).astype(int)
        has_asset = (rng.random(n) < 0.3) & self._of_kind(OrgKind.LOCAL_VCSE, OrgKind.FAITH_GROUP)
        asset_hours = np.round(rng.uniform(2.0, 60.0, n), 1)
        columns = [a.tolist() for a in (contracts, grants, donations, trading, expenditure, reserves,
                                        net_assets, admin, staff, local_staff, volunteers, hours, reached,
                                        founded, has_asset, asset_hours, self.home_ward)]
        ward_codes = self.ward_codes
        return [
            Organisation(
                id=self.ids[i],
                name="Synthetic City Council" if i == 0 else f"Synthetic organisation {i}",
                kind=self.kinds[i],
                org_ids=[self.ids[i]],
                wards=[ward_codes[home]],
                year_founded=year,
                finances=[FinancialYear(
                    year=REGISTER_YEAR - 1,
                    income_by_source={
                        IncomeSource.GOVERNMENT_CONTRACTS: con,
                        IncomeSource.GOVERNMENT_GRANTS: gra,
                        IncomeSource.DONATIONS: don,
                        IncomeSource.TRADING: tra,
                    },
                    expenditure=exp,
                    free_reserves=res,
                    net_assets=net,
                    admin_costs=adm,
                )],
                staff=st,
                local_staff=loc,
                volunteers=vol,
                volunteer_hours_per_year=hrs,
                people_reached_per_year=rea,
                community_assets=[CommunityAsset("Community hall", "hall", ah)] if asset else [],
                fictional=True,
            )
            for i, (con, gra, don, tra, exp, res, net, adm, st, loc, vol, hrs, rea, year, asset, ah, home)
            in enumerate(zip(*columns, strict=True))
        ]

    def services(self) -> list[Service]:
        needs = self.service_need.tolist()
        entries = self.service_entry.tolist()
        owners = self.service_owner.tolist()
        capacity = self.service_capacity.tolist()
        citywide = self.service_citywide.tolist()
        two = self.service_two_needs.tolist()
        home = self.home_ward.tolist()
        cohort = self.service_cohort.tolist()
        return [
            Service(
                id=self.service_ids[j],
                name=f"Synthetic service {j}",
                organisation=self.ids[owner],
                needs=sorted({NEEDS[needs[j][0]], NEEDS[needs[j][1]]} if two[j] else {NEEDS[needs[j][0]]}),
                capacity_per_year=capacity[j],
                eligible_cohorts=[] if cohort[j] < 0 else [f"syn-cohort-{cohort[j]}"],
                wards=[] if citywide[j] else [self.ward_codes[home[owner]]],
                entry_points=sorted({ENTRY_POINTS[entries[j][0]], ENTRY_POINTS[entries[j][1]]}),
            )
            for j, owner in enumerate(owners)
        ]

    def funding(self) -> list[FundingTie]:
        ids, kinds = self.ids, _TIE_KINDS
        return [
            FundingTie(f"syn-tie-{t:08d}", ids[f], ids[r], kinds[k], a)
            for t, (f, r, k, a) in enumerate(zip(self.tie_funder.tolist(), self.tie_recipient.tolist(),
                                                 self.tie_kind.tolist(), self.tie_amount.tolist(),
                                                 strict=True))
        ]

    def referrals(self) -> list[ReferralRoute]:
        rng = self.rng
        count = len(self.service_ids)
        n_routes = 2 * count
        popularity = rng.pareto(RECIPIENT_PARETO_SHAPE, count) + 1.0
        sources = rng.integers(0, count, n_routes)
        targets = rng.choice(count, size=n_routes, p=popularity / popularity.sum())
        keep = sources != targets
        sources, targets = sources[keep], targets[keep]
        people = np.round(rng.lognormal(2.5, 1.0, sources.size), 0)
        paid = rng.random(sources.size) < 0.2
        income = np.where(paid, people * 250.0, 0.0)  # £250 a referral where income follows (assumption)
        ids = self.service_ids
        return [
            ReferralRoute(f"syn-referral-{r:08d}", ids[s], ids[t], p, inc)
            for r, (s, t, p, inc) in enumerate(zip(sources.tolist(), targets.tolist(), people.tolist(),
                                                   income.tolist(), strict=True))
        ]

    def shared_premises(self) -> list[SharedPremises]:
        rng, n = self.rng, self.n
        tenants = np.flatnonzero(rng.random(n) < 0.05)
        tenants = tenants[tenants > 0]
        hosts = (tenants + 1 + rng.integers(0, n - 2, tenants.size)) % n
        hosts[hosts == 0] = 1
        keep = hosts != tenants
        tenants, hosts = tenants[keep], hosts[keep]
        cost = np.round(rng.lognormal(9.5, 0.7, tenants.size), 0).tolist()
        return [
            SharedPremises(f"syn-premises-{p:07d}", self.ids[h], self.ids[t],
                           f"Premises of organisation {h}", c)
            for p, (h, t, c) in enumerate(zip(hosts.tolist(), tenants.tolist(), cost, strict=True))
        ]

    def joint_delivery(self) -> list[JointDelivery]:
        rng = self.rng
        count = len(self.service_ids)
        chosen = np.flatnonzero(rng.random(count) < 0.01)
        partners = rng.integers(1, self.n, chosen.size)
        result = []
        for j, (service, partner) in enumerate(zip(chosen.tolist(), partners.tolist(), strict=True)):
            owner = int(self.service_owner[service])
            if partner != owner:
                members = sorted([self.ids[owner], self.ids[partner]])
                result.append(JointDelivery(f"syn-joint-{j:06d}", members, self.service_ids[service]))
        return result

    def cohorts(self) -> list[Cohort]:
        rng = self.rng
        result = []
        for c, (name, needs, citywide_rate) in enumerate(COHORT_NEEDS):
            entries = rng.choice(len(ENTRY_POINTS), size=3, replace=False)
            shares = np.round(rng.dirichlet(np.ones(3)), 4)
            shares[-1] = round(1.0 - float(shares[:-1].sum()), 4)
            result.append(Cohort(
                id=f"syn-cohort-{c}",
                name=name,
                needs=list(needs),
                size_per_year=float(round(self.n * citywide_rate)),
                entry_shares={ENTRY_POINTS[e]: float(s)
                              for e, s in zip(entries.tolist(), shares.tolist(), strict=True)},
                unit_cost_unmet_need=float(rng.choice([4_000.0, 8_000.0, 12_000.0])),
            ))
        return result

    # The exercise and its bids ---------------------------------------------------------------------------

    def exercise(self) -> Exercise:
        """Re-commission the incumbents' council contracts as one service."""
        replaced = self.replaced
        budget = float(np.round(self.tie_amount[replaced].sum(), 0))
        return Exercise(
            id="syn-exercise",
            title="Synthetic drug and alcohol recovery service",
            commissioner=COMMISSIONER_ID,
            description="A synthetic re-commissioning for benchmarks and tests.",
            cohorts=["syn-cohort-0", "syn-cohort-1"],
            budget_per_year=budget,
            term_years=5,
            replaced_streams=[f"syn-tie-{t:08d}" for t in sorted(replaced.tolist())],
            price_ceiling_per_year=round(budget * 1.05, 0),
            criteria=AwardCriteria(price=0.3, quality=0.5, net_impact=0.2),
        )

    def bids(self, exercise: Exercise, n_bids: int) -> list[Bid]:
        rng = self.rng
        providers = np.flatnonzero(self._of_kind(OrgKind.OUTSIDE_PROVIDER))
        local = np.flatnonzero(self._of_kind(OrgKind.LOCAL_VCSE, OrgKind.SOCIAL_ENTERPRISE))
        local_by_size = local[np.argsort(-self.other_income[local], kind="stable")]
        incumbents = self.tie_recipient[self.replaced].tolist()
        leads = ([int(providers[0])] if providers.size else []) + [
            int(i) for i in local_by_size[: n_bids + len(incumbents)] if int(i) not in incumbents
        ]
        if len(leads) < n_bids:
            raise ValueError(
                f"the city has {len(leads)} possible bidders, fewer than the {n_bids} bids asked for"
            )
        states = list(ClaimState)
        mechanisms = list(JoinUpMechanism)
        budget = exercise.budget_per_year
        result = []
        for b, lead in enumerate(leads[:n_bids]):
            outside = self.kinds[lead] is OrgKind.OUTSIDE_PROVIDER
            price = round(budget * float(rng.uniform(0.85, 0.92 if outside else 1.0)), 0)
            n_sub = 1 if outside else int(rng.integers(2, 7))
            partners = ([*incumbents, *rng.choice(local, size=n_sub, replace=False).tolist()])[:n_sub]
            amounts = np.round(price * rng.dirichlet(np.ones(len(partners))) * (0.1 if outside else 0.4), 0)
            claim = rng.choice(3, size=len(partners), p=CLAIM_STATE_SHARES).tolist()
            partner_services = rng.choice(len(self.service_ids), size=int(rng.integers(1, 6)), replace=False)
            result.append(Bid(
                id=f"syn-bid-{b + 1}",
                exercise=exercise.id,
                bidder=self.ids[lead],
                title=f"Bid {b + 1} from synthetic organisation {lead}",
                price_per_year=price,
                service=BidService(
                    name=f"Recovery service of organisation {lead}",
                    needs=[Need.ALCOHOL, Need.HOUSING, Need.MENTAL_HEALTH, Need.SUBSTANCE_USE],
                    capacity_per_year=float(round(budget / 2_500.0)),
                    entry_points=[EntryPoint.GP, EntryPoint.SELF_REFERRAL],
                ),
                subcontracts=[
                    Subcontract(self.ids[p], float(a), states[s])
                    for p, a, s in zip(partners, amounts.tolist(), claim, strict=True) if p != lead
                ],
                partnerships=[
                    Partnership(self.service_ids[s], mechanisms[int(rng.integers(0, len(mechanisms)))],
                                exercise.cohorts[int(rng.integers(0, len(exercise.cohorts)))],
                                states[int(rng.choice(3, p=CLAIM_STATE_SHARES))])
                    for s in partner_services.tolist()
                ],
                commitments=[
                    Commitment(CommitmentKind.LOCAL_JOBS, float(rng.integers(2, 30))),
                    Commitment(CommitmentKind.VOLUNTEERING_HOURS, float(rng.integers(0, 4_000))),
                ],
                local_spend=None if outside else LocalSpend(local_staff_wages=round(price * 0.5, 0)),
                quality_score=round(float(rng.uniform(0.45, 0.9)), 3),
            ))
        return result


_TIE_KINDS = (FundingKind.CONTRACT, FundingKind.GRANT, FundingKind.SUBCONTRACT)
