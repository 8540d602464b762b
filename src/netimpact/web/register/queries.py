"""Read-only questions about the ecosystem register, shared by the register's pages and (later) its API.

Every function here takes plain values (codes, Org-IDs, filter objects) and returns querysets or plain
dataclasses; none reads a request or renders anything. Filter input from a person is checked by the
`read_*_filters` functions, which return the problems in words a person can act on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from netimpact.domain import ecosystem as domain
from netimpact.domain import indicators
from netimpact.domain.vocabulary import EntryPoint, IncomeSource, Need, OrgKind

from . import models as m

MAX_SEARCH_LENGTH = 200  # characters; longer text is refused rather than silently cut
PEER_GROUP_MINIMUM = 5  # organisations; fewer and the quintile rule is meaningless, so fixed cut-offs apply


# ------------------------------------------------------------------------------------------- the register


def register_is_fictional() -> bool:
    """True while the register holds the generated demo city or any fictional organisation."""
    if m.Register.objects.filter(demo=True).exists():
        return True
    return m.Organisation.objects.filter(fictional=True).exists()


@dataclass(frozen=True, slots=True)
class RegisterSummary:
    name: str | None
    year: int | None
    demo: bool
    organisations: int
    local_organisations: int
    services: int
    wards: int
    cohorts: int
    funding_ties: int
    referral_routes: int


def register_summary() -> RegisterSummary:
    register = m.Register.objects.order_by("-pk").first()
    local_kinds = [kind.value for kind in OrgKind if kind.is_local_ecosystem]
    return RegisterSummary(
        name=register.name if register else None,
        year=register.year if register else None,
        demo=bool(register and register.demo),
        organisations=m.Organisation.objects.count(),
        local_organisations=m.Organisation.objects.filter(kind__in=local_kinds).count(),
        services=m.Service.objects.count(),
        wards=m.Ward.objects.count(),
        cohorts=m.Cohort.objects.count(),
        funding_ties=m.FundingTie.objects.count(),
        referral_routes=m.ReferralRoute.objects.count(),
    )


# ---------------------------------------------------------------------------------------------- filters


@dataclass(frozen=True, slots=True)
class FilterProblem:
    """A filter value that cannot be used; `field` names the form field the error summary links to."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class OrganisationFilters:
    text: str = ""  # part of a name, or an Org-ID
    ward: str = ""  # ward code
    kind: str = ""  # OrgKind code
    need: str = ""  # Need code: organisations running a service that meets it

    @property
    def active(self) -> bool:
        return any((self.text, self.ward, self.kind, self.need))


@dataclass(frozen=True, slots=True)
class ServiceFilters:
    text: str = ""
    need: str = ""
    ward: str = ""  # services working in the ward, and city-wide services
    entry_point: str = ""

    @property
    def active(self) -> bool:
        return any((self.text, self.need, self.ward, self.entry_point))


def read_organisation_filters(params: Mapping[str, str]) -> tuple[OrganisationFilters, list[FilterProblem]]:
    filters = OrganisationFilters(
        text=_clean(params.get("q")),
        ward=_clean(params.get("ward")),
        kind=_clean(params.get("kind")),
        need=_clean(params.get("need")),
    )
    problems = [
        *_text_problems("q", filters.text),
        *_ward_problems("ward", filters.ward),
        *_code_problems("kind", filters.kind, OrgKind, "a kind of organisation"),
        *_code_problems("need", filters.need, Need, "a need"),
    ]
    return filters, problems


def read_service_filters(params: Mapping[str, str]) -> tuple[ServiceFilters, list[FilterProblem]]:
    filters = ServiceFilters(
        text=_clean(params.get("q")),
        need=_clean(params.get("need")),
        ward=_clean(params.get("ward")),
        entry_point=_clean(params.get("entry_point")),
    )
    problems = [
        *_text_problems("q", filters.text),
        *_code_problems("need", filters.need, Need, "a need"),
        *_ward_problems("ward", filters.ward),
        *_code_problems("entry_point", filters.entry_point, EntryPoint, "an entry point"),
    ]
    return filters, problems


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _text_problems(name: str, text: str) -> list[FilterProblem]:
    if len(text) > MAX_SEARCH_LENGTH:
        return [FilterProblem(name, f"Search text must be {MAX_SEARCH_LENGTH} characters or fewer")]
    return []


