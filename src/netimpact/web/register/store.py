"""Save the domain's Ecosystem into the register tables and load it back.

The database holds one register (one city in one year). `save_ecosystem` replaces it whole, inside one
transaction: either the new register is stored or the old one is left as it was. Rows are inserted in the
order of the domain lists and read back ordered by primary key, so `load_ecosystem()` returns lists in
the order they were saved and a round trip gives back an equal Ecosystem.

Loading reads each table once (about twenty queries whatever the size of the city) and assembles the
dataclasses in Python: no query per organisation or service.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError

from netimpact.domain import ecosystem as domain
from netimpact.domain.vocabulary import EntryPoint as EntryPointCode
from netimpact.domain.vocabulary import FundingKind, IncomeSource, OrgKind
from netimpact.domain.vocabulary import Need as NeedCode

from . import models as m


class RegisterError(ValueError):
    """The register cannot be saved or loaded as asked; the message names what and where."""


# ---------------------------------------------------------------------------------------------- saving


def save_ecosystem(eco: domain.Ecosystem, *, demo: bool = False) -> None:
    """Replace the stored register with `eco`, all or nothing. `demo` marks it as the generated city."""
    check_ecosystem(eco)
    with transaction.atomic():
        clear_register()
        m.Register.objects.create(name=eco.name, year=eco.year, demo=demo)
        needs, entry_points = ensure_codes()
        wards = _insert_wards(eco.wards)
        organisations = _insert_organisations(eco.organisations, wards)
        cohorts = _insert_cohorts(eco.cohorts, wards, needs, entry_points)
        services = _insert_services(eco.services, organisations, cohorts, wards, needs, entry_points)
        _insert_ties(eco, organisations, services)


def clear_register() -> None:
    """Delete every register row. Refused (RegisterError) while an exercise or bid still names one."""
    # Leaves first, so each delete is a plain DELETE rather than Django's row-by-row cascade collection.
    leaf_to_root: list[type[models.Model]] = [
        m.JointDelivery,
        m.SharedPremises,
        m.ReferralRoute,
        m.FundingTie,
        m.Service,
        m.CohortEntryShare,
        m.Cohort,
        m.IncomeLine,
        m.FinancialYear,
        m.CommunityAsset,
        m.OrgIdentifier,
        m.Organisation,
        m.Ward,
        m.Register,
    ]
    try:
        with transaction.atomic():
            for model in leaf_to_root:
                model.objects.all().delete()
    except ProtectedError as error:
        named = sorted({str(obj) for obj in error.protected_objects})[:5]
        raise RegisterError(
            "The register cannot be replaced while commissioning records name its organisations, "
            f"services or cohorts (for example: {'; '.join(named)}). Delete those exercises first, "
            "or load the demo with save_demo_city, which replaces exercises too."
        ) from error


def ensure_codes() -> tuple[dict[str, int], dict[str, int]]:
    """Make sure every Need and EntryPoint code of the vocabulary has its row; return code → pk maps."""
    m.Need.objects.bulk_create([m.Need(code=c.value) for c in NeedCode], ignore_conflicts=True)
    m.EntryPoint.objects.bulk_create(
        [m.EntryPoint(code=c.value) for c in EntryPointCode], ignore_conflicts=True
    )
    return (
        dict(m.Need.objects.values_list("code", "pk")),
        dict(m.EntryPoint.objects.values_list("code", "pk")),
    )


def _insert_wards(wards: list[domain.Ward]) -> dict[str, int]:
    m.Ward.objects.bulk_create(
        [
            m.Ward(
                code=w.code,
                name=w.name,
                imd_score=w.imd_score,
                imd_extent=w.imd_extent,
                imd_proportion_most_deprived=w.imd_proportion_most_deprived,
            )
            for w in wards
        ]
    )
    return dict(m.Ward.objects.values_list("code", "pk"))


def _insert_organisations(orgs: list[domain.Organisation], wards: dict[str, int]) -> dict[str, int]:
    m.Organisation.objects.bulk_create(
        [
            m.Organisation(
                org_id=o.id,
                name=o.name,
                kind=o.kind.value,
                year_founded=o.year_founded,
                staff=o.staff,
                local_staff=o.local_staff,
                volunteers=o.volunteers,
                volunteer_hours_per_year=o.volunteer_hours_per_year,
                people_reached_per_year=o.people_reached_per_year,
                postcode=o.postcode or "",
                fictional=o.fictional,
            )
            for o in orgs
        ]
    )
    pks: dict[str, int] = dict(m.Organisation.objects.values_list("org_id", "pk"))
    m.OrgIdentifier.objects.bulk_create(
        [
            m.OrgIdentifier(organisation_id=pks[o.id], value=value, scheme=m.org_id_scheme(value))
            for o in orgs
            for value in o.org_ids
        ]
    )
    _link(
        m.Organisation.wards.through,
        "organisation_id",
        "ward_id",
        ((pks[o.id], wards[code]) for o in orgs for code in o.wards),
    )
    m.CommunityAsset.objects.bulk_create(
        [
            m.CommunityAsset(
                organisation_id=pks[o.id],
                name=a.name,
                kind=a.kind,
                community_hours_per_week=a.community_hours_per_week,
            )
            for o in orgs
            for a in o.community_assets
        ]
    )
    _insert_finances(orgs, pks)
    return pks


def _insert_finances(orgs: list[domain.Organisation], org_pks: dict[str, int]) -> None:
    m.FinancialYear.objects.bulk_create(
        [
            m.FinancialYear(
                organisation_id=org_pks[o.id],
                year=f.year,
                expenditure=f.expenditure,
                free_reserves=f.free_reserves,
                net_assets=f.net_assets,
                admin_costs=f.admin_costs,
            )
            for o in orgs
            for f in o.finances
        ]
    )
    year_pks = {
        (org, year): pk
        for pk, org, year in m.FinancialYear.objects.values_list("pk", "organisation_id", "year")
    }
    m.IncomeLine.objects.bulk_create(
        [
            m.IncomeLine(
                financial_year_id=year_pks[org_pks[o.id], f.year], source=source.value, amount=amount
            )
            for o in orgs
            for f in o.finances
            for source, amount in f.income_by_source.items()
        ]
    )


def _insert_cohorts(
    cohorts: list[domain.Cohort], wards: dict[str, int], needs: dict[str, int], entry_points: dict[str, int]
) -> dict[str, int]:
    m.Cohort.objects.bulk_create(
        [
            m.Cohort(
                key=c.id,
                name=c.name,
                size_per_year=c.size_per_year,
                unit_cost_unmet_need=c.unit_cost_unmet_need,
                description=c.description,
            )
            for c in cohorts
        ]
    )
    pks: dict[str, int] = dict(m.Cohort.objects.values_list("key", "pk"))
    _link(
        m.Cohort.needs.through,
        "cohort_id",
        "need_id",
        ((pks[c.id], needs[n]) for c in cohorts for n in c.needs),
    )
    _link(
        m.Cohort.wards.through,
        "cohort_id",
        "ward_id",
        ((pks[c.id], wards[w]) for c in cohorts for w in c.wards),
    )
    m.CohortEntryShare.objects.bulk_create(
        [
            m.CohortEntryShare(cohort_id=pks[c.id], entry_point_id=entry_points[e], share=share)
            for c in cohorts
            for e, share in c.entry_shares.items()
        ]
    )
    return pks


def _insert_services(
    services: list[domain.Service],
    orgs: dict[str, int],
    cohorts: dict[str, int],
    wards: dict[str, int],
    needs: dict[str, int],
    entry_points: dict[str, int],
) -> dict[str, int]:
    m.Service.objects.bulk_create(
        [
            m.Service(
                key=s.id,
                name=s.name,
                organisation_id=orgs[s.organisation],
                capacity_per_year=s.capacity_per_year,
                description=s.description,
            )
            for s in services
        ]
    )
    pks: dict[str, int] = dict(m.Service.objects.values_list("key", "pk"))
    _link(
        m.Service.needs.through,
        "service_id",
        "need_id",
        ((pks[s.id], needs[n]) for s in services for n in s.needs),
    )
    _link(
        m.Service.eligible_cohorts.through,
        "service_id",
        "cohort_id",
        ((pks[s.id], cohorts[c]) for s in services for c in s.eligible_cohorts),
    )
    _link(
        m.Service.wards.through,
        "service_id",
        "ward_id",
        ((pks[s.id], wards[w]) for s in services for w in s.wards),
    )
    _link(
        m.Service.entry_points.through,
        "service_id",
        "entrypoint_id",
        ((pks[s.id], entry_points[e]) for s in services for e in s.entry_points),
    )
    return pks


def _insert_ties(eco: domain.Ecosystem, orgs: dict[str, int], services: dict[str, int]) -> None:
    m.FundingTie.objects.bulk_create(
        [
            m.FundingTie(
                key=t.id,
                funder_id=orgs[t.funder],
                recipient_id=orgs[t.recipient],
                kind=t.kind.value,
                amount_per_year=t.amount_per_year,
                service_id=services[t.service] if t.service else None,
                start=t.start,
                end=t.end,
                description=t.description,
            )
            for t in eco.funding
        ]
    )
    m.ReferralRoute.objects.bulk_create(
        [
            m.ReferralRoute(
                key=r.id,
                from_service_id=services[r.from_service],
                to_service_id=services[r.to_service],
                people_per_year=r.people_per_year,
                income_per_year=r.income_per_year,
            )
            for r in eco.referrals
        ]
    )
    m.SharedPremises.objects.bulk_create(
        [
            m.SharedPremises(
                key=p.id,
                host_id=orgs[p.host],
                tenant_id=orgs[p.tenant],
                premises=p.premises,
                replacement_cost=p.replacement_cost,
            )
            for p in eco.shared_premises
        ]
    )
    m.JointDelivery.objects.bulk_create(
        [
            m.JointDelivery(
                key=j.id, service_id=services[j.service] if j.service else None, description=j.description
            )
            for j in eco.joint_delivery
        ]
    )
    joint_pks = dict(m.JointDelivery.objects.values_list("key", "pk"))
    _link(
        m.JointDelivery.organisations.through,
        "jointdelivery_id",
        "organisation_id",
        ((joint_pks[j.id], orgs[o]) for j in eco.joint_delivery for o in j.organisations),
    )


def _link(through: type[models.Model], left: str, right: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Insert many-to-many rows in the given order, so reading them by primary key keeps list order."""
    through.objects.bulk_create([through(**{left: a, right: b}) for a, b in pairs])


