"""Running an evaluation in the background, the decision report (page and PDF), recording the decision.

Officers run evaluations and record decisions; panel members read the report and the decision. Bidders,
partners and the public are refused by the access rules. Nothing here reads a bid before the deadline:
the report goes through commissioning.sealing like every other reader.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from netimpact.web import clock
from netimpact.web.accounts.access import Officer, Panel, access_rule
from netimpact.web.accounts.models import Role
from netimpact.web.audit.models import AuditKind
from netimpact.web.audit.recorder import record_event
from netimpact.web.commissioning import evaluation as runs
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning import views as evaluation_views

from . import jobs, pdf
from .models import Decision, EvaluationJob, JobStatus
from .report import current_decision, is_stale, recommended_bid, report_context

NO_AWARD = "no-award"
DRAFT_KEY = "decision-draft:{key}"


def _exercise_or_404(key: str) -> m.Exercise:
    found = m.Exercise.objects.select_related("commissioner").filter(key=key).first()
    if found is None:
        raise Http404(f"No exercise with the id {key} is stored.")
    return found


def _sealed(request: HttpRequest, exercise: m.Exercise) -> HttpResponse:
    # Refused, and told when the bids open: nothing of them is read or shown before the deadline.
    return render(
        request,
        "commissioning/sealed.html",
        {"exercise": exercise, "closes_at": exercise.closes_at},
        status=403,
    )


# ------------------------------------------------------------------------------------ evaluation jobs


@access_rule(Officer)
@require_POST
def run_evaluation(request: HttpRequest, key: str) -> HttpResponse:
    """The evaluation page's form: checks draws and seed, then starts the run in the background."""
    exercise = _exercise_or_404(key)
    if exercise.bids_sealed():
        return _sealed(request, exercise)
    values, problems = evaluation_views.read_run_form(request.POST)
    if problems:
        latest = runs.latest_run(exercise)
        return evaluation_views._evaluation_page(
            request, exercise, latest, request.POST, problems, status=400
        )
    running = jobs.active_job(exercise)
    if running is not None:
        messages.info(request, "An evaluation of this exercise is already running: its progress is below.")
        return redirect(reverse("decisions:job", args=[key, running.pk]))
    job = jobs.start_job(
        exercise,
        draws=values["draws"],
        seed=values["seed"],
        with_sensitivity=evaluation_views.wants_sensitivity(request.POST),
        requested_by=request.user,
    )
    return redirect(reverse("decisions:job", args=[key, job.pk]))


def _job_or_404(exercise: m.Exercise, pk: int) -> EvaluationJob:
    job = EvaluationJob.objects.select_related("run", "requested_by").filter(exercise=exercise, pk=pk).first()
    if job is None:
        raise Http404(f"No evaluation job {pk} for the exercise {exercise.key}.")
    return jobs.refresh_if_stale(job)


