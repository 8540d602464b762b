"""Sealed bids, by attempts that must fail: before the deadline no one but the bidder's own organisation
reads a bid (officer pages, the admin, attachment downloads, autosave's JSON, the CLI export); a bidder
never reads another organisation's bid. And the positive case: after the deadline the officer reads it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from netimpact.cli.bundle import _database_document
from netimpact.web.accounts.models import Role, User
from netimpact.web.bidding import drafts
from netimpact.web.commissioning import models as m

from .conftest import AUTOSAVE_HEADER, after_deadline, bidder_user, client_for, make_submittable, url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\nsecret method statement\n%%EOF\n"
SECRET_TITLE = "Project Kestrel: our confidential model"


@pytest.fixture
def submitted(draft, clock) -> m.Bid:
    make_submittable(draft)
    draft.title = SECRET_TITLE
    draft.summary = "Our price is 199,999."
    draft.save()
    drafts.touch(
        draft,
        lambda bid: m.BidAttachment.objects.create(
            bid=bid,
            file=SimpleUploadedFile("method.pdf", PDF),
            name="method.pdf",
            size=len(PDF),
            content_type="application/pdf",
            uploaded_at=clock.at,
        ),
    )
    return drafts.submit(draft, bidder_user(1))


def _officer() -> Client:
    return client_for(User.objects.get(username="officer"))


def _panel() -> Client:
    return client_for(User.objects.filter(role=Role.PANEL).order_by("username").first())


def test_before_the_deadline_the_officer_sees_how_many_bids_are_in_and_nothing_else(submitted):
    officer = _officer()
    page = officer.get(reverse("commissioning:exercise", args=[submitted.exercise.key])).content.decode()
    assert "1 bid submitted so far" in page and "Bids are sealed" in page
    assert SECRET_TITLE not in page and submitted.bidder.name not in page
    listing = officer.get(reverse("commissioning:exercises")).content.decode()
    assert SECRET_TITLE not in listing
    evaluation = officer.get(reverse("commissioning:evaluation", args=[submitted.exercise.key]))
    assert SECRET_TITLE not in evaluation.content.decode()


def test_before_the_deadline_the_panel_sees_nothing_of_a_bid(submitted):
    page = _panel().get(reverse("commissioning:exercise", args=[submitted.exercise.key])).content.decode()
    assert SECRET_TITLE not in page


def test_before_the_deadline_the_admin_neither_lists_nor_opens_a_sealed_bid_or_its_claims(submitted):
    officer = _officer()
    listing = officer.get(reverse("admin:commissioning_bid_changelist")).content.decode()
    assert SECRET_TITLE not in listing and submitted.key not in listing
    change = officer.get(reverse("admin:commissioning_bid_change", args=[submitted.pk]), follow=True)
    assert SECRET_TITLE not in change.content.decode()
    exercise = officer.get(reverse("admin:commissioning_exercise_change", args=[submitted.exercise.pk]))
    assert exercise.status_code == 200 and SECRET_TITLE not in exercise.content.decode()
    partnership_add = officer.get(reverse("admin:commissioning_partnership_add")).content.decode()
    assert SECRET_TITLE not in partnership_add  # the bid picker lists opened bids only
    answers = officer.get(reverse("admin:commissioning_bidanswer_changelist"), {"q": "Our answer"})
    assert answers.context["cl"].result_count == 0
    answer = submitted.answers.first()
    opened = officer.get(reverse("admin:commissioning_bidanswer_change", args=[answer.pk]), follow=True)
    assert "Our answer." not in opened.content.decode()
    files = officer.get(reverse("admin:commissioning_bidattachment_changelist")).content.decode()
    assert "method.pdf" not in files


def test_after_the_deadline_the_admin_shows_the_answers_and_files(submitted, clock):
    after_deadline(clock, submitted.exercise)
    officer = _officer()
    answers = officer.get(reverse("admin:commissioning_bidanswer_changelist"), {"q": "Our answer"})
    assert answers.context["cl"].result_count == submitted.exercise.quality_questions.count()
    files = officer.get(reverse("admin:commissioning_bidattachment_changelist")).content.decode()
    assert "method.pdf" in files


def test_before_the_deadline_no_one_else_downloads_an_attachment(submitted, rival):
    attached = submitted.attachments.get()
    address = url("download", submitted, attached.pk)
    assert _officer().get(address).status_code == 403
    assert _panel().get(address).status_code == 403
    assert rival.get(address).status_code == 404
    assert Client().get(address).status_code == 302  # the public is sent to sign in
    partner = client_for(User.objects.get(role=Role.PARTNER))
    assert partner.get(address).status_code == 403
    own = client_for(bidder_user(1)).get(address)
    assert own.status_code == 200 and b"".join(own.streaming_content) == PDF


def test_after_the_deadline_the_officer_and_panel_read_the_bid_and_its_files(submitted, clock):
    after_deadline(clock, submitted.exercise)
    officer = _officer()
    page = officer.get(reverse("commissioning:exercise", args=[submitted.exercise.key])).content.decode()
    assert SECRET_TITLE in page
    listing = officer.get(reverse("admin:commissioning_bid_changelist")).content.decode()
    assert submitted.key in listing
    attached = submitted.attachments.get()
    download = _panel().get(url("download", submitted, attached.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")


def test_after_the_deadline_a_draft_is_never_opened_to_the_officer(draft, clock, media):
    make_submittable(draft)
    draft.title = SECRET_TITLE
    draft.save()
    after_deadline(clock, draft.exercise)
    page = _officer().get(reverse("commissioning:exercise", args=[draft.exercise.key])).content.decode()
    assert SECRET_TITLE not in page and "Bids (0)" in page


def test_a_bidder_never_reads_or_writes_another_organisations_bid(submitted, rival, clock):
    names = [
        "bid",
        "details",
        "service",
        "price",
        "joinup",
        "commitments",
        "contacts",
        "attachments",
        "check",
        "submitted",
        "withdraw",
    ]
    for name in names:
        assert rival.get(url(name, submitted)).status_code == 404, name
    question = submitted.exercise.quality_questions.first()
    assert rival.get(url("answer", submitted, question.key)).status_code == 404
    autosave = rival.post(
        url("details", submitted),
        {"version": submitted.version, "title": "Mine now"},
        headers={AUTOSAVE_HEADER: "1"},
    )
    assert autosave.status_code == 404
    assert rival.post(url("withdraw", submitted)).status_code == 404
    assert rival.post(url("reopen", submitted)).status_code == 404
    home = rival.get(reverse("bidding:home")).content.decode()
    assert SECRET_TITLE not in home and submitted.key not in home
    after_deadline(clock, submitted.exercise)  # and after the deadline, still not another bidder's
    assert rival.get(url("bid", submitted)).status_code == 404
    assert rival.get(url("download", submitted, submitted.attachments.get().pk)).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == m.BidStatus.SUBMITTED and submitted.title == SECRET_TITLE


def test_other_roles_are_refused_the_portal(submitted):
    for client in (_officer(), _panel(), client_for(User.objects.get(role=Role.PARTNER))):
        assert client.get(url("bid", submitted)).status_code == 403
        assert client.get(reverse("bidding:home")).status_code == 403
    assert Client().get(url("bid", submitted)).status_code == 302


def test_before_the_deadline_the_command_line_export_refuses_the_open_exercise(submitted):
    with pytest.raises(LookupError, match="sealed until"):
        _database_document(submitted.exercise.key)


def test_before_the_deadline_the_admin_names_a_sealed_bid_only_by_its_reference(submitted):
    # Deleting the bidder's organisation is refused because a bid names it; the refusal lists the bid.
    officer = _officer()
    page = officer.get(reverse("admin:register_organisation_delete", args=[submitted.bidder.pk]))
    assert page.status_code == 200 and submitted.key in page.content.decode()
    assert SECRET_TITLE not in page.content.decode()
    assert str(submitted) == f"Bid {submitted.key}"