# ----------------------------------------------------------------------------------------- checking


def check_ecosystem(eco: domain.Ecosystem) -> None:
    """Refuse, before any write, an ecosystem whose ids repeat or whose references point at nothing."""
    problems = list(_ecosystem_problems(eco))
    if problems:
        shown = "\n  - ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise RegisterError(f"The ecosystem {eco.name!r} cannot be saved:\n  - {shown}{more}")


def _ecosystem_problems(eco: domain.Ecosystem) -> Iterator[str]:
    yield from _repeats("ward code", [w.code for w in eco.wards])
    yield from _repeats("Org-ID", [i for o in eco.organisations for i in o.org_ids])
    yield from _repeats("primary Org-ID", [o.id for o in eco.organisations])
    yield from _repeats("cohort id", [c.id for c in eco.cohorts])
    yield from _repeats("service id", [s.id for s in eco.services])
    for label, items in (
        ("funding tie", eco.funding),
        ("referral route", eco.referrals),
        ("shared premises", eco.shared_premises),
        ("joint delivery", eco.joint_delivery),
    ):
        yield from _repeats(f"{label} id", [item.id for item in items])
    wards = {w.code for w in eco.wards}
    orgs = {o.id for o in eco.organisations}
    cohorts = {c.id for c in eco.cohorts}
    services = {s.id for s in eco.services}
    for o in eco.organisations:
        for value in o.org_ids:
            try:
                m.org_id_scheme(value)
            except ValidationError as error:
                yield f"organisation {o.id}: {error.messages[0]}"
        yield from _missing(f"organisation {o.id}", "ward", o.wards, wards)
        yield from _repeats(f"organisation {o.id}: financial year", [f.year for f in o.finances])
        if o.local_staff > o.staff:
            yield f"organisation {o.id}: local_staff {o.local_staff} is more than staff {o.staff}"
    for c in eco.cohorts:
        yield from _missing(f"cohort {c.id}", "ward", c.wards, wards)
    for s in eco.services:
        yield from _missing(f"service {s.id}", "organisation", [s.organisation], orgs)
        yield from _missing(f"service {s.id}", "eligible cohort", s.eligible_cohorts, cohorts)
        yield from _missing(f"service {s.id}", "ward", s.wards, wards)
    for t in eco.funding:
        yield from _missing(f"funding tie {t.id}", "funder or recipient", [t.funder, t.recipient], orgs)
        yield from _missing(f"funding tie {t.id}", "service", [t.service] if t.service else [], services)
    for r in eco.referrals:
        yield from _missing(f"referral route {r.id}", "service", [r.from_service, r.to_service], services)
    for p in eco.shared_premises:
        yield from _missing(f"shared premises {p.id}", "host or tenant", [p.host, p.tenant], orgs)
    for j in eco.joint_delivery:
        yield from _missing(f"joint delivery {j.id}", "organisation", j.organisations, orgs)
        yield from _missing(f"joint delivery {j.id}", "service", [j.service] if j.service else [], services)


