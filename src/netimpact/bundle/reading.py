"""A bundle document to domain types, after the schema and the reference checks have passed."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from netimpact.domain.commissioning import (
    AwardCriteria,
    Bid,
    BidService,
    Commitment,
    Exercise,
    LocalSpend,
    Partnership,
    QualityQuestion,
    Subcontract,
)
from netimpact.domain.ecosystem import (
    Cohort,
    CommunityAsset,
    Ecosystem,
    FinancialYear,
    FundingTie,
    JointDelivery,
    Organisation,
    ReferralRoute,
    Service,
    SharedPremises,
    Ward,
)
from netimpact.domain.vocabulary import (
    ClaimState,
    CommitmentKind,
    EntryPoint,
    FundingKind,
    IncomeSource,
    JoinUpMechanism,
    LabelledEnum,
    Need,
    OrgKind,
    PriceFormula,
)

from .errors import BundleError, BundleIssue
from .references import reference_issues
from .validation import schema_issues

type JSON = dict[str, Any]


def _member[E: LabelledEnum](vocabulary: type[E], code: str) -> E:
    """The code list's member for a code the schema has already checked."""
    return vocabulary(code)  # type: ignore[call-arg]  # LabelledEnum's __new__ takes a label mypy can't see


@dataclass(slots=True)
class Bundle:
    """One exercise with its register and bids, as read from a bundle."""

    ecosystem: Ecosystem
    exercise: Exercise
    bids: list[Bid]
    parameter_overrides: dict[str, float] = field(default_factory=dict)  # the bundle's top-level `parameters`


def read_bundle(document: Mapping[str, Any] | str | os.PathLike[str]) -> Bundle:
    """Read a bundle from a parsed document or from a file path.

    Raises BundleError carrying every problem: unreadable JSON, then schema problems and broken references
    together. A missing or unreadable file raises OSError (FileNotFoundError, ...).
    """
    source: str | None = None
    if isinstance(document, str | os.PathLike):
        source = os.fspath(document)
        document = parse_bundle_text(Path(source).read_text(encoding="utf-8"), source=source)
    issues = validate_bundle(document)
    if issues:
        raise BundleError(issues, source=source)
    return bundle_from_document(document)


_SECTIONS = ("netimpact_bundle", "ecosystem", "exercise", "bids", "parameters")


def validate_bundle(document: Any) -> list[BundleIssue]:
    """Every schema problem and every broken reference in the document, section by section in document
    order (within a section, schema problems first)."""
    issues = schema_issues(document) + reference_issues(document)
    return sorted(issues, key=lambda issue: _section_rank(issue.path))


def _section_rank(path: str) -> int:
    head = path.removeprefix("$.").split(".")[0].split("[")[0]
    return _SECTIONS.index(head) if head in _SECTIONS else -1


def parse_bundle_text(text: str, source: str | None = None) -> JSON:
    """Parse JSON text strictly: no NaN or Infinity, no key given twice in one object."""
    repeated: list[str] = []

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                repeated.append(key)
            result[key] = value
        return result

    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not a JSON number")

    try:
        document = json.loads(text, object_pairs_hook=no_repeats, parse_constant=no_constants)
    except json.JSONDecodeError as error:
        issue = BundleIssue(f"line {error.lineno}, column {error.colno}", error.msg.lower(),
                            "a well-formed JSON document (RFC 8259)")
        raise BundleError([issue], source=source) from error
    except ValueError as error:
        raise BundleError([BundleIssue("$", str(error), "finite numbers only (RFC 8259)")], source) from error
    if repeated:
        issues = [BundleIssue("$", f"the key {key!r} appears twice in one object",
                              "each key once per object") for key in sorted(set(repeated))]
        raise BundleError(issues, source=source)
    if not isinstance(document, dict):
        raise BundleError([BundleIssue("$", f"the document is a JSON {type(document).__name__}",
                                       "a JSON object with netimpact_bundle, ecosystem, exercise and bids")],
                          source=source)
    return document


