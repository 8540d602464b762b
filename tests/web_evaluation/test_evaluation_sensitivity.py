"""The evaluation's sensitivity to the parameters: run with the box ticked, stored with the run, shown as a
tornado chart and table per bid; a run without it (or an older one) still reads."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from netimpact.engine.report import SENSITIVITY_PARAMETERS, winner_sentence
from netimpact.web.commissioning import models as m

from .conftest import TEST_DRAWS

pytestmark = pytest.mark.django_db


def _run(client, key: str, **extra: str):
    return client.post(
        reverse("commissioning:evaluation", args=[key]), {"draws": TEST_DRAWS, "seed": 2, **extra}
    )


def _section(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def test_the_box_is_ticked_by_default(signed_in, exercise_key):
    text = signed_in("officer").get(reverse("commissioning:evaluation", args=[exercise_key])).text
    box = re.search(r'<input class="govuk-checkboxes__input" id="sensitivity"[^>]*>', text)
    assert box and "checked" in box.group(0) and 'value="yes"' in box.group(0)
    assert "Include sensitivity to the parameters (takes longer)" in text


def test_an_officers_run_with_the_box_ticked_stores_and_shows_the_tornado(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")

    response = _run(officer, exercise_key, sensitivity="yes")

    assert response.status_code == 302
    tornado = m.EvaluationRun.objects.get().result["tornado"]
    names = {p.name for p in SENSITIVITY_PARAMETERS}
    assert {bar["parameter"] for bar in tornado["bars"]} == names
    assert set(tornado["base"]) == {bid.id for bid in demo_city.bids}
    assert (tornado["draws"], tornado["seed"]) == (TEST_DRAWS, 2)

    text = officer.get(response["Location"]).text
    section = _section(text, 'id="parameter-sensitivity"', 'class="ni-bid-evaluation"')
    titles = {bid.id: bid.title for bid in demo_city.bids}
    assert escape(winner_sentence(tornado, titles)) in section
    for bid in demo_city.bids:
        chart = _section(section, f'id="tornado-{bid.id}"', "</svg>")
        assert f'aria-labelledby="tornado-{bid.id}-title tornado-{bid.id}-desc"' in chart
        assert "<title" in chart and "<desc" in chart
        table = _section(section, f'id="sensitivity-{bid.id}-table"', "</table>")
        rows = re.findall(r'<code class="ni-code">(\w+)</code>', table)
        assert set(rows) == names
        # largest swing first, for this bid
        swings = [
            abs(bar["net_impact_high"][bid.id] - bar["net_impact_low"][bid.id]) for bar in tornado["bars"]
        ]
        by_swing = [
            bar["parameter"]
            for _, bar in sorted(zip(swings, tornado["bars"], strict=True), key=lambda pair: -pair[0])
        ]
        assert rows[0] == by_swing[0]
        for name in names:
            assert f"{name}: " in chart  # each bar labelled with the parameter and its low and high values
    assert "1.5% a year to 5% a year" in section  # discount_rate's range, from the shared list
    assert text.count('role="img"') == 1 + 2 * len(demo_city.bids)


def test_unticked_the_run_has_no_tornado_and_the_page_says_so(signed_in, exercise_key):
    officer = signed_in("officer")

    response = _run(officer, exercise_key)  # an unticked checkbox is not posted

    assert "tornado" not in m.EvaluationRun.objects.get().result
    text = officer.get(response["Location"]).text
    assert 'id="no-sensitivity"' in text and 'id="tornado-' not in text
    assert 'id="sensitivity-winner"' not in text


def test_a_stored_run_without_a_tornado_still_renders_for_the_panel(signed_in, exercise_key):
    # Runs stored before the option existed have no "tornado" key, as an unticked run has none.
    _run(signed_in("officer"), exercise_key)
    assert "tornado" not in m.EvaluationRun.objects.get().result

    page = signed_in("panel").get(reverse("commissioning:evaluation", args=[exercise_key]))

    assert page.status_code == 200
    assert 'id="no-sensitivity"' in page.text and "ticked to see it" not in page.text


def test_bad_input_keeps_the_box_as_it_was(signed_in, exercise_key):
    officer = signed_in("officer")
    ticked = _run(officer, exercise_key, draws="lots", sensitivity="yes")
    unticked = officer.post(
        reverse("commissioning:evaluation", args=[exercise_key]), {"draws": "lots", "seed": 0}
    )

    for response, checked in ((ticked, True), (unticked, False)):
        assert response.status_code == 400
        box = re.search(r'<input class="govuk-checkboxes__input" id="sensitivity"[^>]*>', response.text)
        assert ("checked" in box.group(0)) is checked
    assert not m.EvaluationRun.objects.exists()
