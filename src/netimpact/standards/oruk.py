"""Read Open Referral UK service directories (ORUK 3.0 / HSDS 3.0, and the older ORUK v1) into services.

Accepted shapes: one service object (GET /services/{id}), a page of services ({"contents": [...]}, GET
/services), or a JSON array of services. ORUK 3.0 services are validated against the vendored UK-profile
compiled schema (schemas/oruk/service.json) with formats checked, except that a `date-time` without a
time zone ("2025-09-02T12:06:15.654", as the Bristol feed writes it) is accepted: the moment is clear
enough for a directory. ORUK v1 services (recognised by `service_taxonomys`, `physical_addresses` or
`eligibilitys`) have no vendored schema; their required fields are checked by hand.

Needs come from the service's taxonomy terms and audiences, mapped to vocabulary.Need by the keyword
table NEED_KEYWORDS (docs/open-data-imports.md shows it with examples from the LGA esd lists).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from netimpact.domain.vocabulary import Need

from . import schemas
from .jsonvalidation import FORMATS, error_path, expected, json_path
from .matching import normalise_postcode
from .problems import FileUnreadable, Problem, ReadResult

STANDARD = "oruk"
ORUK_PREFIX = "ORUK"  # Org-IDs for directory organisations with no registered identifier: ORUK-<uuid>

# Keywords (whole words or word starts, lower case) in a taxonomy term, audience or service type -> need.
# First matching rows win in order; a term may meet several needs ("drug and alcohol" -> both).
NEED_KEYWORDS: tuple[tuple[Need, tuple[str, ...]], ...] = (
    (Need.SUBSTANCE_USE, ("drug", "substance", "addiction", "needle exchange", "opiate")),
    (Need.ALCOHOL, ("alcohol", "drink")),
    (
        Need.MENTAL_HEALTH,
        (
            "mental",
            "emotional",
            "wellbeing",
            "well-being",
            "counselling",
            "anxiety",
            "depression",
            "suicide",
            "distress",
            "psycholog",
        ),
    ),
    (Need.HOUSING, ("homeless", "housing", "accommodation", "tenan", "rough sleep", "hostel", "care leaver")),
    (
        Need.EMPLOYMENT,
        (
            "employment",
            "job",
            "skills",
            "training",
            "volunteering opportunit",
            "careers",
            "apprentice",
            "work club",
        ),
    ),
    (Need.YOUTH, ("young people", "youth", "teenager", "children", "care leaver", "young person")),
    (Need.DOMESTIC_ABUSE, ("domestic abuse", "domestic violence", "sexual violence", "abuse")),
    (
        Need.PHYSICAL_HEALTH,
        ("physical health", "health", "disabilit", "exercise", "sport", "nhs", "long term condition"),
    ),
    (Need.CRIMINAL_JUSTICE, ("offend", "prison", "criminal", "probation", "justice")),
    (Need.FAMILY_SUPPORT, ("family", "families", "parent", "carer", "early years")),
    (Need.MONEY_AND_BENEFITS, ("money", "debt", "benefit", "financ", "welfare")),
    (Need.SOCIAL_CONNECTION, ("lonel", "isolation", "social", "befriend", "community group", "peer support")),
    (Need.FOOD, ("food", "meal", "lunch club", "nutrition")),
)


def needs_for(term: str) -> list[Need]:
    """The needs a taxonomy term or audience names, by NEED_KEYWORDS ("Drug and alcohol" -> both)."""
    text = " " + re.sub(r"[^a-z0-9 -]+", " ", term.lower()) + " "
    found = []
    for need, keywords in NEED_KEYWORDS:
        if any(f" {k}" in text for k in keywords):
            found.append(need)
    return found


@dataclass(frozen=True, slots=True)
class DirectoryOrganisation:
    org_id: str  # a registered Org-ID where the directory gives one, else ORUK-<directory id>
    name: str
    postcode: str
    other_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DirectoryService:
    key: str  # oruk-<service id>
    name: str
    description: str
    organisation: DirectoryOrganisation
    needs: tuple[str, ...]  # vocabulary.Need codes
    places: tuple[str, ...]  # service area names and location codes (matched to wards we hold)
    postcodes: tuple[str, ...]
    terms: tuple[str, ...]  # the taxonomy terms and audiences read (for the report)
    version: str  # "3.0" or "1"
    where: str


# ------------------------------------------------------------------------------------------- reading


def read(path: str | Path) -> ReadResult[DirectoryService]:
    path = Path(path)
    return read_bytes(path.read_bytes(), path.name)


def read_bytes(content: bytes, name: str) -> ReadResult[DirectoryService]:
    result: ReadResult[DirectoryService] = ReadResult(STANDARD)
    try:
        try:
            document = json.loads(content.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise FileUnreadable(f"expected UTF-8 text (byte {error.start} is not UTF-8)") from error
        except json.JSONDecodeError as error:
            raise FileUnreadable(
                f"expected JSON: {error.msg} at line {error.lineno}, column {error.colno}"
            ) from error
        services = _services(document)
    except FileUnreadable as error:
        result.problems.append(Problem("the file", "", str(error)))
        return result
    seen: set[str] = set()
    for root, data in services:
        result.total += 1
        label = str(data.get("id") or root) if isinstance(data, dict) else root
        problems = _problems(root, data, label)
        if not problems and label in seen:
            problems.append(
                Problem(json_path(root, ["id"]), "id", "a service id used once in the file", label)
            )
        seen.add(label)
        if problems:
            result.problems.extend(problems)
            result.invalid.append(label)
            continue
        result.records.append(_service(root, data))
    return result


def _services(document: Any) -> list[tuple[str, Any]]:
    if isinstance(document, list):
        return [(f"[{i}]", s) for i, s in enumerate(document)]
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        return [(f"contents[{i}]", s) for i, s in enumerate(document["contents"])]
    if isinstance(document, dict) and "id" in document and "name" in document:
        return [("service", document)]
    raise FileUnreadable(
        'expected an Open Referral service, a page of services ({"contents": [...]}) or a '
        "JSON array of services"
    )


def is_v1(data: dict[str, Any]) -> bool:
    if any(k in data for k in ("service_taxonomys", "eligibilitys", "regular_schedules", "fundings")):
        return True
    for sal in data.get("service_at_locations") or []:
        location = sal.get("location") if isinstance(sal, dict) else None
        if isinstance(location, dict) and "physical_addresses" in location:
            return True
    return False


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schemas.load("oruk/service.json"), format_checker=FORMATS)


def _problems(root: str, data: Any, label: str) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(root, "", f"a service object (found {type(data).__name__})", label)]
    if is_v1(data):
        return _v1_problems(root, data, label)
    found = []
    for error in _validator().iter_errors(data):
        if _tolerated(error):
            continue
        path = list(error_path(error, absolute=True))
        named = [p for p in path if isinstance(p, str)]
        found.append(Problem(json_path(root, path), named[-1] if named else "", expected(error), label))
    return found


def _tolerated(error: ValidationError) -> bool:
    """A date-time without a time zone: ISO 8601 local time, readable; ORUK feeds write it so."""
    if (
        error.validator != "format"
        or error.validator_value != "date-time"
        or not isinstance(error.instance, str)
    ):
        return False
    try:
        dt.datetime.fromisoformat(error.instance)
    except ValueError:
        return False
    return True


def _v1_problems(root: str, data: dict[str, Any], label: str) -> list[Problem]:
    problems = []
    for name in ("id", "name"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            problems.append(
                Problem(json_path(root, [name]), name, "a non-empty string (ORUK v1 requires it)", label)
            )
    organisation = data.get("organization")
    if not isinstance(organisation, dict):
        problems.append(
            Problem(
                json_path(root, ["organization"]),
                "organization",
                "the organisation that runs the service, as an object with id and name",
                label,
            )
        )
    else:
        for name in ("id", "name"):
            if not isinstance(organisation.get(name), str) or not organisation[name].strip():
                problems.append(
                    Problem(json_path(root, ["organization", name]), name, "a non-empty string", label)
                )
    return problems


# ------------------------------------------------------------------------------------------ conversion


def _text(value: Any) -> str:
    plain = re.sub(r"<[^>]+>", " ", str(value or ""))
    return " ".join(html.unescape(plain).split())


def _organisation(data: dict[str, Any], postcodes: tuple[str, ...]) -> DirectoryOrganisation:
    organisation = data.get("organization") or {}
    directory_id = str(organisation.get("id") or data.get("organization_id") or data["id"])
    registered = []
    for ident in organisation.get("organization_identifiers") or organisation.get("identifiers") or []:
        if not isinstance(ident, dict):
            continue
        scheme = str(ident.get("identifier_scheme") or "").strip().upper()
        value = str(ident.get("identifier") or "").strip()
        if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]+", scheme) and value:
            registered.append(f"{scheme}-{value.replace(' ', '')}")
    local = f"{ORUK_PREFIX}-{directory_id}"
    primary = registered[0] if registered else local
    others = tuple(i for i in [*registered[1:], local] if i != primary)
    return DirectoryOrganisation(
        primary, _text(organisation.get("name")) or primary, next(iter(postcodes), ""), others
    )


def _service(root: str, data: dict[str, Any]) -> DirectoryService:
    v1 = is_v1(data)
    terms: list[str] = []
    if v1:
        for link in data.get("service_taxonomys") or []:
            taxonomy = link.get("taxonomy") if isinstance(link, dict) else None
            if isinstance(taxonomy, dict) and taxonomy.get("name"):
                terms.append(str(taxonomy["name"]))
        for elig in data.get("eligibilitys") or []:
            if isinstance(elig, dict) and elig.get("eligibility"):
                terms.append(str(elig["eligibility"]))
    else:
        for attribute in data.get("attributes") or []:
            term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
            if isinstance(term, dict) and (term.get("name") or term.get("term")):
                terms.append(str(term.get("name") or term.get("term")))
    for audience in data.get("pc_targetAudience") or []:  # the Bristol directory's own audience list
        if isinstance(audience, dict) and audience.get("audienceType"):
            terms.append(str(audience["audienceType"]))
    needs: list[str] = []
    for term in terms:
        needs.extend(n.value for n in needs_for(term) if n.value not in needs)
    places: list[str] = []
    postcodes: list[str] = []
    for area in data.get("service_areas") or []:
        if isinstance(area, dict):
            places.extend(str(area[k]) for k in ("name", "service_area", "extent") if area.get(k))
    for sal in data.get("service_at_locations") or []:
        location = sal.get("location") if isinstance(sal, dict) else None
        if not isinstance(location, dict):
            continue
        if location.get("external_identifier"):
            places.append(str(location["external_identifier"]))
        for address in location.get("physical_addresses" if v1 else "addresses") or []:
            postcode = normalise_postcode(str((address or {}).get("postal_code") or ""))
            if postcode:
                postcodes.append(postcode)
    unique_postcodes = tuple(dict.fromkeys(postcodes))
    return DirectoryService(
        key=f"oruk-{data['id']}"[:100],
        name=_text(data["name"]),
        description=_text(data.get("description")),
        organisation=_organisation(data, unique_postcodes),
        needs=tuple(needs),
        places=tuple(dict.fromkeys(places)),
        postcodes=unique_postcodes,
        terms=tuple(terms),
        version="1" if v1 else "3.0",
        where=root,
    )
