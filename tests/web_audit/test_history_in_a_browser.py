"""The history page in a real browser (Chromium through Playwright): it passes axe for WCAG 2.2 AA, and
an event's details open without JavaScript."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from accessibility import WCAG_22_AA
from netimpact.web.accounts.models import User
from netimpact.web.audit.models import AuditKind
from netimpact.web.audit.recorder import record_event

# Playwright's sync API runs an event loop in the test's thread; the ORM calls here are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_history_page_passes_axe_and_opens_details_without_javascript(site, browser):
    url, city, passwords = site
    key = city.exercise.id
    officer = User.objects.get(username="officer")
    record_event(
        AuditKind.DECISION_RECORDED,
        actor=officer,
        exercise_key=key,
        summary="Award decided for the highest award score.",
        details={"winner": city.bids[0].id, "ranked_bids": [b.id for b in city.bids]},
    )
    history = url + reverse("audit:exercise_history", args=[key])

    without_js = browser.new_context(java_script_enabled=False)
    page = _signed_in_page(without_js, url, passwords["officer"])
    page.goto(history)
    assert not page.locator(".govuk-details__text").first.is_visible()
    page.click(".govuk-details__summary")
    assert page.locator(".govuk-details__text").first.is_visible()
    assert city.bids[0].id in page.locator(".govuk-details__text").first.inner_text()
    without_js.close()

    with_js = browser.new_context()  # axe runs as a script in the page
    page = _signed_in_page(with_js, url, passwords["officer"])
    page.goto(history)
    results = Axe().run(page, options=WCAG_22_AA)
    assert results.violations_count == 0, results.generate_report()
    with_js.close()


def _signed_in_page(context, url: str, password: str):
    page = context.new_page()
    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", "officer")
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    return page