@access_rule(Officer)
@require_GET
def job(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """The job's progress (refreshing itself), its failure with the reason, or, once done, the evaluation."""
    exercise = _exercise_or_404(key)
    found = _job_or_404(exercise, pk)
    if found.status == JobStatus.DONE and found.run is not None:
        run = found.run
        messages.success(
            request,
            f"Evaluation run with {run.draws:,} draws and seed {run.seed} in {run.seconds_taken:.1f} "
            "seconds.",
        )
        return redirect(reverse("commissioning:evaluation", args=[key]))
    return render(
        request,
        "decisions/job.html",
        {
            "exercise": exercise,
            "job": found,
            "progress_url": reverse("decisions:job_progress", args=[key, pk]),
        },
    )


@access_rule(Officer)
@require_GET
def job_progress(request: HttpRequest, key: str, pk: int) -> JsonResponse:
    """The job's state as JSON, for the page's script: status, share done, stage, reason, where next."""
    exercise = _exercise_or_404(key)
    found = _job_or_404(exercise, pk)
    return JsonResponse(
        {
            "status": found.status,
            "status_label": found.get_status_display(),
            "progress": round(found.progress, 4),
            "stage": found.stage,
            "error": found.error,
            "next_url": reverse("decisions:job", args=[key, pk]),
        },
        headers={"Cache-Control": "no-store"},
    )


# ------------------------------------------------------------------------------------ decision report


def _report(request: HttpRequest, key: str) -> tuple[m.Exercise, dict[str, Any]] | HttpResponse:
    exercise = _exercise_or_404(key)
    if exercise.bids_sealed():
        return _sealed(request, exercise)
    context = report_context(exercise, runs.latest_run(exercise))
    context["can_decide"] = getattr(request.user, "role", None) == Role.OFFICER
    return exercise, context


@access_rule(Officer, Panel)
@require_GET
def report(request: HttpRequest, key: str) -> HttpResponse:
    built = _report(request, key)
    if isinstance(built, HttpResponse):
        return built
    _, context = built
    return render(request, "decisions/report.html", context)


@access_rule(Officer, Panel)
@require_GET
def report_pdf(request: HttpRequest, key: str) -> HttpResponse:
    built = _report(request, key)
    if isinstance(built, HttpResponse):
        return built
    exercise, context = built
    document = pdf.render_report(request, context)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(exercise.key, clock.now())}"'
    return response


# ------------------------------------------------------------------------------------ the decision


@access_rule(Officer)
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, key: str) -> HttpResponse:
    """Step 1: which bid (or no award), the reasons, and why an earlier decision is replaced."""
    exercise = _exercise_or_404(key)
    if exercise.bids_sealed():
        return _sealed(request, exercise)
    run = runs.latest_run(exercise)
    if run is None:
        messages.info(request, "Run the evaluation before recording a decision: the decision relies on it.")
        return redirect(reverse("commissioning:evaluation", args=[key]))
    session_key = DRAFT_KEY.format(key=key)
    current = current_decision(exercise)
    choices = _bid_choices(exercise, run)
    if request.method == "POST":
        form = {
            "outcome": request.POST.get("outcome", ""),
            "reasons": request.POST.get("reasons", "").strip(),
            "supersede_reason": request.POST.get("supersede_reason", "").strip(),
        }
        problems = _decision_problems(form, choices, current)
        if not problems:
            request.session[session_key] = {**form, "run": run.pk}
            return redirect(reverse("decisions:check", args=[key]))
        status = 400
    else:
        draft = request.session.get(session_key) or {}
        recommended = recommended_bid(run)
        form = {
            "outcome": draft.get("outcome", recommended or ""),
            "reasons": draft.get("reasons", ""),
            "supersede_reason": draft.get("supersede_reason", ""),
        }
        problems, status = [], 200
    return render(
        request,
        "decisions/record.html",
        {
            **_warnings(exercise, run),
            "exercise": exercise,
            "run": run,
            "choices": choices,
            "form": form,
            "problems": problems,
            "errors": {p["field"]: p["message"] for p in problems},
            "current": current,
            "no_award": NO_AWARD,
            "recommended": recommended_bid(run),
        },
        status=status,
    )


@access_rule(Officer)
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, key: str) -> HttpResponse:
    """Step 2: check the decision, with any warnings, and record it (or go back and change it)."""
    exercise = _exercise_or_404(key)
    if exercise.bids_sealed():
        return _sealed(request, exercise)
    session_key = DRAFT_KEY.format(key=key)
    draft = request.session.get(session_key)
    run = m.EvaluationRun.objects.filter(pk=(draft or {}).get("run"), exercise=exercise).first()
    if not draft or run is None:
        return redirect(reverse("decisions:record", args=[key]))
    choices = _bid_choices(exercise, run)
    current = current_decision(exercise)
    problems = _decision_problems(draft, choices, current)
    if problems:  # something changed since step 1 (another officer decided meanwhile): back to it
        messages.info(
            request,
            "Another decision was recorded since you started: read it on the decision report, then say why "
            "yours replaces it.",
        )
        return redirect(reverse("decisions:record", args=[key]))
    bid = choices.get(draft["outcome"])
    warnings = _warnings(exercise, run)
    if request.method == "POST":
        try:
            decision = _record_decision(request, exercise, run, bid, draft, current, warnings)
        except IntegrityError:
            messages.info(
                request,
                "Another decision was recorded while you were checking yours. Read it, then record yours "
                "again if it should supersede it.",
            )
            return redirect(reverse("decisions:report", args=[key]))
        del request.session[session_key]
        messages.success(
            request,
            f"Decision recorded: {'award to ' + decision.bid.title if decision.bid else 'no award'}.",
        )
        return redirect(reverse("decisions:report", args=[key]) + "#decision")
    return render(
        request,
        "decisions/check.html",
        {**warnings, "exercise": exercise, "run": run, "bid": bid, "draft": draft, "current": current},
    )


