"""Save a commissioning exercise and its bids into the database and load them back; load the demo city.

An exercise names register rows (the commissioner, cohorts, replaced funding ties, wards) and its bids
name more (bidders, partners, partner services): all must already be in the register. Saving an exercise
replaces any stored exercise with the same id, bids included, all or nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Protocol

from django.db import IntegrityError, transaction

from netimpact.domain import commissioning as domain
from netimpact.domain.ecosystem import Ecosystem
from netimpact.domain.vocabulary import ClaimState, CommitmentKind, JoinUpMechanism, PriceFormula
from netimpact.domain.vocabulary import EntryPoint as EntryPointCode
from netimpact.domain.vocabulary import Need as NeedCode
from netimpact.web.register import models as register
from netimpact.web.register.store import Codes, RegisterError, clear_register, grouped, save_ecosystem

from . import models as m
from .demo_answers import save_demo_answers
from .sealing import BidsSealed


class ExerciseError(ValueError):
    """An exercise or bid cannot be saved or loaded as asked; the message names what and where."""


class DemoCityLike(Protocol):
    """What save_demo_city needs of netimpact.domain.demo_city.DemoCity."""

    ecosystem: Ecosystem
    exercise: domain.Exercise
    bids: list[domain.Bid]


# --------------------------------------------------------------------------------------------- demo


def save_demo_city(city: DemoCityLike) -> None:
    """Replace the stored register and every exercise with the demo city, all or nothing.

    Refused when the stored register is not a demo one: a real register is never wiped by the demo.
    """
    with transaction.atomic():
        stored = register.Register.objects.order_by("pk").first()
        holds_real_data = (stored is not None and not stored.demo) or (
            stored is None and register.Organisation.objects.exists()
        )
        if holds_real_data:
            raise RegisterError(
                "This database holds a register that is not the demo city; the demo will not replace it. "
                "Run the demo on another database (set DATABASE_URL or NETIMPACT_VAR_DIR)."
            )
        m.Exercise.objects.all().delete()
        clear_register()
        save_ecosystem(city.ecosystem, demo=True)
        save_exercise(city.exercise, city.bids)
        # The demo's exercise already has bids, so its criteria were published to bidders. The date is
        # fixed (six weeks before the deadline, a usual tender period) so loading the demo twice is the same.
        deadline = city.exercise.deadline
        m.Exercise.objects.filter(key=city.exercise.id).update(
            status=m.ExerciseStatus.PUBLISHED,
            published_at=datetime.combine(deadline - timedelta(weeks=6), time(9), tzinfo=UTC)
            if deadline
            else None,
        )
        # The demo bids' answers to the quality questions, for the panel to score (fixed text).
        save_demo_answers()


# ------------------------------------------------------------------------------------------- saving


def save_exercise(exercise: domain.Exercise, bids: list[domain.Bid]) -> None:
    """Store `exercise` and its `bids`, replacing any exercise stored under the same id."""
    codes = Codes.read_all()
    names = _Names(codes)
    problems = list(_exercise_problems(exercise, bids, names))
    if problems:
        raise ExerciseError(f"The exercise {exercise.id!r} cannot be saved:\n  - " + "\n  - ".join(problems))
    try:
        with transaction.atomic():
            m.Exercise.objects.filter(key=exercise.id).delete()
            stored = _insert_exercise(exercise, names)
            for bid in bids:
                _insert_bid(bid, stored, names)
    except IntegrityError as error:
        raise ExerciseError(f"The exercise {exercise.id!r} breaks a database rule: {error}") from error


class _Names:
    """Domain id → primary key, for every register row an exercise or bid can name."""

    def __init__(self, codes: Codes) -> None:
        self.wards = {v: k for k, v in codes.wards.items()}
        self.needs = {v: k for k, v in codes.needs.items()}
        self.entry_points = {v: k for k, v in codes.entry_points.items()}
        self.organisations = {v: k for k, v in codes.organisations.items()}
        self.services = {v: k for k, v in codes.services.items()}
        self.cohorts = {v: k for k, v in codes.cohorts.items()}
        self.ties = dict(register.FundingTie.objects.values_list("key", "pk"))


def _insert_exercise(exercise: domain.Exercise, names: _Names) -> m.Exercise:
    criteria = exercise.criteria
    stored = m.Exercise.objects.create(
        key=exercise.id,
        title=exercise.title,
        commissioner_id=names.organisations[exercise.commissioner],
        description=exercise.description,
        budget_per_year=exercise.budget_per_year,
        term_years=exercise.term_years,
        price_ceiling_per_year=exercise.price_ceiling_per_year,
        price_weight=criteria.price,
        quality_weight=criteria.quality,
        net_impact_weight=criteria.net_impact,
        price_formula=criteria.price_formula.value,
        deadline=exercise.deadline,
        parameters=dict(exercise.parameters),
    )
    _link(
        m.Exercise.cohorts.through,
        "exercise_id",
        "cohort_id",
        stored.pk,
        [names.cohorts[c] for c in exercise.cohorts],
    )
    _link(
        m.Exercise.replaced_streams.through,
        "exercise_id",
        "fundingtie_id",
        stored.pk,
        [names.ties[t] for t in exercise.replaced_streams],
    )
    _link(
        m.Exercise.wards.through,
        "exercise_id",
        "ward_id",
        stored.pk,
        [names.wards[w] for w in exercise.wards],
    )
    m.QualityQuestion.objects.bulk_create(
        [
            m.QualityQuestion(exercise=stored, key=q.id, text=q.text, weight=q.weight, max_score=q.max_score)
            for q in exercise.quality_questions
        ]
    )
    return stored


def _insert_bid(bid: domain.Bid, exercise: m.Exercise, names: _Names) -> None:
    service, spend = bid.service, bid.local_spend
    stored = m.Bid.objects.create(
        key=bid.id,
        exercise=exercise,
        bidder_id=names.organisations[bid.bidder],
        title=bid.title,
        price_per_year=bid.price_per_year,
        service_name=service.name,
        service_capacity_per_year=service.capacity_per_year,
        local_staff_wages=spend.local_staff_wages if spend else None,
        local_suppliers=spend.local_suppliers if spend else None,
        quality_score=bid.quality_score,
        summary=bid.summary,
        # A bid in a bundle or the demo is one a bidder has sent in; drafts live only in the portal.
        status=m.BidStatus.SUBMITTED,
    )
    _link(
        m.Bid.service_needs.through, "bid_id", "need_id", stored.pk, [names.needs[n] for n in service.needs]
    )
    _link(
        m.Bid.service_eligible_cohorts.through,
        "bid_id",
        "cohort_id",
        stored.pk,
        [names.cohorts[c] for c in service.eligible_cohorts],
    )
    _link(
        m.Bid.service_wards.through, "bid_id", "ward_id", stored.pk, [names.wards[w] for w in service.wards]
    )
    _link(
        m.Bid.service_entry_points.through,
        "bid_id",
        "entrypoint_id",
        stored.pk,
        [names.entry_points[e] for e in service.entry_points],
    )
    m.Subcontract.objects.bulk_create(
        [
            m.Subcontract(
                bid=stored,
                partner_id=names.organisations[s.partner],
                amount_per_year=s.amount_per_year,
                state=s.state.value,
                description=s.description,
            )
            for s in bid.subcontracts
        ]
    )
    m.Partnership.objects.bulk_create(
        [
            m.Partnership(
                bid=stored,
                partner_service_id=names.services[p.partner_service],
                mechanism=p.mechanism.value,
                cohort_id=names.cohorts[p.cohort] if p.cohort else None,
                state=p.state.value,
                description=p.description,
            )
            for p in bid.partnerships
        ]
    )
    m.Commitment.objects.bulk_create(
        [
            m.Commitment(
                bid=stored,
                kind=c.kind.value,
                quantity_per_year=c.quantity_per_year,
                partner_id=names.organisations[c.partner] if c.partner else None,
                state=c.state.value,
                description=c.description,
            )
            for c in bid.commitments
        ]
    )


def _link(through: type, left: str, right: str, pk: int, others: list[int]) -> None:
    """Many-to-many rows in list order, so reading them by primary key keeps the order."""
    through.objects.bulk_create([through(**{left: pk, right: other}) for other in others])


# ----------------------------------------------------------------------------------------- checking


def _exercise_problems(exercise: domain.Exercise, bids: list[domain.Bid], names: _Names) -> Iterator[str]:
    yield from _missing("exercise", "commissioner", [exercise.commissioner], names.organisations)
    yield from _missing("exercise", "cohort", exercise.cohorts, names.cohorts)
    yield from _missing("exercise", "replaced funding tie", exercise.replaced_streams, names.ties)
    yield from _missing("exercise", "ward", exercise.wards, names.wards)
    criteria = exercise.criteria
    weights = criteria.price + criteria.quality + criteria.net_impact
    if abs(weights - 1) > m.WEIGHT_SUM_TOLERANCE:
        yield (
            f"award weights price {criteria.price:g} + quality {criteria.quality:g} + net impact "
            f"{criteria.net_impact:g} sum to {weights:g}, not 1"
        )
    question_weights = sum(q.weight for q in exercise.quality_questions)
    if exercise.quality_questions and abs(question_weights - 1) > m.WEIGHT_SUM_TOLERANCE:
        yield f"quality questions' weights sum to {question_weights:g}, not 1"
    seen_questions: set[str] = set()
    for q in exercise.quality_questions:
        if q.id in seen_questions:
            yield f"quality question id {q.id!r} appears more than once"
        seen_questions.add(q.id)
    seen_bids: set[str] = set()
    for bid in bids:
        where = f"bid {bid.id}"
        if bid.id in seen_bids:
            yield f"bid id {bid.id!r} appears more than once"
        seen_bids.add(bid.id)
        if bid.exercise != exercise.id:
            yield f"{where}: is for exercise {bid.exercise!r}, not {exercise.id!r}"
        yield from _missing(where, "bidder", [bid.bidder], names.organisations)
        yield from _missing(where, "eligible cohort", bid.service.eligible_cohorts, names.cohorts)
        yield from _missing(where, "ward", bid.service.wards, names.wards)
        yield from _missing(
            where, "subcontract partner", [s.partner for s in bid.subcontracts], names.organisations
        )
        yield from _missing(
            where, "partner service", [p.partner_service for p in bid.partnerships], names.services
        )
        yield from _missing(
            where, "partnership cohort", [p.cohort for p in bid.partnerships if p.cohort], names.cohorts
        )
        yield from _missing(
            where,
            "commitment partner",
            [c.partner for c in bid.commitments if c.partner],
            names.organisations,
        )


def _missing(where: str, what: str, wanted: list[str], known: dict[str, int]) -> Iterator[str]:
    for value in wanted:
        if value not in known:
            yield f"{where}: names {what} {value!r}, which is not in the register"


# --------------------------------------------------------------------------------------------- loading


def exercise_keys() -> list[str]:
    """The ids of the stored exercises, in the order they were saved."""
    return list(m.Exercise.objects.order_by("pk").values_list("key", flat=True))


def load_exercise(key: str) -> tuple[domain.Exercise, list[domain.Bid]]:
    """The stored exercise `key` and its submitted bids (in the order they were saved), as domain types.

    Raises BidsSealed before the exercise's deadline: no one reads another party's bid until then.
    """
    row = m.Exercise.objects.filter(key=key).values().first()
    if row is None:
        raise ExerciseError(
            f"No exercise with id {key!r} is stored (stored: {', '.join(exercise_keys()) or 'none'})."
        )
    stored = m.Exercise(**row)  # the row already read, as a model: one query fewer
    if stored.bids_sealed():
        raise BidsSealed(stored)  # the engine, exports and pages alike wait for the deadline
    codes = Codes.read_all()
    ties = dict(register.FundingTie.objects.values_list("pk", "key"))
    pk = row["id"]
    exercise = domain.Exercise(
        id=row["key"],
        title=row["title"],
        commissioner=codes.organisations[row["commissioner_id"]],
        description=row["description"],
        cohorts=_names_of(m.Exercise.cohorts.through, "exercise_id", "cohort_id", pk, codes.cohorts),
        budget_per_year=row["budget_per_year"],
        term_years=row["term_years"],
        replaced_streams=_names_of(
            m.Exercise.replaced_streams.through, "exercise_id", "fundingtie_id", pk, ties
        ),
        price_ceiling_per_year=row["price_ceiling_per_year"],
        wards=_names_of(m.Exercise.wards.through, "exercise_id", "ward_id", pk, codes.wards),
        criteria=domain.AwardCriteria(
            price=row["price_weight"],
            quality=row["quality_weight"],
            net_impact=row["net_impact_weight"],
            price_formula=PriceFormula(row["price_formula"]),
        ),
        quality_questions=[
            domain.QualityQuestion(id=q["key"], text=q["text"], weight=q["weight"], max_score=q["max_score"])
            for q in m.QualityQuestion.objects.filter(exercise_id=pk).order_by("pk").values()
        ],
        deadline=row["deadline"],
        parameters=dict(row["parameters"]),
    )
    return exercise, _load_bids(pk, row["key"], codes)


def _names_of(through: type, left: str, right: str, pk: int, names: dict[int, str]) -> list[str]:
    return [
        names[other]
        for other in through.objects.filter(**{left: pk}).order_by("pk").values_list(right, flat=True)
    ]


def _load_bids(exercise_pk: int, exercise_key: str, codes: Codes) -> list[domain.Bid]:
    # Only submitted bids are the exercise's bids: drafts and withdrawn bids are the bidder's own.
    bids = m.Bid.objects.filter(exercise_id=exercise_pk, status=m.BidStatus.SUBMITTED)
    in_exercise = {"bid__exercise_id": exercise_pk, "bid__status": m.BidStatus.SUBMITTED}
    needs = grouped(
        m.Bid.service_needs.through.objects.filter(**in_exercise), "bid_id", "need_id", codes.needs
    )
    cohorts = grouped(
        m.Bid.service_eligible_cohorts.through.objects.filter(**in_exercise),
        "bid_id",
        "cohort_id",
        codes.cohorts,
    )
    wards = grouped(
        m.Bid.service_wards.through.objects.filter(**in_exercise), "bid_id", "ward_id", codes.wards
    )
    entry_points = grouped(
        m.Bid.service_entry_points.through.objects.filter(**in_exercise),
        "bid_id",
        "entrypoint_id",
        codes.entry_points,
    )
    subcontracts: dict[int, list[domain.Subcontract]] = defaultdict(list)
    for s in m.Subcontract.objects.filter(**in_exercise).order_by("pk").values():
        subcontracts[s["bid_id"]].append(
            domain.Subcontract(
                partner=codes.organisations[s["partner_id"]],
                amount_per_year=s["amount_per_year"],
                state=ClaimState(s["state"]),
                description=s["description"],
            )
        )
    partnerships: dict[int, list[domain.Partnership]] = defaultdict(list)
    for p in m.Partnership.objects.filter(**in_exercise).order_by("pk").values():
        partnerships[p["bid_id"]].append(
            domain.Partnership(
                partner_service=codes.services[p["partner_service_id"]],
                mechanism=JoinUpMechanism(p["mechanism"]),
                cohort=codes.cohorts[p["cohort_id"]] if p["cohort_id"] else None,
                state=ClaimState(p["state"]),
                description=p["description"],
            )
        )
    commitments: dict[int, list[domain.Commitment]] = defaultdict(list)
    for c in m.Commitment.objects.filter(**in_exercise).order_by("pk").values():
        commitments[c["bid_id"]].append(
            domain.Commitment(
                kind=CommitmentKind(c["kind"]),
                quantity_per_year=c["quantity_per_year"],
                partner=codes.organisations[c["partner_id"]] if c["partner_id"] else None,
                state=ClaimState(c["state"]),
                description=c["description"],
            )
        )
    return [
        domain.Bid(
            id=b["key"],
            exercise=exercise_key,
            bidder=codes.organisations[b["bidder_id"]],
            title=b["title"],
            price_per_year=b["price_per_year"],
            service=domain.BidService(
                name=b["service_name"],
                needs=[NeedCode(n) for n in needs[b["id"]]],
                capacity_per_year=b["service_capacity_per_year"],
                eligible_cohorts=cohorts[b["id"]],
                wards=wards[b["id"]],
                entry_points=[EntryPointCode(e) for e in entry_points[b["id"]]],
            ),
            subcontracts=subcontracts[b["id"]],
            partnerships=partnerships[b["id"]],
            commitments=commitments[b["id"]],
            local_spend=None
            if b["local_staff_wages"] is None
            else domain.LocalSpend(
                local_staff_wages=b["local_staff_wages"], local_suppliers=b["local_suppliers"]
            ),
            quality_score=b["quality_score"],
            summary=b["summary"],
        )
        for b in bids.order_by("pk").values()
    ]
