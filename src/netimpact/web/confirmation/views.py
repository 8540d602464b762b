"""Partner confirmation pages.

- confirm/<token>/                    the partner's one page, opened by the link (no account: Public)
- confirm/your-claims/                a signed-in partner's list of every claim naming its organisation
- confirm/your-claims/<pk>/           the same form as the link's page, for a signed-in partner
- exercises/<key>/claims/             the officer's view of every bid's claims (after the deadline only)
- exercises/<key>/claims/invitations/<pk>/resend/   a new link, emailed (officer)
- exercises/<key>/claims/invitations/<pk>/letter/   a printable letter with the link written out
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from netimpact.web import clock
from netimpact.web.accounts.access import Bidder, Officer, Partner, Public, access_rule
from netimpact.web.accounts.models import Role
from netimpact.web.commissioning import models as cm
from netimpact.web.commissioning.sealing import BidsSealed, opened_bids

from . import claims, invitations, tokens
from .answers import ClaimsChanged, Problem, read_reply, record_reply
from .models import Answer, ClaimInvitation, ClaimItem


def private_link_page[V: Callable[..., HttpResponse]](view: V) -> V:
    """A page whose URL is a credential: never sent to another site as a Referer, never cached or indexed.

    same-origin, not no-referrer: with no-referrer the browser posts the form with "Origin: null", which
    Django's CSRF check rightly refuses. Within the site the token goes only to the site that issued it.
    """

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
        response = view(*args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped  # type: ignore[return-value]


# ------------------------------------------------------------------------------------ the partner


@access_rule(Public)
@private_link_page
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    invitation = tokens.find(token)
    if invitation is None:
        return render(request, "confirmation/link_problem.html", {"problem": "unknown"}, status=404)
    here = reverse("confirmation:respond", args=[token])
    return _answer_page(request, invitation, here, user=None)


@access_rule(Partner)
@require_http_methods(["GET"])
def your_claims(request: HttpRequest) -> HttpResponse:
    organisation = getattr(request.user, "organisation", None)
    found: list[ClaimInvitation] = []
    if organisation is not None:
        found = list(
            ClaimInvitation.objects.filter(organisation=organisation, bid__status=cm.BidStatus.SUBMITTED)
            .select_related("bid__exercise", "bid__bidder")
            .prefetch_related("items")
            .order_by("bid__exercise__title", "bid__bidder__name", "pk")
        )
    rows = [
        {
            "invitation": invitation,
            "claims": [_item_view(item, invitation, n) for n, item in enumerate(invitation.items.all(), 1)],
            "open": not invitation.expired,
            "answered": invitation.fully_answered,
        }
        for invitation in found
    ]
    return render(request, "confirmation/your_claims.html", {"organisation": organisation, "rows": rows})


@access_rule(Partner)
@private_link_page
@require_http_methods(["GET", "POST"])
def answer_as_partner(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = (
        ClaimInvitation.objects.select_related("bid__exercise", "bid__bidder", "organisation")
        .filter(pk=pk)
        .first()
    )
    organisation_pk = getattr(request.user, "organisation_id", None)
    if invitation is None or organisation_pk is None or invitation.organisation_id != organisation_pk:
        # Another organisation's invitation is no more visible than one that does not exist.
        raise Http404("No claims about your organisation are stored under that number.")
    here = reverse("confirmation:answer", args=[pk])
    return _answer_page(request, invitation, here, user=request.user)


def _answer_page(request: HttpRequest, invitation: ClaimInvitation, here: str, user: Any) -> HttpResponse:
    bid = invitation.bid
    base: dict[str, Any] = {"invitation": invitation, "bid": bid, "here": here, "signed_in": user is not None}
    if bid.status != cm.BidStatus.SUBMITTED:
        return render(
            request, "confirmation/link_problem.html", {**base, "problem": "not_submitted"}, status=409
        )
    items = list(invitation.items.order_by("pk"))
    answered = bool(items) and all(item.answer for item in items)
    views = [_item_view(item, invitation, n) for n, item in enumerate(items, 1)]
    if invitation.expired:
        return render(
            request,
            "confirmation/link_problem.html",
            {**base, "problem": "expired", "claims": views, "answered": answered},
            status=410,
        )
    changing = request.GET.get("change") == "yes" or request.method == "POST"
    if answered and not changing:
        return render(
            request,
            "confirmation/answered.html",
            {**base, "claims": views, "just_answered": request.GET.get("done") == "yes"},
        )
    problems: list[Problem] = []
    form: Any = _form_from_answers(items, invitation) if answered else {}
    if request.method == "POST":
        reply, problems = read_reply(request.POST, items)
        if not problems:
            try:
                record_reply(invitation, reply, user=user)
            except ClaimsChanged:
                problems = [
                    Problem(
                        f"answer-{items[0].pk}" if items else "responder-name",
                        "The bid's claims changed while you were answering: "
                        "check them below and answer again",
                    )
                ]
                return _form(request, base, invitation, problems, request.POST, status=409)
            return redirect(f"{here}?done=yes")
        form = request.POST
    return _form(request, base, invitation, problems, form, status=400 if problems else 200)


def _form(
    request: HttpRequest,
    base: dict[str, Any],
    invitation: ClaimInvitation,
    problems: list[Problem],
    form: Any,
    status: int,
) -> HttpResponse:
    items = list(invitation.items.order_by("pk"))
    errors = {p.field: p.message for p in problems}
    views = []
    for number, item in enumerate(items, 1):
        view = _item_view(item, invitation, number)
        pk = item.pk
        view["form"] = {
            "answer": form.get(f"answer-{pk}", ""),
            "dispute_reason": form.get(f"dispute-reason-{pk}", ""),
            "amend_figure": form.get(f"amend-figure-{pk}", ""),
            "amend_description": form.get(f"amend-description-{pk}", ""),
            "amend_reason": form.get(f"amend-reason-{pk}", ""),
        }
        view["errors"] = {
            key: errors.get(f"{key.replace('_', '-')}-{pk}", "")
            for key in ("answer", "dispute_reason", "amend_figure", "amend_description", "amend_reason")
        }
        views.append(view)
    context = {
        **base,
        "claims": views,
        "problems": problems,
        "errors": errors,
        "responder_name": form.get("responder-name", ""),
        "responder_role": form.get("responder-role", ""),
        "name_error": errors.get("responder-name", ""),
        "role_error": errors.get("responder-role", ""),
        "answers": Answer,
    }
    return render(request, "confirmation/respond.html", context, status=status)


def _form_from_answers(items: list[ClaimItem], invitation: ClaimInvitation) -> dict[str, str]:
    """The earlier answers, so changing one answer does not mean typing the others again."""
    form = {"responder-name": invitation.responder_name, "responder-role": invitation.responder_role}
    for item in items:
        form[f"answer-{item.pk}"] = item.answer
        if item.answer == Answer.DISPUTE:
            form[f"dispute-reason-{item.pk}"] = item.reason
        elif item.answer == Answer.AMEND and item.amended:
            figure = claims.amount_field(item.kind)
            if figure and figure in item.amended:
                form[f"amend-figure-{item.pk}"] = f"{item.amended[figure]:g}"
            form[f"amend-description-{item.pk}"] = item.amended.get("description", "")
            form[f"amend-reason-{item.pk}"] = item.reason
    return form


def _item_view(item: ClaimItem, invitation: ClaimInvitation, number: int) -> dict[str, Any]:
    bidder = invitation.bid.bidder.name
    figure = claims.amount_field(item.kind)
    return {
        "number": number,
        "item": item,
        "pk": item.pk,
        "kind_label": item.get_kind_display(),
        "text": claims.describe(item.kind, item.claimed, bidder),
        "amended_text": claims.describe(item.kind, item.figures_now, bidder)
        if item.answer == Answer.AMEND
        else "",
        "figure_label": claims.amount_label(item.kind, item.claimed) if figure else "",
        "figure_is_money": bool(figure) and claims.amount_is_money(item.kind, item.claimed),
        "answer_label": item.get_answer_display() if item.answer else "Not answered yet",
    }


# ------------------------------------------------------------------------------------ the officer


@access_rule(Officer)
@require_http_methods(["GET"])
def exercise_claims(request: HttpRequest, key: str) -> HttpResponse:
    exercise = _exercise_or_404(key)
    try:
        bids = list(opened_bids(exercise).select_related("bidder").order_by("bidder__name", "key"))
    except BidsSealed:
        return render(request, "confirmation/sealed.html", {"exercise": exercise}, status=403)
    by_bid: dict[int, list[ClaimInvitation]] = {}
    for invitation in (
        ClaimInvitation.objects.filter(bid__in=bids)
        .select_related("organisation", "letter_printed_by")
        .prefetch_related("items")
        .order_by("organisation__name")
    ):
        by_bid.setdefault(invitation.bid_id, []).append(invitation)
    rows = [{"bid": bid, "invitations": by_bid.get(bid.pk, [])} for bid in bids]
    return render(
        request, "confirmation/exercise_claims.html", {"exercise": exercise, "rows": rows, "now": clock.now()}
    )


@access_rule(Bidder)
@require_http_methods(["GET"])
def bidder_invitations(request: HttpRequest, key: str) -> HttpResponse:
    """The bidder's own submitted bids in the exercise: who was asked, how, and whether they answered."""
    exercise = _exercise_or_404(key)
    organisation_pk = getattr(request.user, "organisation_id", None)
    found = (
        ClaimInvitation.objects.filter(
            bid__exercise=exercise, bid__bidder_id=organisation_pk, bid__status=cm.BidStatus.SUBMITTED
        )
        .select_related("bid", "organisation")
        .prefetch_related("items")
        .order_by("bid__key", "organisation__name")
        if organisation_pk is not None
        else ClaimInvitation.objects.none()
    )
    return render(
        request, "confirmation/bidder_invitations.html", {"exercise": exercise, "invitations": found}
    )


