"""What the open-data writers read, from the database: the register, an exercise, its bids once opened,
its latest evaluation run and its award decision. Used by the download views and `netimpact export
--from-database`; the writers themselves (netimpact.standards) know nothing of Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Q

from netimpact.domain import commissioning as domain
from netimpact.domain.ecosystem import Ecosystem
from netimpact.domain.vocabulary import PriceFormula
from netimpact.standards.hsds_export import services_page
from netimpact.standards.ocds_export import (
    AwardDecision,
    EvaluationRunInfo,
    Publication,
    release_package,
)
from netimpact.standards.threesixtygiving_export import GrantsExport, grants_package
from netimpact.web import clock
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.evaluation import latest_run
from netimpact.web.commissioning.sealing import BidsSealed
from netimpact.web.commissioning.store import ExerciseError, _names_of, load_exercise
from netimpact.web.register import models as register
from netimpact.web.register.store import Codes, load_ecosystem


@dataclass(frozen=True, slots=True)
class Addresses:
    """Where the published files live: the package's own URL and our OCDS extension's."""

    package_uri: str
    netimpact_extension_url: str
    register_url: str | None = None


def stored_exercise(key: str) -> m.Exercise:
    found = m.Exercise.objects.select_related("commissioner").filter(key=key).first()
    if found is None:
        keys = ", ".join(m.Exercise.objects.order_by("pk").values_list("key", flat=True)) or "none"
        raise ExerciseError(f"No exercise with id {key!r} is stored (stored: {keys}).")
    return found


def ocds_package(key: str, addresses: Addresses, with_bids: bool, published: datetime | None = None) -> dict:
    """The exercise's OCDS release package. with_bids: the full release (raises BidsSealed before the
    deadline); otherwise the tender only (the published terms, nothing of any bid)."""
    stored = stored_exercise(key)
    ecosystem = load_ecosystem()
    evaluation = award = None
    bids: list[domain.Bid] | None = None
    bid_dates: dict[str, datetime] = {}
    if with_bids:
        exercise, bids = load_exercise(key)  # BidsSealed before the deadline: the one gate
        run = latest_run(stored)
        if run is not None:
            evaluation = EvaluationRunInfo(run.result, run.run_at, run.inputs_hash)
        award = award_decision(stored)
        received = m.Bid.objects.filter(
            exercise=stored, status=m.BidStatus.SUBMITTED, submitted_at__isnull=False
        )
        bid_dates = dict(received.values_list("key", "submitted_at"))
    else:
        exercise = exercise_terms(stored)
    publication = Publication(
        publisher=stored.commissioner.name,
        publisher_uid=stored.commissioner.org_id,
        package_uri=addresses.package_uri,
        netimpact_extension_url=addresses.netimpact_extension_url,
        published=published or clock.now(),
        ocid_prefix=settings.NETIMPACT_OCID_PREFIX,
        tender_published=stored.published_at,
    )
    return release_package(
        ecosystem, exercise, bids, publication, evaluation=evaluation, award=award, bid_dates=bid_dates
    )


def exercise_terms(stored: m.Exercise) -> domain.Exercise:
    """The exercise's published terms as the domain type, without reading any bid (so it may be read
    before the deadline). The same fields as commissioning.store.load_exercise builds."""
    codes = Codes.read_all()
    ties = dict(register.FundingTie.objects.values_list("pk", "key"))
    pk = stored.pk
    return domain.Exercise(
        id=stored.key,
        title=stored.title,
        commissioner=stored.commissioner.org_id,
        description=stored.description,
        cohorts=_names_of(m.Exercise.cohorts.through, "exercise_id", "cohort_id", pk, codes.cohorts),
        budget_per_year=stored.budget_per_year,
        term_years=stored.term_years,
        replaced_streams=_names_of(
            m.Exercise.replaced_streams.through, "exercise_id", "fundingtie_id", pk, ties
        ),
        price_ceiling_per_year=stored.price_ceiling_per_year,
        wards=_names_of(m.Exercise.wards.through, "exercise_id", "ward_id", pk, codes.wards),
        criteria=domain.AwardCriteria(
            price=stored.price_weight,
            quality=stored.quality_weight,
            net_impact=stored.net_impact_weight,
            price_formula=PriceFormula(stored.price_formula),
        ),
        quality_questions=[
            domain.QualityQuestion(id=q.key, text=q.text, weight=q.weight, max_score=q.max_score)
            for q in stored.quality_questions.order_by("pk")
        ],
        deadline=stored.deadline,
        parameters=dict(stored.parameters),
    )


def award_decision(stored: m.Exercise) -> AwardDecision | None:
    """The adapter point for awards: the exercise's current award decision as the OCDS writer takes it.

    Reads the decisions app (netimpact.web.decisions, being built alongside) when it is installed: its
    latest Decision that no later decision supersedes. A decision recorded in netimpact opens the
    standstill, so the award is "pending" until the decisions app records that the contract was made.
    Returns None while there is no decision, or no decisions app.
    """
    if not apps.is_installed("netimpact.web.decisions"):
        return None
    decision_model: Any = apps.get_model("decisions", "Decision")
    decision = (
        decision_model.objects.filter(exercise=stored)
        .filter(Q(superseded_by__isnull=True))
        .select_related("bid")
        .order_by("-decided_at", "-pk")
        .first()
    )
    if decision is None:
        return None
    return AwardDecision(
        bid=decision.bid.key if decision.bid_id else None,
        date=decision.decided_at,
        status="pending",
    )


def hsds_page(addresses: Addresses) -> dict:
    return services_page(load_ecosystem(), register_url=addresses.register_url)


def grants(published: datetime | None = None, funder: str | None = None) -> GrantsExport:
    ecosystem = load_ecosystem()
    publisher_id = settings.NETIMPACT_PUBLISHER_ID or _commissioner_key()
    publisher = _name_of(ecosystem, publisher_id) if publisher_id else ecosystem.name
    return grants_package(
        ecosystem,
        publisher=publisher,
        publisher_id=publisher_id,
        issued=(published or clock.now()).date(),
        prefix=settings.NETIMPACT_360GIVING_PREFIX,
        funder=funder,
    )


def _commissioner_key() -> str | None:
    """The council running this netimpact: the commissioner of its latest exercise."""
    latest = m.Exercise.objects.select_related("commissioner").order_by("-pk").first()
    return latest.commissioner.org_id if latest else None


def _name_of(ecosystem: Ecosystem, org_id: str) -> str:
    try:
        return ecosystem.organisation(org_id).name
    except KeyError:
        return org_id


__all__ = [
    "Addresses",
    "BidsSealed",
    "ExerciseError",
    "award_decision",
    "exercise_terms",
    "grants",
    "hsds_page",
    "ocds_package",
    "stored_exercise",
]