def _repeats(what: str, values: list[Any]) -> Iterator[str]:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            yield f"{what} {value!r} appears more than once"
        seen.add(value)


def _missing(where: str, what: str, wanted: Iterable[str], known: set[str]) -> Iterator[str]:
    for value in wanted:
        if value not in known:
            yield f"{where}: names {what} {value!r}, which is not in the register"


# --------------------------------------------------------------------------------------------- loading


def load_ecosystem() -> domain.Ecosystem:
    """The stored register as the domain's Ecosystem, lists in the order they were saved."""
    register = m.Register.objects.order_by("pk").first()
    if register is None:
        raise RegisterError("The register is empty: load one first (for the demo city: `netimpact demo`).")
    codes = Codes.read()
    cohorts = _load_cohorts(codes)
    codes.cohorts = {pk: c.id for pk, c in cohorts.items()}
    organisations = _load_organisations(codes)
    codes.organisations = {pk: o.id for pk, o in organisations.items()}
    services = _load_services(codes)
    codes.services = {pk: s.id for pk, s in services.items()}
    return domain.Ecosystem(
        name=register.name,
        year=register.year,
        wards=_load_wards(),
        organisations=list(organisations.values()),
        services=list(services.values()),
        funding=_load_funding(codes),
        referrals=_load_referrals(codes),
        shared_premises=_load_shared_premises(codes),
        joint_delivery=_load_joint_delivery(codes),
        cohorts=list(cohorts.values()),
    )


