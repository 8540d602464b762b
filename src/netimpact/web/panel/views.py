"""The panel's pages, under exercises/<key>/panel/: the panel home (officers: members, declarations,
progress, opening moderation; members: their bids to score), the declaration of interests, a member's
scoring of one bid, and the moderation meeting.

Officers reach every panel; panel members only the panels they sit on (others: 403). Nothing of a bid is
shown before the deadline (commissioning.sealing), nor to a member before they declare their interests.
No one sees a member's scores but the member until moderation opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from netimpact.web import clock
from netimpact.web.accounts.access import Officer, Panel, access_rule
from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning import models as cm
from netimpact.web.commissioning.sealing import BidsSealed, opened_bids

from . import models as pm
from . import rules

# Scores that differ by this much or more are flagged for discussion at moderation.
SPREAD_TO_DISCUSS = 2


# ------------------------------------------------------------------------------------------ the gate


@dataclass(slots=True)
class Seat:
    """Who is asking about which exercise's panel."""

    exercise: cm.Exercise
    user: Any
    membership: pm.PanelMembership | None

    @property
    def is_officer(self) -> bool:
        return getattr(self.user, "role", None) == Role.OFFICER


def _seat(request: HttpRequest, key: str) -> Seat:
    exercise = get_object_or_404(cm.Exercise.objects.select_related("commissioner"), key=key)
    if not rules.may_reach_panel(exercise, request.user):
        raise PermissionDenied(
            "You do not sit on this exercise's panel. The commissioning officer chooses who does."
        )
    return Seat(exercise, request.user, rules.membership_of(exercise, request.user))


def _sealed(request: HttpRequest, seat: Seat, status: int = 403) -> HttpResponse:
    return render(
        request,
        "panel/sealed.html",
        {"exercise": seat.exercise, "closes_at": seat.exercise.closes_at},
        status=status,
    )


def _member_or_403(seat: Seat) -> pm.PanelMembership:
    if seat.membership is None:
        raise PermissionDenied("Only the members of this exercise's panel score its bids.")
    return seat.membership


def _questions(exercise: cm.Exercise) -> list[cm.QualityQuestion]:
    return list(exercise.quality_questions.order_by("pk"))


def _scale(question: cm.QualityQuestion) -> list[tuple[int, str]]:
    scale = list(question.scale or [])
    return [(n, scale[n] if n < len(scale) else "") for n in range(question.max_score + 1)]


# ---------------------------------------------------------------------------------------- panel home


@access_rule(Officer, Panel)
def home(request: HttpRequest, key: str) -> HttpResponse:
    return _home_page(request, _seat(request, key))


def _home_page(
    request: HttpRequest,
    seat: Seat,
    problems: list[dict[str, str]] | None = None,
    reason: str = "",
    status: int = 200,
) -> HttpResponse:
    exercise = seat.exercise
    context: dict[str, Any] = {
        "exercise": exercise,
        "seat": seat,
        "moderation": rules.moderation_of(exercise),
        "closes_at": exercise.closes_at,
        "sealed": exercise.bids_sealed(),
        "seats": list(
            pm.PanelMembership.objects.filter(exercise=exercise).select_related("member", "added_by")
        ),
        "problems": problems or [],
        "reason": reason,
    }
    if seat.is_officer:
        context["panel_users"] = list(
            User.objects.filter(role=Role.PANEL, is_active=True).order_by("username")
        )
        context["seated_ids"] = {s.member_id for s in context["seats"]}
    if not context["sealed"]:
        bids = list(opened_bids(exercise).select_related("bidder").order_by("key"))
        questions = _questions(exercise)
        context["bids"] = bids
        context["question_count"] = len(questions)
        if seat.is_officer:
            context["member_rows"] = [_member_row(s, bids, len(questions)) for s in context["seats"]]
            context["all_submitted"] = bool(context["member_rows"]) and all(
                r["progress"].complete for r in context["member_rows"]
            )
            context["declarations"] = list(
                pm.Declaration.objects.filter(membership__exercise=exercise)
                .select_related("membership__member")
                .prefetch_related(
                    Prefetch("interests", pm.DeclaredInterest.objects.select_related("organisation"))
                )
                .order_by("-declared_at", "-pk")
            )
        if seat.membership is not None:
            context.update(_member_home(seat.membership, bids, questions))
    return render(request, "panel/home.html", context, status=status)


