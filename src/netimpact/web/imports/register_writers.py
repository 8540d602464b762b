"""One writer per standard: plain records (netimpact.standards) -> register rows. docs/open-data-imports.md
lists each mapping field by field."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from netimpact.domain.vocabulary import FundingKind, IncomeSource
from netimpact.standards.ccew import Charity
from netimpact.standards.oruk import DirectoryService
from netimpact.standards.threesixtygiving import Grant, OrgRef
from netimpact.web.register import models as m

from .models import CharityYear, ImportRun
from .writing import Counts, IncomingOrg, OrganisationResolver, link_pairs, sync_rows, wards_by_code

Progress = Callable[[str, int, int], None]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))
    return bool(a == b)


# ------------------------------------------------------------------------------------------- 360Giving


def _other_ids(ref: OrgRef) -> tuple[str, ...]:
    """Registration numbers a grant gives beside the Org-ID, as Org-IDs (so the charity register matches)."""
    found = []
    number = ref.charity_number.replace(" ", "").upper()
    if re.fullmatch(r"\d{6,7}", number):
        found.append(f"GB-CHC-{number}")
    elif re.fullmatch(r"SC\d{6}", number):
        found.append(f"GB-SC-{number}")
    company = ref.company_number.replace(" ", "").upper()
    if re.fullmatch(r"\d{8}|[A-Z]{2}\d{6}", company):
        found.append(f"GB-COH-{company}")
    return tuple(i for i in found if i != ref.org_id)


def write_grants(grants: list[Grant], run: ImportRun, counts: Counts, progress: Progress) -> None:
    progress("organisations", 0, len(grants))
    resolver = OrganisationResolver(run, counts)
    # Each distinct organisation as the grants name it, once: a few thousand, not two per grant.
    funders = dict.fromkeys(g.funder for g in grants)
    recipients = dict.fromkeys(g.recipient for g in grants)
    incoming = [IncomingOrg(r.org_id, r.name, r.postcode, "funder", _other_ids(r)) for r in funders]
    incoming += [IncomingOrg(r.org_id, r.name, r.postcode, "recipient", _other_ids(r)) for r in recipients]
    pk_of = resolver.resolve(incoming)
    progress("funding ties", len(grants) // 3, len(grants))
    kind = FundingKind.GRANT.value
    wanted = {
        g.id: {
            "funder_id": pk_of[g.funder.org_id],
            "recipient_id": pk_of[g.recipient.org_id],
            "kind": kind,
            "amount_per_year": g.amount_per_year,
            "start": g.start,
            "end": g.end,
            "description": g.title,
        }
        for g in grants
    }
    sync_rows(
        m.FundingTie, "key", wanted, list(next(iter(wanted.values()), {})), counts, "funding tie", _same
    )
    progress("wards", 2 * len(grants) // 3, len(grants))
    wards = wards_by_code()
    pairs = {
        (pk_of[g.recipient.org_id], wards[code]) for g in grants for code in g.ward_codes if code in wards
    }
    link_pairs(m.Organisation.wards.through, "organisation_id", "ward_id", pairs, counts, "organisation ward")


# ----------------------------------------------------------------------------- Charity Commission (CCEW)


def write_charities(charities: list[Charity], run: ImportRun, counts: Counts, progress: Progress) -> None:
    progress("organisations", 0, len(charities))
    resolver = OrganisationResolver(run, counts)
    pk_of = resolver.resolve(
        IncomingOrg(c.org_id, c.name, c.postcode, "charity", c.other_ids) for c in charities
    )
    # Staff and volunteers from the latest return that gives them.
    people: dict[int, tuple[int | None, int | None]] = {}
    for charity in charities:
        people[pk_of[charity.org_id]] = (charity.employees, charity.volunteers)
    rows = m.Organisation.objects.in_bulk(list(people))
    changed = []
    for pk, (employees, volunteers) in people.items():
        row, dirty = rows[pk], False
        if employees is not None and row.staff != employees:
            row.staff, row.local_staff, dirty = employees, min(row.local_staff, employees), True
        if volunteers is not None and row.volunteers != volunteers:
            row.volunteers, dirty = volunteers, True
        if dirty:
            changed.append(row)
    m.Organisation.objects.bulk_update(changed, ["staff", "local_staff", "volunteers"], batch_size=1000)
    counts.add("organisation staff and volunteers", "updated", len(changed))
    counts.add("organisation staff and volunteers", "unchanged", len(people) - len(changed))

    progress("finances", len(charities) // 2, len(charities))
    years: dict[tuple[int, int], dict[str, Any]] = {}
    finances: dict[tuple[int, int], dict[str, Any]] = {}
    lines: dict[tuple[int, int], dict[str, float]] = {}
    for charity in charities:
        pk = pk_of[charity.org_id]
        for year in charity.years:
            years[(pk, year.year)] = {
                "period_end": year.period_end,
                "income": year.income,
                "expenditure": year.expenditure,
                "income_government_contracts": year.government_contracts,
                "income_government_grants": year.government_grants,
                "reserves": year.reserves,
                "employees": year.employees,
                "volunteers": year.volunteers,
            }
            if year.register_finance is not None:
                fin = year.register_finance
                finances[(pk, year.year)] = {
                    "expenditure": fin.expenditure,
                    "free_reserves": fin.free_reserves,
                    "net_assets": fin.net_assets,
                    "admin_costs": fin.admin_costs,
                }
                lines[(pk, year.year)] = {
                    source.value: amount for source, amount in fin.income.items() if amount
                }
    _sync_pairs(CharityYear, years, counts, "charity year (as filed)")
    fin_pks = _sync_pairs(m.FinancialYear, finances, counts, "financial year")
    wanted_lines = {
        (fin_pks[key], source): amount
        for key, by_source in lines.items()
        for source, amount in by_source.items()
    }
    _sync_income_lines(wanted_lines, set(fin_pks.values()), counts)


def _sync_pairs(
    model: type[Any], wanted: dict[tuple[int, int], dict[str, Any]], counts: Counts, kind: str
) -> dict[tuple[int, int], int]:
    """Rows keyed by (organisation, year): create, update or leave each; returns key -> pk."""
    orgs = sorted({org for org, _ in wanted})
    existing: dict[tuple[int, int], Any] = {}
    for start in range(0, len(orgs), 1000):
        for row in model.objects.filter(organisation_id__in=orgs[start : start + 1000]):
            existing[(row.organisation_id, row.year)] = row
    create, update = [], []
    fields = list(next(iter(wanted.values()), {}))
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            create.append(model(organisation_id=key[0], year=key[1], **values))
        elif not all(_same(getattr(row, f), values[f]) for f in fields):
            for f in fields:
                setattr(row, f, values[f])
            update.append(row)
    model.objects.bulk_create(create, batch_size=1000)
    if update:
        model.objects.bulk_update(update, fields, batch_size=1000)
    counts.add(kind, "created", len(create))
    counts.add(kind, "updated", len(update))
    counts.add(kind, "unchanged", len(wanted) - len(create) - len(update))
    pks = {key: row.pk for key, row in existing.items() if key in wanted}
    if create:
        for start in range(0, len(orgs), 1000):
            for pk, org, year in model.objects.filter(
                organisation_id__in=orgs[start : start + 1000]
            ).values_list("pk", "organisation_id", "year"):
                if (org, year) in wanted:
                    pks[(org, year)] = pk
    return pks


def _sync_income_lines(
    wanted: dict[tuple[int, str], float], financial_years: set[int], counts: Counts
) -> None:
    existing = {
        (row.financial_year_id, row.source): row
        for row in m.IncomeLine.objects.filter(financial_year_id__in=financial_years)
    }
    create = [
        m.IncomeLine(financial_year_id=fy, source=source, amount=amount)
        for (fy, source), amount in wanted.items()
        if (fy, source) not in existing
    ]
    update = []
    for key, amount in wanted.items():
        row = existing.get(key)
        if row is not None and not _same(row.amount, amount):
            row.amount = amount
            update.append(row)
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    m.IncomeLine.objects.bulk_create(create, batch_size=1000)
    m.IncomeLine.objects.bulk_update(update, ["amount"], batch_size=1000)
    m.IncomeLine.objects.filter(pk__in=stale).delete()
    counts.add("income line", "created", len(create))
    counts.add("income line", "updated", len(update) + len(stale))
    counts.add("income line", "unchanged", len(wanted) - len(create) - len(update))


INCOME_SOURCES = tuple(IncomeSource)


# ----------------------------------------------------------------------------- Open Referral UK (ORUK)


def write_services(
    services: list[DirectoryService], run: ImportRun, counts: Counts, progress: Progress
) -> None:
    progress("organisations", 0, len(services))
    resolver = OrganisationResolver(run, counts)
    pk_of = resolver.resolve(
        IncomingOrg(
            s.organisation.org_id,
            s.organisation.name,
            s.organisation.postcode,
            "provider",
            s.organisation.other_ids,
        )
        for s in services
    )
    progress("services", len(services) // 2, len(services))
    wanted = {
        s.key: {
            "name": s.name[:300],
            "organisation_id": pk_of[s.organisation.org_id],
            "description": s.description,
        }
        for s in services
    }
    existing_keys = set(m.Service.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    for key, values in wanted.items():
        if key not in existing_keys:
            values["capacity_per_year"] = 0.0  # not in the standard: unknown until an officer records it
    service_pks = _sync_services(wanted, existing_keys, counts)
    needs = {code: pk for pk, code in m.Need.objects.values_list("pk", "code")}
    missing_needs = {n for s in services for n in s.needs} - set(needs)
    if missing_needs:
        m.Need.objects.bulk_create([m.Need(code=code) for code in sorted(missing_needs)])
        needs = {code: pk for pk, code in m.Need.objects.values_list("pk", "code")}
    link_pairs(
        m.Service.needs.through,
        "service_id",
        "need_id",
        {(service_pks[s.key], needs[n]) for s in services for n in s.needs},
        counts,
        "service need",
    )
    wards = wards_by_code()
    ward_names = {name.lower(): pk for pk, name in m.Ward.objects.values_list("pk", "name")}
    service_wards = set()
    for s in services:
        for place in s.places:
            pk = wards.get(place) or ward_names.get(place.lower())
            if pk:
                service_wards.add((service_pks[s.key], pk))
    link_pairs(m.Service.wards.through, "service_id", "ward_id", service_wards, counts, "service ward")


def _sync_services(
    wanted: dict[str, dict[str, Any]], existing_keys: set[str], counts: Counts
) -> dict[str, int]:
    fields = ["name", "organisation_id", "description"]
    creating = {k: v for k, v in wanted.items() if k not in existing_keys}
    updating = {k: v for k, v in wanted.items() if k in existing_keys}
    pks = sync_rows(m.Service, "key", updating, fields, counts, "service", _same) if updating else {}
    if creating:
        m.Service.objects.bulk_create([m.Service(key=k, **v) for k, v in creating.items()], batch_size=1000)
        pks.update(m.Service.objects.filter(key__in=list(creating)).values_list("key", "pk"))
        counts.add("service", "created", len(creating))
    return pks
