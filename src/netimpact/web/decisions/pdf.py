"""The decision report as a tagged PDF (WeasyPrint): the page's content with print CSS, charts included.

Tagged for assistive technology: WeasyPrint's PDF/UA-1 variant writes the structure tree (/StructTreeRoot),
/MarkInfo, the document's language and its title shown in place of the file name. The charts are inline
SVG, drawn by WeasyPrint itself, so they are in the PDF as vectors.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.text import slugify

from netimpact.web.clock import UK

# WeasyPrint logs every layout step at INFO; the server log wants only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_VARIANT = "pdf/ua-1"  # WeasyPrint 70: PDF 1.7, tagged, with PDF/UA identification metadata


def render_report(request: HttpRequest, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML  # Pango loads on first import: only when a PDF is asked for

    html = render_to_string("decisions/report_pdf.html", context, request=request)
    stylesheet = finders.find("netimpact/decisions/report-print.css")
    if not isinstance(stylesheet, str):
        raise RuntimeError("The report's print stylesheet is missing from the static files.")
    document = HTML(string=html, base_url=request.build_absolute_uri("/"))
    return document.write_pdf(stylesheets=[CSS(filename=stylesheet)], pdf_variant=PDF_VARIANT, pdf_tags=True)


def filename(exercise_key: str, at: datetime) -> str:
    """decision-report-<exercise>-<date>.pdf, the date in UK time."""
    return f"decision-report-{slugify(exercise_key)}-{at.astimezone(UK):%Y-%m-%d}.pdf"
