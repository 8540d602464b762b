"""Exercises and their evaluation: for commissioning officers and panel members; only officers run one.

Bidders and partners are refused: the evaluation compares every bid, and a bidder must not see another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from netimpact.domain.vocabulary import ClaimState
from netimpact.engine.report import SENSITIVITY_DRAWS, SENSITIVITY_PARAMETERS
from netimpact.web.accounts.access import Officer, Panel, access_rule
from netimpact.web.accounts.models import Role
from netimpact.web.register.models import FundingTie

from . import evaluation as runs
from . import models as m
from .sealing import BidsSealed, opened_bids


@access_rule(Officer, Panel)
def exercises(request: HttpRequest) -> HttpResponse:
    newest = m.EvaluationRun.objects.filter(exercise=OuterRef("pk")).order_by("-run_at", "-pk")
    # Before the deadline an officer may know how many bids are in, never what is in them: count the
    # submitted ones only (a draft is the bidder's own business).
    found = list(
        m.Exercise.objects.annotate(
            bid_total=Count("bids", filter=Q(bids__status=m.BidStatus.SUBMITTED), distinct=True),
            latest_run_pk=Subquery(newest.values("pk")[:1]),
        )
        .prefetch_related("cohorts")
        .order_by("title")
    )
    # The runs' results are large; the list needs only when each was run and how.
    latest = m.EvaluationRun.objects.defer("result", "labels").in_bulk([e.latest_run_pk for e in found])
    rows = [{"exercise": e, "latest_run": latest.get(e.latest_run_pk)} for e in found]
    return render(request, "commissioning/exercises.html", {"rows": rows})


@access_rule(Officer, Panel)
def exercise(request: HttpRequest, key: str) -> HttpResponse:
    found = _exercise_or_404(
        key,
        prefetch=(
            "cohorts",
            "wards",
            "quality_questions",
            Prefetch("replaced_streams", FundingTie.objects.select_related("funder", "recipient", "service")),
        ),
    )
    # Sealed bids (commissioning.sealing): before the deadline the page says how many are in, no more.
    try:
        opened = opened_bids(found)
    except BidsSealed:
        bids = None
        submitted = m.Bid.objects.filter(exercise=found, status=m.BidStatus.SUBMITTED).count()
    else:
        bids = [
            _bid_claims(b, found)
            for b in opened.select_related("bidder").prefetch_related(
                Prefetch("subcontracts", m.Subcontract.objects.select_related("partner")),
                Prefetch("partnerships", m.Partnership.objects.select_related("partner_service", "cohort")),
                Prefetch("commitments", m.Commitment.objects.select_related("partner")),
            )
        ]
        submitted = len(bids)
    return render(
        request,
        "commissioning/exercise.html",
        {
            "exercise": found,
            "bids": bids,
            "sealed": bids is None,
            "submitted_count": submitted,
            "closes_at": found.closes_at,
            "latest_run": runs.latest_run(found, with_result=False),
        },
    )


@dataclass(frozen=True, slots=True)
class RunProblem:
    field: str
    message: str


@access_rule(Officer, Panel)
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, key: str) -> HttpResponse:
    found = _exercise_or_404(key)
    if found.bids_sealed():
        # Nothing of the bids may be read or run before the deadline: say when they open instead.
        return render(request, "commissioning/sealed.html", {"exercise": found, "closes_at": found.closes_at})
    if request.method == "POST":
        # Panel members read the evaluation; running one is the commissioning officer's decision.
        if getattr(request.user, "role", None) != Role.OFFICER:
            raise PermissionDenied("Only a commissioning officer can run an evaluation.")
        values, problems = read_run_form(request.POST)
        if not problems:
            try:
                run = runs.run_evaluation(
                    key,
                    draws=values["draws"],
                    seed=values["seed"],
                    run_by=request.user,
                    with_sensitivity=wants_sensitivity(request.POST),
                )
            except ValueError as error:  # the engine refuses these inputs; say why, keep what was typed
                problems = [RunProblem("draws", f"The evaluation could not be run: {error}")]
            else:
                messages.success(
                    request,
                    f"Evaluation run with {run.draws:,} draws and seed {run.seed} "
                    f"in {run.seconds_taken:.1f} seconds.",
                )
                return redirect(reverse("commissioning:evaluation", args=[key]))
        return _evaluation_page(request, found, runs.latest_run(found), request.POST, problems, status=400)
    latest = runs.latest_run(found)
    # Offer the latest run's settings again, so re-running after a data change is one click.
    form = (
        {"draws": latest.draws, "seed": latest.seed} if latest else {"draws": runs.DEFAULT_DRAWS, "seed": 0}
    )
    form["sensitivity"] = SENSITIVITY_CHOICE  # ticked unless the officer unticks it
    return _evaluation_page(request, found, latest, form, problems=[])


def _evaluation_page(
    request: HttpRequest,
    found: m.Exercise,
    run: m.EvaluationRun | None,
    form: QueryDict | dict[str, Any],
    problems: list[RunProblem],
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "exercise": found,
        "run": run,
        "form": {
            "draws": form.get("draws", ""),
            "seed": form.get("seed", ""),
            "sensitivity": wants_sensitivity(form),
        },
        "problems": problems,
        "errors": {p.field: p.message for p in problems},
        "min_draws": runs.MIN_DRAWS,
        "max_draws": runs.MAX_DRAWS,
        "max_seed": runs.MAX_SEED,
        "sensitivity_count": len(SENSITIVITY_PARAMETERS),
        "sensitivity_runs": 2 * len(SENSITIVITY_PARAMETERS) + 1,
        "sensitivity_draws": SENSITIVITY_DRAWS,
        "can_run": getattr(request.user, "role", None) == Role.OFFICER,
    }
    if run is not None:
        context["page"] = runs.evaluation_page(run)
        context["stale"] = runs.current_inputs(found.key).inputs_hash != run.inputs_hash
    return render(request, "commissioning/evaluation.html", context, status=status)


SENSITIVITY_CHOICE = "yes"  # the checkbox's value; an unticked box is not posted at all


def wants_sensitivity(data: QueryDict | dict[str, Any]) -> bool:
    return data.get("sensitivity") == SENSITIVITY_CHOICE


def read_run_form(data: QueryDict | dict[str, Any]) -> tuple[dict[str, int], list[RunProblem]]:
    """Draws and seed as typed; each bad value is named with what is expected."""
    values: dict[str, int] = {}
    problems: list[RunProblem] = []
    checks = (
        ("draws", "Number of draws", runs.MIN_DRAWS, runs.MAX_DRAWS),
        ("seed", "Seed", 0, runs.MAX_SEED),
    )
    for name, label, lowest, highest in checks:
        text = str(data.get(name, "")).strip().replace(",", "")
        if not text:
            problems.append(RunProblem(name, f"Enter the {label.lower()}"))
        elif not (text.isascii() and text.isdigit()):
            problems.append(
                RunProblem(name, f"{label} must be a whole number from {lowest:,} to {highest:,}")
            )
        elif not lowest <= int(text) <= highest:
            problems.append(RunProblem(name, f"{label} must be from {lowest:,} to {highest:,}"))
        else:
            values[name] = int(text)
    return values, problems


def _exercise_or_404(key: str, prefetch: tuple[Any, ...] = ()) -> m.Exercise:
    found = (
        m.Exercise.objects.select_related("commissioner").prefetch_related(*prefetch).filter(key=key).first()
    )
    if found is None:
        raise Http404(f"No exercise with the id {key} is stored.")
    return found


def _bid_claims(bid: m.Bid, exercise: m.Exercise) -> dict[str, Any]:
    """A bid with its claims, and whether its price is within the published ceiling."""
    ceiling = exercise.price_ceiling_per_year
    claims = [*bid.subcontracts.all(), *bid.partnerships.all(), *bid.commitments.all()]
    return {
        "bid": bid,
        "compliant": ceiling is None or bid.price_per_year <= ceiling,
        "subcontracts": bid.subcontracts.all(),
        "partnerships": bid.partnerships.all(),
        "commitments": bid.commitments.all(),
        "disputed": sum(1 for c in claims if c.state == ClaimState.DISPUTED.value),
        "unanswered": sum(1 for c in claims if c.state == ClaimState.UNANSWERED.value),
    }