def bundle_from_document(document: Mapping[str, Any]) -> Bundle:
    """Domain types from a document that has passed validate_bundle."""
    return Bundle(
        ecosystem=ecosystem_from_document(document["ecosystem"]),
        exercise=exercise_from_document(document["exercise"]),
        bids=[bid_from_document(b) for b in document["bids"]],
        parameter_overrides={k: float(v) for k, v in document.get("parameters", {}).items()},
    )


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _optional_float(value: float | None) -> float | None:
    return None if value is None else float(value)


# The ecosystem -------------------------------------------------------------------------------------------


def ecosystem_from_document(data: JSON) -> Ecosystem:
    return Ecosystem(
        name=data["name"],
        year=data["year"],
        wards=[_ward(w) for w in data["wards"]],
        organisations=[_organisation(o) for o in data["organisations"]],
        services=[_service(s) for s in data["services"]],
        funding=[_funding_tie(t) for t in data["funding"]],
        referrals=[_referral(r) for r in data["referrals"]],
        shared_premises=[_premises(p) for p in data["shared_premises"]],
        joint_delivery=[_joint_delivery(j) for j in data["joint_delivery"]],
        cohorts=[_cohort(c) for c in data["cohorts"]],
    )


def _ward(data: JSON) -> Ward:
    return Ward(
        code=data["code"],
        name=data["name"],
        imd_score=_optional_float(data.get("imd_score")),
        imd_extent=_optional_float(data.get("imd_extent")),
        imd_proportion_most_deprived=_optional_float(data.get("imd_proportion_most_deprived")),
    )


def _financial_year(data: JSON) -> FinancialYear:
    return FinancialYear(
        year=data["year"],
        income_by_source={_member(IncomeSource, k): float(v) for k, v in data["income_by_source"].items()},
        expenditure=float(data["expenditure"]),
        free_reserves=float(data["free_reserves"]),
        net_assets=float(data["net_assets"]),
        admin_costs=float(data.get("admin_costs", 0.0)),
    )


def _organisation(data: JSON) -> Organisation:
    return Organisation(
        id=data["id"],
        name=data["name"],
        kind=_member(OrgKind, data["kind"]),
        org_ids=list(data.get("org_ids", [])),
        wards=list(data.get("wards", [])),
        year_founded=data.get("year_founded"),
        finances=[_financial_year(f) for f in data.get("finances", [])],
        staff=data.get("staff", 0),
        local_staff=data.get("local_staff", 0),
        volunteers=data.get("volunteers", 0),
        volunteer_hours_per_year=float(data.get("volunteer_hours_per_year", 0.0)),
        people_reached_per_year=data.get("people_reached_per_year", 0),
        community_assets=[
            CommunityAsset(a["name"], a["kind"], float(a.get("community_hours_per_week", 0.0)))
            for a in data.get("community_assets", [])
        ],
        postcode=data.get("postcode"),
        fictional=data.get("fictional", False),
    )


def _service(data: JSON) -> Service:
    return Service(
        id=data["id"],
        name=data["name"],
        organisation=data["organisation"],
        needs=[_member(Need, n) for n in data["needs"]],
        capacity_per_year=float(data["capacity_per_year"]),
        eligible_cohorts=list(data.get("eligible_cohorts", [])),
        wards=list(data.get("wards", [])),
        entry_points=[_member(EntryPoint, e) for e in data.get("entry_points", [])],
        description=data.get("description", ""),
    )


def _funding_tie(data: JSON) -> FundingTie:
    return FundingTie(
        id=data["id"],
        funder=data["funder"],
        recipient=data["recipient"],
        kind=_member(FundingKind, data["kind"]),
        amount_per_year=float(data["amount_per_year"]),
        service=data.get("service"),
        start=_date(data.get("start")),
        end=_date(data.get("end")),
        description=data.get("description", ""),
    )


def _referral(data: JSON) -> ReferralRoute:
    return ReferralRoute(
        id=data["id"],
        from_service=data["from_service"],
        to_service=data["to_service"],
        people_per_year=float(data["people_per_year"]),
        income_per_year=float(data.get("income_per_year", 0.0)),
    )


