"""The evaluation in a real browser (Debian's Chromium through Playwright) against a live server: an
officer runs it through the form with JavaScript off, and every commissioning page passes axe."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from accessibility import WCAG_22_AA
from netimpact.web.commissioning import models as m

from .conftest import TEST_DRAWS

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the test makes itself are
# synchronous, so Django's async guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")


def test_an_officer_runs_the_evaluation_with_javascript_off(site, browser):
    url, city, passwords = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, url, "officer", passwords["officer"])
    evaluation_url = url + reverse("commissioning:evaluation", args=[city.exercise.id])

    page.goto(evaluation_url)
    page.fill("#draws", "lots")
    page.click("#run-again ~ form button[type=submit]")
    assert page.locator(".govuk-error-summary").inner_text().count("whole number") == 1
    assert page.input_value("#draws") == "lots"
    page.fill("#draws", str(TEST_DRAWS))
    page.click("#run-again ~ form button[type=submit]")

    assert page.url == evaluation_url  # redirected after the POST
    assert m.EvaluationRun.objects.count() == 1
    assert page.locator("#ranking-table tbody tr").count() == len(city.bids)
    assert page.locator(".ni-at-risk-sentence").count() >= 1
    # The sensitivity box is ticked by default, so the run has a tornado chart and table per bid.
    assert page.is_checked("#sensitivity")
    assert page.locator("#sensitivity-winner").is_visible()
    assert page.locator("svg[id^='tornado-']").count() == len(city.bids)
    context.close()


def test_every_commissioning_page_passes_axe_for_wcag_2_2_aa(site, page):
    url, city, passwords = site
    _sign_in(page, url, "officer", passwords["officer"])
    key = city.exercise.id
    evaluation = reverse("commissioning:evaluation", args=[key])
    axe = Axe()
    failures = []

    page.goto(url + evaluation)
    failures += _axe_failures(axe, page, "evaluation before any run")
    page.fill("#draws", "50")
    page.click("#run-again ~ form button[type=submit]")
    failures += _axe_failures(axe, page, "evaluation with an error")
    page.fill("#draws", str(TEST_DRAWS))
    page.click("#run-again ~ form button[type=submit]")
    page.wait_for_selector("#ranking-table")
    for path in (
        reverse("commissioning:exercises"),
        reverse("commissioning:exercise", args=[key]),
        evaluation,
    ):
        page.goto(url + path)
        failures += _axe_failures(axe, page, path)

    assert failures == []


def _axe_failures(axe: Axe, page, where: str) -> list[str]:
    results = axe.run(page, options=WCAG_22_AA)
    return [f"{where}:\n{results.generate_report()}"] if results.violations_count else []
