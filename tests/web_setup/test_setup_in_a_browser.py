"""Exercise set-up in a real browser (Chromium through Playwright) with JavaScript off: an officer creates,
fills and publishes an exercise through the forms, and every set-up page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from accessibility import WCAG_22_AA
from netimpact.web.commissioning import models as m

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in the test's thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _axe_failures(axe: Axe, page, where: str) -> list[str]:
    results = axe.run(page, options=WCAG_22_AA)
    return [f"{where}:\n{results.generate_report()}"] if results.violations_count else []


def test_an_officer_sets_up_and_publishes_an_exercise_with_javascript_off(site, browser):
    url, _city, passwords = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", "officer")
    page.fill("#id_password", passwords["officer"])
    page.click("main button[type=submit]")

    page.goto(url + reverse("commissioning:exercises"))
    page.click("text=Set up an exercise")
    page.fill("#id_title", "Browser exercise")
    page.fill("#id_budget_per_year", "lots")
    page.click("main form button[type=submit]")
    assert "Budget per year must be an amount in pounds" in page.locator(".govuk-error-summary").inner_text()
    assert page.input_value("#id_title") == "Browser exercise"

    deadline = date.today() + timedelta(days=90)
    page.fill("#id_description", "Tested in a browser.")
    page.fill("#id_budget_per_year", "200000")
    page.fill("#id_term_years", "2")
    page.check("#id_cohorts_0")
    page.select_option("#id_commissioner", index=1)  # index 0 is the empty choice
    page.fill("#id_deadline_day", str(deadline.day))
    page.fill("#id_deadline_month", str(deadline.month))
    page.fill("#id_deadline_year", str(deadline.year))
    page.click("main form button[type=submit]")

    page.click("text=Use the Provider Selection Regime key criteria")
    assert page.locator("#questions tbody tr").count() == 5
    page.click("text=Next: the award weights and price formula")
    page.fill("#id_net_impact_percent", "5")
    page.fill("#id_price_percent", "45")
    page.click("main form button[type=submit]")
    assert page.locator("#social-value-warning").is_visible()
    page.click("text=Next: check your answers and publish")
    page.click('main form button[type=submit]:has-text("Publish the exercise")')

    assert page.locator(".govuk-error-summary").count() == 0
    exercise = m.Exercise.objects.get(title="Browser exercise")
    assert exercise.status == m.ExerciseStatus.PUBLISHED
    assert page.url == url + reverse("commissioning:criteria", args=[exercise.key])
    context.close()


def test_every_set_up_page_passes_axe_for_wcag_2_2_aa(site, page):
    """axe runs in the page, so this pass has JavaScript on; the form walk above has it off."""
    url, city, passwords = site
    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", "officer")
    page.fill("#id_password", passwords["officer"])
    page.click("main button[type=submit]")
    axe = Axe()
    failures: list[str] = []

    page.goto(url + reverse("commissioning:setup_new"))
    failures += _axe_failures(axe, page, "create")
    page.fill("#id_budget_per_year", "lots")
    page.click("main form button[type=submit]")
    failures += _axe_failures(axe, page, "create with errors")
    key = city.exercise.id
    m.Exercise.objects.filter(key=key).update(status=m.ExerciseStatus.DRAFT)  # the draft pages open
    for name in ("setup_details", "setup_questions", "setup_criteria", "setup_check", "criteria"):
        page.goto(url + reverse(f"commissioning:{name}", args=[key]))
        failures += _axe_failures(axe, page, name)
    m.Exercise.objects.filter(key=key).update(status=m.ExerciseStatus.PUBLISHED)
    page.goto(url + reverse("commissioning:criteria", args=[key]))
    failures += _axe_failures(axe, page, "published criteria")

    assert failures == []
