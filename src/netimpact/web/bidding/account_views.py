"""A new supplier starts from nothing: an account (sign-up), then the organisation it speaks for, found
in the register by Org-ID or name, or added to it."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from netimpact.domain.vocabulary import OrgKind
from netimpact.web.accounts.access import Bidder, Public, access_rule
from netimpact.web.accounts.models import Role, User
from netimpact.web.audit.models import AuditKind
from netimpact.web.audit.recorder import record_event
from netimpact.web.register.models import Organisation, OrgIdentifier
from netimpact.web.register.queries import find_organisation

from .forms import NewOrganisationForm, SignUpForm
from .views import _problems

MAX_RESULTS = 20


@access_rule(Public)
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, "You already have an account and are signed in.")
        return redirect("register:home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account was created. Now tell us which organisation you bid for.")
        return redirect("bidding:organisation")
    return render(
        request,
        "bidding/sign_up.html",
        {"form": form, "problems": _problems(form)},
        status=400 if form.is_bound else 200,
    )


def _search(query: str) -> list[Organisation]:
    query = query.strip()
    if not query:
        return []
    exact = find_organisation(query)
    by_name = (
        Organisation.objects.filter(
            Q(name__icontains=query) | Q(org_id__iexact=query) | Q(identifiers__value__iexact=query)
        )
        .distinct()
        .order_by("name")[:MAX_RESULTS]
    )
    found = ([exact] if exact else []) + [o for o in by_name if exact is None or o.pk != exact.pk]
    return found[:MAX_RESULTS]


def _spoken_for(organisation: Organisation, by: Any) -> bool:
    return (
        User.objects.filter(organisation=organisation, role=Role.BIDDER, is_active=True)
        .exclude(pk=by.pk)
        .exists()
    )


def _new_org_id(name: str) -> str:
    """360Giving's scheme for an organisation with no registered number: 360G-<prefix>-<local id>."""
    return f"360G-netimpact-{slugify(name)[:40] or 'organisation'}-{secrets.token_hex(3)}"


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def organisation(request: HttpRequest) -> HttpResponse:
    """Link the account to its organisation: chosen from the register, or added to it."""
    user: Any = request.user
    if user.organisation is not None:
        return render(request, "bidding/organisation_linked.html", {"organisation": user.organisation})
    query = request.GET.get("q", "")
    new_form = NewOrganisationForm(request.POST if request.POST.get("action") == "add" else None)
    link_error = ""
    if request.method == "POST" and request.POST.get("action") == "link":
        chosen = Organisation.objects.filter(org_id=request.POST.get("org_id", "")).first()
        if chosen is None:
            link_error = "That organisation is not in the register: search again"
        elif _spoken_for(chosen, user):
            # Whoever speaks for an organisation reads its draft bids: a second account may not just
            # claim it (docs/decisions/0010-bidder-accounts-and-organisations.md).
            link_error = (
                f"Someone already bids for {chosen.name} on this service. Ask them, or the commissioning "
                "team, to add you; a second account cannot link itself"
            )
        else:
            _link(user, chosen)
            messages.success(request, f"Your account now speaks for {chosen.name}.")
            return redirect("bidding:home")
    if request.method == "POST" and request.POST.get("action") == "add" and new_form.is_valid():
        data = new_form.cleaned_data
        with transaction.atomic():
            org_id = data["org_id"] or _new_org_id(data["name"])
            created = Organisation.objects.create(
                org_id=org_id, name=data["name"].strip(), kind=data["kind"], postcode=data["postcode"]
            )
            OrgIdentifier.objects.create(organisation=created, value=org_id)
            record_event(
                AuditKind.REGISTER_CHANGED,
                actor=user,
                summary=f"{created.name} ({org_id}) added to the register by a bidder.",
                details={"organisation": org_id, "kind": created.kind, "postcode": created.postcode},
            )
            _link(user, created)
        messages.success(request, f"{created.name} was added to the register with the Org-ID {org_id}.")
        return redirect("bidding:home")
    problems = _problems(new_form)
    if link_error:
        problems.insert(0, {"field": "q", "message": link_error})
    results = _search(query)
    return render(
        request,
        "bidding/organisation.html",
        {
            "query": query,
            "results": [{"organisation": o, "taken": _spoken_for(o, user)} for o in results],
            "form": new_form,
            "problems": problems,
            "link_error": link_error,
            "kinds": OrgKind,
        },
        status=400 if problems else 200,
    )


def _link(user: Any, organisation: Organisation) -> None:
    user.organisation = organisation
    user.save(update_fields=["organisation"])
