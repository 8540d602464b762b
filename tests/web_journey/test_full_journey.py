"""The whole commissioning journey on the demo city, in a real browser (Debian's Chromium through
Playwright) against a live server, with axe (WCAG 2.2 AA) on every page reached:

the officer sets up and publishes an exercise; two bidders write and submit bids naming partners; the
partners answer by the emailed links, one confirming and one disputing; before the deadline the sealed
bids and role rules refuse what they must; after it the panel declares, scores and the officer
moderates and locks; the officer evaluates, reads the decision report, records the decision and
downloads the PDF; the exercise's history holds every step.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import reverse

from accessibility import WCAG_22_AA
from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.commissioning import models as m
from netimpact.web.decisions.models import Decision
from netimpact.web.register.models import Organisation, Service

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in the test's thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Recovery support in the community"
PANEL_SCORES = {"panel1": 3, "panel2": 2}


class Journey:
    """Browser contexts per person, and axe on every page reached (failures kept for one assertion)."""

    def __init__(self, browser, url: str, passwords: dict[str, str]) -> None:
        self.browser, self.url, self.passwords = browser, url, passwords
        self.axe, self.failures, self.checked = Axe(), [], 0
        self.pages: dict[str, object] = {}

    def check(self, page, where: str) -> None:
        results = self.axe.run(page, options=WCAG_22_AA)
        self.checked += 1
        if results.violations_count:
            self.failures.append(f"{where}:\n{results.generate_report()}")

    def person(self, username: str):
        if username not in self.pages:
            page = self.browser.new_context().new_page()
            page.goto(self.url + reverse("accounts:login"))
            page.fill("#id_username", username)
            page.fill("#id_password", self.passwords[username])
            page.click("main button[type=submit]")
            self.pages[username] = page
        return self.pages[username]

    def anonymous(self):
        return self.browser.new_context().new_page()


def _publish(journey: Journey, clock) -> m.Exercise:
    page = journey.person("officer")
    page.goto(journey.url + reverse("commissioning:exercises"))
    journey.check(page, "officer: exercises")
    page.click("text=Set up an exercise")
    journey.check(page, "officer: set up an exercise")
    deadline = (clock.at + timedelta(days=30)).date()
    page.fill("#id_title", TITLE)
    page.fill("#id_description", "Peer-led recovery support, joined up with treatment and housing.")
    page.fill("#id_budget_per_year", "400000")
    page.fill("#id_term_years", "3")
    page.check("#id_cohorts_0")
    page.select_option("#id_commissioner", index=1)  # index 0 is the empty choice
    page.fill("#id_deadline_day", str(deadline.day))
    page.fill("#id_deadline_month", str(deadline.month))
    page.fill("#id_deadline_year", str(deadline.year))
    page.click("main form button[type=submit]")
    page.click("text=Use the Provider Selection Regime key criteria")
    journey.check(page, "officer: quality questions")
    page.click("text=Next: the award weights and price formula")
    journey.check(page, "officer: award weights")
    page.click("main form button[type=submit]")
    page.click("text=Next: check your answers and publish")
    journey.check(page, "officer: check and publish")
    page.click('main form button[type=submit]:has-text("Publish the exercise")')
    exercise = m.Exercise.objects.get(title=TITLE)
    assert exercise.status == m.ExerciseStatus.PUBLISHED
    journey.check(page, "published criteria")
    return exercise


def _bid(journey: Journey, username: str, exercise: m.Exercise, partner: Organisation, price: int) -> m.Bid:
    page = journey.person(username)
    page.click("text=Your bids")
    page.click(f"a[href='{reverse('bidding:exercise', args=[exercise.key])}']")
    journey.check(page, f"{username}: the open exercise")
    page.click("button.govuk-button--start")
    bid = m.Bid.objects.get(exercise=exercise, bidder=m.Organisation.objects.get(accounts__username=username))
    page.click("text=Title and summary")
    page.fill("#id_title", f"{username}'s recovery service")
    page.fill("#id_summary", "Recovery coaches in every ward, with the peer groups already there.")
    page.click("button[value=continue]")
    page.fill("#id_service_name", f"{username}'s recovery service")
    page.check("label:has-text('Drug use')")
    page.fill("#id_capacity", "300")
    page.click("button[value=continue]")
    page.fill("#id_price", f"£{price:,}")
    page.click("button[value=continue]")
    for number in range(1, exercise.quality_questions.count() + 1):
        page.fill("#id_text", f"{username}: our answer to question {number}, with evidence.")
        if number == 1:
            journey.check(page, f"{username}: a quality question")
        page.click("button[value=continue]")
    partner_service = Service.objects.filter(organisation=partner).order_by("name").first()
    page.select_option("#id_partner_service", str(partner_service.pk))
    page.check("label:has-text('Referral route')")
    page.click("text=Add the partner service")
    journey.check(page, f"{username}: join-up plan")
    page.click("text=Continue")
    page.select_option("#id_sub-partner", str(partner.pk))
    page.fill("#id_sub-amount", "45000")
    page.click("text=Add the subcontract")
    journey.check(page, f"{username}: ecosystem commitments")
    page.click("text=Continue")
    page.fill(f"#id_name_{partner.pk}", "Jo Partner")
    page.fill(f"#id_email_{partner.pk}", f"{username}-partner@example.org")
    page.click("button[value=continue]")
    page.click("main a.govuk-button:has-text('Continue')")
    journey.check(page, f"{username}: check your answers")
    page.check("#id_confirm")
    page.click("text=Accept and submit")
    assert page.inner_text("#submitted-reference") == bid.key
    journey.check(page, f"{username}: bid submitted")
    bid.refresh_from_db()
    assert bid.status == m.BidStatus.SUBMITTED
    return bid


def _partner_answers(journey: Journey, username: str, dispute: bool) -> None:
    """The partner opens the link its email carries, on a phone, and answers every claim."""
    message = next(e for e in mail.outbox if f"{username}-partner@example.org" in e.to)
    path = re.search(r"/confirm/[^/\s]+/", message.body).group(0)
    context = journey.browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True)
    page = context.new_page()
    page.goto(journey.url + path)
    journey.check(page, f"partner of {username}: the claims")
    confirm = page.locator("input[type=radio][value=confirm]")
    for index in range(confirm.count()):
        confirm.nth(index).check()
    if dispute:
        first = page.locator("input[type=radio][value=dispute]").first
        first.check()
        claim = first.get_attribute("id").removeprefix("answer-").removesuffix("-dispute")
        page.fill(f"#dispute-reason-{claim}", "We have not agreed to this subcontract.")
    page.fill("#responder-name", "Jo Partner")
    page.fill("#responder-role", "Chief executive")
    page.click("main button[type=submit]")
    assert "Answers sent" in page.inner_text(".govuk-panel")
    journey.check(page, f"partner of {username}: answers sent")
    context.close()


def _refusals_before_the_deadline(journey: Journey, exercise: m.Exercise, bids: list[m.Bid]) -> None:
    officer = journey.person("officer")
    officer.goto(journey.url + reverse("commissioning:evaluation", args=[exercise.key]))
    assert "Bids are sealed" in officer.inner_text("h1")
    assert bids[0].title not in officer.content()
    journey.check(officer, "officer: evaluation while sealed")
    rival = journey.person("bidder2")
    response = rival.goto(journey.url + reverse("bidding:bid", args=[bids[0].key]))
    assert response.status == 404  # another organisation's bid does not exist for this bidder
    panel = journey.person("panel1")
    response = panel.goto(journey.url + reverse("panel:score_bid", args=[exercise.key, bids[0].key]))
    assert response.status in (403, 404)
    public = journey.anonymous()
    response = public.goto(journey.url + reverse("decisions:report", args=[exercise.key]))
    assert reverse("accounts:login") in public.url or response.status in (403, 404)
    public.context.close()


def _panel(journey: Journey, exercise: m.Exercise, bids: list[m.Bid]) -> None:
    officer = journey.person("officer")
    officer.goto(journey.url + reverse("panel:home", args=[exercise.key]))
    for member in ("panel1", "panel2"):
        officer.check(f"label:has-text('({member})')")
    officer.click("text=Save the panel")
    journey.check(officer, "officer: panel home")
    questions = list(exercise.quality_questions.order_by("pk"))
    for member, score in PANEL_SCORES.items():
        page = journey.person(member)
        page.goto(journey.url + reverse("panel:declaration", args=[exercise.key]))
        for bid in bids:
            page.click(f"label[for='interest-{bid.bidder_id}-none']")
        page.fill("#signed-name", f"{member.title()} Example")
        journey.check(page, f"{member}: declaration")
        page.click("main button[type=submit]")
        for bid in bids:
            page.goto(journey.url + reverse("panel:score_bid", args=[exercise.key, bid.key]))
            for question in questions:
                top = min(score, question.max_score)
                page.click(f"label[for='score-{question.pk}-{top}']")
                page.fill(f"#justification-{question.pk}", f"{member}: evidence earns {top}.")
            journey.check(page, f"{member}: scoring {bid.key}")
            page.click("#submit-scores")
            assert page.locator(".govuk-notification-banner--success").is_visible()
    officer.goto(journey.url + reverse("panel:home", args=[exercise.key]))
    officer.click("#open-moderation ~ form button[type=submit]")
    journey.check(officer, "officer: moderation meeting")
    for bid in bids:
        officer.goto(journey.url + reverse("panel:moderate_bid", args=[exercise.key, bid.key]))
        for question in questions:
            agreed = min(2 if bid == bids[0] else 3, question.max_score)
            officer.click(f"label[for='moderated-score-{question.pk}-{agreed}']")
            officer.fill(f"#rationale-{question.pk}", f"Agreed {agreed} after discussion.")
            officer.click(f"#moderate-{question.pk} button[value=lock]")
            assert officer.locator(f"#agreed-{question.pk}").is_visible()
        journey.check(officer, f"officer: {bid.key} moderated and locked")
        bid.refresh_from_db()
        assert bid.quality_score is not None


def _evaluate_and_decide(journey: Journey, exercise: m.Exercise, tmp_path) -> Decision:
    officer = journey.person("officer")
    officer.goto(journey.url + reverse("commissioning:evaluation", args=[exercise.key]))
    officer.fill("#draws", "300")
    officer.click("#run-again ~ form button[type=submit]")
    # The job page shows its progress, then opens the evaluation when the run is done.
    officer.wait_for_selector(".govuk-notification-banner--success", timeout=120_000)
    assert "Evaluation run with 300 draws" in officer.inner_text(".govuk-notification-banner--success")
    journey.check(officer, "officer: evaluation")
    officer.click("#decision-report-link")
    officer.wait_for_selector("#network-table")
    assert "disputed" in officer.inner_text("main").lower()  # the partner's dispute is in front of the panel
    journey.check(officer, "officer: decision report")
    officer.click("#record-decision")
    officer.check("#outcome")
    officer.fill("#reasons", "Highest award score on the published criteria; partners confirmed its claims.")
    officer.click("main form button[type=submit]")
    journey.check(officer, "officer: check the decision")
    officer.click("#confirm-decision")
    officer.wait_for_selector("#current-decision")
    journey.check(officer, "officer: decision recorded")
    with officer.expect_download() as download_info:
        officer.click("#download-pdf")
    pdf = tmp_path / "report.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert download_info.value.suggested_filename.startswith(f"decision-report-{exercise.key}")
    return Decision.objects.get(exercise=exercise)


def test_the_whole_commissioning_journey_in_a_browser(site, browser, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    url, _city, passwords = site
    journey = Journey(browser, url, passwords)

    exercise = _publish(journey, clock)
    bidders = [Organisation.objects.get(accounts__username=name) for name in ("bidder1", "bidder2")]
    local = (
        Organisation.objects.filter(services__isnull=False, fictional=True)
        .exclude(pk__in=[b.pk for b in bidders])
        .exclude(accounts__isnull=False)
        .order_by("org_id")
        .distinct()
    )
    partners = list(local[:2])
    bids = [
        _bid(journey, "bidder1", exercise, partners[0], 380_000),
        _bid(journey, "bidder2", exercise, partners[1], 350_000),
    ]
    assert {e.to[0] for e in mail.outbox} >= {"bidder1-partner@example.org", "bidder2-partner@example.org"}
    _partner_answers(journey, "bidder1", dispute=False)
    _partner_answers(journey, "bidder2", dispute=True)
    assert m.Subcontract.objects.get(bid=bids[0]).state == "confirmed"
    assert m.Subcontract.objects.get(bid=bids[1]).state == "disputed"

    _refusals_before_the_deadline(journey, exercise, bids)
    clock.set(exercise.closes_at + timedelta(minutes=1))
    late = journey.person("bidder1")
    late.goto(url + reverse("bidding:bid", args=[bids[0].key]))
    assert "closed" in late.inner_text("main").lower()  # after the deadline no bidder changes a bid

    _panel(journey, exercise, bids)
    decision = _evaluate_and_decide(journey, exercise, tmp_path)
    assert decision.reasons.startswith("Highest award score")

    history = journey.person("officer")
    history.goto(url + reverse("audit:exercise_history", args=[exercise.key]))
    journey.check(history, "officer: the exercise's history")
    kinds = set(AuditEvent.objects.filter(exercise_key=exercise.key).values_list("kind", flat=True))
    for kind in (
        AuditKind.PUBLISHED,
        AuditKind.BID_SUBMITTED,
        AuditKind.CLAIM_CONFIRMED,
        AuditKind.CLAIM_DISPUTED,
        AuditKind.SCORE_RECORDED,
        AuditKind.SCORE_MODERATED,
        AuditKind.EVALUATION_RUN,
        AuditKind.DECISION_RECORDED,
    ):
        assert kind in kinds, kind
    assert journey.checked >= 25
    assert journey.failures == [], "\n\n".join(journey.failures)