def _ward_problems(name: str, code: str) -> list[FilterProblem]:
    if code and not m.Ward.objects.filter(code=code).exists():
        return [
            FilterProblem(
                name, f"There is no ward with the code “{code}” in the register: choose a ward from the list"
            )
        ]
    return []


def _code_problems(
    name: str, code: str, codes: type[OrgKind | Need | EntryPoint], what: str
) -> list[FilterProblem]:
    if code and code not in {member.value for member in codes}:
        return [FilterProblem(name, f"“{code}” is not {what} netimpact knows: choose one from the list")]
    return []


# ------------------------------------------------------------------------------------------ organisations


def search_organisations(filters: OrganisationFilters) -> QuerySet[m.Organisation]:
    """Organisations matching every filter, by name, with their number of services and wards."""
    organisations = m.Organisation.objects.all()
    if filters.text:
        organisations = organisations.filter(
            Q(name__icontains=filters.text) | Q(identifiers__value__iexact=filters.text)
        )
    if filters.ward:
        organisations = organisations.filter(wards__code=filters.ward)
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.need:
        organisations = organisations.filter(services__needs__code=filters.need)
    # The joins above can repeat a row; filter on the distinct primary keys, then annotate cleanly.
    latest = m.FinancialYear.objects.filter(organisation=OuterRef("pk")).order_by("-year")
    return (
        m.Organisation.objects.filter(pk__in=organisations.values("pk"))
        .annotate(
            service_count=Count("services", distinct=True),
            ward_count=Count("wards", distinct=True),
            latest_year=Subquery(latest.values("year")[:1]),
            latest_expenditure=Subquery(latest.values("expenditure")[:1]),
            latest_free_reserves=Subquery(latest.values("free_reserves")[:1]),
        )
        .order_by("name", "pk")
    )


def months_of_reserves(organisation: m.Organisation) -> float | None:
    """Months of reserves in the latest year, for a row of `search_organisations` (None: no accounts)."""
    if getattr(organisation, "latest_year", None) is None:
        return None
    year = domain.FinancialYear(
        year=organisation.latest_year,  # type: ignore[attr-defined]
        income_by_source={},
        expenditure=organisation.latest_expenditure,  # type: ignore[attr-defined]
        free_reserves=organisation.latest_free_reserves,  # type: ignore[attr-defined]
        net_assets=0.0,
    )
    return indicators.months_of_reserves(year)


def kind_counts(organisations: QuerySet[m.Organisation]) -> list[tuple[OrgKind, int]]:
    """How many of `organisations` are of each kind, in the code list's order, kinds with none left out."""
    counts = Counter(organisations.values_list("kind", flat=True))
    return [(kind, counts[kind.value]) for kind in OrgKind if counts[kind.value]]


def find_organisation(org_id: str) -> m.Organisation | None:
    """The organisation known by `org_id`, its primary Org-ID or any other it holds."""
    found = m.Organisation.objects.filter(Q(org_id=org_id) | Q(identifiers__value=org_id)).distinct()
    return found.first()


@dataclass(frozen=True, slots=True)
class IncomeShare:
    source: IncomeSource
    amount: float  # £ in the year
    share: float  # of the year's income, 0..1


@dataclass(slots=True)
class OrganisationProfile:
    organisation: m.Organisation
    org_ids: list[str]
    wards: list[m.Ward]
    finances: list[domain.FinancialYear]  # oldest first
    indicators_by_year: list[indicators.VulnerabilityIndicators]  # same order as finances
    thresholds: indicators.VulnerabilityThresholds
    income_mix: list[IncomeShare]  # the latest year, largest first
    services: list[m.Service]
    funding_received: list[m.FundingTie]
    funding_given: list[m.FundingTie]
    referrals_in: list[m.ReferralRoute]
    referrals_out: list[m.ReferralRoute]
    premises_hosted: list[m.SharedPremises]
    premises_used: list[m.SharedPremises]
    joint_deliveries: list[tuple[m.JointDelivery, list[m.Organisation]]]  # each with its other partners
    community_assets: list[m.CommunityAsset]

    @property
    def latest(self) -> indicators.VulnerabilityIndicators | None:
        return self.indicators_by_year[-1] if self.indicators_by_year else None

    @property
    def latest_year(self) -> domain.FinancialYear | None:
        return self.finances[-1] if self.finances else None


