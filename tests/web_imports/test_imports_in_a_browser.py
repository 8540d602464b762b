"""Importing open data in a real browser with JavaScript off; every import page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from accessibility import WCAG_22_AA

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in the test's thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _axe_failures(axe: Axe, page, where: str) -> list[str]:
    results = axe.run(page, options=WCAG_22_AA)
    return [f"{where}:\n{results.generate_report()}"] if results.violations_count else []


def _sign_in(browser, url: str, password: str, javascript: bool):
    page = browser.new_context(java_script_enabled=javascript).new_page()
    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", "officer")
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    return page


def test_an_officer_imports_reviews_and_undoes_a_merge(site, browser, shared: Path, settings) -> None:
    """The walk has JavaScript off; axe runs in the page, so the accessibility pass after it has it on."""
    # The live server's in-memory test database is not visible to a second thread's connection.
    settings.NETIMPACT_IMPORTS_IN_BACKGROUND = False
    url, _city, passwords = site
    page = _sign_in(browser, url, passwords["officer"], javascript=False)
    page.click("text=Import open data")
    page.click("main form button[type=submit]")
    assert "Select what kind of file it is" in page.locator(".govuk-error-summary").inner_text()
    for name in ("andrew-lloyd-webber-foundation.json", "trafford_council_voluntary_sector_grants.json"):
        page.goto(url + reverse("imports:start"))
        page.check("#id_standard_0")
        page.set_input_files("#id_upload", str(shared / "360giving" / name))
        page.check("#id_invalid_records_0")
        page.click("main form button[type=submit]")
        assert "Imported" in page.locator("main").inner_text()
    report = page.url
    page.click("text=review queue")
    assert "Drake Music" in page.locator("main").inner_text()
    page.locator(".govuk-summary-card", has_text="Drake Music").locator("button[value=merge]").click()
    assert "Merged" in page.locator(".govuk-notification-banner--success").inner_text()
    page.goto(url + reverse("imports:merges"))
    page.click("main form button[type=submit]")
    assert "is back in the register" in page.locator(".govuk-notification-banner--success").inner_text()

    axe, failures = Axe(), []
    page = _sign_in(browser, url, passwords["officer"], javascript=True)
    page.goto(url + reverse("imports:start"))
    failures += _axe_failures(axe, page, "import page")
    page.click("main form button[type=submit]")
    failures += _axe_failures(axe, page, "import page with errors")
    for where, address in (
        ("report", report),
        ("runs", url + reverse("imports:runs")),
        ("review queue", url + reverse("imports:reviews")),
        ("merged reviews", url + reverse("imports:reviews") + "?status=merged"),
        ("merges", url + reverse("imports:merges")),
    ):
        page.goto(address)
        failures += _axe_failures(axe, page, where)
    assert failures == [], "\n".join(failures)
