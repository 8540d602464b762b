"""An exercise as an OCDS 1.1 release package: tender, lots and award criteria, bids, awards, parties.

`release_package(...)` takes the domain's exercise, the register (for names and parties), the bids when
they may be read (after the deadline: the web adapter asks netimpact.web.commissioning.sealing), the
engine's evaluation result when one was run (netimpact.engine.evaluation.Evaluation.to_dict(), as stored
in an EvaluationRun) and the award decision when one is recorded, and returns a JSON-ready dict.

Extensions used (vendored in standards/schemas/ocds/extensions, pinned to the commits in SOURCES.md):
lots, bids, awardCriteria, partyScale, submissionTerms (lots refers to it), sustainability, and our own
netimpact extension (standards/extensions/netimpact) for each bid's net impact, value per year and claims
with their evidence state, and organisations' VCSE status. docs/open-data-exports.md maps every field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from netimpact.domain.closing import closes_at
from netimpact.domain.commissioning import Bid, Exercise
from netimpact.domain.ecosystem import Ecosystem, Organisation
from netimpact.domain.vocabulary import OrgKind

OCDS_VERSION = "1.1"
CURRENCY = "GBP"
LOT_ID = "1"  # one lot: the exercise buys one service

# Not registered with the Open Contracting Partnership: fine for the demo and for tests, never for real
# publication. A council registers its own prefix (https://standard.open-contracting.org/1.1/en/schema/
# identifiers/) and sets NETIMPACT_OCID_PREFIX (web) or --ocid-prefix (CLI).
DEMO_OCID_PREFIX = "ocds-xxxxxx"
OCID_PREFIX_PATTERN = re.compile(r"^ocds-[a-z0-9]{6}$")

OGL_V3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

_EXTENSION_BASE = "https://raw.githubusercontent.com/open-contracting-extensions"
# The official extensions at the exact commits vendored in standards/schemas/ocds/extensions.
OFFICIAL_EXTENSIONS: dict[str, str] = {
    "ocds_lots_extension": f"{_EXTENSION_BASE}/ocds_lots_extension/8d3b52eb26ce0f1a015c91b665c120b17ef619a0/",
    "ocds_bid_extension": f"{_EXTENSION_BASE}/ocds_bid_extension/d62ff4b0ba393d823ca8113a9039b12edf7acb8f/",
    "ocds_awardCriteria_extension": (
        f"{_EXTENSION_BASE}/ocds_awardCriteria_extension/9391240f353e8536992938fe9f7987cd89235331/"
    ),
    "ocds_partyDetails_scale_extension": (
        f"{_EXTENSION_BASE}/ocds_partyDetails_scale_extension/152cd9fb74e021e537b17d84420615acf7dec032/"
    ),
    "ocds_submissionTerms_extension": (
        f"{_EXTENSION_BASE}/ocds_submissionTerms_extension/449ade63333a50f1e8cd2b0704c0a3c5e329a8a8/"
    ),
    "ocds_sustainability_extension": (
        f"{_EXTENSION_BASE}/ocds_sustainability_extension/b8d93a0edb8e0ac2f27f733cccf3884e392346e9/"
    ),
}

# The engine's component keys (netimpact.engine.report.COMPONENTS) and the extension's names for them.
COMPONENT_NAMES = {
    "committed_social_value": "committedSocialValue",
    "local_multiplier_value": "localMultiplierValue",
    "social_capital_at_risk": "socialCapitalAtRisk",
    "cost_of_falling_through": "costOfFallingThrough",
}

# UK company size classes (Companies Act 2006 ss.382 and 465, thresholds from April 2025), applied to the
# two measures the register holds: staff and annual income. A class needs both within its limits.
SCALE_LIMITS: tuple[tuple[str, int, float], ...] = (
    ("micro", 10, 1_000_000),
    ("small", 50, 15_000_000),
    ("medium", 250, 54_000_000),
)


class OcdsExportError(ValueError):
    """The exercise cannot be written as asked; the message says what and where."""


@dataclass(frozen=True, slots=True)
class Publication:
    """Who publishes the package, where, and under which identifiers."""

    publisher: str  # the council's name
    package_uri: str  # where this package is published
    netimpact_extension_url: str  # the netimpact extension's extension.json, as served by the web app
    published: datetime  # when the package is published (aware)
    ocid_prefix: str = DEMO_OCID_PREFIX
    publisher_uid: str | None = None  # the council's Org-ID, e.g. GB-LAE-BST
    license: str | None = OGL_V3
    tender_published: datetime | None = None  # when the exercise's criteria were published to bidders


@dataclass(frozen=True, slots=True)
class EvaluationRunInfo:
    """A stored run of the impact engine: its result dict and when it was made."""

    result: Mapping[str, Any]
    run_at: datetime | None = None
    inputs_hash: str | None = None


@dataclass(frozen=True, slots=True)
class AwardDecision:
    """The award decision for an exercise, as the decisions app records it (the adapter passes it in).

    `status` is OCDS awardStatus: "pending" while the standstill runs, "active" once the award is made,
    "cancelled" if withdrawn.
    """

    bid: str | None  # id of the winning bid; None: the exercise ends with no award
    date: datetime  # when the decision was made (aware)
    status: str = "pending"
    title: str = ""
    description: str = ""
    value_per_year: float | None = None  # None: the winning bid's price
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None


AWARD_STATUSES = ("pending", "active", "cancelled", "unsuccessful")


def ocid_for(exercise: Exercise, prefix: str) -> str:
    if not OCID_PREFIX_PATTERN.match(prefix):
        raise OcdsExportError(
            f"ocid prefix {prefix!r} is not of the form ocds-xxxxxx (six lower-case letters or digits "
            "assigned by the Open Contracting Partnership)"
        )
    return f"{prefix}-{exercise.id}"


def release_package(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bids: Sequence[Bid] | None,
    publication: Publication,
    evaluation: EvaluationRunInfo | None = None,
    award: AwardDecision | None = None,
    bid_dates: Mapping[str, datetime] | None = None,
) -> dict[str, Any]:
    """The exercise as an OCDS release package with one release.

    `bid_dates`: when each bid was received (bid id → aware datetime), where known (the web app's
    Bid.submitted_at; the domain's Bid does not carry it).

    `bids` None: a tender-only release (before the deadline the bids are sealed; nothing of them is
    written, not even how many there are). An evaluation or award needs the bids.
    """
    if bids is None and (evaluation is not None or award is not None):
        raise OcdsExportError("an evaluation or an award can only be written with the bids it is about")
    release = _release(ecosystem, exercise, bids, publication, evaluation, award, bid_dates or {})
    package: dict[str, Any] = {
        "uri": publication.package_uri,
        "version": OCDS_VERSION,
        "extensions": extension_urls(publication.netimpact_extension_url),
        "publishedDate": _when(publication.published),
        "publisher": _publisher(publication),
    }
    if publication.license:
        package["license"] = publication.license
    package["releases"] = [release]
    return package


def extension_urls(netimpact_extension_url: str) -> list[str]:
    return [f"{base}extension.json" for base in OFFICIAL_EXTENSIONS.values()] + [netimpact_extension_url]


def _publisher(publication: Publication) -> dict[str, Any]:
    publisher: dict[str, Any] = {"name": publication.publisher}
    if publication.publisher_uid:
        scheme, identifier = split_org_id(publication.publisher_uid)
        if scheme:
            publisher["scheme"] = scheme
            publisher["uid"] = identifier
    return publisher


# ---------------------------------------------------------------------------------------------- release


def _release(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bids: Sequence[Bid] | None,
    publication: Publication,
    evaluation: EvaluationRunInfo | None,
    award: AwardDecision | None,
    bid_dates: Mapping[str, datetime],
) -> dict[str, Any]:
    if exercise.deadline is None:
        raise OcdsExportError(f"exercise {exercise.id!r} has no deadline, so its tender period has no end")
    ocid = ocid_for(exercise, publication.ocid_prefix)
    if award is not None:
        _check_award(award, bids or [])
    parties = _Parties(ecosystem)
    commissioner = parties.add(exercise.commissioner, "buyer", "procuringEntity")
    evaluated = _evaluated_bids(evaluation)
    awarded = award is not None and award.bid is not None
    tags = ["tender"] + (["award"] if awarded else [])
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": "",  # set below from the content
        "date": "",
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": [],
        "buyer": commissioner,
        "tender": _tender(exercise, bids, commissioner, parties, publication, award),
    }
    moments = [publication.tender_published] if publication.tender_published else []
    if bids is not None:
        moments.append(closes_at(exercise.deadline))
        release["bids"] = _bids(ecosystem, exercise, bids, parties, evaluated, evaluation, bid_dates)
    if evaluation is not None and evaluation.run_at is not None:
        moments.append(evaluation.run_at)
    if award is not None:
        moments.append(award.date)
        if awarded:
            release["awards"] = [_award(exercise, award, bids or [], parties)]
    release["parties"] = parties.as_list()
    # The release's date is when its latest information arose (publication, closing, evaluation, award):
    # the same data always gives the same release, and its id changes exactly when its content does.
    release["date"] = _when(max(moments) if moments else closes_at(exercise.deadline))
    digest = hashlib.sha256(json.dumps(release, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    release["id"] = f"{ocid}-{'-'.join(tags)}-{digest}"
    return release


def _tender(
    exercise: Exercise,
    bids: Sequence[Bid] | None,
    commissioner: dict[str, str],
    parties: _Parties,
    publication: Publication,
    award: AwardDecision | None,
) -> dict[str, Any]:
    assert exercise.deadline is not None
    total = exercise.budget_per_year * exercise.term_years
    status = "active"
    if award is not None and award.bid is None:
        status = "unsuccessful"  # the decision was to make no award
    elif award is not None and award.status == "active":
        status = "complete"
    tender_period: dict[str, Any] = {"endDate": _when(closes_at(exercise.deadline))}
    if publication.tender_published:
        tender_period = {"startDate": _when(publication.tender_published), **tender_period}
    tender: dict[str, Any] = {
        "id": exercise.id,
        "title": exercise.title,
        "description": exercise.description or exercise.title,
        "status": status,
        "procuringEntity": commissioner,
        "value": _value(total),
        "procurementMethod": "open",
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": award_criteria_details(exercise),
        "tenderPeriod": tender_period,
        "contractPeriod": {"durationInDays": round(exercise.term_years * 365.25)},
        "hasSustainability": True,
        "sustainability": _sustainability(),
    }
    if bids is not None:
        tenderers = []
        for bidder in dict.fromkeys(b.bidder for b in bids):
            tenderers.append(parties.add(bidder, "tenderer"))
        tender["numberOfTenderers"] = len(tenderers)
        tender["tenderers"] = tenderers
    tender["lots"] = [
        {
            "id": LOT_ID,
            "title": exercise.title,
            "description": exercise.description or exercise.title,
            "status": status,
            "value": _value(total),
            "awardCriteria": {"criteria": award_criteria(exercise)},
            "hasSustainability": True,
            "sustainability": _sustainability(),
        }
    ]
    return tender


def award_criteria(exercise: Exercise) -> list[dict[str, Any]]:
    """The published weights as the awardCriteria extension's criteria: price, each quality question (its
    share of the quality weight), net impact. Decimal weights that add up to 1, as published."""
    criteria = exercise.criteria
    ceiling = (
        f" A price above the ceiling of {_money(exercise.price_ceiling_per_year)} a year is non-compliant."
        if exercise.price_ceiling_per_year is not None
        else ""
    )
    rows: list[dict[str, Any]] = [
        _criterion("price", "Price", f"Scored {criteria.price_formula.label}.{ceiling}", criteria.price)
    ]
    if exercise.quality_questions:
        for question in exercise.quality_questions:
            rows.append(
                _criterion(
                    "quality",
                    f"Quality: {question.text}",
                    f"Quality question {question.id}, {question.weight:.4g} of the quality criterion "
                    f"({criteria.quality:.4g}), scored 0 to {question.max_score} against the published "
                    "scale.",
                    criteria.quality * question.weight,
                )
            )
    else:
        rows.append(_criterion("quality", "Quality", "The moderated quality score.", criteria.quality))
    rows.append(
        _criterion(
            "quality",
            "Net impact on the city's ecosystem",
            "The bid's net impact against the status quo (committed social value and local multiplier "
            "value, less social capital put at risk and the cost of people falling through the gaps), "
            "scored 0 to 1 across the bids.",
            criteria.net_impact,
        )
    )
    return rows


def _criterion(kind: str, name: str, description: str, weight: float) -> dict[str, Any]:
    return {
        "type": kind,
        "name": name,
        "description": description,
        "numbers": [{"number": round(weight, 10), "weight": "decimalExact"}],
    }


def award_criteria_details(exercise: Exercise) -> str:
    criteria = exercise.criteria
    parts = [
        f"Most advantageous tender on published rated criteria: price {criteria.price:.0%}, "
        f"quality {criteria.quality:.0%}, net impact on the city's ecosystem {criteria.net_impact:.0%}.",
        f"Price is scored {criteria.price_formula.label}.",
    ]
    if exercise.quality_questions:
        questions = "; ".join(f"{q.text} ({q.weight:.0%})" for q in exercise.quality_questions)
        parts.append(
            f"Quality is the weighted score on {len(exercise.quality_questions)} questions: {questions}."
        )
    if exercise.price_ceiling_per_year is not None:
        parts.append(f"A price above {_money(exercise.price_ceiling_per_year)} a year is non-compliant.")
    return " ".join(parts)


def _sustainability() -> list[dict[str, Any]]:
    return [
        {
            "goal": "social",
            "strategies": ["awardCriteria"],
            "description": "Net impact on the city's voluntary, community and social enterprise ecosystem "
            "(people falling through the gaps between services, organisations put at risk) is an award "
            "criterion.",
        },
        {
            "goal": "economic.localEconomyPromotion",
            "strategies": ["awardCriteria"],
            "description": "Money retained in the city (the local multiplier) is part of net impact.",
        },
    ]


# ------------------------------------------------------------------------------------------------- bids


def _evaluated_bids(evaluation: EvaluationRunInfo | None) -> dict[str, Mapping[str, Any]]:
    if evaluation is None:
        return {}
    return {b["bid"]: b for b in evaluation.result.get("bids", [])}


def _bids(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bids: Sequence[Bid],
    parties: _Parties,
    evaluated: Mapping[str, Mapping[str, Any]],
    evaluation: EvaluationRunInfo | None,
    bid_dates: Mapping[str, datetime],
) -> dict[str, Any]:
    assert exercise.deadline is not None
    ranking = (evaluation.result.get("ranking") if evaluation else None) or {}
    details = []
    for bid in bids:
        result = evaluated.get(bid.id)
        tenderer = parties.add(bid.bidder, "tenderer")
        detail: dict[str, Any] = {"id": bid.id}
        if bid.id in bid_dates:
            detail["date"] = _when(bid_dates[bid.id])
        detail |= {
            "description": bid.title + (f": {bid.summary}" if bid.summary else ""),
            "status": _bid_status(result),
            "tenderers": [tenderer],
            "value": _value(bid.price_per_year * exercise.term_years),
            "valuePerYear": _value(bid.price_per_year),
            "relatedLots": [LOT_ID],
        }
        claims = _claims(ecosystem, bid, parties)
        if claims:
            detail["claims"] = claims
        if result is not None:
            detail["netImpact"] = _net_impact(bid, result, ranking)
        details.append(detail)
    package: dict[str, Any] = {
        "statistics": _statistics(ecosystem, exercise, bids, evaluated),
        "details": details,
    }
    if evaluation is not None:
        package["netImpactEvaluation"] = _evaluation_run(evaluation)
    return package


def _bid_status(result: Mapping[str, Any] | None) -> str:
    """pending until evaluated; then valid, or disqualified when its price breaks the published ceiling."""
    if result is None:
        return "pending"
    return "valid" if result.get("compliant", True) else "disqualified"


def _statistics(
    ecosystem: Ecosystem, exercise: Exercise, bids: Sequence[Bid], evaluated: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    assert exercise.deadline is not None
    closing = _when(closes_at(exercise.deadline))
    rows: list[tuple[str, float, bool]] = [
        ("bids", len(bids), False),
        ("bidders", len({b.bidder for b in bids}), False),
    ]
    if evaluated:
        valid = [b for b in bids if evaluated.get(b.id, {}).get("compliant", True)]
        rows.append(("validBids", len(valid), False))
        rows.append(("disqualifiedBids", len(bids) - len(valid), False))
        if valid:
            totals = [b.price_per_year * exercise.term_years for b in valid]
            rows.append(("lowestValidBidValue", min(totals), True))
            rows.append(("highestValidBidValue", max(totals), True))
    scales = [organisation_scale(_organisation(ecosystem, b.bidder)) for b in bids]
    rows.append(("microBids", scales.count("micro"), False))
    rows.append(("smallBids", scales.count("small"), False))
    rows.append(("mediumBids", scales.count("medium"), False))
    rows.append(("smeBids", sum(s in ("micro", "small", "medium") for s in scales), False))
    statistics = []
    for number, (measure, value, money) in enumerate(rows, start=1):
        row: dict[str, Any] = {"id": str(number), "measure": measure, "date": closing, "value": value}
        if money:
            row["currency"] = CURRENCY
        row["relatedLot"] = LOT_ID
        statistics.append(row)
    return statistics


def _claims(ecosystem: Ecosystem, bid: Bid, parties: _Parties) -> list[dict[str, Any]]:
    claims: list[dict[str, Any]] = []
    for number, subcontract in enumerate(bid.subcontracts, start=1):
        claims.append(
            {
                "id": f"subcontract-{number}",
                "type": "subcontract",
                "description": subcontract.description or "Subcontract",
                "partner": parties.add(subcontract.partner, "namedPartner"),
                "amountPerYear": _value(subcontract.amount_per_year),
                "evidenceState": subcontract.state.value,
            }
        )
    for number, partnership in enumerate(bid.partnerships, start=1):
        service = _service(ecosystem, partnership.partner_service)
        claim: dict[str, Any] = {
            "id": f"partnership-{number}",
            "type": "partnership",
            "description": partnership.description or partnership.mechanism.label,
        }
        if service is not None:
            claim["partner"] = parties.add(service.organisation, "namedPartner")
            claim["partnerService"] = service.name
        else:
            claim["partnerService"] = partnership.partner_service
        claim["mechanism"] = partnership.mechanism.value
        claim["evidenceState"] = partnership.state.value
        claims.append(claim)
    for number, commitment in enumerate(bid.commitments, start=1):
        claim = {
            "id": f"commitment-{number}",
            "type": "commitment",
            "description": commitment.description or commitment.kind.label,
            "commitmentKind": commitment.kind.value,
            "quantityPerYear": commitment.quantity_per_year,
        }
        if commitment.partner:
            claim["partner"] = parties.add(commitment.partner, "namedPartner")
        claim["evidenceState"] = commitment.state.value
        claims.append(claim)
    return claims


def _net_impact(bid: Bid, result: Mapping[str, Any], ranking: Mapping[str, Any]) -> dict[str, Any]:
    net = result["net_impact"]
    price_scores = {p["bid"]: p.get("score") for p in (ranking.get("price") or {}).get("bids", [])}
    figure: dict[str, Any] = {
        **_figure(net),
        "components": {
            name: _figure(result["components"][key])
            for key, name in COMPONENT_NAMES.items()
            if key in result.get("components", {})
        },
        "compliant": bool(result.get("compliant", True)),
        "priceScore": price_scores.get(bid.id),
        "qualityScore": bid.quality_score,
        "netImpactScore": (ranking.get("net_impact_score_median") or {}).get(bid.id),
        "awardScore": (ranking.get("award_score_median") or {}).get(bid.id),
        "winProbability": (ranking.get("win_probability") or {}).get(bid.id),
        "organisationsAtRisk": len(result.get("organisations_at_risk", [])),
    }
    return figure


def _figure(figure: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "median": figure.get("median"),
        "interval90": {"low": figure.get("low"), "high": figure.get("high")},
        "explanation": figure.get("explanation") or None,
    }


def _evaluation_run(evaluation: EvaluationRunInfo) -> dict[str, Any]:
    result = evaluation.result
    parameters = result.get("parameters") or {}
    run: dict[str, Any] = {}
    if evaluation.run_at is not None:
        run["date"] = _when(evaluation.run_at)
    run.update(
        {
            "draws": result.get("draws"),
            "seed": result.get("seed"),
            "parameterSet": parameters.get("name"),
            "parameterVersion": parameters.get("version"),
        }
    )
    if evaluation.inputs_hash:
        run["inputsHash"] = evaluation.inputs_hash
    run["currency"] = CURRENCY
    run["description"] = (
        "Net impact is each bid's effect on the city's ecosystem of services against the status quo, "
        "simulated over the draws; figures are medians with 90% intervals in GBP over the contract term, "
        "discounted at the Green Book rate. Net impact is scored 0 to 1 across the bids and enters the "
        "award score with its published weight."
    )
    return run


# ---------------------------------------------------------------------------------------------- awards


def _check_award(award: AwardDecision, bids: Sequence[Bid]) -> None:
    if award.status not in AWARD_STATUSES:
        raise OcdsExportError(f"award status {award.status!r} is not one of {', '.join(AWARD_STATUSES)}")
    if award.bid is not None and award.bid not in {b.id for b in bids}:
        raise OcdsExportError(f"the award names bid {award.bid!r}, which is not one of the exercise's bids")
    if award.date.tzinfo is None:
        raise OcdsExportError("the award's date needs a time zone")


def _award(
    exercise: Exercise, award: AwardDecision, bids: Sequence[Bid], parties: _Parties
) -> dict[str, Any]:
    bid = next(b for b in bids if b.id == award.bid)
    per_year = bid.price_per_year if award.value_per_year is None else award.value_per_year
    supplier = parties.add(bid.bidder, "tenderer", "supplier")
    entry: dict[str, Any] = {
        "id": f"{exercise.id}-award-{bid.id}",
        "title": award.title or f"{exercise.title}: award to {supplier['name']}",
        "status": award.status,
        "date": _when(award.date),
        "value": _value(per_year * exercise.term_years),
        "suppliers": [supplier],
        "relatedLots": [LOT_ID],
        "relatedBids": [bid.id],
    }
    if award.description:
        entry["description"] = award.description
    if award.contract_start or award.contract_end:
        period: dict[str, Any] = {}
        if award.contract_start:
            period["startDate"] = _day(award.contract_start)
        if award.contract_end:
            period["endDate"] = _day(award.contract_end)
        entry["contractPeriod"] = period
    return entry


# --------------------------------------------------------------------------------------------- parties


class _Parties:
    """The release's parties, each once, with the roles it plays; references are {id, name}."""

    def __init__(self, ecosystem: Ecosystem) -> None:
        self.ecosystem = ecosystem
        self.parties: dict[str, dict[str, Any]] = {}

    def add(self, org_id: str, *roles: str) -> dict[str, str]:
        party = self.parties.get(org_id)
        if party is None:
            party = self.parties[org_id] = organisation_party(self.ecosystem, org_id)
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)
        return {"id": party["id"], "name": party["name"]}

    def as_list(self) -> list[dict[str, Any]]:
        return list(self.parties.values())


