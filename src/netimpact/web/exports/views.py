"""Downloads of the open-data exports, each with its access rule (docs/open-data-exports.md says why):

- the register as Open Referral UK / HSDS 3.0, and its grants as 360Giving: public, as the register is;
- an exercise's tender as OCDS (the published terms, no bid): public once the exercise is published,
  as its award criteria are (Procurement Act 2023 s.23);
- an exercise's full OCDS release (bids, per-bid net impact, award): commissioning officers only, and
  only after the deadline (sealing.opened_bids is the gate, through commissioning.store.load_exercise);
- our OCDS extension's files: public, because every published package names them.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from netimpact.standards.export_validation import NETIMPACT_EXTENSION_DIR
from netimpact.standards.threesixtygiving_export import GrantsExportError
from netimpact.web.accounts.access import Officer, Public, access_rule
from netimpact.web.commissioning import models as m
from netimpact.web.register.store import RegisterError

from . import sources

EXTENSION_FILES = {
    "extension.json": "application/json",
    "release-schema.json": "application/json",
    "README.md": "text/markdown; charset=utf-8",
    "codelists/+partyRole.csv": "text/csv; charset=utf-8",
    "codelists/claimType.csv": "text/csv; charset=utf-8",
    "codelists/evidenceState.csv": "text/csv; charset=utf-8",
    "codelists/organisationKind.csv": "text/csv; charset=utf-8",
}


def addresses(request: HttpRequest) -> sources.Addresses:
    return sources.Addresses(
        package_uri=request.build_absolute_uri(),
        netimpact_extension_url=request.build_absolute_uri(
            reverse("exports:ocds_extension", args=["extension.json"])
        ),
        register_url=request.build_absolute_uri(reverse("register:home")),
    )


def _download(document: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _published_exercise(key: str) -> m.Exercise:
    found = m.Exercise.objects.select_related("commissioner").filter(key=key).first()
    if found is None or found.status != m.ExerciseStatus.PUBLISHED:
        raise Http404(f"No published exercise with the id {key}.")
    return found


@access_rule(Public)
def open_data(request: HttpRequest) -> HttpResponse:
    exercises = m.Exercise.objects.filter(status=m.ExerciseStatus.PUBLISHED).order_by("title")
    return render(request, "exports/open_data.html", {"exercises": exercises})


@access_rule(Officer)
def exercise_release(request: HttpRequest, key: str) -> HttpResponse:
    """The full release: tender, bids with their net impact and claims, award. After the deadline only:
    before it, load_exercise raises BidsSealed (a 403 saying when bids open)."""
    _published_exercise(key)
    try:
        package = sources.ocds_package(key, addresses(request), with_bids=True)
    except RegisterError as error:
        raise Http404(str(error)) from error
    return _download(package, f"{key}-ocds.json")


@access_rule(Public)
def exercise_tender(request: HttpRequest, key: str) -> HttpResponse:
    """The tender only: what was published to bidders, nothing of any bid (not even how many)."""
    _published_exercise(key)
    try:
        package = sources.ocds_package(key, addresses(request), with_bids=False)
    except RegisterError as error:
        raise Http404(str(error)) from error
    return _download(package, f"{key}-ocds-tender.json")


@access_rule(Public)
def hsds_services(request: HttpRequest) -> HttpResponse:
    try:
        page = sources.hsds_page(addresses(request))
    except RegisterError as error:
        raise Http404(str(error)) from error
    return _download(page, "services-hsds.json")


@access_rule(Public)
def threesixtygiving_grants(request: HttpRequest) -> HttpResponse:
    try:
        export = sources.grants()
    except (RegisterError, GrantsExportError) as error:
        raise Http404(str(error)) from error
    return _download(export.package, "grants-360giving.json")


@access_rule(Public)
def ocds_extension(request: HttpRequest, name: str) -> HttpResponse:
    """The netimpact OCDS extension's files, which every package we publish names by URL."""
    content_type = EXTENSION_FILES.get(name)
    if content_type is None:
        raise Http404(f"The netimpact OCDS extension has no file {name}.")
    response = HttpResponse((NETIMPACT_EXTENSION_DIR / name).read_bytes(), content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"  # validators fetch it from other sites
    return response
