"""A new supplier signs up and links (or adds) its organisation; attachments are checked by name and
content, and kept where no URL serves them."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from netimpact.web.accounts.models import Role, User
from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.bidding.attachments import MAX_BYTES
from netimpact.web.commissioning import models as m
from netimpact.web.register.models import Organisation, OrgIdentifier

from .conftest import url

pytestmark = pytest.mark.django_db

PASSWORD = "kestrel-harbour-93"


def _sign_up(client: Client, username: str = "sam", **extra) -> object:
    return client.post(
        reverse("bidding:sign_up"),
        {
            "username": username,
            "email": "sam@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def test_a_new_person_signs_up_as_a_bidder_and_adds_their_organisation(demo_register, open_exercise):
    client = Client()
    response = _sign_up(client)
    assert response.status_code == 302 and response["Location"] == reverse("bidding:organisation")
    user = User.objects.get(username="sam")
    assert user.role == Role.BIDDER and user.organisation is None and user.email == "sam@example.org"
    assert client.get(reverse("bidding:home"))["Location"] == reverse("bidding:organisation")

    added = client.post(
        reverse("bidding:organisation"),
        {
            "action": "add",
            "name": "Harbourside Youth Trust",
            "kind": "local_vcse",
            "postcode": "bs1 5tr",
            "org_id": "GB-CHC-1190001",
        },
    )
    assert added.status_code == 302
    user.refresh_from_db()
    assert user.organisation.name == "Harbourside Youth Trust" and user.organisation.postcode == "BS1 5TR"
    assert OrgIdentifier.objects.filter(organisation=user.organisation, value="GB-CHC-1190001").exists()
    assert AuditEvent.objects.filter(kind=AuditKind.REGISTER_CHANGED, actor=user).exists()
    start = client.post(reverse("bidding:exercise", args=[open_exercise.key]))
    assert m.Bid.objects.get(exercise=open_exercise).bidder == user.organisation
    assert start.status_code == 302


def test_sign_up_uses_djangos_password_rules_and_keeps_what_was_typed(demo_register):
    response = Client().post(
        reverse("bidding:sign_up"),
        {"username": "sam", "email": "sam@example.org", "password1": "password", "password2": "password"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert "This password is too common" in page and 'value="sam"' in page
    assert not User.objects.filter(username="sam").exists()


def test_an_organisation_is_found_by_any_of_its_org_ids_or_by_name(demo_register, db):
    organisation = Organisation.objects.filter(fictional=True).order_by("pk")[5]
    OrgIdentifier.objects.create(organisation=organisation, value="GB-COH-09999999")
    client = Client()
    _sign_up(client)
    for query in ("GB-COH-09999999", organisation.org_id, organisation.name[:8].lower()):
        page = client.get(reverse("bidding:organisation"), {"q": query}).content.decode()
        assert organisation.name in page, query
    linked = client.post(reverse("bidding:organisation"), {"action": "link", "org_id": organisation.org_id})
    assert linked.status_code == 302
    assert User.objects.get(username="sam").organisation == organisation


def test_an_organisation_someone_already_bids_for_cannot_be_claimed(demo_register, db):
    taken = User.objects.get(username="bidder2").organisation
    client = Client()
    _sign_up(client)
    response = client.post(reverse("bidding:organisation"), {"action": "link", "org_id": taken.org_id})
    assert response.status_code == 400 and "a second account cannot link itself" in response.content.decode()
    assert User.objects.get(username="sam").organisation is None


def test_adding_an_organisation_checks_the_org_id_and_the_postcode(demo_register, db):
    existing = Organisation.objects.order_by("pk").first()
    client = Client()
    _sign_up(client)
    for org_id, message in (
        ("charity 123", "is not an Org-ID"),
        (existing.org_id, "already in the register"),
    ):
        response = client.post(
            reverse("bidding:organisation"),
            {
                "action": "add",
                "name": "New Org",
                "kind": "local_vcse",
                "postcode": "BS1 5TR",
                "org_id": org_id,
            },
        )
        assert response.status_code == 400 and message in response.content.decode()
    bad_postcode = client.post(
        reverse("bidding:organisation"),
        {"action": "add", "name": "New Org", "kind": "local_vcse", "postcode": "X"},
    )
    assert "Enter a real postcode" in bad_postcode.content.decode()
    no_id = client.post(
        reverse("bidding:organisation"),
        {"action": "add", "name": "New Org", "kind": "local_vcse", "postcode": "BS2 0JA"},
    )
    assert no_id.status_code == 302
    assert User.objects.get(username="sam").organisation.org_id.startswith("360G-netimpact-new-org-")


# ---------------------------------------------------------------------------------------------- files


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _upload(bidder, draft, name: str, content: bytes):
    return bidder.post(url("attachments", draft), {"file": SimpleUploadedFile(name, content)})


def test_allowed_files_are_stored_privately_and_can_be_removed(bidder, draft, media):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    for name, content in (("plan.pdf", b"%PDF-1.5\n"), ("policy.docx", _docx()), ("logo.png", png)):
        assert _upload(bidder, draft, name, content).status_code == 302, name
    stored = list(draft.attachments.order_by("pk"))
    assert [a.name for a in stored] == ["plan.pdf", "policy.docx", "logo.png"]
    assert all(a.file.name.startswith(f"private/bids/{draft.key}/") for a in stored)
    assert not any("plan" in a.file.name for a in stored)  # stored under a random name
    assert (media / stored[0].file.name).read_bytes() == b"%PDF-1.5\n"
    for guess in ("/media/", "/", "/static/"):  # no URL serves MEDIA_ROOT
        assert Client().get(guess + stored[0].file.name).status_code == 404
    removed = bidder.post(url("remove_attachment", draft, stored[0].pk))
    assert removed.status_code == 302 and draft.attachments.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "must be a PDF, DOCX, XLSX, ODT, PNG or JPEG"),
        ("renamed.pdf", b"MZ\x90\x00 not a pdf", "is not a real PDF"),
        ("fake.docx", b"PK\x03\x04 broken zip", "is not a real Word document"),
        ("sheet.xlsx", _docx(), "is not a real Excel spreadsheet"),
        ("photo.jpg", b"\x89PNG\r\n\x1a\n", "is not a real JPEG image"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_files_of_the_wrong_type_or_content_are_refused_with_a_clear_message(
    bidder, draft, media, name, content, message
):
    response = _upload(bidder, draft, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not draft.attachments.exists()


def test_a_file_over_10_mb_is_refused(bidder, draft, media):
    response = _upload(bidder, draft, "big.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES)
    assert response.status_code == 400 and "the largest allowed is 10 MB" in response.content.decode()
    assert not draft.attachments.exists()
