"""The evaluation-to-decision journey in a real browser (Debian's Chromium through Playwright) against a
live server, with evaluations running in real background jobs: the officer runs an evaluation and
watches its progress (with JavaScript, and again without it), reads the decision report and its
interactive network, records the decision, and downloads the PDF. Every page reached passes axe."""

from __future__ import annotations

import os
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from accessibility import WCAG_22_AA
from netimpact.web.commissioning import evaluation as runs
from netimpact.web.commissioning import models as m
from netimpact.web.decisions.models import Decision, EvaluationJob, JobStatus

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the test makes itself are
# synchronous, so Django's async guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def threaded_jobs(settings):
    settings.NETIMPACT_EVALUATION_JOBS_INLINE = False


@pytest.fixture
def unhurried_engine(monkeypatch):
    """The demo city evaluates in a second or two; each stage waits a little here, so the test sees the
    bar move however fast the machine is."""
    real = runs.run_evaluation

    def unhurried(*args, progress=None, **kwargs):
        def report(share: float, stage: str) -> None:
            progress(share, stage)
            time.sleep(0.6)

        return real(*args, progress=report, **kwargs)

    monkeypatch.setattr(runs, "run_evaluation", unhurried)


def _sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")


def _axe_failures(axe: Axe, page, where: str) -> list[str]:
    results = axe.run(page, options=WCAG_22_AA)
    return [f"{where}:\n{results.generate_report()}"] if results.violations_count else []


def test_an_officer_evaluates_with_progress_decides_and_downloads_the_report(
    site, page, threaded_jobs, unhurried_engine, tmp_path
):
    url, city, passwords = site
    key = city.exercise.id
    axe = Axe()
    failures: list[str] = []
    _sign_in(page, url, "officer", passwords["officer"])
    evaluation_url = url + reverse("commissioning:evaluation", args=[key])

    # Run with the sensitivity ticked: 32 evaluations, long enough to watch.
    page.goto(evaluation_url)
    failures += _axe_failures(axe, page, "evaluation before any run")
    page.fill("#draws", "300")
    page.click("#run-again ~ form button[type=submit]")
    page.wait_for_url("**/evaluation/jobs/*/")
    job = EvaluationJob.objects.get()
    assert page.locator("h1").inner_text() == "Running the evaluation"
    status = page.locator("#job-status")
    assert status.get_attribute("aria-live") == "polite" and "done" in status.inner_text()
    failures += _axe_failures(axe, page, "evaluation job in progress")
    # The script moves the bar without reloading the page, then opens the evaluation when it is done.
    seen = set()
    while "/jobs/" in page.url:
        try:
            seen.add(int(page.locator("#job-progress").get_attribute("value", timeout=500) or 0))
        except Exception:  # the page moved on to the evaluation between the check and the read
            break
        page.wait_for_timeout(250)
    page.wait_for_url(evaluation_url, timeout=120_000)
    assert len(seen) >= 3 and max(seen) < 100, seen  # the bar moved while the job ran
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.run is not None
    assert "Evaluation run with 300 draws" in page.locator(".govuk-notification-banner--success").inner_text()
    failures += _axe_failures(axe, page, "evaluation after the job")

    # The decision report, with the interactive network in place of the two images.
    page.click("#decision-report-link")
    page.wait_for_selector(".ni-network-interactive svg")
    assert page.locator(".ni-network-static").is_hidden()
    assert page.locator("#network-table tbody tr").count() >= 3
    failures += _axe_failures(axe, page, "decision report")
    if os.environ.get("NETIMPACT_SCREENSHOTS"):
        page.locator("#network").scroll_into_view_if_needed()
        page.screenshot(path=os.environ["NETIMPACT_SCREENSHOTS"] + "/report.png", full_page=True)
    first_node = page.locator(".ni-node").first
    first_node.focus()
    details = page.locator("#network-details")
    assert "after the award" in details.inner_text()
    page.keyboard.press("Tab")  # the next organisation
    assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
    page.click("button[data-state=before]")
    assert page.get_attribute("button[data-state=before]", "aria-pressed") == "true"
    assert page.get_attribute("button[data-state=after]", "aria-pressed") == "false"
    assert "before the award" in details.inner_text()
    failures += _axe_failures(axe, page, "report, network before the award, one organisation open")

    # Recording the decision: a mistake first, then the check step.
    page.click("#record-decision")
    failures += _axe_failures(axe, page, "record the decision")
    page.click("main form button[type=submit]")
    assert "Enter the reasons for the decision" in page.locator(".govuk-error-summary").inner_text()
    failures += _axe_failures(axe, page, "record the decision with errors")
    recommended = city.bids[0].id if page.is_checked("#outcome") else None
    page.check("#outcome")
    page.fill("#reasons", "Highest award score; its partners confirmed their claims.")
    page.click("main form button[type=submit]")
    assert "Check the decision before recording it" in page.locator("h1").inner_text()
    failures += _axe_failures(axe, page, "check the decision")
    page.click("#confirm-decision")
    page.wait_for_selector("#current-decision")
    decision = Decision.objects.get()
    assert decision.reasons == "Highest award score; its partners confirmed their claims."
    assert decision.evaluation_run == job.run
    assert recommended is None or decision.bid.key == recommended
    failures += _axe_failures(axe, page, "decision report with the decision")

    # The PDF downloads with its name.
    with page.expect_download() as download_info:
        page.click("#download-pdf")
    download = download_info.value
    assert download.suggested_filename.startswith(f"decision-report-{key}-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    assert failures == []


def test_without_javascript_the_job_page_reloads_itself_until_the_evaluation_is_done(
    site, browser, threaded_jobs, unhurried_engine
):
    url, city, passwords = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, url, "officer", passwords["officer"])
    evaluation_url = url + reverse("commissioning:evaluation", args=[city.exercise.id])

    page.goto(evaluation_url)
    page.fill("#draws", "300")
    page.click("#run-again ~ form button[type=submit]")

    page.wait_for_url("**/evaluation/jobs/*/")
    assert page.locator("h1").inner_text() == "Running the evaluation"  # the page, before it reloads
    page.wait_for_url(evaluation_url, timeout=120_000)
    assert m.EvaluationRun.objects.count() == 1
    assert EvaluationJob.objects.get().status == JobStatus.DONE
    assert page.locator("#ranking-table tbody tr").count() == len(city.bids)
    context.close()