class Codes:
    """Primary key → domain id maps, so rows that name other rows are turned into domain ids in Python."""

    def __init__(self, wards: dict[int, str], needs: dict[int, str], entry_points: dict[int, str]) -> None:
        self.wards = wards
        self.needs = needs
        self.entry_points = entry_points
        self.organisations: dict[int, str] = {}
        self.services: dict[int, str] = {}
        self.cohorts: dict[int, str] = {}

    @classmethod
    def read(cls) -> Codes:
        return cls(
            wards=dict(m.Ward.objects.values_list("pk", "code")),
            needs=dict(m.Need.objects.values_list("pk", "code")),
            entry_points=dict(m.EntryPoint.objects.values_list("pk", "code")),
        )

    @classmethod
    def read_all(cls) -> Codes:
        codes = cls.read()
        codes.organisations = dict(m.Organisation.objects.values_list("pk", "org_id"))
        codes.services = dict(m.Service.objects.values_list("pk", "key"))
        codes.cohorts = dict(m.Cohort.objects.values_list("pk", "key"))
        return codes


def grouped(rows: models.QuerySet[Any], left: str, right: str, names: dict[int, str]) -> dict[int, list[str]]:
    """Many-to-many rows as {left pk: [right's domain id, ...]}, in insertion order."""
    groups: dict[int, list[str]] = defaultdict(list)
    for a, b in rows.order_by("pk").values_list(left, right):
        groups[a].append(names[b])
    return groups


