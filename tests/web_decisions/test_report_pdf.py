"""The decision report as a PDF: downloads with its name, holds the report's key text and charts, and is
tagged (structure tree, MarkInfo, language, title) for assistive technology."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from netimpact.web.commissioning import models as m

from . import pdf_text
from .conftest import run_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided_pdf(signed_in, exercise_key, demo_city, clock):
    """The PDF as the panel downloads it, after the officer evaluated and recorded an award, late on
    30 June 2026 UTC: already 1 July in the UK (BST)."""
    clock.set(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key, seed=9)
    officer.post(
        reverse("decisions:record", args=[exercise_key]),
        {"outcome": demo_city.bids[0].id, "reasons": "Strongest ecosystem case."},
    )
    officer.post(reverse("decisions:check", args=[exercise_key]))
    return signed_in("panel").get(reverse("decisions:report_pdf", args=[exercise_key]))


def test_the_pdf_downloads_with_its_name_and_is_tagged(decided_pdf, exercise_key):
    assert decided_pdf.status_code == 200
    assert decided_pdf["Content-Type"] == "application/pdf"
    assert decided_pdf.content.startswith(b"%PDF-1.7")
    assert decided_pdf.content.rstrip().endswith(b"%%EOF")
    assert decided_pdf["Content-Disposition"] == (
        f'attachment; filename="decision-report-{exercise_key}-2026-07-01.pdf"'
    )
    # Tagged for assistive technology (PDF/UA-1): structure tree, marked content, language, title shown.
    objects = pdf_text.objects_text(decided_pdf.content)

    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    assert re.search(rb"/Lang\s*\(en-GB\)", objects)
    assert b"/DisplayDocTitle true" in objects
    assert b"pdfuaid:part" in objects  # PDF/UA-1 identification in the XMP metadata
    # Structure: headings, tables and the charts as figures.
    for tag in (b"/H1", b"/H2", b"/Table", b"/TH", b"/Figure"):
        assert tag in objects, tag


def test_the_pdf_holds_the_report_text_and_draws_its_charts(decided_pdf, demo_city):
    words = re.sub(r"\s+", " ", pdf_text.text(decided_pdf.content))

    assert "Decision report" in words
    assert "Strongest ecosystem case." in words
    assert "Award the contract to" in words
    assert "200 Monte Carlo draws, seed 9" in words
    for heading in (
        "The ranking",
        "Net impact of each bid",
        "Organisations at risk",
        "Moderated quality scores",
    ):
        assert heading in words, heading
    for bid in m.Bid.objects.filter(exercise__key=demo_city.exercise.id):
        assert bid.title in words
    assert "Every organisation whose funding ties or distress the award changes" in words
    assert "Share of weightings that keep the winner" in words
    # The SVG charts are drawn as vectors, in their own colours (GOV.UK green and red interval bars,
    # the network's blue ties), and each is a tagged figure: net impact, one per bid, the network twice.
    drawing = b"".join(content for _, content in pdf_text.streams(decided_pdf.content))
    for colour in (
        b"0 0.439216 0.235294 RG",
        b"0.831373 0.207843 0.109804 RG",
        b"0.113725 0.439216 0.721569 RG",
    ):
        assert colour in drawing, colour
    assert pdf_text.objects_text(decided_pdf.content).count(b"/Figure") >= 1 + len(demo_city.bids) + 2
