"""The ecosystem register's pages: read-only, open to everyone. Questions live in queries.py."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from netimpact.domain.vocabulary import EntryPoint, Need, OrgKind
from netimpact.web.accounts.access import Public, access_rule

from . import charts, queries
from . import models as m

PAGE_SIZE = 25  # rows a page: long enough to scan, short enough for a phone


@access_rule(Public)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "register/home.html", {"summary": queries.register_summary()})


@access_rule(Public)
def organisations(request: HttpRequest) -> HttpResponse:
    filters, problems = queries.read_organisation_filters(request.GET)
    context: dict[str, Any] = {
        "filters": filters,
        "problems": problems,
        "errors": {p.field: p.message for p in problems},
        "ward_choices": _ward_choices(),
        "kind_choices": OrgKind.choices(),
        "need_choices": Need.choices(),
    }
    if not problems:
        found = queries.search_organisations(filters)
        context["page"] = page = _page(request, found)
        context["rows"] = [(org, queries.months_of_reserves(org)) for org in page.object_list]
        context["kind_counts"] = queries.kind_counts(found)
    return render(request, "register/organisations.html", context, status=400 if problems else 200)


@access_rule(Public)
def organisation(request: HttpRequest, org_id: str) -> HttpResponse:
    found = queries.find_organisation(org_id)
    if found is None:
        raise Http404(f"No organisation with the Org-ID {org_id} is in the register.")
    profile = queries.organisation_profile(found)
    return render(
        request,
        "register/organisation.html",
        {
            "profile": profile,
            "org": found,
            "kind": OrgKind(found.kind),
            "income_chart": charts.income_mix_chart(profile.income_mix, chart_id="income-mix")
            if profile.income_mix
            else "",
            "finance_rows": list(zip(profile.finances, profile.indicators_by_year, strict=True)),
        },
    )


@access_rule(Public)
def services(request: HttpRequest) -> HttpResponse:
    filters, problems = queries.read_service_filters(request.GET)
    context: dict[str, Any] = {
        "filters": filters,
        "problems": problems,
        "errors": {p.field: p.message for p in problems},
        "ward_choices": _ward_choices(),
        "need_choices": Need.choices(),
        "entry_point_choices": EntryPoint.choices(),
    }
    if not problems:
        context["page"] = _page(request, queries.search_services(filters))
    return render(request, "register/services.html", context, status=400 if problems else 200)


@access_rule(Public)
def service(request: HttpRequest, key: str) -> HttpResponse:
    found = queries.find_service(key)
    if found is None:
        raise Http404(f"No service with the id {key} is in the register.")
    return render(request, "register/service.html", {"profile": queries.service_profile(found)})


@access_rule(Public)
def wards(request: HttpRequest) -> HttpResponse:
    order = request.GET.get("sort", "deprivation")
    problems = []
    if order not in queries.WARD_ORDERS:
        problems.append(queries.FilterProblem("sort", "Sort wards by deprivation or by name"))
        order = "deprivation"
    return render(
        request,
        "register/wards.html",
        {
            "rows": queries.ward_rows(order),
            "order": order,
            "order_label": queries.WARD_ORDERS[order],
            "orders": queries.WARD_ORDERS,
            "problems": problems,
            "errors": {p.field: p.message for p in problems},
        },
        status=400 if problems else 200,
    )


@access_rule(Public)
def ward(request: HttpRequest, code: str) -> HttpResponse:
    found = queries.find_ward(code)
    if found is None:
        raise Http404(f"No ward with the code {code} is in the register.")
    return render(request, "register/ward.html", {"profile": queries.ward_profile(found)})


@access_rule(Public)
def cohorts(request: HttpRequest) -> HttpResponse:
    return render(request, "register/cohorts.html", {"cohorts": queries.cohorts()})


@access_rule(Public)
def cohort(request: HttpRequest, key: str) -> HttpResponse:
    found = queries.find_cohort(key)
    if found is None:
        raise Http404(f"No cohort with the id {key} is in the register.")
    return render(request, "register/cohort.html", {"profile": queries.cohort_profile(found)})


def _ward_choices() -> list[tuple[str, str]]:
    return list(m.Ward.objects.order_by("name").values_list("code", "name"))


def _page(request: HttpRequest, rows: Any) -> Page:
    """The requested page of rows; a page number out of range or not a number gives the nearest page."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))  # type: ignore[attr-defined]
    return page
