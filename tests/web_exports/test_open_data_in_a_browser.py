"""The open data page and the exercise page's open-data section in a real browser: axe WCAG 2.2 AA, and
the download links fetch files a person can save."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from accessibility import WCAG_22_AA

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")


def test_the_open_data_page_passes_axe_and_its_links_download_json(site, page):
    url, city, _ = site
    page.goto(url + reverse("exports:open_data"))
    results = Axe().run(page, options=WCAG_22_AA)
    assert results.violations_count == 0, results.generate_report()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the services (Open Referral UK, JSON)").click()
    saved = download.value
    assert saved.suggested_filename == "services-hsds.json"
    services = json.loads(Path(saved.path()).read_text(encoding="utf-8"))
    assert services["total_items"] == len(city.ecosystem.services)


def test_the_exercise_page_s_open_data_section_passes_axe_for_an_officer(site, page):
    url, city, passwords = site
    _sign_in(page, url, "officer", passwords["officer"])
    page.goto(url + reverse("commissioning:exercise", args=[city.exercise.id]))
    assert page.get_by_role("link", name="Download the full release (OCDS, JSON)").is_visible()
    results = Axe().run(page, options=WCAG_22_AA)
    assert results.violations_count == 0, results.generate_report()