@access_rule(Officer)
@require_POST
def resend_invitation(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    exercise = _exercise_or_404(key)
    opened_bids(exercise)  # BidsSealed (403) before the deadline
    invitation = _invitation_in(exercise, pk)
    if invitation.bid.status != cm.BidStatus.SUBMITTED:
        raise PermissionDenied("That bid is not submitted, so its partners are not asked about it.")
    if invitations.resend(invitation):
        messages.success(
            request,
            f"A new link was emailed to {invitation.contact_email} at {invitation.organisation.name}. "
            "The earlier link no longer works.",
        )
    else:
        messages.warning(
            request,
            f"There is no email address for {invitation.organisation.name}: a new link was made. "
            "Print the letter and send it by post or by hand; the earlier link no longer works.",
        )
    return redirect(reverse("confirmation:exercise_claims", args=[key]) + f"#bid-{invitation.bid.key}")


@access_rule(Officer, Bidder)
@private_link_page
@require_http_methods(["GET"])
def letter(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    exercise = _exercise_or_404(key)
    invitation = _invitation_in(exercise, pk)
    user: Any = request.user
    if user.role == Role.OFFICER:
        opened_bids(exercise)  # officers see nothing of a bid before the deadline
    else:
        # A bidder prints the letter for its own bid only, and only for a partner without email: where
        # there is an address the link goes straight to the partner, not through the bidder's hands.
        if user.organisation_id is None or invitation.bid.bidder_id != user.organisation_id:
            raise Http404("No invitation of your organisation's bids is stored under that number.")
        if invitation.contact_email:
            raise PermissionDenied(
                f"The link was emailed to {invitation.organisation.name}; only the commissioning officer "
                "can print it."
            )
    token = tokens.current_token(invitation)
    if token is None:
        token = tokens.issue(invitation)
    invitation.letter_printed_at, invitation.letter_printed_by = clock.now(), user
    invitation.save()
    context = invitations.letter_context(invitation, token)
    return render(request, "confirmation/letter.html", context)


def _exercise_or_404(key: str) -> cm.Exercise:
    exercise = cm.Exercise.objects.select_related("commissioner").filter(key=key).first()
    if exercise is None:
        raise Http404(f"No exercise with the id {key} is stored.")
    return exercise


def _invitation_in(exercise: cm.Exercise, pk: int) -> ClaimInvitation:
    invitation = (
        ClaimInvitation.objects.select_related("bid__exercise", "bid__bidder", "organisation")
        .filter(pk=pk, bid__exercise=exercise)
        .first()
    )
    if invitation is None:
        raise Http404("No invitation of this exercise is stored under that number.")
    return invitation
