"""Officer pages: import open data, follow a run, read its report, decide the review queue, undo merges."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import close_old_connections, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from netimpact.web.accounts.access import Officer, access_rule

from . import importing, merging, progress
from .forms import DecisionForm, ImportForm
from .models import ImportRun, MatchReview, OrganisationMerge, Standard

REFRESH_SECONDS = 2


def _page(request: HttpRequest, rows: Any) -> Any:
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    page.elided_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def _in_background() -> bool:
    return bool(getattr(settings, "NETIMPACT_IMPORTS_IN_BACKGROUND", True))


@access_rule(Officer)
def start(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        content = upload.read()
        run = importing.start_run(
            form.cleaned_data["standard"],
            upload.name,
            content,
            user=request.user,
            skip_invalid=form.cleaned_data["invalid_records"] == "skip",
            dry_run=form.cleaned_data["dry_run"],
        )
        if _in_background():
            threading.Thread(
                target=_run_in_thread, args=(run.pk, content), daemon=True, name=f"import-{run.pk}"
            ).start()
        else:
            importing.continue_run(run, content)
        return redirect("imports:run", pk=run.pk)
    problems = [
        {"field": f"id_{name}" if name != "upload" else "id_upload", "message": error}
        for name, errors in form.errors.items()
        for error in errors
    ]
    for problem in problems:
        if problem["field"] in ("id_standard", "id_invalid_records"):
            problem["field"] += "_0"
    return render(
        request,
        "imports/start.html",
        {
            "form": form,
            "problems": problems,
            "open_reviews": MatchReview.objects.filter(status=MatchReview.Status.OPEN).count(),
            "recent": ImportRun.objects.all()[:5],
        },
        status=400 if problems else 200,
    )


def _run_in_thread(run_id: int, content: bytes) -> None:
    close_old_connections()
    try:
        run = ImportRun.objects.get(pk=run_id)
        importing.continue_run(
            run, content, lambda phase, done, total: progress.report(run_id, phase, done, total)
        )
    finally:
        progress.forget(run_id)
        connection.close()


@access_rule(Officer)
def runs(request: HttpRequest) -> HttpResponse:
    page = _page(request, ImportRun.objects.select_related("started_by"))
    return render(request, "imports/runs.html", {"page": page})


@access_rule(Officer)
def run(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ImportRun, pk=pk)
    running = found.status == ImportRun.Status.RUNNING
    counts = [
        (kind, [values.get(o, 0) for o in ("created", "updated", "unchanged", "skipped")])
        for kind, values in found.counts.items()
    ]
    return render(
        request,
        "imports/run.html",
        {
            "run": found,
            "running": running,
            "progress": progress.of(found.pk) if running else None,
            "refresh": REFRESH_SECONDS,
            "counts": counts,
            "reviews": found.reviews.filter(status=MatchReview.Status.OPEN).count(),
        },
    )


@access_rule(Officer)
def reviews(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", MatchReview.Status.OPEN)
    if status not in MatchReview.Status.values:
        raise Http404("No such review status.")
    items = MatchReview.objects.filter(status=status).select_related("incoming", "existing", "import_run")
    page = _page(request, items)
    return render(
        request,
        "imports/reviews.html",
        {
            "page": page,
            "status": status,
            "statuses": MatchReview.Status.choices,
            "items": [(r, _pair(r)) for r in page.object_list],
        },
    )


def _pair(review: MatchReview) -> list[dict[str, Any]]:
    rows = []
    for org in (review.incoming, review.existing):
        if org is None:
            rows.append({})
            continue
        rows.append(
            {
                "org": org,
                "ids": sorted(org.identifiers.values_list("value", flat=True)),
                "ties": org.funding_received.count() + org.funding_given.count(),
                "services": org.services.count(),
                "years": org.finances.count(),
            }
        )
    return rows


@access_rule(Officer)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(MatchReview, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid() or review.status != MatchReview.Status.OPEN:
        messages.error(request, "That review has already been decided, or the decision was not understood.")
        return redirect("imports:reviews")
    if form.cleaned_data["decision"] == "keep_apart":
        merging.keep_apart(review, user=request.user)
        messages.success(request, f"Kept apart: {review.incoming_label} and {review.existing_label}.")
        return redirect("imports:reviews")
    if review.incoming is None or review.existing is None:
        messages.error(request, "One of the two organisations is no longer in the register.")
        return redirect("imports:reviews")
    try:
        merging.merge(review.existing, review.incoming, user=request.user, review=review)
    except merging.MergeRefused as refused:
        messages.error(request, str(refused))
        return redirect("imports:reviews")
    messages.success(
        request,
        f"Merged {review.incoming_label} into {review.existing_label}. You can undo it "
        "from the list of merges.",
    )
    return redirect("imports:reviews")


@access_rule(Officer)
def merges(request: HttpRequest) -> HttpResponse:
    page = _page(request, OrganisationMerge.objects.select_related("merged_by", "undone_by"))
    return render(request, "imports/merges.html", {"page": page})


@access_rule(Officer)
@require_POST
def undo_merge(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(OrganisationMerge, pk=pk)
    try:
        merging.unmerge(record, user=request.user)
    except merging.MergeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Undone: {record.removed_label} is back in the register as it was.")
    return redirect("imports:merges")


STANDARD_LABELS = dict(Standard.choices)