def _load_wards() -> list[domain.Ward]:
    return [
        domain.Ward(**row)
        for row in m.Ward.objects.order_by("pk").values(
            "code", "name", "imd_score", "imd_extent", "imd_proportion_most_deprived"
        )
    ]


def _load_organisations(codes: Codes) -> dict[int, domain.Organisation]:
    identifiers: dict[int, list[str]] = defaultdict(list)
    for org, value in m.OrgIdentifier.objects.order_by("pk").values_list("organisation_id", "value"):
        identifiers[org].append(value)
    wards = grouped(m.Organisation.wards.through.objects.all(), "organisation_id", "ward_id", codes.wards)
    assets: dict[int, list[domain.CommunityAsset]] = defaultdict(list)
    for row in m.CommunityAsset.objects.order_by("pk").values(
        "organisation_id", "name", "kind", "community_hours_per_week"
    ):
        assets[row.pop("organisation_id")].append(domain.CommunityAsset(**row))
    finances = _load_finances()
    organisations = {}
    for row in m.Organisation.objects.order_by("pk").values():
        pk = row["id"]
        organisations[pk] = domain.Organisation(
            id=row["org_id"],
            name=row["name"],
            kind=OrgKind(row["kind"]),
            org_ids=identifiers[pk],
            wards=wards[pk],
            year_founded=row["year_founded"],
            finances=finances[pk],
            staff=row["staff"],
            local_staff=row["local_staff"],
            volunteers=row["volunteers"],
            volunteer_hours_per_year=row["volunteer_hours_per_year"],
            people_reached_per_year=row["people_reached_per_year"],
            community_assets=assets[pk],
            postcode=row["postcode"] or None,
            fictional=row["fictional"],
        )
    return organisations


def _load_finances() -> dict[int, list[domain.FinancialYear]]:
    income: dict[int, dict[IncomeSource, float]] = defaultdict(dict)
    for year, source, amount in m.IncomeLine.objects.order_by("pk").values_list(
        "financial_year_id", "source", "amount"
    ):
        income[year][IncomeSource(source)] = amount
    finances: dict[int, list[domain.FinancialYear]] = defaultdict(list)
    for row in m.FinancialYear.objects.order_by("pk").values():
        finances[row["organisation_id"]].append(
            domain.FinancialYear(
                year=row["year"],
                income_by_source=income[row["id"]],
                expenditure=row["expenditure"],
                free_reserves=row["free_reserves"],
                net_assets=row["net_assets"],
                admin_costs=row["admin_costs"],
            )
        )
    return finances


