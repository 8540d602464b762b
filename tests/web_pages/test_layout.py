"""The layout every page shares: vendored GOV.UK Frontend, no crown, the fictional-data notice when due."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from netimpact.domain.vocabulary import IncomeSource, OrgKind
from netimpact.web.register import models as m
from netimpact.web.register.charts import income_mix_chart
from netimpact.web.register.queries import IncomeShare

FICTIONAL_NOTICE = "The organisations in this demo are fictional."


@pytest.mark.django_db
def test_no_notice_while_the_register_holds_no_fictional_data(client):
    m.Register.objects.create(name="A real city", year=2026, demo=False)
    m.Organisation.objects.create(org_id="GB-CHC-1234567", name="A real charity", kind=OrgKind.LOCAL_VCSE)

    assert FICTIONAL_NOTICE not in client.get("/").text


@pytest.mark.django_db
def test_the_notice_shows_once_one_fictional_organisation_is_in_the_register(client):
    m.Organisation.objects.create(
        org_id="360G-test-1", name="Made-up Trust", kind=OrgKind.LOCAL_VCSE, fictional=True
    )

    for url in ("/", "/organisations/", "/wards/", "/accounts/sign-in/", "/organisations/360G-test-1/"):
        assert FICTIONAL_NOTICE in client.get(url).text, url


def test_govuk_frontend_is_served_from_our_own_static_files():
    css = finders.find("govuk/govuk-frontend.min.css")
    js = finders.find("govuk/govuk-frontend.min.js")
    assert css and js
    text = Path(css).read_text(encoding="utf-8")
    # Arial, not the GOV.UK-only typeface; every url() the CSS names exists beside it.
    assert "GDS Transport" not in text
    for url in re.findall(r'url\("?([^")]+)"?\)', text):
        assert finders.find(f"govuk/{url}"), url
    version = Path(finders.find("govuk/VERSION")).read_text(encoding="utf-8").strip()
    assert f'version="{version}"' in Path(js).read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_page_loads_only_local_assets(client):
    html = client.get("/").text

    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js|mjs|svg))"', html)
    assert assets and all(a.startswith("/static/") for a in assets)
    assert '<script type="module" src="/static/netimpact/enhance.mjs">' in html


def test_the_income_chart_draws_bars_in_proportion_and_escapes_text():
    shares = [
        IncomeShare(IncomeSource.GOVERNMENT_CONTRACTS, 600.0, 0.6),
        IncomeShare(IncomeSource.DONATIONS, 300.0, 0.3),
        IncomeShare(IncomeSource.OTHER, 100.0, 0.1),
    ]

    svg = str(income_mix_chart(shares, chart_id='mix"><script>'))

    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths == pytest.approx([490.0, 245.0, 81.7], abs=0.05)  # 490 = 640 wide less 150 for figures
    assert "<script>" not in svg
    assert 'role="img"' in svg and "<title" in svg and "£600 (60%)" in svg


def test_an_empty_income_mix_is_refused():
    with pytest.raises(ValueError, match="at least one income source"):
        income_mix_chart([], chart_id="x")


def test_figures_read_in_pounds_percent_and_labels():
    from netimpact.web.register.templatetags import register_format as f

    assert f.money(1234567.4) == "£1,234,567"
    assert f.money(-2500) == "−£2,500"
    assert f.money(None) == "not recorded"
    assert f.percent(0.125, 1) == "12.5%"
    assert f.months(None) == "no spending recorded"
    assert f.label("faith_group", "kind") == "Faith group"
    assert f.label("made_up", "kind") == "made_up"
    assert f.claim_tag_class("disputed") == "govuk-tag--red"
    assert f.claim_tag_class("confirmed") == "govuk-tag--green"
    assert f.kind_short("local_vcse") == "Local VCSE"


def test_the_500_page_renders_without_a_request_or_database():
    # Django renders 500.html with an empty context: no request, no context processors, no queries.
    from django.template import Context, loader

    html = loader.get_template("500.html").template.render(Context())

    assert "Sorry, there is a problem with the service" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("level", "banner"), [("success", "Success"), ("warning", "Important"), ("info", "Important")]
)
def test_a_message_shows_in_the_banner_its_level_calls_for(rf, level, banner):
    from django.contrib import messages
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.shortcuts import render

    request = rf.get("/")
    request.session, request.user = SessionStore(), AnonymousUser()
    request._messages = FallbackStorage(request)
    getattr(messages, level)(request, "Something to say")
    page = render(request, "base.html").content.decode()
    title = re.search(r'id="message-1-title">([^<]+)<', page)
    assert title is not None and title.group(1) == banner
    assert ("govuk-notification-banner--success" in page) is (level == "success")