def _member_row(seat: pm.PanelMembership, bids: list[cm.Bid], question_count: int) -> dict[str, Any]:
    latest = rules.latest_declaration(seat)
    return {
        "seat": seat,
        "declaration": latest,
        "conflicts": [i.organisation for i in latest.interests.all() if i.has_interest] if latest else [],
        "progress": rules.progress(seat, bids, question_count),
    }


def _member_home(
    membership: pm.PanelMembership, bids: list[cm.Bid], questions: list[cm.QualityQuestion]
) -> dict[str, Any]:
    bidders = [b.bidder for b in bids]
    conflicted = rules.conflicted_organisation_ids(membership)
    scores = list(pm.MemberScore.objects.filter(membership=membership))
    rows = []
    for bid in bids:
        mine = [s for s in scores if s.bid_id == bid.pk]
        rows.append(
            {
                "bid": bid,
                "conflicted": bid.bidder_id in conflicted,
                "scored": sum(1 for s in mine if s.is_scored),
                "submitted": any(s.status == pm.ScoreStatus.SUBMITTED for s in mine),
            }
        )
    return {
        "must_declare": bool(rules.undeclared(membership, sorted(set(bidders), key=lambda o: o.name))),
        "my_declaration": rules.latest_declaration(membership),
        "my_rows": rows,
        "my_progress": rules.progress(membership, bids, len(questions)),
    }


@access_rule(Officer)
@require_POST
def members(request: HttpRequest, key: str) -> HttpResponse:
    seat = _seat(request, key)
    chosen = User.objects.filter(pk__in=[v for v in request.POST.getlist("members") if v.isdigit()])
    try:
        rules.set_members(seat.exercise, chosen, request.user)
    except rules.PanelRuleError as error:
        messages.error(request, str(error))
    else:
        names = ", ".join(sorted(u.get_username() for u in chosen)) or "no one"
        messages.success(request, f"The panel is now: {names}.")
    return redirect("panel:home", key=key)


# -------------------------------------------------------------------------------------- declaration


@access_rule(Panel)
@require_http_methods(["GET", "POST"])
def declaration(request: HttpRequest, key: str) -> HttpResponse:
    seat = _seat(request, key)
    membership = _member_or_403(seat)
    try:
        bidders = rules.bidder_organisations(seat.exercise)
    except BidsSealed:
        return _sealed(request, seat)
    values: dict[str, str] = {}
    problems: list[dict[str, str]] = []
    if request.method == "POST":
        values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        lines: dict[int, tuple[bool, str]] = {}
        for org in bidders:
            answer = request.POST.get(f"interest-{org.pk}", "")
            details = request.POST.get(f"details-{org.pk}", "").strip()
            if answer not in ("none", "yes"):
                problems.append(
                    {
                        "field": f"interest-{org.pk}-none",
                        "message": f"Say whether you have an interest in {org.name}",
                    }
                )
            elif answer == "yes" and not details:
                problems.append(
                    {"field": f"details-{org.pk}", "message": f"Describe your interest in {org.name}"}
                )
            else:
                lines[org.pk] = (answer == "yes", details)
        signed_name = request.POST.get("signed-name", "").strip()
        if not signed_name:
            problems.append(
                {"field": "signed-name", "message": "Type your full name to sign the declaration"}
            )
        if not problems:
            rules.declare(membership, lines, signed_name, bidders)
            conflicts = [o.name for o in bidders if lines[o.pk][0]]
            messages.success(
                request,
                "Declaration signed."
                + (f" You will not score the bids of: {', '.join(conflicts)}." if conflicts else ""),
            )
            return redirect("panel:home", key=key)
    elif (latest := rules.latest_declaration(membership)) is not None:
        for line in latest.interests.all():
            values[f"interest-{line.organisation_id}"] = "yes" if line.has_interest else "none"
            values[f"details-{line.organisation_id}"] = line.details
    rows = [
        {
            "org": org,
            "answer": values.get(f"interest-{org.pk}", ""),
            "details": values.get(f"details-{org.pk}", ""),
            "details_error": f"details-{org.pk}" in {p["field"] for p in problems},
            "error": next(
                (
                    p["message"]
                    for p in problems
                    if p["field"] in (f"interest-{org.pk}-none", f"details-{org.pk}")
                ),
                "",
            ),
        }
        for org in bidders
    ]
    return render(
        request,
        "panel/declaration.html",
        {
            "exercise": seat.exercise,
            "rows": rows,
            "signed_name": values.get("signed-name", ""),
            "problems": problems,
            "errors": {p["field"]: p["message"] for p in problems},
            "latest": rules.latest_declaration(membership),
            "today": clock.now(),
        },
        status=400 if problems else 200,
    )