def _load_cohorts(codes: Codes) -> dict[int, domain.Cohort]:
    needs = grouped(m.Cohort.needs.through.objects.all(), "cohort_id", "need_id", codes.needs)
    wards = grouped(m.Cohort.wards.through.objects.all(), "cohort_id", "ward_id", codes.wards)
    shares: dict[int, dict[EntryPointCode, float]] = defaultdict(dict)
    for cohort, entry_point, share in m.CohortEntryShare.objects.order_by("pk").values_list(
        "cohort_id", "entry_point_id", "share"
    ):
        shares[cohort][EntryPointCode(codes.entry_points[entry_point])] = share
    return {
        row["id"]: domain.Cohort(
            id=row["key"],
            name=row["name"],
            needs=[NeedCode(n) for n in needs[row["id"]]],
            size_per_year=row["size_per_year"],
            entry_shares=shares[row["id"]],
            wards=wards[row["id"]],
            unit_cost_unmet_need=row["unit_cost_unmet_need"],
            description=row["description"],
        )
        for row in m.Cohort.objects.order_by("pk").values()
    }


def _load_services(codes: Codes) -> dict[int, domain.Service]:
    needs = grouped(m.Service.needs.through.objects.all(), "service_id", "need_id", codes.needs)
    cohorts = grouped(
        m.Service.eligible_cohorts.through.objects.all(), "service_id", "cohort_id", codes.cohorts
    )
    wards = grouped(m.Service.wards.through.objects.all(), "service_id", "ward_id", codes.wards)
    entry_points = grouped(
        m.Service.entry_points.through.objects.all(), "service_id", "entrypoint_id", codes.entry_points
    )
    return {
        row["id"]: domain.Service(
            id=row["key"],
            name=row["name"],
            organisation=codes.organisations[row["organisation_id"]],
            needs=[NeedCode(n) for n in needs[row["id"]]],
            capacity_per_year=row["capacity_per_year"],
            eligible_cohorts=cohorts[row["id"]],
            wards=wards[row["id"]],
            entry_points=[EntryPointCode(e) for e in entry_points[row["id"]]],
            description=row["description"],
        )
        for row in m.Service.objects.order_by("pk").values()
    }


def _load_funding(codes: Codes) -> list[domain.FundingTie]:
    return [
        domain.FundingTie(
            id=row["key"],
            funder=codes.organisations[row["funder_id"]],
            recipient=codes.organisations[row["recipient_id"]],
            kind=FundingKind(row["kind"]),
            amount_per_year=row["amount_per_year"],
            service=codes.services[row["service_id"]] if row["service_id"] else None,
            start=row["start"],
            end=row["end"],
            description=row["description"],
        )
        for row in m.FundingTie.objects.order_by("pk").values()
    ]


def _load_referrals(codes: Codes) -> list[domain.ReferralRoute]:
    return [
        domain.ReferralRoute(
            id=row["key"],
            from_service=codes.services[row["from_service_id"]],
            to_service=codes.services[row["to_service_id"]],
            people_per_year=row["people_per_year"],
            income_per_year=row["income_per_year"],
        )
        for row in m.ReferralRoute.objects.order_by("pk").values()
    ]


def _load_shared_premises(codes: Codes) -> list[domain.SharedPremises]:
    return [
        domain.SharedPremises(
            id=row["key"],
            host=codes.organisations[row["host_id"]],
            tenant=codes.organisations[row["tenant_id"]],
            premises=row["premises"],
            replacement_cost=row["replacement_cost"],
        )
        for row in m.SharedPremises.objects.order_by("pk").values()
    ]


def _load_joint_delivery(codes: Codes) -> list[domain.JointDelivery]:
    organisations = grouped(
        m.JointDelivery.organisations.through.objects.all(),
        "jointdelivery_id",
        "organisation_id",
        codes.organisations,
    )
    return [
        domain.JointDelivery(
            id=row["key"],
            organisations=organisations[row["id"]],
            service=codes.services[row["service_id"]] if row["service_id"] else None,
            description=row["description"],
        )
        for row in m.JointDelivery.objects.order_by("pk").values()
    ]
