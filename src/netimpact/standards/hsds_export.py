"""The register's services as Human Services Data Specification (HSDS) 3.0 / Open Referral UK 3.0.

`services_page(ecosystem)` gives the register as one page of the HSDS `/services` API response: every
service fully nested with its organization, service areas (wards), locations and service-at-location
links, and its needs and entry points as attributes with taxonomy terms. It is the shape an Open
Referral UK feed serves (e.g. the Bristol Open Place Directory), so directory tools read it as they read
a feed. Each service validates against HSDS 3.0's service.json and the UK profile's compiled service
schema (standards/export_validation.py). docs/open-data-exports.md maps every field.

HSDS ids are UUIDs: each is a name-based UUID (uuid5) of our own id, so an export is the same every time
and a consumer's links survive re-export.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from netimpact.domain.ecosystem import Ecosystem, Organisation, Service
from netimpact.domain.vocabulary import EntryPoint, Need

from .ocds_export import split_org_id

# Name-based UUIDs in our own namespace (itself the uuid5 of a URL-style name in the standard namespace).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "netimpact:open-referral")

ONS_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"

NEEDS_TAXONOMY = "netimpact-needs"
ENTRY_POINTS_TAXONOMY = "netimpact-entry-points"
TAXONOMIES = {
    NEEDS_TAXONOMY: "the netimpact needs taxonomy: what a service meets and what a cohort has",
    ENTRY_POINTS_TAXONOMY: "the netimpact entry points taxonomy: where people can enter a service directly",
}

# Org-ID list codes we name in words (https://org-id.guide); others are written as their code.
ORG_ID_SCHEMES = {
    "GB-CHC": "Charity Commission for England and Wales registered charity number",
    "GB-SC": "Office of the Scottish Charity Regulator charity number",
    "GB-NIC": "Charity Commission for Northern Ireland charity number",
    "GB-COH": "Companies House company number",
    "GB-LAE": "Local authority code (England)",
    "GB-NHS": "NHS organisation code",
    "GB-EDU": "Department for Education establishment number",
    "GB-MPR": "Mutuals Public Register number",
}


def hsds_id(kind: str, key: str) -> str:
    """The stable UUID for one of our records (`kind` names the table: service, organization...)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def services_page(ecosystem: Ecosystem, register_url: str | None = None) -> dict[str, Any]:
    """Every service in the register as one HSDS 3.0 page. `register_url` (the register's public address,
    e.g. https://council.example/) gives each organization a `uri` on the register's pages."""
    organisations = {o.id: o for o in ecosystem.organisations}
    wards = {w.code: w.name for w in ecosystem.wards}
    contents = [
        service_record(service, organisations.get(service.organisation), wards, register_url)
        for service in sorted(ecosystem.services, key=lambda s: s.id)
    ]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def service_record(
    service: Service,
    organisation: Organisation | None,
    wards: dict[str, str],
    register_url: str | None = None,
) -> dict[str, Any]:
    service_id = hsds_id("service", service.id)
    record: dict[str, Any] = {
        "id": service_id,
        "organization_id": hsds_id("organization", service.organisation),
        "name": service.name,
        "description": service.description or service.name,
        "status": "active",
    }
    if organisation is not None:
        record["organization"] = organization_record(organisation, register_url)
    record["service_areas"] = _service_areas(service, wards)
    locations = _locations(organisation)
    record["service_at_locations"] = [
        {
            "id": hsds_id("service_at_location", f"{service.id}@{location['id']}"),
            "service_id": service_id,
            "location_id": location["id"],
            "location": location,
        }
        for location in locations
    ]
    record["attributes"] = [
        *_attributes(service_id, NEEDS_TAXONOMY, "need", service.needs),
        *_attributes(service_id, ENTRY_POINTS_TAXONOMY, "entry_point", service.entry_points),
    ]
    return record


