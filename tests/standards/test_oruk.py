"""Open Referral UK: the real Bristol files (v3) read; v1 services read; taxonomy terms map to needs."""

from __future__ import annotations

import json
from pathlib import Path

from netimpact.domain.vocabulary import Need
from netimpact.standards import oruk


def test_the_real_bristol_service_reads_despite_its_timezone_less_dates(shared: Path) -> None:
    result = oruk.read(shared / "oruk" / "bristol-service-1625ip.json")
    assert result.problems == []
    [service] = result.records
    assert service.name == "1625 Independent People"
    assert service.organisation.org_id == "ORUK-42d3fa20-b36d-4822-b5dc-68029911caaf"
    assert set(service.needs) == {"housing", "youth"}  # audiences "Homeless" and "Care leavers"
    assert service.places == ("Bristol", "South Gloucestershire")
    assert "<p>" not in service.description


def test_the_real_page_of_services_reads(shared: Path) -> None:
    result = oruk.read(shared / "oruk" / "bristol-services-page1.json")
    assert result.problems == [] and len(result.records) == 3
    assert [s.organisation.name for s in result.records][2] == "NHS"


def test_a_wrong_type_is_named_by_json_path(shared: Path, tmp_path: Path) -> None:
    document = json.loads((shared / "oruk" / "bristol-services-page1.json").read_text())
    document["contents"][1]["name"] = 42
    del document["contents"][2]["status"]
    path = tmp_path / "page.json"
    path.write_text(json.dumps(document))
    result = oruk.read(path)
    found = {(p.where, p.field, p.expected) for p in result.problems}
    assert ("contents[1].name", "name", "a value of type string (found 42)") in found
    assert ("contents[2].status", "status", "a value: the field is required") in found
    assert len(result.records) == 1


def test_a_bad_date_time_is_still_caught(shared: Path, tmp_path: Path) -> None:
    document = json.loads((shared / "oruk" / "bristol-service-1625ip.json").read_text())
    document["last_modified"] = "yesterday"
    path = tmp_path / "one.json"
    path.write_text(json.dumps(document))
    [problem] = oruk.read(path).problems
    assert problem.where == "service.last_modified"


def test_an_oruk_v1_service_reads() -> None:
    service = {
        "id": "svc-1",
        "name": "Recovery cafe",
        "description": "Drop-in",
        "organization": {"id": "org-1", "name": "Bristol Drugs Project"},
        "service_taxonomys": [
            {"taxonomy": {"id": "esd-1", "name": "Drug and alcohol misuse", "vocabulary": "esdServiceTypes"}}
        ],
        "service_at_locations": [
            {"location": {"name": "Hub", "physical_addresses": [{"postal_code": "bs1 6qe"}]}}
        ],
    }
    result = oruk.read_bytes(json.dumps([service]).encode(), "v1.json")
    assert result.problems == []
    [read] = result.records
    assert read.version == "1"
    assert set(read.needs) == {"substance_use", "alcohol"}
    assert read.postcodes == ("BS1 6QE",)
    assert read.organisation.postcode == "BS1 6QE"


def test_a_v1_service_without_an_organisation_is_invalid() -> None:
    result = oruk.read_bytes(
        json.dumps([{"id": "s", "name": "x", "service_taxonomys": []}]).encode(), "v1.json"
    )
    assert [(p.where, p.field) for p in result.problems] == [("[0].organization", "organization")]


def test_registered_identifiers_become_the_org_id() -> None:
    service = {
        "id": "93657689-252d-5a77-de87-42ca43452b0e",
        "name": "x",
        "status": "active",
        "organization": {
            "id": "0b8a9adf-e155-1f77-c48d-a339105d6722",
            "name": "A Charity",
            "description": "d",
            "organization_identifiers": [
                {
                    "id": "2a3483ea-8966-4f50-9dc3-7bafa1e5c623",
                    "identifier_scheme": "GB-CHC",
                    "identifier": "1234567",
                    "identifier_type": "Charity number",
                }
            ],
        },
    }
    [read] = oruk.read_bytes(json.dumps(service).encode(), "one.json").records
    assert read.organisation.org_id == "GB-CHC-1234567"
    assert read.organisation.other_ids == ("ORUK-0b8a9adf-e155-1f77-c48d-a339105d6722",)


def test_needs_mapping() -> None:
    assert oruk.needs_for("Homeless") == [Need.HOUSING]
    assert oruk.needs_for("Debt advice") == [Need.MONEY_AND_BENEFITS]
    assert oruk.needs_for("Domestic abuse") == [Need.DOMESTIC_ABUSE]
    assert oruk.needs_for("Food bank") == [Need.FOOD]
    assert oruk.needs_for("Arts and crafts") == []
