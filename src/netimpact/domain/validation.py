"""Checks that a register, an exercise and its bids hang together, naming what is wrong and where.

Each check returns a list of Problems rather than raising, so an import can show every problem at once.
Errors make the data unusable for the engine (a tie naming an unknown organisation, entry shares that do
not sum to 1, negative money); warnings are doubts a person should look at (ties from public bodies that
add up to more than the recipient's recorded government income).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .commissioning import Bid, Exercise
from .ecosystem import Ecosystem, FinancialYear, FundingTie, Organisation
from .vocabulary import ClaimState, FundingKind, IncomeSource, OrgKind

SHARE_TOLERANCE = 1e-6  # entry shares and weights may differ from 1 by float rounding only
MONEY_TOLERANCE = 1.0  # £: ties may exceed recorded income by rounding only
MINIMUM_SOCIAL_VALUE_WEIGHT = 0.10  # Cabinet Office PPN 06/20: social value at least 10% of the total score

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # the record, e.g. "funding tie demo-fund-0003"
    what: str  # what is wrong, e.g. "funder 'X' is not an organisation in the register"
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def check_all(
    ecosystem: Ecosystem, exercise: Exercise | None = None, bids: Iterable[Bid] = ()
) -> list[Problem]:
    problems = check_ecosystem(ecosystem)
    if exercise is not None:
        problems += check_exercise(ecosystem, exercise)
        problems += check_bids(ecosystem, exercise, list(bids))
    return problems


# -- the register --------------------------------------------------------------------------------------------


def check_ecosystem(eco: Ecosystem) -> list[Problem]:
    """Every problem in the register: duplicate or dangling ids, unknown wards, bad shares, negative money."""
    ward_codes = {w.code for w in eco.wards}
    org_ids = {o.id for o in eco.organisations}
    service_ids = {s.id for s in eco.services}
    cohort_ids = {c.id for c in eco.cohorts}
    problems: list[Problem] = []
    problems += _duplicates("ward", [w.code for w in eco.wards])
    for label, items in (
        ("organisation", eco.organisations),
        ("service", eco.services),
        ("funding tie", eco.funding),
        ("referral route", eco.referrals),
        ("shared premises", eco.shared_premises),
        ("joint delivery", eco.joint_delivery),
        ("cohort", eco.cohorts),
    ):
        problems += _duplicates(label, [item.id for item in items])
    for organisation in eco.organisations:
        problems += _check_organisation(organisation, ward_codes)
    for service in eco.services:
        where = f"service {service.id}"
        problems += _unknown(where, "organisation", [service.organisation], org_ids)
        problems += _unknown(where, "ward", service.wards, ward_codes)
        problems += _unknown(where, "eligible cohort", service.eligible_cohorts, cohort_ids)
        problems += _negative(where, "capacity per year", service.capacity_per_year)
    for tie in eco.funding:
        problems += _check_funding_tie(tie, org_ids, service_ids)
    for route in eco.referrals:
        where = f"referral route {route.id}"
        problems += _unknown(where, "from service", [route.from_service], service_ids)
        problems += _unknown(where, "to service", [route.to_service], service_ids)
        problems += _negative(where, "people per year", route.people_per_year)
        problems += _negative(where, "income per year", route.income_per_year)
        if route.from_service == route.to_service:
            problems.append(Problem(where, "a service cannot refer to itself"))
    for premises in eco.shared_premises:
        where = f"shared premises {premises.id}"
        problems += _unknown(where, "host", [premises.host], org_ids)
        problems += _unknown(where, "tenant", [premises.tenant], org_ids)
        problems += _negative(where, "replacement cost", premises.replacement_cost)
    for record in eco.joint_delivery:
        where = f"joint delivery {record.id}"
        problems += _unknown(where, "organisation", record.organisations, org_ids)
        if record.service is not None:
            problems += _unknown(where, "service", [record.service], service_ids)
    for cohort in eco.cohorts:
        where = f"cohort {cohort.id}"
        problems += _unknown(where, "ward", cohort.wards, ward_codes)
        problems += _negative(where, "size per year", cohort.size_per_year)
        problems += _negative(where, "unit cost of unmet need", cohort.unit_cost_unmet_need)
        problems += _shares_sum_to_one(
            where, "entry shares", {k.value: v for k, v in cohort.entry_shares.items()}
        )
    problems += check_ties_fit_income(eco)
    return problems


def _check_organisation(organisation: Organisation, ward_codes: set[str]) -> list[Problem]:
    where = f"organisation {organisation.id}"
    problems = _unknown(where, "ward", organisation.wards, ward_codes)
    for label, count in (
        ("staff", organisation.staff),
        ("local staff", organisation.local_staff),
        ("volunteers", organisation.volunteers),
        ("volunteer hours per year", organisation.volunteer_hours_per_year),
        ("people reached per year", organisation.people_reached_per_year),
    ):
        problems += _negative(where, label, count)
    if organisation.local_staff > organisation.staff:
        problems.append(
            Problem(where, f"local staff ({organisation.local_staff}) exceed staff ({organisation.staff})")
        )
    problems += _duplicates(f"{where} financial year", [str(fy.year) for fy in organisation.finances])
    for fy in organisation.finances:
        problems += _check_financial_year(f"{where}, financial year {fy.year}", fy)
    return problems


def _check_financial_year(where: str, fy: FinancialYear) -> list[Problem]:
    # Free reserves and net assets may be negative in real accounts (a deficit on unrestricted funds), so
    # only flows are checked here.
    problems: list[Problem] = []
    for source, amount in fy.income_by_source.items():
        if source is not IncomeSource.INVESTMENTS:  # investment income can be a loss
            problems += _negative(where, f"income from {source.value}", amount)
    problems += _negative(where, "expenditure", fy.expenditure)
    problems += _negative(where, "administrative costs", fy.admin_costs)
    for label, value in (("free reserves", fy.free_reserves), ("net assets", fy.net_assets)):
        if not math.isfinite(value):
            problems.append(Problem(where, f"{label} must be a finite £ amount, got {value!r}"))
    return problems


def _check_funding_tie(tie: FundingTie, org_ids: set[str], service_ids: set[str]) -> list[Problem]:
    where = f"funding tie {tie.id}"
    problems = _unknown(where, "funder", [tie.funder], org_ids)
    problems += _unknown(where, "recipient", [tie.recipient], org_ids)
    if tie.service is not None:
        problems += _unknown(where, "service", [tie.service], service_ids)
    problems += _negative(where, "amount per year", tie.amount_per_year)
    if tie.funder == tie.recipient:
        problems.append(Problem(where, "funder and recipient are the same organisation"))
    if tie.start and tie.end and tie.end < tie.start:
        problems.append(Problem(where, f"ends ({tie.end}) before it starts ({tie.start})"))
    return problems


PUBLIC_FUNDERS = (OrgKind.PUBLIC_BODY, OrgKind.NHS)


def income_source_of(tie: FundingTie, funder_kind: OrgKind | None) -> IncomeSource:
    """The recipient's income category a tie falls in (Charity Commission annual return categories).

    Contracts and subcontracts are contract income (a subcontract passes on public contract money);
    grants from public bodies are government grants; other grants come from trusts and foundations.
    """
    if tie.kind in (FundingKind.CONTRACT, FundingKind.SUBCONTRACT):
        return IncomeSource.GOVERNMENT_CONTRACTS
    if funder_kind in PUBLIC_FUNDERS:
        return IncomeSource.GOVERNMENT_GRANTS
    return IncomeSource.TRUSTS_AND_FOUNDATIONS


def check_ties_fit_income(eco: Ecosystem) -> list[Problem]:
    """Warn where ties into an organisation exceed the income it records from that source (latest year)."""
    kinds = {o.id: o.kind for o in eco.organisations}
    received: defaultdict[tuple[str, IncomeSource], float] = defaultdict(float)
    for tie in eco.funding:
        if tie.recipient in kinds:
            received[(tie.recipient, income_source_of(tie, kinds.get(tie.funder)))] += tie.amount_per_year
    problems: list[Problem] = []
    by_id = {o.id: o for o in eco.organisations}
    for (recipient, source), amount in sorted(received.items()):
        latest = by_id[recipient].latest_finances
        if latest is None:
            continue
        recorded = latest.income_by_source.get(source, 0.0)
        if amount > recorded + MONEY_TOLERANCE:
            problems.append(
                Problem(
                    f"organisation {recipient}",
                    f"funding ties bring £{amount:,.0f} a year of {source.value} but its {latest.year} "
                    f"accounts record £{recorded:,.0f}",
                    "warning",
                )
            )
    return problems


# -- the exercise and its bids -------------------------------------------------------------------------------


def check_exercise(eco: Ecosystem, exercise: Exercise) -> list[Problem]:
    where = f"exercise {exercise.id}"
    problems = _unknown(where, "commissioner", [exercise.commissioner], {o.id for o in eco.organisations})
    problems += _unknown(where, "cohort", exercise.cohorts, {c.id for c in eco.cohorts})
    problems += _unknown(where, "replaced stream", exercise.replaced_streams, {t.id for t in eco.funding})
    problems += _unknown(where, "ward", exercise.wards, {w.code for w in eco.wards})
    if exercise.budget_per_year <= 0:
        problems.append(Problem(where, f"budget per year must be positive, got {exercise.budget_per_year}"))
    if exercise.term_years <= 0:
        problems.append(Problem(where, f"term must be at least one year, got {exercise.term_years}"))
    if exercise.price_ceiling_per_year is not None:
        problems += _negative(where, "price ceiling per year", exercise.price_ceiling_per_year)
    criteria = exercise.criteria
    weights = {"price": criteria.price, "quality": criteria.quality, "net impact": criteria.net_impact}
    for name, weight in weights.items():
        problems += _negative(where, f"{name} weight", weight)
    problems += _shares_sum_to_one(where, "award criteria weights", weights)
    if criteria.net_impact < MINIMUM_SOCIAL_VALUE_WEIGHT:
        problems.append(
            # A warning, not an error: the 10% is policy (PPN 06/20, NPPS), not law, and a council may
            # have reasons to depart from it; the officer is told, the exercise is not refused.
            Problem(
                where,
                f"net impact (social value) weight {criteria.net_impact:.0%} is below the 10% minimum",
                "warning",
            )
        )
    if exercise.quality_questions:
        problems += _duplicates(f"{where} quality question", [q.id for q in exercise.quality_questions])
        problems += _shares_sum_to_one(
            where, "quality question weights", {q.id: q.weight for q in exercise.quality_questions}
        )
    return problems


def check_bids(eco: Ecosystem, exercise: Exercise, bids: list[Bid]) -> list[Problem]:
    org_ids = {o.id for o in eco.organisations}
    service_ids = {s.id for s in eco.services}
    cohort_ids = {c.id for c in eco.cohorts}
    ward_codes = {w.code for w in eco.wards}
    problems = _duplicates("bid", [b.id for b in bids])
    for bid in bids:
        where = f"bid {bid.id}"
        if bid.exercise != exercise.id:
            problems.append(Problem(where, f"is for exercise {bid.exercise!r}, not {exercise.id!r}"))
        problems += _unknown(where, "bidder", [bid.bidder], org_ids)
        if bid.price_per_year <= 0:
            problems.append(Problem(where, f"price per year must be positive, got {bid.price_per_year}"))
        if bid.quality_score is not None and not 0 <= bid.quality_score <= 1:
            problems.append(Problem(where, f"quality score must lie in 0..1, got {bid.quality_score}"))
        problems += _unknown(where, "service cohort", bid.service.eligible_cohorts, cohort_ids)
        problems += _unknown(where, "service ward", bid.service.wards, ward_codes)
        problems += _negative(where, "service capacity per year", bid.service.capacity_per_year)
        for sub in bid.subcontracts:
            problems += _unknown(where, "subcontract partner", [sub.partner], org_ids)
            problems += _negative(where, f"subcontract to {sub.partner}", sub.amount_per_year)
        for partnership in bid.partnerships:
            problems += _unknown(where, "partner service", [partnership.partner_service], service_ids)
            if partnership.cohort is not None:
                problems += _unknown(where, "partnership cohort", [partnership.cohort], cohort_ids)
        for commitment in bid.commitments:
            label = f"{commitment.kind.value} commitment"
            problems += _negative(where, label, commitment.quantity_per_year)
            if commitment.partner is not None:
                problems += _unknown(where, f"{label} partner", [commitment.partner], org_ids)
            elif commitment.state is not ClaimState.CONFIRMED:
                problems.append(Problem(where, f"{label} names no partner, so it cannot await confirmation"))
        subcontracted = sum(s.amount_per_year for s in bid.subcontracts)
        if subcontracted > bid.price_per_year:
            problems.append(
                Problem(
                    where,
                    f"subcontracts (£{subcontracted:,.0f}) exceed the price (£{bid.price_per_year:,.0f})",
                )
            )
        if bid.local_spend is not None:
            problems += _negative(where, "local staff wages", bid.local_spend.local_staff_wages)
            problems += _negative(where, "local suppliers", bid.local_spend.local_suppliers)
    return problems


# -- small checks --------------------------------------------------------------------------------------------


def _duplicates(label: str, ids: list[str]) -> list[Problem]:
    return [
        Problem(f"{label} {key}", f"id used {count} times")
        for key, count in Counter(ids).items()
        if count > 1
    ]


def _unknown(where: str, what: str, ids: Iterable[str], known: set[str]) -> list[Problem]:
    return [Problem(where, f"{what} {key!r} is not in the register") for key in ids if key not in known]


def _negative(where: str, what: str, value: float) -> list[Problem]:
    if not math.isfinite(value):
        return [Problem(where, f"{what} must be a finite number, got {value!r}")]
    if value < 0:
        return [Problem(where, f"{what} must not be negative, got {value:,}")]
    return []


def _shares_sum_to_one(where: str, what: str, shares: dict[str, float]) -> list[Problem]:
    problems = [
        Problem(where, f"{what}: {key} is negative ({value})") for key, value in shares.items() if value < 0
    ]
    total = sum(shares.values())
    if not math.isclose(total, 1.0, abs_tol=SHARE_TOLERANCE):
        problems.append(Problem(where, f"{what} sum to {total:.6g}, not 1"))
    return problems