def organisation_profile(organisation: m.Organisation) -> OrganisationProfile:
    finances = financial_years(organisation)
    thresholds = peer_group_thresholds()
    yearly = [indicators.vulnerability_indicators(fy, thresholds) for fy in finances]
    services = list(
        organisation.services.prefetch_related("needs", "wards", "entry_points").order_by("name", "pk")
    )
    ties = m.FundingTie.objects.select_related("funder", "recipient", "service")
    referrals = m.ReferralRoute.objects.select_related(
        "from_service__organisation", "to_service__organisation"
    )
    joint = organisation.joint_deliveries.select_related("service").prefetch_related("organisations")
    return OrganisationProfile(
        organisation=organisation,
        org_ids=[i.value for i in organisation.identifiers.order_by("value")] or [organisation.org_id],
        wards=list(organisation.wards.order_by("name")),
        finances=finances,
        indicators_by_year=yearly,
        thresholds=thresholds,
        income_mix=income_mix(finances[-1]) if finances else [],
        services=services,
        funding_received=list(ties.filter(recipient=organisation).order_by("-amount_per_year", "key")),
        funding_given=list(ties.filter(funder=organisation).order_by("-amount_per_year", "key")),
        referrals_in=list(
            referrals.filter(to_service__organisation=organisation).order_by("-people_per_year", "key")
        ),
        referrals_out=list(
            referrals.filter(from_service__organisation=organisation).order_by("-people_per_year", "key")
        ),
        premises_hosted=list(organisation.premises_hosted.select_related("tenant").order_by("key")),
        premises_used=list(organisation.premises_used.select_related("host").order_by("key")),
        joint_deliveries=[
            (jd, [o for o in jd.organisations.all() if o.pk != organisation.pk])
            for jd in joint.order_by("key")
        ],
        community_assets=list(organisation.community_assets.order_by("name", "pk")),
    )


def financial_years(organisation: m.Organisation) -> list[domain.FinancialYear]:
    """The organisation's accounts as the domain's FinancialYear values, oldest first."""
    rows = organisation.finances.prefetch_related("income_lines").order_by("year")
    return [_financial_year(row) for row in rows]


def _financial_year(row: m.FinancialYear) -> domain.FinancialYear:
    return domain.FinancialYear(
        year=row.year,
        income_by_source={IncomeSource(line.source): line.amount for line in row.income_lines.all()},
        expenditure=row.expenditure,
        free_reserves=row.free_reserves,
        net_assets=row.net_assets,
        admin_costs=row.admin_costs,
    )


def income_mix(fy: domain.FinancialYear) -> list[IncomeShare]:
    total = fy.income
    shares = [
        IncomeShare(source, amount, amount / total if total > 0 else 0.0)
        for source, amount in fy.income_by_source.items()
        if amount > 0
    ]
    return sorted(shares, key=lambda s: (-s.amount, s.source.value))