def _premises(data: JSON) -> SharedPremises:
    return SharedPremises(
        id=data["id"],
        host=data["host"],
        tenant=data["tenant"],
        premises=data["premises"],
        replacement_cost=float(data["replacement_cost"]),
    )


def _joint_delivery(data: JSON) -> JointDelivery:
    return JointDelivery(
        id=data["id"],
        organisations=list(data["organisations"]),
        service=data.get("service"),
        description=data.get("description", ""),
    )


def _cohort(data: JSON) -> Cohort:
    return Cohort(
        id=data["id"],
        name=data["name"],
        needs=[_member(Need, n) for n in data["needs"]],
        size_per_year=float(data["size_per_year"]),
        entry_shares={_member(EntryPoint, k): float(v) for k, v in data["entry_shares"].items()},
        wards=list(data.get("wards", [])),
        unit_cost_unmet_need=float(data.get("unit_cost_unmet_need", 0.0)),
        description=data.get("description", ""),
    )


# The exercise and its bids -------------------------------------------------------------------------------


def exercise_from_document(data: JSON) -> Exercise:
    criteria = data.get("criteria")
    return Exercise(
        id=data["id"],
        title=data["title"],
        commissioner=data["commissioner"],
        description=data["description"],
        cohorts=list(data["cohorts"]),
        budget_per_year=float(data["budget_per_year"]),
        term_years=data["term_years"],
        replaced_streams=list(data["replaced_streams"]),
        price_ceiling_per_year=_optional_float(data.get("price_ceiling_per_year")),
        wards=list(data.get("wards", [])),
        criteria=AwardCriteria() if criteria is None else AwardCriteria(
            price=float(criteria["price"]),
            quality=float(criteria["quality"]),
            net_impact=float(criteria["net_impact"]),
            price_formula=_member(PriceFormula, criteria["price_formula"]),
        ),
        quality_questions=[
            QualityQuestion(q["id"], q["text"], float(q["weight"]), q.get("max_score", 4))
            for q in data.get("quality_questions", [])
        ],
        deadline=_date(data.get("deadline")),
        parameters={k: float(v) for k, v in data.get("parameters", {}).items()},
    )


def bid_from_document(data: JSON) -> Bid:
    service = data["service"]
    spend = data.get("local_spend")
    return Bid(
        id=data["id"],
        exercise=data["exercise"],
        bidder=data["bidder"],
        title=data["title"],
        price_per_year=float(data["price_per_year"]),
        service=BidService(
            name=service["name"],
            needs=[_member(Need, n) for n in service["needs"]],
            capacity_per_year=float(service["capacity_per_year"]),
            eligible_cohorts=list(service.get("eligible_cohorts", [])),
            wards=list(service.get("wards", [])),
            entry_points=[_member(EntryPoint, e) for e in service.get("entry_points", [])],
        ),
        subcontracts=[
            Subcontract(s["partner"], float(s["amount_per_year"]),
                        _member(ClaimState, s.get("state", "unanswered")), s.get("description", ""))
            for s in data.get("subcontracts", [])
        ],
        partnerships=[
            Partnership(p["partner_service"], _member(JoinUpMechanism, p["mechanism"]), p.get("cohort"),
                        _member(ClaimState, p.get("state", "unanswered")), p.get("description", ""))
            for p in data.get("partnerships", [])
        ],
        commitments=[
            Commitment(_member(CommitmentKind, c["kind"]), float(c["quantity_per_year"]), c.get("partner"),
                       _member(ClaimState, c.get("state", "confirmed")), c.get("description", ""))
            for c in data.get("commitments", [])
        ],
        local_spend=None if spend is None else LocalSpend(
            local_staff_wages=float(spend.get("local_staff_wages", 0.0)),
            local_suppliers=float(spend.get("local_suppliers", 0.0)),
        ),
        quality_score=_optional_float(data.get("quality_score")),
        summary=data.get("summary", ""),
    )
