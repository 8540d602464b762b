"""Every real file imports into the register, and importing it again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.imports.importing import import_bytes, import_path
from netimpact.web.imports.models import CharityYear, ImportRun
from netimpact.web.register import models as m

pytestmark = pytest.mark.django_db

FILES = [
    ("360giving", "360giving/trafford_council_voluntary_sector_grants.json"),
    ("360giving", "360giving/trafford_council_voluntary_sector_grants.csv"),
    ("360giving", "360giving/a-b-charitable-trust.json"),
    ("360giving", "360giving/andrew-lloyd-webber-foundation.json"),
    ("oruk", "oruk/bristol-service-1625ip.json"),
    ("oruk", "oruk/bristol-services-page1.json"),
    ("ccew", "ccew"),
]


def _nothing_new(run: ImportRun) -> None:
    for kind, outcome in run.counts.items():
        assert outcome["created"] == 0 and outcome["updated"] == 0, (kind, outcome)


@pytest.mark.parametrize(("standard", "relative"), FILES)
def test_each_real_file_imports_then_reimports_unchanged(shared: Path, standard: str, relative: str) -> None:
    first = import_path(standard, shared / relative, actor_label="test")
    assert first.status == ImportRun.Status.IMPORTED, first.problems
    assert first.problem_count == 0
    assert any(o["created"] for o in first.counts.values())
    snapshot = (
        m.Organisation.objects.count(),
        m.FundingTie.objects.count(),
        m.Service.objects.count(),
        m.FinancialYear.objects.count(),
        m.IncomeLine.objects.count(),
        m.OrgIdentifier.objects.count(),
    )
    second = import_path(standard, shared / relative, actor_label="test")
    assert second.status == ImportRun.Status.IMPORTED
    _nothing_new(second)
    assert sum(o["unchanged"] for o in second.counts.values()) > 0
    assert snapshot == (
        m.Organisation.objects.count(),
        m.FundingTie.objects.count(),
        m.Service.objects.count(),
        m.FinancialYear.objects.count(),
        m.IncomeLine.objects.count(),
        m.OrgIdentifier.objects.count(),
    )
    assert AuditEvent.objects.filter(kind=AuditKind.REGISTER_IMPORTED).count() == 2


def test_all_real_files_together_then_again(shared: Path) -> None:
    for standard, relative in FILES:
        assert (
            import_path(standard, shared / relative, actor_label="test").status == ImportRun.Status.IMPORTED
        )
    for standard, relative in FILES:
        _nothing_new(import_path(standard, shared / relative, actor_label="test"))


def test_grants_become_ties_with_amounts_per_year(shared: Path) -> None:
    import_path("360giving", shared / "360giving/andrew-lloyd-webber-foundation.json", actor_label="test")
    tie = m.FundingTie.objects.get(key="360G-ALWF-1978")
    assert tie.kind == "grant"
    assert tie.amount_per_year == pytest.approx(5000)
    assert tie.recipient.org_id == "GB-EDU-133843"
    assert tie.recipient.kind == "public_body"
    assert tie.funder.org_id == "GB-CHC-1015648"
    assert tie.recipient.postcode == "M13 9RD"


def test_charity_finances_land_in_the_register(shared: Path) -> None:
    run = import_path("ccew", shared / "ccew", actor_label="test")
    # 200 charities: 122 on the register, 78 removed; 372 rows are linked charities of main ones.
    assert run.counts["organisation"]["created"] == 122
    assert run.counts["charity"]["skipped"] == 78
    assert run.counts["linked charity"]["skipped"] == 572 - 200
    org = m.Organisation.objects.get(org_id="GB-CHC-207237")
    year = org.finances.get(year=2022)
    assert year.free_reserves == 544372 and year.expenditure == 2550072
    lines = dict(year.income_lines.values_list("source", "amount"))
    assert lines["government_grants"] == 12999
    assert org.staff == 32 and org.volunteers == 14
    assert CharityYear.objects.filter(organisation=org).count() >= org.finances.count()
    # Linked charities are not organisations of their own.
    assert not m.Organisation.objects.filter(
        name__icontains="CIO", org_id__startswith="GB-CHC-203460"
    ).exists()


def test_a_second_source_finds_the_charity_by_its_number(shared: Path) -> None:
    """A B Charitable Trust's recipients are GB-CHC ids: the CCEW extract's charities are found by Org-ID."""
    import_path("360giving", shared / "360giving/a-b-charitable-trust.json", actor_label="test")
    before = m.Organisation.objects.count()
    grant = {
        "id": "360G-test-1",
        "title": "t",
        "description": "d",
        "currency": "GBP",
        "amountAwarded": 10,
        "awardDate": "2024-01-01",
        "recipientOrganization": [
            {
                "id": "360G-someone-else",
                "name": "Access to Justice Foundation",
                "charityNumber": "1126147",
                "postalCode": "WC2A 1JF",
            }
        ],
        "fundingOrganization": [{"id": "GB-CHC-1000147", "name": "A B Charitable Trust"}],
    }
    run = import_bytes("360giving", json.dumps({"grants": [grant]}).encode(), "one.json", actor_label="test")
    assert run.status == ImportRun.Status.IMPORTED
    assert m.Organisation.objects.count() == before
    tie = m.FundingTie.objects.get(key="360G-test-1")
    assert tie.recipient.org_id == "GB-CHC-1126147"
    assert m.OrgIdentifier.objects.get(value="360G-someone-else").organisation == tie.recipient