def _bid_choices(exercise: m.Exercise, run: m.EvaluationRun) -> dict[str, m.Bid | None]:
    """The bids the run evaluated, by key, then "no award"."""
    keys = [b["bid"] for b in run.result.get("bids", [])]
    found = {b.key: b for b in m.Bid.objects.filter(exercise=exercise, key__in=keys).select_related("bidder")}
    choices: dict[str, m.Bid | None] = {k: found[k] for k in keys if k in found}
    choices[NO_AWARD] = None
    return choices


def _decision_problems(
    form: dict[str, Any], choices: dict[str, m.Bid | None], current: Decision | None
) -> list[dict[str, str]]:
    problems = []
    if form.get("outcome") not in choices:
        problems.append({"field": "outcome", "message": "Select the bid to award, or no award"})
    if not form.get("reasons"):
        problems.append({"field": "reasons", "message": "Enter the reasons for the decision"})
    if current is not None and not form.get("supersede_reason"):
        problems.append(
            {
                "field": "supersede_reason",
                "message": "Enter why this decision replaces the one recorded on "
                f"{current.decided_at:%-d %B %Y}",
            }
        )
    return problems


def _warnings(exercise: m.Exercise, run: m.EvaluationRun) -> dict[str, Any]:
    latest = runs.latest_run(exercise, with_result=False)
    return {
        "run_stale": is_stale(exercise, run),
        "run_not_latest": latest is not None and latest.pk != run.pk,
        "scores_missing": list(
            m.Bid.objects.filter(
                exercise=exercise, status=m.BidStatus.SUBMITTED, quality_score__isnull=True
            ).order_by("key")
        ),
    }


def _record_decision(
    request: HttpRequest,
    exercise: m.Exercise,
    run: m.EvaluationRun,
    bid: m.Bid | None,
    draft: dict[str, Any],
    current: Decision | None,
    warnings: dict[str, Any],
) -> Decision:
    user = request.user
    label = f"{user.get_full_name() or user.get_username()} ({getattr(user, 'role_label', 'officer')})"
    with transaction.atomic():
        decision = Decision.objects.create(
            exercise=exercise,
            bid=bid,
            reasons=draft["reasons"],
            evaluation_run=run,
            run_was_stale=warnings["run_stale"],
            quality_scores_missing=[b.key for b in warnings["scores_missing"]],
            decided_by=user,
            decided_by_label=label,
            supersedes=current,
            supersede_reason=draft["supersede_reason"] if current else "",
        )
        what = f"award to {bid.title} ({bid.key})" if bid else "no award"
        record_event(
            AuditKind.DECISION_RECORDED,
            actor=user,
            exercise_key=exercise.key,
            summary=f"Decision recorded: {what}"
            + (f", superseding the decision of {current.decided_at:%-d %B %Y}" if current else "")
            + ".",
            details={
                "decision": decision.pk,
                "bid": bid.key if bid else None,
                "no_award": bid is None,
                "reasons": decision.reasons,
                "evaluation_run": run.pk,
                "inputs_hash": run.inputs_hash,
                "run_was_stale": decision.run_was_stale,
                "quality_scores_missing": decision.quality_scores_missing,
                "supersedes": current.pk if current else None,
                "supersede_reason": decision.supersede_reason,
            },
        )
    return decision
