"""Who reaches a panel (its members and officers only) and the declaration of interests that comes
before any bid is seen; a declared interest bars the member from that bid."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netimpact.web.accounts.models import Role, User
from netimpact.web.panel import models as pm
from netimpact.web.panel import rules

from .conftest import client_for, declare, score_form


def _all_panel_urls(panel):
    bid = panel.bids[0].key
    return [
        panel.url("home"),
        panel.url("declaration"),
        panel.url("score_bid", bid),
        panel.url("moderation"),
        panel.url("moderate_bid", bid),
    ]


def test_members_and_officers_reach_the_panel_home(panel, panel1, panel2, officer):
    for client in (panel1, panel2, officer):
        assert client.get(panel.url("home")).status_code == 200


def test_a_panel_member_who_does_not_sit_on_the_panel_is_refused_everywhere(panel, outsider):
    for url in _all_panel_urls(panel):
        assert outsider.get(url).status_code == 403, url
    response = outsider.post(panel.url("declaration"), {"signed-name": "Someone"})
    assert response.status_code == 403
    assert not pm.Declaration.objects.exists()


@pytest.mark.parametrize("role", ["bidder", "partner"])
def test_bidders_and_partners_are_refused(panel, signed_in, role):
    client = signed_in(role)
    for url in _all_panel_urls(panel):
        assert client.get(url).status_code == 403, url


def test_the_public_is_sent_to_sign_in(panel, client):
    response = client.get(panel.url("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_exercise_is_not_found(panel, officer):
    assert officer.get(reverse("panel:home", args=["no-such-exercise"])).status_code == 404


def test_the_exercise_page_links_to_the_panel_for_officers_and_members_only(panel, panel1, officer, outsider):
    page = reverse("commissioning:exercise", args=[panel.key])
    assert 'id="panel-link"' in officer.get(page).content.decode()
    assert 'id="panel-link"' in panel1.get(page).content.decode()
    assert 'id="panel-link"' not in outsider.get(page).content.decode()


def test_the_officer_chooses_the_panel(panel, officer):
    User.objects.create_user("panel3", password="demo-testing-pass", role=Role.PANEL)
    panel3 = User.objects.get(username="panel3")
    panel1 = User.objects.get(username="panel1")

    response = officer.post(panel.url("members"), {"members": [panel1.pk, panel3.pk]})

    assert response.status_code == 302
    seated = set(
        pm.PanelMembership.objects.filter(exercise=panel.exercise).values_list("member__username", flat=True)
    )
    assert seated == {"panel1", "panel3"}
    assert client_for("panel3").get(panel.url("home")).status_code == 200
    assert client_for("panel2").get(panel.url("home")).status_code == 403


def test_only_panel_role_users_can_be_seated_and_members_cannot_choose(panel, officer, panel1):
    bidder = User.objects.filter(role=Role.BIDDER).first()

    officer.post(panel.url("members"), {"members": [bidder.pk]})
    assert not pm.PanelMembership.objects.filter(member=bidder).exists()
    assert pm.PanelMembership.objects.filter(exercise=panel.exercise).count() == 2

    assert panel1.post(panel.url("members"), {"members": []}).status_code == 403
    assert pm.PanelMembership.objects.filter(exercise=panel.exercise).count() == 2


def test_a_member_who_has_scored_cannot_be_removed(panel, officer, panel1):
    declare(panel1, panel)
    panel1.post(panel.url("score_bid", panel.bids[0].key), {**score_form(panel, [1] * 5), "action": "draft"})
    keep = User.objects.get(username="panel2")

    officer.post(panel.url("members"), {"members": [keep.pk]})

    assert pm.PanelMembership.objects.filter(exercise=panel.exercise, member__username="panel1").exists()


# --------------------------------------------------------------------------------------- declarations


def test_a_member_declares_before_seeing_any_bid(panel, panel1):
    home = panel1.get(panel.url("home")).content.decode()
    assert "Declare your interests" in home
    assert panel.bids[0].title not in home  # not even the bids' titles before declaring

    response = panel1.get(panel.url("score_bid", panel.bids[0].key))
    assert response.status_code == 302
    assert response["Location"] == panel.url("declaration")

    page = panel1.get(panel.url("declaration")).content.decode()
    for bid in panel.bids:
        assert bid.bidder.name in page


def test_a_declaration_must_answer_every_bidder_and_be_signed(panel, panel1):
    data = {f"interest-{panel.bids[0].bidder_id}": "none"}
    response = panel1.post(panel.url("declaration"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f"Say whether you have an interest in {panel.bids[1].bidder.name}" in page
    assert "Type your full name to sign the declaration" in page
    assert not pm.Declaration.objects.exists()


def test_an_interest_needs_its_details(panel, panel1):
    response = declare(panel1, panel, {panel.bids[0].key: ""})  # "none" for all: fine
    assert response.status_code == 302
    data = {"signed-name": "Pat Member"}
    for bid in panel.bids:
        data[f"interest-{bid.bidder_id}"] = "yes"
    response = panel1.post(panel.url("declaration"), data)
    assert response.status_code == 400
    assert f"Describe your interest in {panel.bids[0].bidder.name}" in response.content.decode()
    assert pm.Declaration.objects.count() == 1


def test_a_signed_declaration_is_dated_and_the_officer_sees_it(panel, panel1, officer, clock):
    conflicted = panel.bids[0]
    response = declare(panel1, panel, {conflicted.key: "My sister is a trustee."}, name="Pat Member")
    assert response.status_code == 302

    declaration = pm.Declaration.objects.get()
    assert declaration.signed_name == "Pat Member"
    assert declaration.declared_at == clock.at
    assert {(i.organisation_id, i.has_interest) for i in declaration.interests.all()} == {
        (b.bidder_id, b.key == conflicted.key) for b in panel.bids
    }
    page = officer.get(panel.url("home")).content.decode()
    assert "My sister is a trustee." in page
    assert "Pat Member" in page


def test_a_declared_interest_bars_the_member_from_that_bid(panel, panel1):
    conflicted, other = panel.bids[0], panel.bids[1]
    declare(panel1, panel, {conflicted.key: "I used to work there."})

    assert panel1.get(panel.url("score_bid", conflicted.key)).status_code == 403
    response = panel1.post(
        panel.url("score_bid", conflicted.key), {**score_form(panel, [2] * 5), "action": "draft"}
    )
    assert response.status_code == 403
    assert not pm.MemberScore.objects.exists()
    assert panel1.get(panel.url("score_bid", other.key)).status_code == 200
    membership = pm.PanelMembership.objects.get(member__username="panel1")
    progress = rules.progress(membership, panel.bids, len(panel.questions))
    assert progress.total == (len(panel.bids) - 1) * len(panel.questions)


def test_a_new_declaration_replaces_the_old_one_which_stays_on_record(panel, panel1):
    declare(panel1, panel)
    declare(panel1, panel, {panel.bids[2].key: "A new job offer."})

    assert pm.Declaration.objects.count() == 2
    assert panel1.get(panel.url("score_bid", panel.bids[2].key)).status_code == 403
    with pytest.raises(TypeError):
        pm.Declaration.objects.first().save()
