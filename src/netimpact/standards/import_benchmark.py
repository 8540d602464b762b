"""Synthetic 360Giving grants shaped like the real files, for the import benchmark (`netimpact bench
--scales imports`).

Shapes taken from the files in shared/data/360giving: a few hundred funders (trusts as GB-CHC, councils
as GB-LAE) each giving to a few thousand recipients (GB-CHC 60%, GB-COH 25%, 360G- local ids 15%, as in
Trafford and the A B Charitable Trust), one recipient and one funder a grant, amounts from a few hundred
pounds to six figures (log-normal), planned dates on half the grants (a duration in months on a quarter),
and a beneficiary location on most: a Bristol ward (E05010885-E05010918), the city or the UK.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from netimpact.domain.wards import load_bristol_wards

TOWNS = ("Bristol", "Bath", "Manchester", "Trafford", "London", "Leeds", "Cardiff")
WORDS = (
    "Community",
    "Youth",
    "Trust",
    "Project",
    "Centre",
    "Network",
    "Action",
    "Support",
    "Arts",
    "Food",
    "Housing",
    "Recovery",
    "Family",
    "Voices",
    "Garden",
    "Sports",
    "Care",
    "Advice",
    "Women's",
    "Men's",
)
PROGRAMMES = ("Open Programme", "Small Grants", "Voluntary Sector Grants", "Community Fund", "Recovery Fund")


def _postcode(rng: random.Random) -> str:
    area = rng.choice(("BS", "BA", "M", "LS", "CF", "E", "N", "SE"))
    return (
        f"{area}{rng.randint(1, 20)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    )


def _org(rng: random.Random, number: int, funder: bool) -> dict[str, Any]:
    name = f"{rng.choice(TOWNS)} {rng.choice(WORDS)} {rng.choice(WORDS)} {number}"
    roll = rng.random()
    if funder:
        org_id = (
            f"GB-LAE-{'ABCDEFGHJK'[number % 10]}{number:03d}" if roll < 0.2 else f"GB-CHC-{200000 + number}"
        )
        return {"id": org_id, "name": f"{name} Foundation"}
    if roll < 0.6:
        org: dict[str, Any] = {"id": f"GB-CHC-{1000000 + number}", "charityNumber": str(1000000 + number)}
    elif roll < 0.85:
        org = {"id": f"GB-COH-{number:08d}", "companyNumber": f"{number:08d}"}
    else:
        org = {"id": f"360G-bench-{number}"}
    org.update({"name": name, "postalCode": _postcode(rng), "addressLocality": rng.choice(TOWNS)})
    return org


def synthetic_grants(
    count: int, funders: int = 300, recipients: int = 3_000, seed: int = 0
) -> dict[str, Any]:
    rng = random.Random(seed)
    funder_orgs = [_org(rng, n, True) for n in range(funders)]
    recipient_orgs = [_org(rng, n, False) for n in range(recipients)]
    wards = [w.code for w in load_bristol_wards()]
    grants = []
    start = dt.date(2013, 1, 1)
    for number in range(count):
        award = start + dt.timedelta(days=rng.randint(0, 4000))
        amount = round(min(rng.lognormvariate(8.5, 1.3), 2_000_000), 2)
        funder = funder_orgs[int(rng.paretovariate(1.2)) % funders]
        grant: dict[str, Any] = {
            "id": f"360G-bench-{number:07d}",
            "title": f"Grant to {recipient_orgs[number % recipients]['name']}",
            "description": "A grant towards core costs and a community project.",
            "currency": "GBP",
            "amountAwarded": amount,
            "awardDate": award.isoformat(),
            "recipientOrganization": [recipient_orgs[rng.randrange(recipients)]],
            "fundingOrganization": [funder],
            "grantProgramme": [{"title": rng.choice(PROGRAMMES)}],
            "dataSource": "https://example.org/grants",
        }
        roll = rng.random()
        if roll < 0.25:
            grant["plannedDates"] = [{"duration": rng.choice((6, 12, 24, 36))}]
        elif roll < 0.5:
            end = award + dt.timedelta(days=rng.choice((180, 365, 730, 1095)))
            grant["plannedDates"] = [{"startDate": award.isoformat(), "endDate": end.isoformat()}]
        place = rng.random()
        if place < 0.6:
            ward = rng.choice(wards)
            grant["beneficiaryLocation"] = [
                {"name": ward, "geoCode": ward, "geoCodeType": "WD", "countryCode": "GB"}
            ]
        elif place < 0.8:
            grant["beneficiaryLocation"] = [{"name": "Bristol", "geoCode": "E06000023", "geoCodeType": "UA"}]
        grants.append(grant)
    return {"grants": grants}


def write_synthetic_grants(path: Path, count: int, seed: int = 0) -> Path:
    funders, recipients = (max(3, count // 300), max(10, count // 30)) if count < 100_000 else (300, 3_000)
    document = synthetic_grants(count, funders, recipients, seed)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