def peer_group_thresholds() -> indicators.VulnerabilityThresholds:
    """Tuckman & Chang's quintile cut-offs, as the engine draws them: `indicators.register_thresholds`
    over the register's local VCSE, faith and social enterprise organisations, each at its latest year.

    With fewer than PEER_GROUP_MINIMUM such organisations with accounts (or none with income), the
    domain's fixed assumed thresholds apply; the thresholds' `source` says which was used.
    """
    local_kinds = [k.value for k in OrgKind if k.is_local_ecosystem]
    latest_year = (
        m.FinancialYear.objects.filter(organisation=OuterRef("organisation")).order_by("-year").values("year")[:1]
    )
    rows = (
        m.FinancialYear.objects.filter(organisation__kind__in=local_kinds, year=Subquery(latest_year))
        .prefetch_related("income_lines")
        .order_by("organisation_id")
    )
    latest = {row.organisation_id: row for row in rows}
    if len(latest) < PEER_GROUP_MINIMUM:
        return indicators.ASSUMED_THRESHOLDS
    register = m.Register.objects.order_by("-pk").first()
    peers = domain.Ecosystem(
        name=register.name if register else "the register",
        organisations=[
            domain.Organisation(
                id=f"peer-{pk}", name="", kind=OrgKind.LOCAL_VCSE, finances=[_financial_year(row)]
            )
            for pk, row in latest.items()
        ],
    )
    try:
        return indicators.register_thresholds(peers)
    except ValueError:
        return indicators.ASSUMED_THRESHOLDS


# ----------------------------------------------------------------------------------------------- services


def search_services(filters: ServiceFilters) -> QuerySet[m.Service]:
    services = m.Service.objects.all()
    if filters.text:
        services = services.filter(Q(name__icontains=filters.text) | Q(key__iexact=filters.text))
    if filters.need:
        services = services.filter(needs__code=filters.need)
    if filters.ward:
        # A city-wide service (no wards listed) works in every ward.
        services = services.filter(Q(wards__code=filters.ward) | Q(wards__isnull=True))
    if filters.entry_point:
        services = services.filter(entry_points__code=filters.entry_point)
    return (
        m.Service.objects.filter(pk__in=services.values("pk"))
        .select_related("organisation")
        .prefetch_related("needs", "wards")
        .order_by("name", "pk")
    )


@dataclass(slots=True)
class ServiceProfile:
    service: m.Service
    needs: list[Need]
    eligible_cohorts: list[m.Cohort]  # empty: open to all
    wards: list[m.Ward]  # empty: city-wide
    entry_points: list[EntryPoint]
    referrals_in: list[m.ReferralRoute]
    referrals_out: list[m.ReferralRoute]
    funding: list[m.FundingTie]


def find_service(key: str) -> m.Service | None:
    return m.Service.objects.select_related("organisation").filter(key=key).first()


def service_profile(service: m.Service) -> ServiceProfile:
    referrals = m.ReferralRoute.objects.select_related(
        "from_service__organisation", "to_service__organisation"
    )
    return ServiceProfile(
        service=service,
        needs=[Need(n.code) for n in service.needs.all()],
        eligible_cohorts=list(service.eligible_cohorts.order_by("name")),
        wards=list(service.wards.order_by("name")),
        entry_points=[EntryPoint(e.code) for e in service.entry_points.all()],
        referrals_in=list(referrals.filter(to_service=service).order_by("-people_per_year", "key")),
        referrals_out=list(referrals.filter(from_service=service).order_by("-people_per_year", "key")),
        funding=list(service.funding.select_related("funder", "recipient").order_by("-amount_per_year")),
    )


# -------------------------------------------------------------------------------------------------- wards

WARD_ORDERS = {"deprivation": "most deprived first", "name": "name"}


@dataclass(frozen=True, slots=True)
class WardRow:
    ward: m.Ward
    rank: int | None  # 1 = most deprived ward in the register (IMD 2019 average score); None: no score
    of: int  # wards with a score
    organisations: int
    services: int


def ward_rows(order: str = "deprivation") -> list[WardRow]:
    """Every ward with its deprivation rank within the city and its counts of organisations and services."""
    if order not in WARD_ORDERS:
        raise ValueError(f"unknown ward order {order!r}: expected one of {', '.join(WARD_ORDERS)}")
    wards = list(
        m.Ward.objects.annotate(
            organisation_count=Count("organisations", distinct=True),
            service_count=Count("services", distinct=True),
        )
    )
    ranks = deprivation_ranks(wards)
    rows = [
        WardRow(w, ranks.get(w.code), len(ranks), w.organisation_count, w.service_count)  # type: ignore[attr-defined]
        for w in wards
    ]
    if order == "deprivation":
        return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.ward.name))
    return sorted(rows, key=lambda r: (r.ward.name, r.ward.code))


