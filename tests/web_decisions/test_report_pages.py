"""The decision report page: officers and panel members read it after the deadline; everyone else, and
everyone before the deadline, is refused. It shows the run, the ranking and its stability, each bid's
components, claims and scores, and the network before and after the award."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from netimpact.web.commissioning import models as m

from .conftest import run_evaluation

pytestmark = pytest.mark.django_db


def _report(client, key):
    return client.get(reverse("decisions:report", args=[key]))


def _section(text: str, start: str, end: str) -> str:
    at = text.index(start)
    return text[at : text.index(end, at)]


def test_the_report_shows_everything_the_decision_rests_on(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key, seed=5)
    run = m.EvaluationRun.objects.get()

    page = _report(officer, exercise_key)
    text = page.text

    assert page.status_code == 200
    assert "Price 30%, quality 50%, net impact 20%" in _section(text, 'id="criteria-weights"', "</dd>")
    details = _section(text, 'id="run-details"', "</dl>")
    assert "200 Monte Carlo draws, seed 5" in details and run.inputs_hash in details
    assert run.parameter_set in details and "Matches today's data" in details
    assert 'id="stale-warning"' not in text
    # The evaluation page's own sections: ranking with award scores, stability, weight flip, beats.
    for marker in ('id="ranking-table"', 'id="share-keeping-winner"', 'id="weight-flip"', 'id="beats-table"'):
        assert marker in text
    assert text.count('role="img"') == 1 + len(demo_city.bids) + 2  # net impact, components, network x2
    for bid in demo_city.bids:
        assert f'id="components-{bid.id}-table"' in text and f'id="cohorts-{bid.id}-table"' in text
        claims = _section(text, f'id="claims-{bid.id}-table"', "</table>")
        assert claims.count("<tr") >= 1 + len(bid.subcontracts) + len(bid.partnerships)
    sentences = re.findall(r'<li class="ni-at-risk-sentence">(.*?)</li>', text, re.S)
    assert sentences and all("distress" in s for s in sentences)
    scores = _section(text, 'id="scores-table"', "</table>")
    assert "0.800" in scores and "Not moderated" not in scores
    assert 'id="no-decision"' in text and "ranks" in _section(text, 'id="no-decision"', "</p>")
    assert reverse("decisions:report_pdf", args=[exercise_key]) in text
    assert reverse("decisions:record", args=[exercise_key]) in text


def test_the_network_table_lists_every_organisation_the_award_changes(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)
    run = m.EvaluationRun.objects.get()
    result = run.result
    first = max(result["bids"], key=lambda b: result["ranking"]["award_score_median"][b["bid"]])

    text = _report(officer, exercise_key).text

    assert escape(first["title"]) in _section(text, 'id="network-focus"', "</p>")
    table = _section(text, 'id="network-table"', "</table>")
    rows = re.findall(
        r'<tr class="govuk-table__row" id="network-row-\d+" data-organisation="([^"]+)">', table
    )
    expected = {r["organisation"] for r in first["funding_shift"]} | {
        r["organisation"] for r in first["organisations_at_risk"]
    }
    assert set(rows) == expected and len(rows) == len(expected)
    # Every incumbent losing a replaced stream is there with what it had before and nothing after.
    for stream in result["status_quo"]["replaced_streams"]:
        if stream["recipient"] != first["bidder"]:
            assert stream["recipient"] in rows
    for risk in first["organisations_at_risk"]:
        assert escape(risk["sentence"]) in table
    # The drawing's data: the same organisations, and ties before and after.
    data = json.loads(
        _section(text, '<script id="network-data" type="application/json">', "</script>").split(">", 1)[1]
    )
    drawn = {n["id"] for n in data["nodes"]}
    assert set(rows) <= drawn
    assert {t["state"] for t in data["ties"]} == {"before", "after"}
    assert any(t["kind"] == "contract" and t["target"] == first["bidder"] for t in data["ties"])
    assert "decisions/network.mjs" in text


def test_claim_states_and_missing_scores_show_as_they_are_now(signed_in, exercise_key, demo_city):
    bid = demo_city.bids[0]
    stored = m.Bid.objects.get(key=bid.id)
    subcontract = stored.subcontracts.first()
    m.Subcontract.objects.filter(pk=subcontract.pk).update(state="disputed")
    m.Bid.objects.filter(pk=stored.pk).update(quality_score=None)
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)

    text = _report(officer, exercise_key).text

    claims = _section(text, f'id="claims-{bid.id}-table"', "</table>")
    assert "Disputed by the partner" in claims and escape(subcontract.partner.name) in claims
    assert "Not moderated" in _section(text, 'id="scores-table"', "</table>")
    assert escape(stored.title) in _section(text, 'id="scores-missing-warning"', "</div>")


def test_a_run_made_before_a_change_is_marked_out_of_date(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)
    m.Bid.objects.filter(key=demo_city.bids[1].id).update(price_per_year=1_000_000)

    text = _report(officer, exercise_key).text

    assert 'id="stale-warning"' in text and "Out of date" in text


def test_before_any_evaluation_the_report_says_so(signed_in, exercise_key):
    page = _report(signed_in("panel"), exercise_key)

    assert page.status_code == 200 and 'id="no-evaluation"' in page.text
    assert 'id="download-pdf"' not in page.text


def test_panel_members_read_the_report_but_cannot_record_the_decision(signed_in, exercise_key):
    run_evaluation(signed_in("officer"), exercise_key)
    panel = signed_in("panel")

    page = _report(panel, exercise_key)

    assert page.status_code == 200 and 'id="ranking-table"' in page.text
    assert 'id="record-decision"' not in page.text
    assert "A commissioning officer records the decision" in page.text
    assert panel.get(reverse("decisions:record", args=[exercise_key])).status_code == 403
    assert panel.post(reverse("decisions:check", args=[exercise_key])).status_code == 403


@pytest.mark.parametrize("role", ["bidder", "partner"])
def test_bidders_and_partners_are_refused_the_report(signed_in, exercise_key, role):
    run_evaluation(signed_in("officer"), exercise_key)
    client = signed_in(role)
    for name in ("decisions:report", "decisions:report_pdf", "decisions:record", "decisions:check"):
        assert client.get(reverse(name, args=[exercise_key])).status_code == 403, name


def test_the_public_is_sent_to_sign_in(signed_in, exercise_key):
    client = signed_in("public")
    for name in ("decisions:report", "decisions:report_pdf", "decisions:record"):
        answer = client.get(reverse(name, args=[exercise_key]))
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:login"))


def test_nothing_of_the_report_is_shown_before_the_deadline(signed_in, exercise_key, clock):
    exercise = m.Exercise.objects.get(key=exercise_key)
    clock.set(exercise.closes_at - timedelta(seconds=1))
    pages = {
        "officer": ("decisions:report", "decisions:report_pdf", "decisions:record", "decisions:check"),
        "panel": ("decisions:report", "decisions:report_pdf"),
    }
    for role, names in pages.items():
        client = signed_in(role)
        for name in names:
            answer = client.get(reverse(name, args=[exercise_key]))
            assert answer.status_code == 403, (role, name)
            assert "Bids are sealed" in answer.text and "application/pdf" not in answer["Content-Type"]
    clock.set(exercise.closes_at)
    assert _report(signed_in("panel"), exercise_key).status_code == 200


def test_an_unknown_exercise_is_not_found(signed_in):
    assert _report(signed_in("officer"), "no-such-exercise").status_code == 404
