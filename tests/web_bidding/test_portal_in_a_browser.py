"""A bidder writes, saves, tries to leave with unsaved changes (the browser's beforeunload warning) and
submits a bid, in a real browser (Debian's Chromium through Playwright), with axe on every page reached;
and the same pages work with JavaScript off."""

from __future__ import annotations

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from accessibility import WCAG_22_AA
from netimpact.web.bidding.demo import save_open_demo_exercise
from netimpact.web.commissioning import models as m
from netimpact.web.register.models import Service

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the test makes itself are
# synchronous, so Django's async guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")


class Checked:
    """Runs axe on each page reached and collects what fails."""

    def __init__(self, page) -> None:
        self.page, self.axe, self.failures, self.pages = page, Axe(), [], 0

    def __call__(self, where: str) -> None:
        self.pages += 1
        results = self.axe.run(self.page, options=WCAG_22_AA)
        if results.violations_count:
            self.failures.append(f"{where}:\n{results.generate_report()}")


def _save_and_continue(page) -> None:
    page.click("button[value=continue]")
    page.wait_for_load_state()


def test_a_bidder_writes_saves_is_warned_on_leaving_and_submits_a_bid(site, page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    url, _, passwords = site
    exercise = save_open_demo_exercise()
    _sign_in(page, url, "bidder1", passwords["bidder1"])
    check = Checked(page)

    page.click("text=Your bids")
    assert "Young people's substance misuse service" in page.inner_text("#open-exercises ~ div")
    check("your bids")
    page.click(f"a[href='{reverse('bidding:exercise', args=[exercise.key])}']")
    assert "12:00 UK time on" in page.inner_text("#closing")
    check("the open exercise")
    page.click("button.govuk-button--start")
    bid = m.Bid.objects.get(exercise=exercise)
    assert page.url.endswith(reverse("bidding:bid", args=[bid.key]))
    check("task list")

    # Autosave: typing is saved without pressing a button, and the page says when.
    page.click("text=Title and summary")
    page.locator("#id_title").press_sequentially("Young people first")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved at \d\d:\d\d\.$"))
    bid.refresh_from_db()
    assert bid.title == "Young people first"
    check("title and summary")

    # Leaving with unsaved changes: the browser asks first; staying keeps what was typed.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.locator("#id_summary").press_sequentially("Early help in schools.")
    page.click("text=Back to your bid")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.input_value("#id_summary") == "Early help in schools."
    _save_and_continue(page)  # the form's own save never warns
    assert dialogs == ["beforeunload"]
    bid.refresh_from_db()
    assert bid.summary == "Early help in schools."

    # The service, then the price with a mistake first: the error summary, and the typing kept.
    page.fill("#id_service_name", "Young people first")
    page.check("label:has-text('Drug use')")
    page.check('label:has-text("Youth work and young people\'s support")')
    page.fill("#id_capacity", "150")
    check("the service")
    _save_and_continue(page)
    page.fill("#id_price", "two hundred thousand")
    _save_and_continue(page)
    assert "Enter the price a year as a number of pounds" in page.inner_text(".govuk-error-summary")
    assert page.input_value("#id_price") == "two hundred thousand"
    check("price with an error")
    page.fill("#id_price", "£205,000")
    _save_and_continue(page)
    for number in range(1, exercise.quality_questions.count() + 1):
        assert f"Quality question {number}" in page.inner_text("h1")
        page.fill("#id_text", f"Our answer to question {number}.")
        if number == 1:
            check("a quality question")
        _save_and_continue(page)

    # The join-up plan, a commitment, the partner's contact, a file.
    partner_service = Service.objects.exclude(organisation=bid.bidder).order_by("name").first()
    page.select_option("#id_partner_service", str(partner_service.pk))
    page.check("label:has-text('Referral route')")
    page.click("text=Add the partner service")
    assert partner_service.name in page.inner_text("main")
    check("join-up plan")
    page.click("text=Continue")
    page.select_option("#id_com-kind", "local_jobs")
    page.fill("#id_com-quantity", "3")
    page.click("text=Add the commitment")
    check("ecosystem commitments")
    page.click("text=Continue")
    partner = partner_service.organisation
    page.fill(f"#id_name_{partner.pk}", "Sam Lee")
    page.fill(f"#id_email_{partner.pk}", "sam@example.org")
    check("partner contacts")
    _save_and_continue(page)
    document = tmp_path / "method-statement.pdf"
    document.write_bytes(PDF)
    page.set_input_files("#id_file", str(document))
    page.click("text=Upload the file")
    assert "method-statement.pdf" in page.inner_text("main")
    check("attachments")

    page.click("main a.govuk-button:has-text('Continue')")
    assert "Check your answers" in page.inner_text("h1")
    check("check your answers")
    page.click("text=Accept and submit")
    assert "Confirm the declaration" in page.inner_text(".govuk-error-summary")
    check("check your answers with an error")
    page.check("#id_confirm")
    page.click("text=Accept and submit")
    assert page.inner_text("#submitted-reference") == bid.key
    check("bid submitted")
    bid.refresh_from_db()
    assert bid.status == m.BidStatus.SUBMITTED and bid.price_per_year == 205_000
    assert bid.partner_contacts.get().email == "sam@example.org"

    assert check.failures == []
    assert check.pages >= 14


def test_with_javascript_off_a_bidder_signs_up_adds_an_organisation_and_saves(site, browser):
    url, _, _ = site
    exercise = save_open_demo_exercise()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_up(page, url)
    page.fill("#id_name", "Harbourside Youth Trust")
    page.check("label:has-text('Local voluntary or community organisation')")
    page.fill("#id_postcode", "BS1 5TR")
    page.click("text=Add the organisation")
    assert "Your bids" in page.inner_text("h1")
    page.goto(url + reverse("bidding:exercise", args=[exercise.key]))
    page.click("button.govuk-button--start")
    page.click("text=Title and summary")
    page.fill("#id_title", "Saved without JavaScript")
    page.click("button[value=draft]")
    assert "Your draft was saved at" in page.inner_text(".govuk-notification-banner--success")
    assert m.Bid.objects.get(exercise=exercise).title == "Saved without JavaScript"
    context.close()


def test_sign_up_and_organisation_pages_pass_axe(site, page):
    url, _, _ = site
    check = Checked(page)
    page.goto(url + reverse("bidding:sign_up"))
    check("sign up")
    page.fill("#id_username", "newbidder")
    page.click("main button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    check("sign up with errors")
    _sign_up(page, url, on_page=True)
    page.fill("#q", "Trust")
    page.click("text=Search")
    assert page.locator("#results").is_visible()
    check("organisation search")
    page.fill("#id_postcode", "nowhere")
    page.click("text=Add the organisation")
    assert "Enter a real postcode" in page.inner_text(".govuk-error-summary")
    check("add an organisation with errors")
    assert check.failures == []


def _sign_up(page, url: str, on_page: bool = False) -> None:
    if not on_page:
        page.goto(url + reverse("bidding:sign_up"))
    page.fill("#id_username", "newbidder")
    page.fill("#id_email", "new@example.org")
    page.fill("#id_password1", "kestrel-harbour-93")
    page.fill("#id_password2", "kestrel-harbour-93")
    page.click("main button[type=submit]")
    assert "Which organisation do you bid for?" in page.inner_text("h1")
