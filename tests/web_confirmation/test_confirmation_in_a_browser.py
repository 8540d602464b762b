"""A partner answers on a phone (375x667, then 320 wide) in Debian's Chromium; every page passes axe."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from accessibility import WCAG_22_AA
from netimpact.web.commissioning import models as cm
from netimpact.web.confirmation import tokens
from netimpact.web.confirmation.demo import invite_demo_partners
from netimpact.web.confirmation.models import ClaimInvitation

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 667}


def _axe_failures(axe: Axe, page, where: str) -> list[str]:
    results = axe.run(page, options=WCAG_22_AA)
    return [f"{where}:\n{results.generate_report()}"] if results.violations_count else []


def _open_invitation() -> ClaimInvitation:
    """An invitation the demo leaves unanswered, with more than one claim if there is one."""
    open_ones = [
        i for i in ClaimInvitation.objects.order_by("pk") if not any(x.answer for x in i.items.all())
    ]
    return max(open_ones, key=lambda i: i.items.count())


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_partner_disputes_a_claim_on_a_phone(site, browser, javascript):
    url, city, _ = site
    invite_demo_partners(city.exercise.id)
    invitation = _open_invitation()
    items = list(invitation.items.order_by("pk"))
    link = url + reverse("confirmation:respond", args=[tokens.current_token(invitation)])
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=javascript, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    axe = Axe()
    failures: list[str] = []

    def check(where: str) -> None:
        nonlocal failures
        if javascript:  # axe is JavaScript: with it off the page is the same HTML, checked in the other run
            failures += _axe_failures(axe, page, where)

    page.goto(link)
    check("the partner's page")
    assert invitation.bid.bidder.name in page.inner_text("main")
    first = items[0].pk
    page.check(f"#answer-{first}-dispute")
    assert page.is_visible(f"#dispute-reason-{first}")  # revealed by the radio, or always shown without JS
    # With JavaScript the amendment's questions stay folded away until Amend is chosen.
    assert page.is_visible(f"#amend-reason-{first}") is not javascript
    if os.environ.get("NETIMPACT_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["NETIMPACT_SCREENSHOTS"], f"partner-{javascript}.png"),
            full_page=True,
        )
    for item in items[1:]:
        page.check(f"#answer-{item.pk}")
    page.fill("#responder-name", "Sam Okafor")
    page.fill("#responder-role", "Service manager")
    page.click("main button[type=submit]")

    assert "Enter why claim 1 is wrong" in page.inner_text(".govuk-error-summary")
    assert page.input_value("#responder-name") == "Sam Okafor"
    assert page.is_checked(f"#answer-{first}-dispute")
    check("the partner's page with an error")
    page.fill(f"#dispute-reason-{first}", "We have not agreed this.")
    page.click("main button[type=submit]")

    assert "Answers sent" in page.inner_text(".govuk-panel")
    check("the answers sent panel")
    # Nothing runs off the side of a 320-pixel-wide screen.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()

    model = {"subcontract": cm.Subcontract, "partnership": cm.Partnership, "commitment": cm.Commitment}[
        items[0].kind
    ]
    assert model.objects.get(pk=items[0].claim_pk).state == "disputed"
    assert failures == []


def test_the_officers_view_the_letter_and_the_partners_list_pass_axe(site, page):
    url, city, passwords = site
    invite_demo_partners(city.exercise.id)
    axe = Axe()
    failures: list[str] = []
    for username in ("officer", "partner", "bidder1"):
        page.goto(url + reverse("accounts:login"))
        page.fill("#id_username", username)
        page.fill("#id_password", passwords[username])
        page.click("main button[type=submit]")
        if username == "officer":
            key = city.exercise.id
            page.goto(url + reverse("confirmation:exercise_claims", args=[key]))
            assert page.locator(".ni-claims-table").count() == len(city.bids)
            failures += _axe_failures(axe, page, "officer's claims view")
            invitation = ClaimInvitation.objects.order_by("pk").first()
            page.goto(url + reverse("confirmation:letter", args=[key, invitation.pk]))
            failures += _axe_failures(axe, page, "printable letter")
            page.context.clear_cookies()
        elif username == "partner":
            page.goto(url + reverse("confirmation:your_claims"))
            assert page.locator("h2").count() >= 1
            failures += _axe_failures(axe, page, "partner's list")
            page.context.clear_cookies()
        else:
            page.goto(url + reverse("confirmation:bidder_invitations", args=[city.exercise.id]))
            assert page.locator("tbody tr").count() >= 1
            failures += _axe_failures(axe, page, "bidder's invitations")
    assert failures == []
