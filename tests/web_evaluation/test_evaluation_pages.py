"""The exercise pages and the evaluation page: officers run, panel members read, everyone else is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils.html import escape

from netimpact.web.accounts.access import Officer, Panel, every_url_pattern, rule_of
from netimpact.web.commissioning import models as m

from .conftest import TEST_DRAWS

pytestmark = pytest.mark.django_db

COMPONENT_LABELS = (
    "Committed social value",
    "Local multiplier value (LM3)",
    "Social capital at risk",
    "Cost of people falling through",
)


def _urls(key: str) -> list[str]:
    return [
        reverse("commissioning:exercises"),
        reverse("commissioning:exercise", args=[key]),
        reverse("commissioning:evaluation", args=[key]),
    ]


def _run(client: Client, key: str, draws: object = TEST_DRAWS, seed: object = 0):
    return client.post(reverse("commissioning:evaluation", args=[key]), {"draws": draws, "seed": seed})


# ------------------------------------------------------------------------------- running and reading


def test_an_officer_runs_an_evaluation_and_reads_every_part_of_it(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")

    response = _run(officer, exercise_key, seed=11)

    assert response.status_code == 302  # POST, redirect, GET
    assert response["Location"] == reverse("commissioning:evaluation", args=[exercise_key])
    run = m.EvaluationRun.objects.get()
    assert (run.draws, run.seed, run.run_by.role) == (TEST_DRAWS, 11, "officer")
    assert run.inputs_hash.startswith("sha256:") and run.seconds_taken > 0
    assert run.parameter_version and run.netimpact_version

    page = officer.get(response["Location"])
    text = page.text
    assert page.status_code == 200
    assert f"Evaluation run with {TEST_DRAWS} draws and seed 11" in text
    assert 'id="stale-warning"' not in text
    for bid in demo_city.bids:
        assert text.count(escape(bid.title)) >= 4  # ranking, net impact table, its own section, beats table
        assert f'id="bid-{bid.id}"' in text
        components = _section(text, f'id="components-{bid.id}-table"', "</table>")
        for label in COMPONENT_LABELS:
            assert label in components
        # each component with its median and a 90% interval "£x to £y"
        assert len(re.findall(r"[−\u2060]*£[\d.,]+[km]? to [−\u2060]*£[\d.,]+[km]?", components)) == 5
        cohorts = _section(text, f'id="cohorts-{bid.id}-table"', "</table>")
        for cohort in demo_city.exercise.cohorts:
            assert escape(demo_city.ecosystem.cohort(cohort).name) in cohorts
    assert text.count('role="img"') == 1 + len(demo_city.bids)  # net impact chart and one per bid
    sentences = re.findall(r'<li class="ni-at-risk-sentence">(.*?)</li>', text, re.S)
    assert sentences and all("closes in" in s and "distress" in s for s in sentences)
    assert any("months of reserves" in s for s in sentences)
    assert 'id="ranking-table"' in text and 'id="share-keeping-winner"' in text
    assert "Smallest change of weights that changes the winner" in text
    assert 'id="beats-table"' in text
    parameters = _section(text, 'id="parameters"', "</table>")
    assert "t_adj" in parameters and "years" in parameters and "assumption" in parameters


def test_the_stored_run_matches_the_engine_and_the_page_shows_its_figures(signed_in, exercise_key):
    officer = signed_in("officer")
    _run(officer, exercise_key, seed=5)
    run = m.EvaluationRun.objects.get()
    text = officer.get(reverse("commissioning:evaluation", args=[exercise_key])).text

    winner = run.result["ranking"]["stability"]["winner"]
    share = run.result["ranking"]["stability"]["share_keeping_winner"]
    assert f"{share * 100:.0f}%" in _section(text, 'id="share-keeping-winner"', "</p>")
    ranking = _section(text, 'id="ranking-table"', "</table>")
    first_row = _section(ranking, "<tbody", "</tr>")
    assert f'href="#bid-{winner}"' in first_row
    for bid in run.result["bids"]:
        assert escape(bid["compliance"]) in text


def test_the_same_seed_gives_the_same_stored_result_and_another_seed_does_not(signed_in, exercise_key):
    officer = signed_in("officer")
    for seed in (3, 3, 4):
        assert _run(officer, exercise_key, seed=seed).status_code == 302

    first, second, other = m.EvaluationRun.objects.order_by("pk")
    assert first.result == second.result
    assert first.inputs_hash == second.inputs_hash == other.inputs_hash
    assert other.result["bids"] != first.result["bids"]


def test_the_latest_run_is_shown(signed_in, exercise_key):
    officer = signed_in("officer")
    _run(officer, exercise_key, draws=100, seed=1)
    _run(officer, exercise_key, draws=150, seed=2)

    details = _section(
        officer.get(reverse("commissioning:evaluation", args=[exercise_key])).text,
        'id="run-details"',
        "</dl>",
    )

    assert "150 Monte Carlo draws, seed 2 " in details
    assert "seed 1 " not in details


def test_a_run_is_never_edited(signed_in, exercise_key):
    _run(signed_in("officer"), exercise_key)
    run = m.EvaluationRun.objects.get()

    with pytest.raises(TypeError, match="never edited"):
        run.save()
    with pytest.raises(TypeError, match="never edited"):
        m.EvaluationRun.objects.update(seed=99)
    assert m.EvaluationRun.objects.get().seed == 0


def test_a_run_is_stale_once_a_bid_changes(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")
    _run(officer, exercise_key)
    url = reverse("commissioning:evaluation", args=[exercise_key])
    assert 'id="stale-warning"' not in officer.get(url).text

    m.Bid.objects.filter(key=demo_city.bids[0].id).update(price_per_year=demo_city.bids[0].price_per_year + 1)

    text = officer.get(url).text
    assert 'id="stale-warning"' in text and "have changed since this evaluation was run" in text
    assert "Out of date" in text


def test_before_any_run_the_page_explains_and_offers_the_button(signed_in, exercise_key):
    text = signed_in("officer").get(reverse("commissioning:evaluation", args=[exercise_key])).text

    assert 'id="no-evaluation"' in text
    assert '<button type="submit"' in text and "Run the evaluation" in text
    assert 'value="1000"' in text  # the default number of draws


# ---------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("draws", "seed", "field", "message"),
    [
        ("lots", "3", "draws", "Number of draws must be a whole number from 100 to 20,000"),
        ("12.5", "3", "draws", "Number of draws must be a whole number from 100 to 20,000"),
        ("99", "3", "draws", "Number of draws must be from 100 to 20,000"),
        ("20001", "3", "draws", "Number of draws must be from 100 to 20,000"),
        ("", "3", "draws", "Enter the number of draws"),
        ("500", "-1", "seed", "Seed must be a whole number from 0 to 2,147,483,647"),
        ("500", "2147483648", "seed", "Seed must be from 0 to 2,147,483,647"),
    ],
)
def test_bad_draws_or_seed_give_the_error_summary_and_keep_what_was_typed(
    signed_in, exercise_key, draws, seed, field, message
):
    response = _run(signed_in("officer"), exercise_key, draws=draws, seed=seed)

    text = response.text
    assert response.status_code == 400
    assert "<title>Error: " in text
    summary = _section(text, 'class="govuk-error-summary"', "</ul>")
    assert f'<a href="#{field}">{message}</a>' in summary
    assert f'id="{field}-error"' in text
    assert (
        f'id="draws" name="draws" type="text" inputmode="numeric" spellcheck="false" value="{draws}"' in text
    )
    assert f'value="{seed}"' in text
    assert not m.EvaluationRun.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(demo_register, exercise_key):
    from netimpact.web.accounts.models import Role, User

    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.filter(role=Role.OFFICER).first())

    assert _run(client, exercise_key).status_code == 403
    assert not m.EvaluationRun.objects.exists()


# --------------------------------------------------------------------------------------------- access


def test_a_panel_member_reads_the_evaluation_but_cannot_run_it(signed_in, exercise_key, demo_city):
    _run(signed_in("officer"), exercise_key)
    panel = signed_in("panel")

    text = panel.get(reverse("commissioning:evaluation", args=[exercise_key])).text
    refused = _run(panel, exercise_key, seed=9)

    assert escape(demo_city.bids[0].title) in text and 'id="ranking-table"' in text
    assert '<form method="post" action="/exercises/' not in text  # no run form for the panel
    assert refused.status_code == 403
    assert m.EvaluationRun.objects.count() == 1
    for url in _urls(exercise_key):
        assert panel.get(url).status_code == 200


@pytest.mark.parametrize("role", ["bidder", "partner"])
def test_bidders_and_partners_are_refused_every_page_and_the_run(signed_in, exercise_key, role):
    client = signed_in(role)

    for url in _urls(exercise_key):
        assert client.get(url).status_code == 403
    assert _run(client, exercise_key).status_code == 403
    assert not m.EvaluationRun.objects.exists()


def test_the_public_is_sent_to_sign_in_and_cannot_run(signed_in, exercise_key):
    client = signed_in("public")

    for url in _urls(exercise_key):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert _run(client, exercise_key).status_code == 302
    assert not m.EvaluationRun.objects.exists()


def test_every_commissioning_url_is_for_officers_and_panel_only():
    rules = {
        route: rule_of(pattern.callback)
        for route, pattern in every_url_pattern(get_resolver().url_patterns)
        if route.startswith("exercises/")
        and pattern.callback.__module__ == "netimpact.web.commissioning.views"
    }

    assert set(rules) == {"exercises/", "exercises/<str:key>/", "exercises/<str:key>/evaluation/"}
    assert {rule.audiences for rule in rules.values()} == {(Officer, Panel)}


def test_an_unknown_exercise_is_not_found(signed_in):
    officer = signed_in("officer")

    assert officer.get(reverse("commissioning:exercise", args=["no-such-exercise"])).status_code == 404
    assert officer.get(reverse("commissioning:evaluation", args=["no-such-exercise"])).status_code == 404
    assert _run(officer, "no-such-exercise").status_code == 404


# ----------------------------------------------------------------------------------- exercise pages


def test_the_exercises_list_shows_each_exercise_and_its_latest_evaluation(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")
    url = reverse("commissioning:exercises")
    before = officer.get(url).text

    exercise = demo_city.exercise
    assert escape(exercise.title) in before and "Not yet evaluated" in before
    row = _section(before, f'href="/exercises/{exercise_key}/"', "</tr>")
    assert f">{len(demo_city.bids)}<" in row and f">{exercise.term_years}<" in row
    assert f"£{exercise.budget_per_year:,.0f}" in row
    assert escape(demo_city.ecosystem.cohort(exercise.cohorts[0]).name) in row

    _run(officer, exercise_key)
    after = _section(officer.get(url).text, f'href="/exercises/{exercise_key}/"', "</tr>")
    assert "Not yet evaluated" not in after and f"{TEST_DRAWS} draws, seed 0" in after


def test_the_exercise_page_shows_the_intervention_the_incumbents_and_each_bids_claims(
    signed_in, exercise_key, demo_city
):
    text = signed_in("panel").get(reverse("commissioning:exercise", args=[exercise_key])).text
    exercise = demo_city.exercise
    names = {o.id: escape(o.name) for o in demo_city.ecosystem.organisations}
    ties = {t.id: t for t in demo_city.ecosystem.funding}

    for stream in exercise.replaced_streams:
        assert names[ties[stream].recipient] in _section(text, 'id="replaced-streams"', "</table>")
    for question in exercise.quality_questions:
        assert escape(question.text) in text
    assert f"{exercise.criteria.net_impact:.0%}" in _section(text, 'id="award-criteria"', "</table>")
    for bid in demo_city.bids:
        card = _section(text, f'id="bid-{bid.id}"', 'class="govuk-summary-card"')
        assert escape(bid.title) in card and names[bid.bidder] in card
        for claim in (*bid.subcontracts, *bid.partnerships):
            assert f">{claim.state.value.capitalize()}</strong> " in card
        disputed = sum(
            c.state.value == "disputed" for c in (*bid.subcontracts, *bid.partnerships, *bid.commitments)
        )
        assert (f"{disputed} disputed claim" in card) == bool(disputed)
    states = {c.state.value for b in demo_city.bids for c in (*b.subcontracts, *b.partnerships)}
    assert {"confirmed", "unanswered", "disputed"} <= states  # the demo exercises every tag


def _section(text: str, start: str, end: str) -> str:
    """The text from `start` up to the next `end` after it (fails the test if `start` is missing)."""
    begin = text.index(start)
    stop = text.find(end, begin + len(start))
    return text[begin : stop if stop != -1 else len(text)]


def test_the_pages_read_the_database_in_a_bounded_number_of_queries(
    signed_in, exercise_key, django_assert_max_num_queries
):
    officer = signed_in("officer")
    for seed in (1, 2):  # two runs: the list and the page must not read one query per run
        _run(officer, exercise_key, seed=seed)

    # The evaluation page re-reads the register to tell whether the run is stale (about 40 queries,
    # whatever the register's size); the others read a fixed handful.
    with django_assert_max_num_queries(12):
        officer.get(reverse("commissioning:exercises"))
    with django_assert_max_num_queries(20):
        officer.get(reverse("commissioning:exercise", args=[exercise_key]))
    with django_assert_max_num_queries(60):
        officer.get(reverse("commissioning:evaluation", args=[exercise_key]))


@pytest.mark.parametrize(("role", "sees_link"), [
    ("officer", True), ("panel", True), ("bidder", False), ("partner", False), ("public", False),
])
def test_only_officers_and_panel_members_see_exercises_in_the_navigation(signed_in, role, sees_link):
    page = signed_in(role).get("/organisations/").content.decode()
    assert ('href="/exercises/"' in page) is sees_link
