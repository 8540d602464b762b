"""The panel in a real browser (Debian's Chromium through Playwright) against a live server: two members
in two browser contexts declare and score at the same time, a stale second tab is caught, then the
officer opens moderation and agrees and locks one bid's scores. Every page reached passes axe."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.template.defaultfilters import floatformat
from django.urls import reverse

from accessibility import WCAG_22_AA
from netimpact.web.commissioning import models as cm
from netimpact.web.panel import models as pm
from netimpact.web.panel.demo import seat_demo_panel

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MEMBER_SCORES = {"panel1": [4, 3, 2, 3, 2], "panel2": [2, 3, 2, 3, 1]}


@pytest.fixture
def panel_site(site):
    url, city, passwords = site
    seat_demo_panel(city.exercise.id)
    return url, city, passwords


class Checked:
    """Runs axe on each page reached and keeps the failures for one assertion at the end."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.failures: list[str] = []
        self.pages = 0

    def __call__(self, page, where: str) -> None:
        results = self.axe.run(page, options=WCAG_22_AA)
        self.pages += 1
        if results.violations_count:
            self.failures.append(f"{where}:\n{results.generate_report()}")


def _sign_in(browser, url: str, username: str, password: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    return context, page


def _fill_scores(page, questions, scores, text: str) -> None:
    for q, score in zip(questions, scores, strict=True):
        page.click(f"label[for='score-{q.pk}-{score}']")
        page.fill(f"#justification-{q.pk}", f"{text}: question {q.key} earns {score}.")


def test_two_members_score_and_the_officer_moderates_and_locks(panel_site, browser):
    url, city, passwords = panel_site
    key = city.exercise.id
    home = url + reverse("panel:home", args=[key])
    questions = list(cm.QualityQuestion.objects.filter(exercise__key=key).order_by("pk"))
    bids = list(cm.Bid.objects.filter(exercise__key=key).order_by("key"))
    axe = Checked()

    members = {name: _sign_in(browser, url, name, passwords[name]) for name in ("panel1", "panel2")}

    # Each member declares: first without answering (the error summary), then properly.
    for name, (_, page) in members.items():
        page.goto(url + reverse("commissioning:exercise", args=[key]))
        page.click("#panel-link")
        assert page.locator("#declare-first").is_visible()
        axe(page, f"{name}: panel home before declaring")
        page.click("text=Declare your interests")
        axe(page, f"{name}: declaration")
        page.click("main button[type=submit]")
        assert page.locator(".govuk-error-summary").is_visible()
        axe(page, f"{name}: declaration with errors")
        for bid in bids:
            page.click(f"label[for='interest-{bid.bidder_id}-none']")
        page.fill("#signed-name", f"{name.title()} Example")
        page.click("main button[type=submit]")
        assert page.locator("#your-bids").is_visible()
        axe(page, f"{name}: panel home after declaring")

    # Both members open the same bid and save a draft at the same moment: both drafts are kept.
    first = bids[0]
    score_url = url + reverse("panel:score_bid", args=[key, first.key])
    for name, (_, page) in members.items():
        page.goto(score_url)
        _fill_scores(page, questions, MEMBER_SCORES[name], name)
    for _, page in members.values():
        page.click("#save-draft")
        assert page.locator(".govuk-notification-banner--success").is_visible()
    assert pm.MemberScore.objects.filter(bid=first, score__isnull=False).count() == 2 * len(questions)
    axe(members["panel1"][1], "panel1: scoring page after saving a draft")

    # panel1's second tab, opened before the first tab saved again, cannot overwrite it.
    context1, page1 = members["panel1"]
    stale = context1.new_page()
    stale.goto(score_url)
    page1.fill(f"#justification-{questions[0].pk}", "Tab one's newer reasoning.")
    page1.click("#save-draft")
    stale.fill(f"#justification-{questions[0].pk}", "Tab two's different reasoning.")
    stale.click("#save-draft")
    assert stale.locator(f"#conflict-{questions[0].pk}").is_visible()
    assert "Tab one's newer reasoning." in stale.inner_text(f"#conflict-{questions[0].pk}-justification")
    assert stale.input_value(f"#justification-{questions[0].pk}") == "Tab two's different reasoning."
    axe(stale, "panel1: stale tab conflict")
    stale.close()
    assert (
        pm.MemberScore.objects.get(
            membership__member__username="panel1", bid=first, question=questions[0]
        ).justification
        == "Tab one's newer reasoning."
    )

    # Each member submits every bid.
    for name, (_, page) in members.items():
        for bid in bids:
            page.goto(url + reverse("panel:score_bid", args=[key, bid.key]))
            if bid != first:
                _fill_scores(page, questions, MEMBER_SCORES[name], name)
            page.click("#submit-scores")
            assert page.locator(".govuk-notification-banner--success").is_visible()
    axe(members["panel2"][1], "panel2: panel home after submitting")
    members["panel2"][1].goto(url + reverse("panel:score_bid", args=[key, first.key]))
    assert members["panel2"][1].locator("#scoring-closed").is_visible()
    axe(members["panel2"][1], "panel2: submitted scores")

    # The officer sees progress (not scores), opens moderation and agrees and locks the first bid.
    officer_context, officer = _sign_in(browser, url, "officer", passwords["officer"])
    officer.goto(home)
    assert "15 of 15" in officer.inner_text("#progress-table")
    assert "panel1: question" not in officer.content()
    axe(officer, "officer: panel home")
    officer.click("#open-moderation ~ form button[type=submit]")
    assert officer.locator(".govuk-summary-card").count() == len(bids)
    axe(officer, "officer: moderation meeting")
    officer.goto(url + reverse("panel:moderate_bid", args=[key, first.key]))
    assert officer.locator("text=Discuss: the scores differ by 2").count() >= 1
    axe(officer, "officer: moderating a bid")

    q0 = questions[0]
    officer.click(f"label[for='moderated-score-{q0.pk}-3']")
    officer.click(f"#moderate-{q0.pk} button[value=lock]")
    assert officer.locator(".govuk-error-summary").is_visible()  # no rationale
    axe(officer, "officer: locking without a rationale")
    agreed = [3, 3, 2, 3, 1]
    for q, score in zip(questions, agreed, strict=True):
        officer.click(f"label[for='moderated-score-{q.pk}-{score}']")
        officer.fill(f"#rationale-{q.pk}", f"Agreed {score} after discussion.")
        officer.click(f"#moderate-{q.pk} button[value=lock]")
        assert officer.locator(f"#agreed-{q.pk}").is_visible()
    first.refresh_from_db()
    weights = [q.weight for q in questions]
    expected = sum(w * s / q.max_score for w, s, q in zip(weights, agreed, questions, strict=True)) / sum(
        weights
    )
    assert first.quality_score == pytest.approx(expected)
    assert f"{floatformat(expected, 3)} of 1" in officer.inner_text("#quality-score")
    axe(officer, "officer: every question locked")

    # Members follow the meeting read-only.
    _, page2 = members["panel2"]
    page2.goto(url + reverse("panel:moderate_bid", args=[key, first.key]))
    assert page2.locator("text=panel1: question").count() >= 1  # both members' justifications side by side
    assert page2.locator("textarea[name=rationale]").count() == 0
    axe(page2, "panel2: moderation of a bid")

    for context, _ in members.values():
        context.close()
    officer_context.close()
    assert axe.pages >= 15
    assert axe.failures == [], "\n\n".join(axe.failures)
