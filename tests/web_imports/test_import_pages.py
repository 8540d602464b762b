"""The officer pages: upload and import, the report, the review queue, undoing a merge; others refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from netimpact.web.imports.models import ImportRun, MatchReview, OrganisationMerge
from netimpact.web.register import models as m

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_imports(settings) -> None:
    settings.NETIMPACT_IMPORTS_IN_BACKGROUND = False


@pytest.fixture
def client_for_officer(officer) -> Client:
    client = Client()
    client.force_login(officer)
    return client


def _upload(client: Client, shared: Path, relative: str, **extra: str):
    path = shared / relative
    data = {
        "standard": "360giving",
        "invalid_records": "stop",
        "upload": SimpleUploadedFile(path.name, path.read_bytes()),
        **extra,
    }
    return client.post(reverse("imports:start"), data)


def test_an_officer_imports_a_file_and_reads_the_report(client_for_officer: Client, shared: Path) -> None:
    response = _upload(client_for_officer, shared, "360giving/trafford_council_voluntary_sector_grants.csv")
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[run.pk])
    page = client_for_officer.get(response["Location"])
    html = page.content.decode()
    assert "Imported" in html and "555" in html and "Funding tie" in html
    assert run.started_by_label == "officer-imports"
    assert m.FundingTie.objects.count() == 555


def test_the_form_says_what_is_missing(client_for_officer: Client) -> None:
    response = client_for_officer.post(reverse("imports:start"), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select what kind of file it is" in html and "Select the file to import" in html


def test_an_invalid_file_report_lists_row_and_column(client_for_officer: Client, tmp_path: Path) -> None:
    content = (
        b"Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
        b"Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
        b"360G-x-1,T,D,GBP,lots,2024-01-01,GB-CHC-1,A,GB-LAE-BST,B\n"
    )
    response = client_for_officer.post(
        reverse("imports:start"),
        {"standard": "360giving", "invalid_records": "stop", "upload": SimpleUploadedFile("g.csv", content)},
    )
    html = client_for_officer.get(response["Location"]).content.decode()
    assert "row 2" in html and "Amount Awarded" in html and "a value of type number" in html
    assert m.FundingTie.objects.count() == 0


def test_the_review_queue_merges_and_the_merge_can_be_undone(
    client_for_officer: Client, shared: Path
) -> None:
    _upload(client_for_officer, shared, "360giving/andrew-lloyd-webber-foundation.json")
    _upload(client_for_officer, shared, "360giving/trafford_council_voluntary_sector_grants.json")
    review = MatchReview.objects.get(incoming__org_id="360G-trafford-drake_music")
    page = client_for_officer.get(reverse("imports:reviews")).content.decode()
    assert "Drake Music" in page
    response = client_for_officer.post(reverse("imports:decide", args=[review.pk]), {"decision": "merge"})
    assert response.status_code == 302
    assert not m.Organisation.objects.filter(org_id="360G-trafford-drake_music").exists()
    merge = OrganisationMerge.objects.get()
    assert "Drake Music" in client_for_officer.get(reverse("imports:merges")).content.decode()
    client_for_officer.post(reverse("imports:undo_merge", args=[merge.pk]))
    assert m.Organisation.objects.filter(org_id="360G-trafford-drake_music").exists()