def organisation_party(ecosystem: Ecosystem, org_id: str) -> dict[str, Any]:
    organisation = _organisation(ecosystem, org_id)
    party: dict[str, Any] = {"id": org_id, "name": organisation.name if organisation else org_id}
    if organisation is None:
        party["roles"] = []
        return party
    identifier = _identifier(organisation.id, organisation.name)
    if identifier:
        party["identifier"] = identifier
    additional = [
        i
        for i in (_identifier(other, None) for other in organisation.org_ids if other != organisation.id)
        if i
    ]
    if additional:
        party["additionalIdentifiers"] = additional
    if organisation.postcode:
        party["address"] = {"postalCode": organisation.postcode, "countryName": "United Kingdom"}
    party["roles"] = []
    party["details"] = {
        "scale": organisation_scale(organisation),
        "vcse": organisation.kind.is_local_ecosystem,
        "organisationKind": organisation.kind.value,
    }
    return party


# Org-ID list codes: a country (or XI, XM...) and a register, e.g. GB-CHC, GB-COH, GB-LAE, GB-NHS.
_ORG_ID = re.compile(r"^([A-Z]{2}-[A-Z0-9]+)-(.+)$")


def split_org_id(org_id: str) -> tuple[str | None, str]:
    """(scheme, identifier) of an Org-ID such as GB-CHC-1234567; (None, the id) for other identifiers
    such as 360Giving's own 360G-... ids, which name no register."""
    match = _ORG_ID.match(org_id)
    if match is None:
        return None, org_id
    return match.group(1), match.group(2)


