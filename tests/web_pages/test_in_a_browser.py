"""The register in a real browser (Debian's Chromium through Playwright) against a live server:
accessibility checked with axe, filters that work with JavaScript off, GOV.UK's JavaScript served locally."""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from accessibility import WCAG_22_AA
from netimpact.domain.demo_city import DemoCity

# Playwright's sync API runs an event loop in the test's thread; Django's ORM calls made from the test
# itself (saving the city) are still synchronous, so Django's async guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _pages(city: DemoCity) -> list[str]:
    eco = city.ecosystem
    return [
        reverse("register:home"),
        reverse("register:organisations"),
        reverse("register:organisations") + "?ward=E99999999",
        reverse("register:organisation", args=[eco.organisations[0].id]),
        reverse("register:services"),
        reverse("register:service", args=[eco.services[0].id]),
        reverse("register:wards"),
        reverse("register:ward", args=[eco.wards[0].code]),
        reverse("register:cohorts"),
        reverse("register:cohort", args=[eco.cohorts[0].id]),
        reverse("accounts:login"),
        "/no-such-page/",
    ]


def test_every_register_page_passes_axe_for_wcag_2_2_aa(site, page):
    url, city, _ = site
    axe = Axe()
    failures = []
    for path in _pages(city):
        page.goto(url + path)
        results = axe.run(page, options=WCAG_22_AA)
        if results.violations_count:
            failures.append(f"{path}:\n{results.generate_report()}")

    assert failures == []


def test_every_asset_comes_from_our_own_server(site, page):
    url, city, _ = site
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))

    for path in _pages(city)[:4]:
        page.goto(url + path)

    assert hosts == {urlparse(url).netloc}


def test_filters_work_with_javascript_off(site, browser):
    url, city, _ = site
    ward = city.ecosystem.wards[0]
    expected = sum(ward.code in o.wards for o in city.ecosystem.organisations)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(url + reverse("register:organisations"))
    page.select_option("#ward", ward.code)
    page.click("form.ni-filters button[type=submit]")

    assert f"ward={ward.code}" in page.url
    assert f"of {expected} organisation" in page.inner_text("#result-count")
    context.close()


def test_govuk_javascript_enhances_the_menu_on_a_phone(site, browser):
    url, _, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()

    page.goto(url + reverse("register:home"))
    toggle = page.locator(".govuk-service-navigation__toggle")

    assert toggle.is_visible()  # shown only once GOV.UK Frontend's JavaScript has started
    assert not page.locator("#navigation").is_visible()
    toggle.click()
    assert page.locator("#navigation").is_visible()
    context.close()


def test_signing_in_shows_the_role_and_signing_out_says_so(site, page):
    url, _, passwords = site

    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", "panel1")
    page.fill("#id_password", passwords["panel1"])
    page.click("main button[type=submit]")
    header = page.inner_text(".ni-account")
    page.click("text=Sign out")

    assert "panel1" in header and "Panel member" in header
    assert "You have signed out." in page.inner_text("main")
    assert "Viewing as the public" in page.inner_text(".ni-account")
