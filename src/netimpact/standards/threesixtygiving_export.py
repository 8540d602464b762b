"""The grants the register records, as a 360Giving Data Standard 1.4 package.

`grants_package(ecosystem, ...)` writes each grant-type funding tie (FundingKind.GRANT) as a 360Giving
grant: funder, recipient, amount over the grant's dates, planned dates and the wards it serves. Contracts
and subcontracts are not grants and are left out (the OCDS export covers what the council buys).

360Giving requires an award date. The register holds when a grant runs (start and end), not when it was
decided; the start date is written as the award date, and a grant with no start date is skipped and
reported in `GrantsExport.skipped` (the caller shows the list), never given an invented date.
docs/open-data-exports.md maps every field. This module writes; standards/threesixtygiving.py reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from netimpact.domain.ecosystem import Ecosystem, FundingTie, Organisation
from netimpact.domain.vocabulary import FundingKind

from .ocds_export import OGL_V3, split_org_id

SCHEMA_VERSION = "1.4"
CURRENCY = "GBP"

# Not registered with 360Giving: for the demo and tests only. A council publishing for real asks
# 360Giving for its prefix (https://standard.threesixtygiving.org/en/latest/technical/identifiers/) and sets
# NETIMPACT_360GIVING_PREFIX (web) or --grant-prefix (CLI).
DEMO_GRANT_PREFIX = "360G-netimpactdemo"
GRANT_PREFIX_PATTERN = re.compile(r"^360G-[A-Za-z0-9]+$")


class GrantsExportError(ValueError):
    """The grants cannot be written as asked; the message says what."""


@dataclass(slots=True)
class GrantsExport:
    package: dict[str, Any]
    skipped: list[str] = field(default_factory=list)  # one sentence per grant left out, saying why


def grants_package(
    ecosystem: Ecosystem,
    publisher: str,
    issued: datetime | date,
    prefix: str = DEMO_GRANT_PREFIX,
    publisher_id: str | None = None,
    funder: str | None = None,
    license: str | None = OGL_V3,
) -> GrantsExport:
    """Every grant in the register (or only `funder`'s) as a 360Giving package.

    A package with no grant is not valid 360Giving (`grants` needs one), so an empty selection raises
    GrantsExportError naming why each grant was left out.
    """
    if not GRANT_PREFIX_PATTERN.match(prefix):
        raise GrantsExportError(
            f"grant identifier prefix {prefix!r} is not of the form 360G-xxxx (letters and digits after "
            "360G-, as 360Giving assigns them)"
        )
    organisations = {o.id: o for o in ecosystem.organisations}
    services = {s.id: s for s in ecosystem.services}
    wards = {w.code: w.name for w in ecosystem.wards}
    grants: list[dict[str, Any]] = []
    skipped: list[str] = []
    for tie in _grants(ecosystem.funding, funder):
        if tie.start is None:
            skipped.append(f"{tie.id}: the register holds no start date, and 360Giving needs an award date")
            continue
        ward_codes = services[tie.service].wards if tie.service in services else []
        recipient = organisations.get(tie.recipient)
        if not ward_codes and recipient is not None:
            ward_codes = recipient.wards
        grants.append(
            grant_record(tie, prefix, organisations, [(code, wards.get(code, code)) for code in ward_codes])
        )
    if not grants:
        reason = (
            "; ".join(skipped)
            if skipped
            else "the register records no grants" + (f" from {funder}" if funder else "")
        )
        raise GrantsExportError(f"no grant can be written: {reason}")
    package: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "title": f"Grants recorded in {ecosystem.name}",
        "description": (
            "Grants recorded in the council's ecosystem register (netimpact), written to the 360Giving "
            "Data Standard. The award date is the date each grant started."
        ),
        "issued": issued.isoformat(),
        "publisher": {"name": publisher, **({"identifier": publisher_id} if publisher_id else {})},
    }
    if license:
        package["license"] = license
    package["grants"] = grants
    return GrantsExport(package=package, skipped=skipped)


def _grants(funding: Iterable[FundingTie], funder: str | None) -> list[FundingTie]:
    return sorted(
        (t for t in funding if t.kind == FundingKind.GRANT and (funder is None or t.funder == funder)),
        key=lambda t: t.id,
    )


def grant_record(
    tie: FundingTie,
    prefix: str,
    organisations: dict[str, Organisation],
    wards: list[tuple[str, str]],
) -> dict[str, Any]:
    assert tie.start is not None
    months = duration_months(tie.start, tie.end)
    amount = tie.amount_per_year * (months / 12 if months is not None else 1)
    recipient = organisations.get(tie.recipient)
    funder = organisations.get(tie.funder)
    title = tie.description or f"Grant to {recipient.name if recipient else tie.recipient}"
    description = title + (
        "" if months is not None else " The register holds no end date: the amount is one year's."
    )
    planned: dict[str, Any] = {"startDate": tie.start.isoformat()}
    if tie.end is not None:
        planned["endDate"] = tie.end.isoformat()
    if months is not None:
        planned["duration"] = months
    grant: dict[str, Any] = {
        "id": f"{prefix}-{tie.id}",
        "title": title,
        "description": description,
        "currency": CURRENCY,
        "amountAwarded": round(amount, 2),
        "awardDate": tie.start.isoformat(),
        "plannedDates": [planned],
        "recipientOrganization": [organisation_record(tie.recipient, recipient)],
        "fundingOrganization": [{"id": tie.funder, "name": funder.name if funder else tie.funder}],
    }
    if wards:
        grant["beneficiaryLocation"] = [
            {"name": name, "geoCode": code, "geoCodeType": "WD", "countryCode": "GB"} for code, name in wards
        ]
    return grant


def organisation_record(org_id: str, organisation: Organisation | None) -> dict[str, Any]:
    record: dict[str, Any] = {"id": org_id, "name": organisation.name if organisation else org_id}
    for other in organisation.org_ids if organisation else [org_id]:
        scheme, identifier = split_org_id(other)
        if scheme == "GB-CHC" and "charityNumber" not in record:
            record["charityNumber"] = identifier
        elif scheme == "GB-COH" and "companyNumber" not in record:
            record["companyNumber"] = identifier
    if organisation is not None and organisation.postcode:
        record["postalCode"] = organisation.postcode
        record["addressCountry"] = "United Kingdom"
    return record


def duration_months(start: date, end: date | None) -> int | None:
    """Whole months from `start` to `end` inclusive (1 April to 31 March is 12), None without an end."""
    if end is None:
        return None
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + (after.month - start.month)
    if after.day != start.day:
        months = round((after - start).days / 30.4375)
    return max(months, 0)