def organization_record(organisation: Organisation, register_url: str | None = None) -> dict[str, Any]:
    organization_id = hsds_id("organization", organisation.id)
    description = organisation.kind.label + "."
    if organisation.fictional:
        description += " A fictional organisation of the netimpact demo city."
    record: dict[str, Any] = {
        "id": organization_id,
        "name": organisation.name,
        "description": description,
    }
    if register_url:
        record["uri"] = f"{register_url.rstrip('/')}/organisations/{organisation.id}/"
    record["organization_identifiers"] = [
        _organization_identifier(organization_id, org_id) for org_id in organisation.org_ids
    ]
    return record


def _organization_identifier(organization_id: str, org_id: str) -> dict[str, Any]:
    scheme, identifier = split_org_id(org_id)
    found: dict[str, Any] = {
        "id": hsds_id("organization_identifier", org_id),
        "organization_id": organization_id,
    }
    if scheme is None:
        # e.g. 360Giving's own 360G-... ids: no register stands behind them, so no org-id.guide scheme.
        found["identifier_type"] = (
            "360Giving organisation identifier" if org_id.startswith("360G-") else "Other"
        )
        found["identifier"] = org_id
    else:
        found["identifier_scheme"] = scheme
        found["identifier_type"] = ORG_ID_SCHEMES.get(scheme, f"Org-ID list {scheme}")
        found["identifier"] = identifier
    return found


def _service_areas(service: Service, wards: dict[str, str]) -> list[dict[str, Any]]:
    service_id = hsds_id("service", service.id)
    if not service.wards:
        return [
            {
                "id": hsds_id("service_area", f"{service.id}@city"),
                "service_id": service_id,
                "name": "City-wide",
                "description": "Open to people from every ward of the city.",
            }
        ]
    return [
        {
            "id": hsds_id("service_area", f"{service.id}@{code}"),
            "service_id": service_id,
            "name": wards.get(code, code),
            # The ward's persistent identifier in the ONS's linked data (its GSS code in a URI).
            "uri": f"{ONS_GEOGRAPHY}{code}",
        }
        for code in service.wards
    ]


def _locations(organisation: Organisation | None) -> list[dict[str, Any]]:
    """The organisation's base, where the register holds its postcode (the register holds no street
    addresses, so the location names the postcode and has no address record)."""
    if organisation is None or not organisation.postcode:
        return []
    return [
        {
            "id": hsds_id("location", organisation.id),
            "location_type": "physical",
            "name": f"{organisation.name}, {organisation.postcode}",
            "description": "The organisation's base, by postcode.",
            "external_identifier": organisation.postcode,
            "external_identifier_type": "postcode",
        }
    ]


def _attributes(
    service_id: str, taxonomy: str, link_type: str, codes: Iterable[Need | EntryPoint]
) -> list[dict[str, Any]]:
    attributes = []
    for code in codes:
        term_id = hsds_id("taxonomy_term", f"{taxonomy}:{code.value}")
        attributes.append(
            {
                "id": hsds_id("attribute", f"{service_id}:{taxonomy}:{code.value}"),
                "link_id": service_id,
                "link_type": link_type,  # what the term says of the service
                "link_entity": "service",  # the table link_id is in
                "taxonomy_term_id": term_id,
                "taxonomy_term": taxonomy_term(taxonomy, code),
            }
        )
    return attributes


def taxonomy_term(taxonomy: str, code: Need | EntryPoint) -> dict[str, Any]:
    return {
        "id": hsds_id("taxonomy_term", f"{taxonomy}:{code.value}"),
        "code": code.value,
        "name": code.label,
        "description": f"{code.label}. A term of {TAXONOMIES[taxonomy]}.",
        "taxonomy": taxonomy,
        "taxonomy_id": hsds_id("taxonomy", taxonomy),
        "term": code.value,
    }


def taxonomies() -> list[dict[str, Any]]:
    """Our two taxonomies with their terms, as HSDS taxonomy records (for the documentation and tests)."""
    found = []
    for taxonomy, codes in ((NEEDS_TAXONOMY, list(Need)), (ENTRY_POINTS_TAXONOMY, list(EntryPoint))):
        found.append(
            {
                "id": hsds_id("taxonomy", taxonomy),
                "name": taxonomy,
                "description": TAXONOMIES[taxonomy],
                "taxonomy_terms": [taxonomy_term(taxonomy, code) for code in codes],
            }
        )
    return found