# -------------------------------------------------------------------------------- scoring one bid


def _opened_bid(seat: Seat, bid_key: str) -> cm.Bid:
    bids = opened_bids(seat.exercise)  # BidsSealed before the deadline
    return get_object_or_404(bids.select_related("bidder", "exercise"), key=bid_key)


@access_rule(Panel)
@require_http_methods(["GET", "POST"])
def score_bid(request: HttpRequest, key: str, bid_key: str) -> HttpResponse:
    seat = _seat(request, key)
    membership = _member_or_403(seat)
    try:
        bid = _opened_bid(seat, bid_key)
        bidders = rules.bidder_organisations(seat.exercise)
    except BidsSealed:
        return _sealed(request, seat)
    if rules.undeclared(membership, bidders):
        messages.info(request, "Declare your interests in the bidders before you see any bid.")
        return redirect("panel:declaration", key=key)
    if bid.bidder_id in rules.conflicted_organisation_ids(membership):
        raise PermissionDenied(
            f"You declared an interest in {bid.bidder.name}, so you cannot see or score its bid."
        )
    questions = _questions(seat.exercise)
    stored = {s.question_id: s for s in pm.MemberScore.objects.filter(membership=membership, bid=bid)}
    typed: dict[int, dict[str, Any]] = {}
    problems: list[dict[str, str]] = []
    conflicts: dict[int, pm.MemberScore] = {}
    status = 200
    closed = rules.scoring_closed_reason(membership, bid)
    if request.method == "POST":
        if closed:
            raise PermissionDenied(closed)
        submit = request.POST.get("action") == "submit"
        entries = {}
        for q in questions:
            raw = request.POST.get(f"score-{q.pk}", "")
            score = int(raw) if raw.isdigit() else None
            justification = request.POST.get(f"justification-{q.pk}", "")
            version_text = request.POST.get(f"version-{q.pk}", "0")
            version = int(version_text) if version_text.isdigit() else 0
            entries[q.pk] = rules.ScoreEntry(score, justification, version)
            typed[q.pk] = {"score": score, "justification": justification, "version": version}
        try:
            outcome = rules.save_member_scores(membership, bid, entries, submit=submit)
        except rules.PanelRuleError as error:  # closed between reading the page and saving it
            raise PermissionDenied(str(error)) from error
        if outcome.ok:
            if submit:
                messages.success(request, f"Your scores for {bid.title} are submitted.")
                return redirect("panel:home", key=key)
            messages.success(request, "Your scores are saved as a draft. No one else can see them.")
            return redirect("panel:score_bid", key=key, bid_key=bid.key)
        number = {q.pk: n for n, q in enumerate(questions, start=1)}
        for q_pk, kind, message in outcome.problems:
            field = f"score-{q_pk}-0" if kind == "score" else f"justification-{q_pk}"
            problems.append(
                {"field": field, "message": f"Question {number[q_pk]}: {message}", "question": q_pk}
            )
        conflicts = outcome.conflicts
        for q_pk, row in conflicts.items():
            problems.append(
                {
                    "field": f"question-{q_pk}",
                    "message": f"Question {number[q_pk]}: your score was changed in another window "
                    "after you opened this page. Nothing was saved. Both versions are shown: save again "
                    "to keep yours.",
                    "question": q_pk,
                }
            )
            # Saving again from this page deliberately replaces the other window's version.
            typed[q_pk]["version"] = row.version
        status = 409 if conflicts else 400
    items = []
    answers = {a.question_id: a for a in cm.BidAnswer.objects.filter(bid=bid)}
    for n, q in enumerate(questions, start=1):
        row = stored.get(q.pk)
        shown = typed.get(q.pk) or {
            "score": row.score if row else None,
            "justification": row.justification if row else "",
            "version": row.version if row else 0,
        }
        items.append(
            {
                "number": n,
                "question": q,
                "answer": answers.get(q.pk),
                "scale": _scale(q),
                "shown": shown,
                "stored": row,
                "conflict": conflicts.get(q.pk),
                "errors": [
                    p["message"]
                    for p in problems
                    if p.get("question") == q.pk and p["field"] != f"question-{q.pk}"
                ],
                "score_error": any(p["field"] == f"score-{q.pk}-0" for p in problems),
                "justification_error": any(p["field"] == f"justification-{q.pk}" for p in problems),
            }
        )
    return render(
        request,
        "panel/score_bid.html",
        {
            "exercise": seat.exercise,
            "bid": bid,
            "items": items,
            "problems": problems,
            "closed": closed,
            "progress": rules.progress(membership, list(opened_bids(seat.exercise)), len(questions)),
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------- moderation


def _moderation_gate(
    request: HttpRequest, key: str
) -> tuple[Seat, pm.Moderation | None, HttpResponse | None]:
    seat = _seat(request, key)
    try:
        rules.bidder_organisations(seat.exercise)
    except BidsSealed:
        return seat, None, _sealed(request, seat)
    moderation = rules.moderation_of(seat.exercise)
    if moderation is None:
        raise PermissionDenied(
            "Moderation has not opened. Until the commissioning officer opens it, each member's scores "
            "are seen by that member only."
        )
    if seat.membership is not None and rules.undeclared(
        seat.membership, rules.bidder_organisations(seat.exercise)
    ):
        raise PermissionDenied("Declare your interests in the bidders before you see any bid.")
    return seat, moderation, None


def _visible_bids(seat: Seat) -> list[cm.Bid]:
    bids = list(opened_bids(seat.exercise).select_related("bidder").order_by("key"))
    if seat.membership is None:
        return bids
    conflicted = rules.conflicted_organisation_ids(seat.membership)
    return [b for b in bids if b.bidder_id not in conflicted]


@access_rule(Officer, Panel)
@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest, key: str) -> HttpResponse:
    if request.method == "POST":
        return _open_moderation(request, key)
    seat, found, refused = _moderation_gate(request, key)
    if refused:
        return refused
    questions = _questions(seat.exercise)
    bids = _visible_bids(seat)
    scores = rules.submitted_scores(seat.exercise)
    moderated = {(s.bid_id, s.question_id): s for s in pm.ModeratedScore.objects.filter(bid__in=bids)}
    rows = []
    for bid in bids:
        cells = []
        for q in questions:
            given = [s.score for s in scores if s.bid_id == bid.pk and s.question_id == q.pk]
            cells.append(
                {
                    "question": q,
                    "spread": (max(given) - min(given)) if given else None,
                    "count": len(given),
                    "moderated": moderated.get((bid.pk, q.pk)),
                }
            )
        rows.append(
            {
                "bid": bid,
                "cells": cells,
                "locked": sum(1 for c in cells if c["moderated"] and c["moderated"].locked),
            }
        )
    return render(
        request,
        "panel/moderation.html",
        {
            "exercise": seat.exercise,
            "moderation": found,
            "questions": questions,
            "rows": rows,
            "spread_to_discuss": SPREAD_TO_DISCUSS,
            "seat": seat,
        },
    )


def _open_moderation(request: HttpRequest, key: str) -> HttpResponse:
    seat = _seat(request, key)
    if not seat.is_officer:
        raise PermissionDenied("The commissioning officer chairs moderation and opens it.")
    reason = request.POST.get("reason", "")
    try:
        rules.open_moderation(seat.exercise, request.user, reason)
    except BidsSealed:
        return _sealed(request, seat)
    except rules.PanelRuleError as error:
        problems = [{"field": "reason", "message": str(error)}]
        return _home_page(request, seat, problems=problems, reason=reason, status=400)
    messages.success(
        request, "Moderation is open: every member's submitted scores are now shown side by side."
    )
    return redirect("panel:moderation", key=key)


@access_rule(Officer, Panel)
def moderate_bid(request: HttpRequest, key: str, bid_key: str) -> HttpResponse:
    seat, _, refused = _moderation_gate(request, key)
    if refused:
        return refused
    bid = _moderation_bid(seat, bid_key)
    return _moderation_bid_page(request, seat, bid)


def _moderation_bid(seat: Seat, bid_key: str) -> cm.Bid:
    bid = get_object_or_404(opened_bids(seat.exercise).select_related("bidder", "exercise"), key=bid_key)
    if seat.membership is not None and bid.bidder_id in rules.conflicted_organisation_ids(seat.membership):
        raise PermissionDenied(
            f"You declared an interest in {bid.bidder.name}, so you do not moderate its bid."
        )
    return bid


def _moderation_bid_page(
    request: HttpRequest,
    seat: Seat,
    bid: cm.Bid,
    *,
    typed: dict[int, dict[str, Any]] | None = None,
    problems: list[dict[str, str]] | None = None,
    conflict: pm.ModeratedScore | None = None,
    status: int = 200,
) -> HttpResponse:
    questions = _questions(seat.exercise)
    scores = [s for s in rules.submitted_scores(seat.exercise) if s.bid_id == bid.pk]
    moderated = {
        s.question_id: s
        for s in pm.ModeratedScore.objects.filter(bid=bid).select_related("locked_by", "updated_by")
    }
    history = list(
        pm.ModerationLockEvent.objects.filter(moderated__bid=bid).select_related("by").order_by("at", "pk")
    )
    answers = {a.question_id: a for a in cm.BidAnswer.objects.filter(bid=bid)}
    items = []
    for n, q in enumerate(questions, start=1):
        given = [s for s in scores if s.question_id == q.pk]
        values = [s.score for s in given if s.score is not None]
        spread = (max(values) - min(values)) if values else None
        current = moderated.get(q.pk)
        shown = (typed or {}).get(q.pk) or {
            "score": current.score if current else None,
            "rationale": current.rationale if current else "",
            "version": current.version if current else 0,
        }
        items.append(
            {
                "number": n,
                "question": q,
                "answer": answers.get(q.pk),
                "scale": _scale(q),
                "scores": given,
                "low": min(values) if values else None,
                "high": max(values) if values else None,
                "spread": spread,
                "discuss": spread is not None and spread >= SPREAD_TO_DISCUSS,
                "moderated": current,
                "shown": shown,
                "history": [h for h in history if current and h.moderated_id == current.pk],
                "errors": [p["message"] for p in (problems or []) if p.get("question") == q.pk],
                "error_kind": next((p["kind"] for p in (problems or []) if p.get("question") == q.pk), ""),
                "conflict": conflict if conflict and conflict.question_id == q.pk else None,
            }
        )
    return render(
        request,
        "panel/moderate_bid.html",
        {
            "exercise": seat.exercise,
            "bid": bid,
            "items": items,
            "problems": problems or [],
            "can_moderate": seat.is_officer,
            "quality_score": cm.Bid.objects.values_list("quality_score", flat=True).get(pk=bid.pk),
            "all_locked": all(i["moderated"] and i["moderated"].locked for i in items),
        },
        status=status,
    )


@access_rule(Officer)
@require_POST
def save_moderated(request: HttpRequest, key: str, bid_key: str, question_pk: int) -> HttpResponse:
    seat, _, refused = _moderation_gate(request, key)
    if refused:
        return refused
    bid = _moderation_bid(seat, bid_key)
    question = get_object_or_404(cm.QualityQuestion, exercise=seat.exercise, pk=question_pk)
    raw = request.POST.get("score", "")
    version_text = request.POST.get("version", "0")
    entry = rules.ModeratedEntry(
        int(raw) if raw.isdigit() else None,
        request.POST.get("rationale", ""),
        int(version_text) if version_text.isdigit() else 0,
    )
    lock = request.POST.get("action") == "lock"
    typed = {question.pk: {"score": entry.score, "rationale": entry.rationale, "version": entry.version}}
    number = _questions(seat.exercise).index(question) + 1
    try:
        rules.save_moderated(bid, question, entry, request.user, lock=lock)
    except rules.StaleModeratedScore as stale:
        typed[question.pk]["version"] = stale.stored.version
        problems = [
            _problem(
                question,
                "conflict",
                f"Question {number}: someone else saved the agreed score after you opened this page. "
                "Nothing was saved. Both versions are shown: save again to keep yours.",
            )
        ]
        return _moderation_bid_page(
            request, seat, bid, typed=typed, problems=problems, conflict=stale.stored, status=409
        )
    except rules.PanelRuleError as error:
        kind = error.field or ("reason" if "locked" in str(error) else "other")
        problems = [_problem(question, kind, f"Question {number}: {error}")]
        return _moderation_bid_page(request, seat, bid, typed=typed, problems=problems, status=400)
    messages.success(request, f"Question {number}: the agreed score is {'locked' if lock else 'saved'}.")
    return redirect(f"{_moderate_url(key, bid.key)}#question-{question.pk}")


@access_rule(Officer)
@require_POST
def unlock_moderated(request: HttpRequest, key: str, bid_key: str, question_pk: int) -> HttpResponse:
    seat, _, refused = _moderation_gate(request, key)
    if refused:
        return refused
    bid = _moderation_bid(seat, bid_key)
    question = get_object_or_404(cm.QualityQuestion, exercise=seat.exercise, pk=question_pk)
    moderated = get_object_or_404(pm.ModeratedScore, bid=bid, question=question)
    number = _questions(seat.exercise).index(question) + 1
    try:
        rules.unlock(moderated, request.user, request.POST.get("reason", ""))
    except rules.PanelRuleError as error:
        problems = [_problem(question, "reason", f"Question {number}: {error}")]
        return _moderation_bid_page(request, seat, bid, problems=problems, status=400)
    messages.success(request, f"Question {number}: the agreed score is unlocked and can be changed.")
    return redirect(f"{_moderate_url(key, bid.key)}#question-{question.pk}")


def _problem(question: cm.QualityQuestion, kind: str, message: str) -> dict[str, Any]:
    """An error on the moderation page: `kind` says which field of the question's forms it is about."""
    field = {
        "score": f"moderated-score-{question.pk}-0",
        "rationale": f"rationale-{question.pk}",
        "reason": f"unlock-reason-{question.pk}",
        "conflict": f"conflict-{question.pk}",
    }.get(kind, f"moderated-{question.pk}")
    return {"field": field, "question": question.pk, "kind": kind, "message": message}


def _moderate_url(key: str, bid_key: str) -> str:
    return reverse("panel:moderate_bid", args=[key, bid_key])
