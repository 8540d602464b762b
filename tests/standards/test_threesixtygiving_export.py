"""The register's grants as 360Giving: valid against the official 1.4.3 schema (formats checked), amounts
over the grant's months, undated grants left out and named, never given a date."""

from __future__ import annotations

import copy
import filecmp
from dataclasses import replace
from datetime import date

import pytest

from netimpact.domain.ecosystem import FundingTie
from netimpact.domain.vocabulary import FundingKind
from netimpact.standards.export_validation import THREESIXTYGIVING_DIR, validate_threesixtygiving
from netimpact.standards.threesixtygiving_export import (
    GrantsExportError,
    duration_months,
    grants_package,
)

from .exports_support import city, require_shared_data

__all__ = ["city"]  # fixtures

ISSUED = date(2026, 3, 20)


@pytest.fixture(scope="module")
def export(city):
    return grants_package(
        city.ecosystem,
        publisher="Bristol City Council (demo record)",
        issued=ISSUED,
        publisher_id="GB-LAE-BST",
    )


def test_the_demo_grants_are_valid_360giving(export):
    assert validate_threesixtygiving(export.package) == []


def test_the_validator_finds_what_is_wrong(export):
    broken = copy.deepcopy(export.package)
    broken["grants"][0]["awardDate"] = "last spring"
    broken["grants"][1]["amountAwarded"] = "£300,000"
    del broken["grants"][2]["fundingOrganization"]

    problems = validate_threesixtygiving(broken)

    assert any(p.startswith("$.grants[0].awardDate:") for p in problems)
    assert any(
        p.startswith("$.grants[1].amountAwarded: '£300,000' is not of type 'number'") for p in problems
    )
    assert any(p.startswith("$.grants[2]:") for p in problems)


def test_every_dated_grant_is_written_and_every_undated_one_named_as_left_out(city, export):
    grants = [t for t in city.ecosystem.funding if t.kind == FundingKind.GRANT]
    written = {g["id"].removeprefix("360G-netimpactdemo-") for g in export.package["grants"]}

    assert written == {t.id for t in grants if t.start is not None}
    assert [s.split(":")[0] for s in export.skipped] == sorted(t.id for t in grants if t.start is None)
    assert all("no start date" in s for s in export.skipped)
    # Contracts are not grants.
    assert not written & {t.id for t in city.ecosystem.funding if t.kind != FundingKind.GRANT}


def test_amounts_are_the_yearly_amount_over_the_grant_s_months(city, export):
    ties = {t.id: t for t in city.ecosystem.funding}
    for grant in export.package["grants"]:
        tie = ties[grant["id"].removeprefix("360G-netimpactdemo-")]
        months = duration_months(tie.start, tie.end)
        assert grant["amountAwarded"] == pytest.approx(tie.amount_per_year * months / 12)
        assert grant["awardDate"] == tie.start.isoformat()
        assert grant["plannedDates"] == [
            {"startDate": tie.start.isoformat(), "endDate": tie.end.isoformat(), "duration": months}
        ]
        assert grant["fundingOrganization"][0]["id"] == tie.funder
        assert grant["recipientOrganization"][0]["id"] == tie.recipient
        assert all(loc["geoCodeType"] == "WD" for loc in grant.get("beneficiaryLocation", []))


def test_months_count_whole_financial_years():
    assert duration_months(date(2021, 4, 1), date(2026, 3, 31)) == 60
    assert duration_months(date(2025, 4, 1), date(2026, 3, 31)) == 12
    assert duration_months(date(2025, 1, 15), date(2025, 7, 14)) == 6
    assert duration_months(date(2025, 4, 1), None) is None


def test_a_grant_with_no_end_states_one_year_and_says_so(city):
    tie = FundingTie(
        id="g-open",
        funder="GB-LAE-BST",
        recipient=city.ecosystem.organisations[5].id,
        kind=FundingKind.GRANT,
        amount_per_year=12_000,
        start=date(2025, 6, 1),
        description="Open-ended grant",
    )
    ecosystem = replace(city.ecosystem, funding=[tie])
    [grant] = grants_package(ecosystem, publisher="Council", issued=ISSUED).package["grants"]
    assert grant["amountAwarded"] == 12_000
    assert "no end date" in grant["description"]
    assert grant["plannedDates"] == [{"startDate": "2025-06-01"}]


def test_one_funder_only_and_an_empty_selection_is_refused_with_the_reason(city):
    council = grants_package(city.ecosystem, publisher="Council", issued=ISSUED, funder="GB-LAE-BST")
    assert {g["fundingOrganization"][0]["id"] for g in council.package["grants"]} == {"GB-LAE-BST"}
    with pytest.raises(GrantsExportError, match="records no grants from GB-NOBODY"):
        grants_package(city.ecosystem, publisher="Council", issued=ISSUED, funder="GB-NOBODY")


def test_a_grant_prefix_that_360giving_would_not_assign_is_refused(city):
    with pytest.raises(GrantsExportError, match="360G-xxxx"):
        grants_package(city.ecosystem, publisher="Council", issued=ISSUED, prefix="GRANT-")


def test_the_vendored_schemas_are_the_official_files_unchanged():
    shared = require_shared_data() / "360giving" / "schema"
    for name in ("360-giving-schema.json", "360-giving-package-schema.json"):
        assert filecmp.cmp(THREESIXTYGIVING_DIR / name, shared / name, shallow=False)
