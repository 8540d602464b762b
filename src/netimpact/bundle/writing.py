"""Domain types to a bundle document: plain JSON values in a fixed, canonical order.

Two exports of the same register give the same bytes: records are sorted by id, set-like lists are sorted,
floats are written as floats and integers as integers, whatever the caller passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
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
from netimpact.engine.parameters import ParameterSet

FORMAT_VERSION = "1.0"

type JSON = dict[str, Any]


def write_bundle(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bids: Iterable[Bid],
    parameters: Mapping[str, float] | ParameterSet | None = None,
) -> JSON:
    """The bundle document for one exercise: JSON-ready, canonical, valid against bundle.schema.json.

    `parameters` become the bundle's overrides: a mapping of name to value, or a ParameterSet, of which
    the values that differ from the defaults are written (a bundle carries values, not distributions or
    sources).
    """
    if isinstance(parameters, ParameterSet):
        defaults = ParameterSet.default()
        parameters = {p.name: p.value for p in parameters if p.value != defaults[p.name]}
    document: JSON = {
        "netimpact_bundle": FORMAT_VERSION,
        "ecosystem": ecosystem_document(ecosystem),
        "exercise": exercise_document(exercise),
        "bids": [bid_document(bid) for bid in sorted(bids, key=lambda b: b.id)],
    }
    if parameters:
        document["parameters"] = _parameters(parameters)
    return document


def _sorted_codes(values: Iterable[str]) -> list[str]:
    return sorted(str(v) for v in values)


def _number(value: float) -> float:
    return float(value)


def _optional_number(value: float | None) -> float | None:
    return None if value is None else float(value)


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _code(value: StrEnum) -> str:
    return str(value.value)


def _parameters(parameters: Mapping[str, float]) -> dict[str, float]:
    return {name: float(parameters[name]) for name in sorted(parameters)}


# The ecosystem -------------------------------------------------------------------------------------------


def ecosystem_document(ecosystem: Ecosystem) -> JSON:
    return {
        "name": ecosystem.name,
        "year": int(ecosystem.year),
        "wards": [_ward(w) for w in sorted(ecosystem.wards, key=lambda w: w.code)],
        "organisations": [_organisation(o) for o in sorted(ecosystem.organisations, key=lambda o: o.id)],
        "services": [_service(s) for s in sorted(ecosystem.services, key=lambda s: s.id)],
        "funding": [_funding_tie(t) for t in sorted(ecosystem.funding, key=lambda t: t.id)],
        "referrals": [_referral(r) for r in sorted(ecosystem.referrals, key=lambda r: r.id)],
        "shared_premises": [_premises(p) for p in sorted(ecosystem.shared_premises, key=lambda p: p.id)],
        "joint_delivery": [_joint_delivery(j) for j in sorted(ecosystem.joint_delivery, key=lambda j: j.id)],
        "cohorts": [_cohort(c) for c in sorted(ecosystem.cohorts, key=lambda c: c.id)],
    }


def _ward(ward: Ward) -> JSON:
    return {
        "code": ward.code,
        "name": ward.name,
        "imd_score": _optional_number(ward.imd_score),
        "imd_extent": _optional_number(ward.imd_extent),
        "imd_proportion_most_deprived": _optional_number(ward.imd_proportion_most_deprived),
    }


def _financial_year(year: FinancialYear) -> JSON:
    return {
        "year": int(year.year),
        "income_by_source": {
            _code(source): _number(year.income_by_source[source])
            for source in sorted(year.income_by_source, key=_code)
        },
        "expenditure": _number(year.expenditure),
        "free_reserves": _number(year.free_reserves),
        "net_assets": _number(year.net_assets),
        "admin_costs": _number(year.admin_costs),
    }


def _community_asset(asset: CommunityAsset) -> JSON:
    return {
        "name": asset.name,
        "kind": asset.kind,
        "community_hours_per_week": _number(asset.community_hours_per_week),
    }


def _organisation(organisation: Organisation) -> JSON:
    aliases = sorted({i for i in organisation.org_ids if i != organisation.id})
    return {
        "id": organisation.id,
        "name": organisation.name,
        "kind": _code(organisation.kind),
        "org_ids": [organisation.id, *aliases],
        "wards": _sorted_codes(set(organisation.wards)),
        "year_founded": None if organisation.year_founded is None else int(organisation.year_founded),
        "finances": [_financial_year(f) for f in sorted(organisation.finances, key=lambda f: f.year)],
        "staff": int(organisation.staff),
        "local_staff": int(organisation.local_staff),
        "volunteers": int(organisation.volunteers),
        "volunteer_hours_per_year": _number(organisation.volunteer_hours_per_year),
        "people_reached_per_year": int(organisation.people_reached_per_year),
        # Assets carry no id; sorting by name and kind keeps two exports identical.
        "community_assets": [
            _community_asset(a) for a in sorted(organisation.community_assets, key=lambda a: (a.name, a.kind))
        ],
        "postcode": organisation.postcode,
        "fictional": bool(organisation.fictional),
    }


def _service(service: Service) -> JSON:
    return {
        "id": service.id,
        "name": service.name,
        "organisation": service.organisation,
        "needs": _sorted_codes(set(service.needs)),
        "capacity_per_year": _number(service.capacity_per_year),
        "eligible_cohorts": _sorted_codes(set(service.eligible_cohorts)),
        "wards": _sorted_codes(set(service.wards)),
        "entry_points": _sorted_codes(set(service.entry_points)),
        "description": service.description,
    }


def _funding_tie(tie: FundingTie) -> JSON:
    return {
        "id": tie.id,
        "funder": tie.funder,
        "recipient": tie.recipient,
        "kind": _code(tie.kind),
        "amount_per_year": _number(tie.amount_per_year),
        "service": tie.service,
        "start": _date(tie.start),
        "end": _date(tie.end),
        "description": tie.description,
    }


def _referral(route: ReferralRoute) -> JSON:
    return {
        "id": route.id,
        "from_service": route.from_service,
        "to_service": route.to_service,
        "people_per_year": _number(route.people_per_year),
        "income_per_year": _number(route.income_per_year),
    }


def _premises(premises: SharedPremises) -> JSON:
    return {
        "id": premises.id,
        "host": premises.host,
        "tenant": premises.tenant,
        "premises": premises.premises,
        "replacement_cost": _number(premises.replacement_cost),
    }


def _joint_delivery(joint: JointDelivery) -> JSON:
    return {
        "id": joint.id,
        "organisations": _sorted_codes(set(joint.organisations)),
        "service": joint.service,
        "description": joint.description,
    }


def _cohort(cohort: Cohort) -> JSON:
    return {
        "id": cohort.id,
        "name": cohort.name,
        "needs": _sorted_codes(set(cohort.needs)),
        "size_per_year": _number(cohort.size_per_year),
        "entry_shares": {
            _code(entry): _number(cohort.entry_shares[entry])
            for entry in sorted(cohort.entry_shares, key=_code)
        },
        "wards": _sorted_codes(set(cohort.wards)),
        "unit_cost_unmet_need": _number(cohort.unit_cost_unmet_need),
        "description": cohort.description,
    }


# The exercise and its bids -------------------------------------------------------------------------------


def exercise_document(exercise: Exercise) -> JSON:
    return {
        "id": exercise.id,
        "title": exercise.title,
        "commissioner": exercise.commissioner,
        "description": exercise.description,
        "cohorts": _sorted_codes(set(exercise.cohorts)),
        "budget_per_year": _number(exercise.budget_per_year),
        "term_years": int(exercise.term_years),
        "replaced_streams": _sorted_codes(set(exercise.replaced_streams)),
        "price_ceiling_per_year": _optional_number(exercise.price_ceiling_per_year),
        "wards": _sorted_codes(set(exercise.wards)),
        "criteria": _criteria(exercise.criteria),
        # The published order of the questions is meaningful: kept as given.
        "quality_questions": [_question(q) for q in exercise.quality_questions],
        "deadline": _date(exercise.deadline),
        "parameters": _parameters(exercise.parameters),
    }


def _criteria(criteria: AwardCriteria) -> JSON:
    return {
        "price": _number(criteria.price),
        "quality": _number(criteria.quality),
        "net_impact": _number(criteria.net_impact),
        "price_formula": _code(criteria.price_formula),
    }


def _question(question: QualityQuestion) -> JSON:
    return {
        "id": question.id,
        "text": question.text,
        "weight": _number(question.weight),
        "max_score": int(question.max_score),
    }


def bid_document(bid: Bid) -> JSON:
    return {
        "id": bid.id,
        "exercise": bid.exercise,
        "bidder": bid.bidder,
        "title": bid.title,
        "price_per_year": _number(bid.price_per_year),
        "service": _bid_service(bid.service),
        "subcontracts": [_subcontract(s) for s in sorted(bid.subcontracts, key=subcontract_order)],
        "partnerships": [_partnership(p) for p in sorted(bid.partnerships, key=partnership_order)],
        "commitments": [_commitment(c) for c in sorted(bid.commitments, key=commitment_order)],
        "local_spend": _local_spend(bid.local_spend),
        "quality_score": _optional_number(bid.quality_score),
        "summary": bid.summary,
    }


def subcontract_order(subcontract: Subcontract) -> tuple[str, float, str, str]:
    return (subcontract.partner, float(subcontract.amount_per_year), _code(subcontract.state),
            subcontract.description)


def partnership_order(partnership: Partnership) -> tuple[str, str, str, str, str]:
    return (partnership.partner_service, _code(partnership.mechanism), partnership.cohort or "",
            _code(partnership.state), partnership.description)


def commitment_order(commitment: Commitment) -> tuple[str, str, float, str, str]:
    return (_code(commitment.kind), commitment.partner or "", float(commitment.quantity_per_year),
            _code(commitment.state), commitment.description)


def _bid_service(service: BidService) -> JSON:
    return {
        "name": service.name,
        "needs": _sorted_codes(set(service.needs)),
        "capacity_per_year": _number(service.capacity_per_year),
        "eligible_cohorts": _sorted_codes(set(service.eligible_cohorts)),
        "wards": _sorted_codes(set(service.wards)),
        "entry_points": _sorted_codes(set(service.entry_points)),
    }


def _subcontract(subcontract: Subcontract) -> JSON:
    return {
        "partner": subcontract.partner,
        "amount_per_year": _number(subcontract.amount_per_year),
        "state": _code(subcontract.state),
        "description": subcontract.description,
    }


def _partnership(partnership: Partnership) -> JSON:
    return {
        "partner_service": partnership.partner_service,
        "mechanism": _code(partnership.mechanism),
        "cohort": partnership.cohort,
        "state": _code(partnership.state),
        "description": partnership.description,
    }


def _commitment(commitment: Commitment) -> JSON:
    return {
        "kind": _code(commitment.kind),
        "quantity_per_year": _number(commitment.quantity_per_year),
        "partner": commitment.partner,
        "state": _code(commitment.state),
        "description": commitment.description,
    }


def _local_spend(spend: LocalSpend | None) -> JSON | None:
    if spend is None:
        return None
    return {
        "local_staff_wages": _number(spend.local_staff_wages),
        "local_suppliers": _number(spend.local_suppliers),
    }