def deprivation_ranks(wards: list[m.Ward]) -> dict[str, int]:
    """Rank 1 for the highest IMD 2019 average score (the most deprived); ties share the lower rank."""
    scored = sorted((w for w in wards if w.imd_score is not None), key=lambda w: -(w.imd_score or 0.0))
    ranks: dict[str, int] = {}
    for position, ward in enumerate(scored, start=1):
        previous = scored[position - 2] if position > 1 else None
        same = previous is not None and previous.imd_score == ward.imd_score
        ranks[ward.code] = ranks[previous.code] if same and previous else position
    return ranks


@dataclass(slots=True)
class WardProfile:
    ward: m.Ward
    rank: int | None
    of: int
    organisations: list[m.Organisation]
    services: list[m.Service]  # services that name this ward
    city_wide_services: int  # services that name no ward, so work here too
    cohorts: list[m.Cohort]


def find_ward(code: str) -> m.Ward | None:
    return m.Ward.objects.filter(code=code).first()


def ward_profile(ward: m.Ward) -> WardProfile:
    ranks = deprivation_ranks(list(m.Ward.objects.all()))
    return WardProfile(
        ward=ward,
        rank=ranks.get(ward.code),
        of=len(ranks),
        organisations=list(ward.organisations.order_by("name", "pk")),
        services=list(
            ward.services.select_related("organisation").prefetch_related("needs").order_by("name", "pk")
        ),
        city_wide_services=m.Service.objects.filter(wards__isnull=True).count(),
        cohorts=list(ward.cohorts.order_by("name")),
    )


# ------------------------------------------------------------------------------------------------ cohorts


def cohorts() -> QuerySet[m.Cohort]:
    return m.Cohort.objects.prefetch_related("needs", "wards").order_by("name", "pk")


def find_cohort(key: str) -> m.Cohort | None:
    return m.Cohort.objects.filter(key=key).first()


@dataclass(slots=True)
class NeedCoverage:
    """The services a cohort could use for one of its needs."""

    need: Need
    services: list[m.Service] = field(default_factory=list)

    @property
    def capacity_per_year(self) -> float:
        return float(sum(s.capacity_per_year for s in self.services))


@dataclass(slots=True)
class CohortProfile:
    cohort: m.Cohort
    needs: list[Need]
    wards: list[m.Ward]  # empty: city-wide
    entry_shares: list[tuple[EntryPoint, float]]  # largest first
    coverage: list[NeedCoverage]  # one per need, in the cohort's order

    @property
    def unmet_cost_if_none_served(self) -> float:
        """£ a year if every member of the cohort fell through the gaps: size × unit cost of unmet need."""
        return self.cohort.size_per_year * self.cohort.unit_cost_unmet_need


def cohort_profile(cohort: m.Cohort) -> CohortProfile:
    needs = [Need(n.code) for n in cohort.needs.all()]
    wards = list(cohort.wards.order_by("name"))
    shares = sorted(
        (
            (EntryPoint(s.entry_point.code), s.share)
            for s in cohort.entry_shares.select_related("entry_point")
        ),
        key=lambda pair: (-pair[1], pair[0].value),
    )
    return CohortProfile(
        cohort=cohort,
        needs=needs,
        wards=wards,
        entry_shares=shares,
        coverage=[NeedCoverage(need, services_meeting(need, cohort, wards)) for need in needs],
    )


def services_meeting(need: Need, cohort: m.Cohort, wards: list[m.Ward]) -> list[m.Service]:
    """Services that meet `need`, are open to the cohort and work where it lives (or city-wide)."""
    services = m.Service.objects.filter(needs__code=need.value).filter(
        Q(eligible_cohorts__isnull=True) | Q(eligible_cohorts=cohort)
    )
    if wards:
        services = services.filter(Q(wards__isnull=True) | Q(wards__in=wards))
    return list(
        m.Service.objects.filter(pk__in=services.values("pk"))
        .select_related("organisation")
        .order_by("-capacity_per_year", "name")
    )