def _identifier(org_id: str, legal_name: str | None) -> dict[str, str] | None:
    scheme, identifier = split_org_id(org_id)
    if scheme is None:
        return None
    found = {"scheme": scheme, "id": identifier}
    if legal_name:
        found["legalName"] = legal_name
    return found


def organisation_scale(organisation: Organisation | None) -> str | None:
    """micro, small, medium or large by staff and income; None for public bodies and the NHS (not
    enterprises) and where the register holds no accounts."""
    if organisation is None or organisation.kind in (OrgKind.PUBLIC_BODY, OrgKind.NHS):
        return None
    finances = organisation.latest_finances
    if finances is None:
        return None
    for scale, staff_below, income_at_most in SCALE_LIMITS:
        if organisation.staff < staff_below and finances.income <= income_at_most:
            return scale
    return "large"


# ----------------------------------------------------------------------------------------------- little


def _organisation(ecosystem: Ecosystem, org_id: str) -> Organisation | None:
    try:
        return ecosystem.organisation(org_id)
    except KeyError:
        return None


def _service(ecosystem: Ecosystem, service_id: str) -> Any:
    try:
        return ecosystem.service(service_id)
    except KeyError:
        return None


def _value(amount: float) -> dict[str, Any]:
    return {"amount": float(amount), "currency": CURRENCY}


def _money(amount: float) -> str:
    return f"£{amount:,.0f}"


def _when(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise OcdsExportError(f"{moment.isoformat()} has no time zone; OCDS dates need one")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _day(day: date) -> str:
    return _when(datetime(day.year, day.month, day.day, tzinfo=UTC))
