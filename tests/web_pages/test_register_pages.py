"""The register's pages on the demo city: each renders for every role, carries the fictional-data notice,
and shows figures that agree with the domain's own calculations."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from netimpact.domain import indicators
from netimpact.domain.demo_city import DemoCity
from netimpact.domain.vocabulary import EntryPoint, Need, OrgKind
from netimpact.web.register import models as m

from .conftest import ROLES

FICTIONAL_NOTICE = "The organisations in this demo are fictional."


def _page_urls(city: DemoCity) -> dict[str, str]:
    eco = city.ecosystem
    return {
        "home": reverse("register:home"),
        "organisations": reverse("register:organisations"),
        "organisation": reverse("register:organisation", args=[eco.organisations[0].id]),
        "services": reverse("register:services"),
        "service": reverse("register:service", args=[eco.services[0].id]),
        "wards": reverse("register:wards"),
        "ward": reverse("register:ward", args=[eco.wards[0].code]),
        "cohorts": reverse("register:cohorts"),
        "cohort": reverse("register:cohort", args=[eco.cohorts[0].id]),
        "sign-in": reverse("accounts:login"),
    }


PAGES = ("home", "organisations", "organisation", "services", "service", "wards", "ward", "cohorts", "cohort")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_every_register_page_renders_for_every_role(signed_in, demo_register, role, page):
    response = signed_in(role).get(_page_urls(demo_register)[page])

    assert response.status_code == 200
    html = response.text
    assert FICTIONAL_NOTICE in html
    assert '<html lang="en-GB"' in html
    assert html.count("<h1") == 1
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert 'class="govuk-generic-header"' in html and "govuk-header__logotype" not in html  # no crown
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        assert "<caption" in table
        assert 'scope="col"' in table or "<thead" not in table


@pytest.mark.parametrize("role", ROLES)
def test_the_header_names_the_role(signed_in, demo_register, role):
    html = signed_in(role).get(reverse("register:home")).text

    expected = {
        "public": "Viewing as the public",
        "officer": "Commissioning officer",
        "panel": "Panel member",
        "bidder": "Bidder",
        "partner": "Partner organisation",
    }[role]
    assert expected in html


def test_only_officers_see_the_link_to_the_admin(signed_in, demo_register):
    admin = f'href="{reverse("admin:index")}"'

    assert admin in signed_in("officer").get("/").text
    for role in ("public", "panel", "bidder", "partner"):
        assert admin not in signed_in(role).get("/").text


def test_the_notice_shows_on_sign_in_and_error_pages_too(signed_in, demo_register):
    client = signed_in("public")

    assert FICTIONAL_NOTICE in client.get(reverse("accounts:login")).text
    missing = client.get("/organisations/GB-CHC-0000000/")
    assert missing.status_code == 404
    assert FICTIONAL_NOTICE in missing.text and "Page not found" in missing.text


def test_the_notice_shows_in_the_admin_too(signed_in, demo_register):
    officer = signed_in("officer")

    for url in (reverse("admin:index"), reverse("admin:register_organisation_changelist")):
        response = officer.get(url)
        assert response.status_code == 200
        assert FICTIONAL_NOTICE in response.text


# ------------------------------------------------------------------------------------------- filters


def _all_listed(client, url: str, params: dict[str, str]) -> list:
    """Every row of a filtered list, across all its pages."""
    first = client.get(url, params)
    assert first.status_code == 200, first.text
    rows = list(first.context["page"].object_list)
    for number in range(2, first.context["page"].paginator.num_pages + 1):
        rows += list(client.get(url, {**params, "page": number}).context["page"].object_list)
    return rows


def test_a_ward_filter_lists_exactly_the_organisations_in_that_ward(signed_in, demo_register):
    eco = demo_register.ecosystem
    ward = max(eco.wards, key=lambda w: sum(w.code in o.wards for o in eco.organisations))
    expected = {o.id for o in eco.organisations if ward.code in o.wards}

    listed = _all_listed(signed_in("public"), reverse("register:organisations"), {"ward": ward.code})

    assert len(expected) > 1
    assert {o.org_id for o in listed} == expected
    assert len(listed) == len(expected)  # no organisation listed twice


def test_kind_and_need_filters_combine(signed_in, demo_register):
    eco = demo_register.ecosystem
    runs_need = {s.organisation for s in eco.services if Need.SUBSTANCE_USE in s.needs}
    expected = {o.id for o in eco.organisations if o.kind == OrgKind.LOCAL_VCSE and o.id in runs_need}

    listed = _all_listed(
        signed_in("panel"),
        reverse("register:organisations"),
        {"kind": OrgKind.LOCAL_VCSE.value, "need": Need.SUBSTANCE_USE.value},
    )

    assert expected and {o.org_id for o in listed} == expected


def test_search_finds_an_organisation_by_any_org_id_or_part_of_its_name(signed_in, demo_register):
    org = demo_register.ecosystem.organisations[5]
    secondary = "GB-CHC-1099999"  # a charity number this organisation is also known by
    m.OrgIdentifier.objects.create(organisation=m.Organisation.objects.get(org_id=org.id), value=secondary)
    client = signed_in("public")

    by_id = client.get(reverse("register:organisations"), {"q": secondary}).context["page"].object_list
    by_name = _all_listed(client, reverse("register:organisations"), {"q": org.name[3:12].lower()})

    assert [o.org_id for o in by_id] == [org.id]
    assert org.id in {o.org_id for o in by_name}
    assert client.get(reverse("register:organisation", args=[secondary])).context["org"].org_id == org.id


def test_the_list_shows_each_organisations_months_of_reserves(signed_in, demo_register):
    eco = demo_register.ecosystem
    response = signed_in("public").get(reverse("register:organisations"))

    for org, shown in response.context["rows"]:
        latest = eco.organisation(org.org_id).latest_finances
        if latest is None:
            assert shown is None
        else:
            assert shown == pytest.approx(indicators.months_of_reserves(latest))


def test_counts_and_pages(signed_in, demo_register):
    client = signed_in("public")
    total = len(demo_register.ecosystem.organisations)

    first = client.get(reverse("register:organisations"))
    second = client.get(reverse("register:organisations"), {"page": 2})
    nonsense = client.get(reverse("register:organisations"), {"page": "abc"})
    beyond = client.get(reverse("register:organisations"), {"page": 10_000})

    assert f"of <strong>{total}</strong> organisations" in first.text
    assert first.context["page"].object_list[0] != second.context["page"].object_list[0]
    assert nonsense.status_code == 200 and nonsense.context["page"].number == 1
    assert (
        beyond.status_code == 200
        and beyond.context["page"].number == first.context["page"].paginator.num_pages
    )
    assert 'aria-label="Page 2"' in first.text and 'rel="next"' in first.text


@pytest.mark.parametrize(
    ("url_name", "params", "field", "message"),
    [
        (
            "register:organisations",
            {"ward": "E99999999"},
            "ward",
            "There is no ward with the code “E99999999”",
        ),
        ("register:organisations", {"kind": "charity"}, "kind", "“charity” is not a kind of organisation"),
        ("register:organisations", {"need": "hunger"}, "need", "“hunger” is not a need"),
        ("register:organisations", {"q": "x" * 201}, "q", "200 characters or fewer"),
        ("register:services", {"ward": "nowhere"}, "ward", "no ward with the code “nowhere”"),
        ("register:services", {"entry_point": "pharmacy"}, "entry_point", "“pharmacy” is not an entry point"),
        ("register:wards", {"sort": "population"}, "sort", "Sort wards by deprivation or by name"),
    ],
)
def test_a_bad_filter_gets_the_error_summary_not_a_crash(
    signed_in, demo_register, url_name, params, field, message
):
    response = signed_in("public").get(reverse(url_name), params)
    html = unescape(response.text)

    assert response.status_code == 400
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert f'<a href="#{field}">' in html and message in html
    assert f'id="{field}"' in html  # the summary's link lands on the field
    assert "<title>Error:" in html
    assert FICTIONAL_NOTICE in html


def test_a_service_ward_filter_includes_city_wide_services(signed_in, demo_register):
    eco = demo_register.ecosystem
    ward = eco.wards[0].code
    expected = {s.id for s in eco.services if not s.wards or ward in s.wards}

    listed = _all_listed(signed_in("bidder"), reverse("register:services"), {"ward": ward})

    assert {s.key for s in listed} == expected


def test_a_service_entry_point_filter(signed_in, demo_register):
    eco = demo_register.ecosystem
    expected = {s.id for s in eco.services if EntryPoint.GP in s.entry_points}

    listed = _all_listed(signed_in("partner"), reverse("register:services"), {"entry_point": "gp"})

    assert expected and {s.key for s in listed} == expected


def test_wards_sort_by_deprivation_and_by_name(signed_in, demo_register):
    client = signed_in("public")
    by_deprivation = [r.ward.code for r in client.get(reverse("register:wards")).context["rows"]]
    by_name = [r.ward.name for r in client.get(reverse("register:wards"), {"sort": "name"}).context["rows"]]
    wards = demo_register.ecosystem.wards

    assert by_deprivation == [w.code for w in sorted(wards, key=lambda w: -(w.imd_score or 0))]
    assert by_name == sorted(w.name for w in wards)


# ----------------------------------------------------------------- figures against the domain core


def test_an_organisation_page_shows_the_domain_figures(signed_in, demo_register):
    eco = demo_register.ecosystem
    org = eco.organisations[0]  # the story's incumbent charity
    latest = org.latest_finances
    assert latest is not None

    response = signed_in("officer").get(reverse("register:organisation", args=[org.id]))
    html = unescape(response.text)

    expected_months = indicators.months_of_reserves(latest)
    shown = re.search(r'id="months-of-reserves">([\d.]+) months<', html)
    assert shown is not None and float(shown.group(1)) == pytest.approx(expected_months, abs=0.05)
    profile = response.context["profile"]
    assert profile.latest.months_of_reserves == pytest.approx(expected_months)
    assert [fy.year for fy in profile.finances] == sorted(fy.year for fy in org.finances)
    assert profile.latest.equity_ratio == pytest.approx(indicators.equity_ratio(latest))
    assert profile.latest.revenue_concentration == pytest.approx(indicators.revenue_concentration(latest))
    # The cut-offs are the engine's: Tuckman & Chang quintiles over the register's local organisations.
    thresholds = indicators.register_thresholds(eco)
    assert profile.thresholds == thresholds
    assert profile.latest.flags == indicators.vulnerability_indicators(latest, thresholds).flags
    # Income mix: chart and table both carry every source with income, with its £.
    for source, amount in latest.income_by_source.items():
        if amount > 0:
            assert f"£{round(amount):,}" in html
            assert source.label in html
    assert '<svg class="ni-chart"' in html and 'role="img"' in html
    # Ties: each funding tie into the organisation is listed with its funder.
    for tie in (t for t in eco.funding if t.recipient == org.id):
        assert eco.organisation(tie.funder).name in html
        assert f"£{round(tie.amount_per_year):,}" in html
    for service in eco.services_of(org.id):
        assert service.name in html


def test_a_ward_page_shows_its_deprivation_rank_and_who_works_there(signed_in, demo_register):
    eco = demo_register.ecosystem
    ranked = sorted((w for w in eco.wards if w.imd_score is not None), key=lambda w: -w.imd_score)
    ward = ranked[2]

    response = signed_in("public").get(reverse("register:ward", args=[ward.code]))
    html = unescape(response.text)

    assert f'id="imd-score">{ward.imd_score:,.1f}<' in html
    assert f'id="imd-rank">3 of {len(ranked)}' in html
    listed = {o.org_id for o in response.context["profile"].organisations}
    assert listed == {o.id for o in eco.organisations if ward.code in o.wards}
    assert {s.key for s in response.context["profile"].services} == {
        s.id for s in eco.services if ward.code in s.wards
    }


def test_a_cohort_page_shows_its_needs_and_the_services_for_each(signed_in, demo_register):
    eco = demo_register.ecosystem
    cohort = max(eco.cohorts, key=lambda c: len(c.needs))

    response = signed_in("panel").get(reverse("register:cohort", args=[cohort.id]))
    profile = response.context["profile"]

    assert set(profile.needs) == set(cohort.needs)
    assert dict(profile.entry_shares) == pytest.approx(cohort.entry_shares)
    for cover in profile.coverage:
        expected = {
            s.id
            for s in eco.services
            if cover.need in s.needs
            and (not s.eligible_cohorts or cohort.id in s.eligible_cohorts)
            and (not cohort.wards or not s.wards or set(s.wards) & set(cohort.wards))
        }
        assert {s.key for s in cover.services} == expected
    assert f"£{round(cohort.unit_cost_unmet_need):,}" in response.text


def test_a_service_page_shows_its_referrals(signed_in, demo_register):
    eco = demo_register.ecosystem
    service = max(eco.services, key=lambda s: sum(r.to_service == s.id for r in eco.referrals))

    profile = signed_in("public").get(reverse("register:service", args=[service.id])).context["profile"]

    assert {r.key for r in profile.referrals_in} == {
        r.id for r in eco.referrals if r.to_service == service.id
    }
    assert {r.key for r in profile.referrals_out} == {
        r.id for r in eco.referrals if r.from_service == service.id
    }
    assert set(profile.needs) == set(service.needs)


@pytest.mark.parametrize(
    "url",
    ["/organisations/GB-CHC-0000000/", "/services/no-such-service/", "/wards/E00000000/", "/cohorts/nobody/"],
)
def test_unknown_records_are_a_govuk_404(signed_in, demo_register, url):
    response = signed_in("public").get(url)

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_filter_forms_work_without_javascript(signed_in, demo_register):
    html = signed_in("public").get(reverse("register:organisations")).text
    form = re.search(r'<form method="get" action="/organisations/".*?</form>', html, flags=re.S)

    assert form is not None
    assert '<button type="submit"' in form.group(0)
    for field in ("q", "ward", "kind", "need"):
        assert f'<label class="govuk-label" for="{field}">' in form.group(0)
