"""360Giving: the real files read and validate; bad files name the row and column or the JSON path."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from netimpact.standards import schemas, threesixtygiving
from netimpact.standards.jsonvalidation import error_path, expected, json_path

REAL = {
    "trafford_council_voluntary_sector_grants.json": 555,
    "trafford_council_voluntary_sector_grants.csv": 555,
    "a-b-charitable-trust.json": 783,
    "andrew-lloyd-webber-foundation.json": 475,
}


@pytest.mark.parametrize(("name", "grants"), REAL.items())
def test_every_real_file_reads_and_is_valid(shared: Path, name: str, grants: int) -> None:
    result = threesixtygiving.read(shared / "360giving" / name)
    assert result.problems == []
    assert result.total == grants
    assert len(result.records) == grants


def test_the_csv_is_the_json_flattened(shared: Path) -> None:
    folder = shared / "360giving"
    from_json = threesixtygiving.read(folder / "trafford_council_voluntary_sector_grants.json").records
    from_csv = threesixtygiving.read(folder / "trafford_council_voluntary_sector_grants.csv").records
    strip = [
        (
            g.id,
            g.title,
            g.amount,
            g.award_date,
            g.funder,
            g.recipient,
            g.start,
            g.end,
            g.amount_per_year,
            g.beneficiary_codes,
            g.programme,
        )
        for g in from_json
    ]
    assert strip == [
        (
            g.id,
            g.title,
            g.amount,
            g.award_date,
            g.funder,
            g.recipient,
            g.start,
            g.end,
            g.amount_per_year,
            g.beneficiary_codes,
            g.programme,
        )
        for g in from_csv
    ]


def test_a_grant_read_field_by_field(shared: Path) -> None:
    grants = {
        g.id: g
        for g in threesixtygiving.read(shared / "360giving" / "andrew-lloyd-webber-foundation.json").records
    }
    grant = grants["360G-ALWF-1978"]
    assert grant.recipient.org_id == "GB-EDU-133843"
    assert grant.recipient.postcode == "M13 9RD"
    assert grant.funder.org_id == "GB-CHC-1015648"
    assert grant.amount == 15000
    # 36 months planned from the award date: £15,000 over three years.
    assert grant.start == dt.date(2020, 11, 3) and grant.end == dt.date(2023, 11, 2)
    assert grant.amount_per_year == pytest.approx(5000)


def test_fast_validation_finds_exactly_what_plain_jsonschema_finds(shared: Path) -> None:
    schema = schemas.load(threesixtygiving.GRANT_SCHEMA)
    plain = Draft202012Validator(schema, format_checker=FormatChecker())
    fast = threesixtygiving.grant_validator()
    grants = json.loads((shared / "360giving" / "a-b-charitable-trust.json").read_text())["grants"][:40]
    broken = copy.deepcopy(grants)
    broken[0]["amountAwarded"] = "lots"
    broken[1]["awardDate"] = "2020-13-01"
    broken[2]["recipientOrganization"] = []
    broken[3]["recipientOrganization"][0]["id"] = 7
    broken[4]["currency"] = "POUNDS"
    broken[5]["beneficiaryLocation"] = [{"geoCode": 5}]
    del broken[6]["title"]
    broken[7]["plannedDates"] = [{"startDate": "soon"}]
    del broken[8]["recipientOrganization"][0]["name"]
    for grant in grants + broken:
        mine = sorted((json_path("g", e.path), e.message) for e in fast.errors(grant))
        theirs = sorted(
            (json_path("g", error_path(e, absolute=True)), expected(e)) for e in plain.iter_errors(grant)
        )
        assert mine == theirs


def _bad_package(shared: Path) -> dict:
    document = json.loads(
        (shared / "360giving" / "trafford_council_voluntary_sector_grants.json").read_text()
    )
    document["grants"][3]["amountAwarded"] = "2,000 pounds"
    document["grants"][7]["recipientOrganization"][0]["id"] = ["GB-CHC-1"]
    del document["grants"][9]["awardDate"]
    return document


def test_json_with_wrong_types_names_the_path_field_and_expectation(shared: Path) -> None:
    result = threesixtygiving.read_document(_bad_package(shared))
    found = {(p.where, p.field, p.expected) for p in result.problems}
    assert (
        "grants[3].amountAwarded",
        "amountAwarded",
        'a value of type number (found "2,000 pounds")',
    ) in found
    assert (
        "grants[7].recipientOrganization[0].id",
        "id",
        'a value of type string (found ["GB-CHC-1"])',
    ) in found
    assert ("grants[9]", "", "the required field(s) awardDate") in found
    assert len(result.invalid) == 3 and len(result.records) == 552


def test_a_broken_csv_row_is_named_by_row_and_column(shared: Path, tmp_path: Path) -> None:
    source = (shared / "360giving" / "trafford_council_voluntary_sector_grants.csv").read_text(
        encoding="utf-8"
    )
    rows = list(csv.reader(io.StringIO(source)))
    header = rows[0]
    rows[4][header.index("Amount Awarded")] = "a lot"  # spreadsheet row 5
    rows[6][header.index("Award Date")] = "31/01/2015"  # row 7
    rows[8] = [*rows[8], "", "stray cell"]  # row 9
    rows[10][header.index("Recipient Org:Identifier")] = ""  # row 11
    path = tmp_path / "grants.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    result = threesixtygiving.read(path)
    found = {(p.where, p.field, p.expected) for p in result.problems}
    assert ("row 5", "Amount Awarded", 'a value of type number (found "a lot")') in found
    assert (
        "row 7",
        "Award Date",
        'a date written YYYY-MM-DD or a full date-time (found "31/01/2015")',
    ) in found
    assert ("row 9", "", "at most 39 cells, as in the header row (found 41)") in found
    assert ("row 11", "Recipient Org:Identifier", "a value: the field is required") in found
    assert len(result.invalid) == 4


def test_xlsx_reads_like_the_csv(shared: Path, tmp_path: Path) -> None:
    source = shared / "360giving" / "trafford_council_voluntary_sector_grants.csv"
    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(source.read_text(encoding="utf-8"))):
        sheet.append(
            [
                float(c)
                if c.replace(".", "", 1).isdigit() and c.count(".") <= 1 and not c.startswith("0")
                else c
                for c in row
            ]
        )
    path = tmp_path / "grants.xlsx"
    book.save(path)
    from_xlsx = threesixtygiving.read(path)
    from_csv = threesixtygiving.read(source)
    assert from_xlsx.problems == []
    assert [(g.id, g.amount, g.recipient.org_id, g.start) for g in from_xlsx.records] == [
        (g.id, g.amount, g.recipient.org_id, g.start) for g in from_csv.records
    ]


def test_not_json_or_not_a_package_is_a_file_problem(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"grants": [}', encoding="utf-8")
    result = threesixtygiving.read(broken)
    assert not result.readable
    assert "expected JSON" in result.problems[0].expected and "line 1" in result.problems[0].expected
    other = tmp_path / "other.json"
    other.write_text('{"releases": []}', encoding="utf-8")
    assert '"grants" array' in threesixtygiving.read(other).problems[0].expected


def test_ward_codes_are_picked_from_beneficiary_locations() -> None:
    grant = {
        "id": "360G-x-1",
        "title": "t",
        "description": "d",
        "currency": "GBP",
        "amountAwarded": 100,
        "awardDate": "2024-01-01",
        "recipientOrganization": [{"id": "GB-CHC-1", "name": "A"}],
        "fundingOrganization": [{"id": "GB-LAE-BST", "name": "Bristol City Council"}],
        "beneficiaryLocation": [{"geoCode": "E05010885"}, {"geoCode": "E06000023"}],
    }
    result = threesixtygiving.read_document({"grants": [grant]})
    assert result.records[0].ward_codes == ("E05010885",)


def test_non_gbp_and_individual_grants_are_invalid_for_the_register() -> None:
    base = {
        "id": "360G-x-1",
        "title": "t",
        "description": "d",
        "currency": "USD",
        "amountAwarded": 100,
        "awardDate": "2024-01-01",
        "recipientOrganization": [{"id": "GB-CHC-1", "name": "A"}],
        "fundingOrganization": [{"id": "GB-LAE-BST", "name": "B"}],
    }
    result = threesixtygiving.read_document({"grants": [base]})
    assert "GBP" in result.problems[0].expected
