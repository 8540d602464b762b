"""The register's services as HSDS 3.0 / Open Referral UK: valid against both official schemas (offline),
only declared fields, stable UUIDs, and the needs taxonomy carried through."""

from __future__ import annotations

import copy
import filecmp
import json
import uuid
from dataclasses import replace
from typing import Any

import pytest

from netimpact.domain.vocabulary import Need
from netimpact.standards.export_validation import HSDS_DIR, ORUK_DIR, validate_hsds_services
from netimpact.standards.hsds_export import NEEDS_TAXONOMY, hsds_id, services_page, taxonomies

from .exports_support import city, offline, require_shared_data

__all__ = ["city", "offline"]  # fixtures


@pytest.fixture(scope="module")
def page(city) -> dict[str, Any]:
    return services_page(city.ecosystem, register_url="http://testserver/")


def test_every_demo_service_is_valid_hsds_and_open_referral_uk(page, city, offline):
    assert page["total_items"] == len(city.ecosystem.services) == len(page["contents"])
    assert validate_hsds_services(page) == []


def test_the_validators_find_what_is_wrong(page, offline):
    broken = copy.deepcopy(page)
    broken["contents"][0]["status"] = "open"
    broken["contents"][1]["id"] = "not-a-uuid"
    del broken["contents"][2]["name"]
    del broken["size"]

    problems = validate_hsds_services(broken)

    assert any(p.startswith("$.contents[0].status: 'open' is not one of") for p in problems)
    assert any(p.startswith("$.contents[1].id: 'not-a-uuid' is not a 'uuid'") for p in problems)
    assert any(p.startswith("$.contents[2]: 'name' is a required property") for p in problems)
    assert "$.size: missing (an HSDS page has it)" in problems


def _declared(schema: dict[str, Any]) -> dict[str, Any]:
    return schema.get("properties", {})


def _undeclared(value: Any, hsds: dict[str, Any] | None, oruk: dict[str, Any] | None, path: str) -> list[str]:
    """Fields we write that neither HSDS 3.0 nor the UK profile declares (neither schema forbids extra
    fields, so validity alone would not catch a misspelt one)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, child in value.items():
            in_hsds = _declared(hsds or {}).get(key)
            in_oruk = _declared(oruk or {}).get(key)
            if in_hsds is None and in_oruk is None:
                found.append(f"{path}.{key}")
                continue
            found.extend(_undeclared(child, _resolve(in_hsds), _resolve(in_oruk), f"{path}.{key}"))
    elif isinstance(value, list):
        for item in value:
            found.extend(
                _undeclared(
                    item,
                    (hsds or {}).get("items") and _resolve(hsds["items"]),
                    (oruk or {}).get("items") and _resolve(oruk["items"]),
                    f"{path}[]",
                )
            )
    return found


def _resolve(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    if schema and "$ref" in schema:
        return json.loads((HSDS_DIR / schema["$ref"]).read_text())
    return schema


def test_every_field_written_is_declared_by_hsds_or_the_uk_profile(page):
    hsds = json.loads((HSDS_DIR / "service.json").read_text())
    oruk = json.loads((ORUK_DIR / "service.json").read_text())
    undeclared = sorted({p for s in page["contents"] for p in _undeclared(s, hsds, oruk, "service")})
    assert undeclared == []


def test_ids_are_uuids_unique_per_record_and_the_same_every_export(page, city):
    again = services_page(city.ecosystem, register_url="http://testserver/")
    assert again == page
    ids = [s["id"] for s in page["contents"]]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 5 for i in ids)
    for service, record in zip(
        sorted(city.ecosystem.services, key=lambda s: s.id), page["contents"], strict=True
    ):
        assert record["id"] == hsds_id("service", service.id)
        assert (
            record["organization"]["id"]
            == record["organization_id"]
            == hsds_id("organization", service.organisation)
        )


def test_needs_wards_and_organisations_are_carried_through(page, city):
    records = {r["id"]: r for r in page["contents"]}
    wards = {w.code: w.name for w in city.ecosystem.wards}
    for service in city.ecosystem.services:
        record = records[hsds_id("service", service.id)]
        needs = [a["taxonomy_term"]["term"] for a in record["attributes"] if a["link_type"] == "need"]
        assert needs == [n.value for n in service.needs]
        assert all(
            a["taxonomy_term"]["taxonomy"] == NEEDS_TAXONOMY
            for a in record["attributes"]
            if a["link_type"] == "need"
        )
        if service.wards:
            assert [a["name"] for a in record["service_areas"]] == [wards[c] for c in service.wards]
            assert [a["uri"].rsplit("/", 1)[1] for a in record["service_areas"]] == service.wards
        else:
            assert [a["name"] for a in record["service_areas"]] == ["City-wide"]
        organisation = city.ecosystem.organisation(service.organisation)
        assert record["organization"]["name"] == organisation.name
        identifiers = record["organization"]["organization_identifiers"]
        written = [
            f"{i['identifier_scheme']}-{i['identifier']}" if "identifier_scheme" in i else i["identifier"]
            for i in identifiers
        ]
        assert written == organisation.org_ids


def test_an_organisation_with_a_postcode_gives_its_services_a_location(city, offline):
    owner = city.ecosystem.services[0].organisation
    organisations = [
        replace(o, postcode="BS5 0HE") if o.id == owner else o for o in city.ecosystem.organisations
    ]
    ecosystem = replace(city.ecosystem, organisations=organisations)

    page = services_page(ecosystem)
    with_location = [s for s in page["contents"] if s["service_at_locations"]]

    assert {s["organization"]["name"] for s in with_location} == {ecosystem.organisation(owner).name}
    [link] = with_location[0]["service_at_locations"]
    assert link["location"]["external_identifier"] == "BS5 0HE"
    assert link["location_id"] == link["location"]["id"] and link["service_id"] == with_location[0]["id"]
    assert validate_hsds_services(page) == []


def test_the_needs_taxonomy_has_a_term_for_every_need():
    needs = next(t for t in taxonomies() if t["name"] == NEEDS_TAXONOMY)
    assert [t["term"] for t in needs["taxonomy_terms"]] == [n.value for n in Need]
    assert [t["name"] for t in needs["taxonomy_terms"]] == [n.label for n in Need]


def test_the_vendored_schemas_are_the_official_files_unchanged():
    shared = require_shared_data() / "oruk"
    for path in HSDS_DIR.glob("*.json"):
        assert filecmp.cmp(path, shared / "hsds-3.0" / "schema" / path.name, shallow=False)
    for path in ORUK_DIR.glob("*.json"):
        assert filecmp.cmp(path, shared / "uk-profile-3.0" / "schema" / "compiled" / path.name, shallow=False)
