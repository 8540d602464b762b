"""Running an evaluation records one event, and the exercise's history page shows it, to officers and
panel members only."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from netimpact.engine.report import ranked_bids
from netimpact.web.accounts.models import Role, User
from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.audit.recorder import record_event
from netimpact.web.commissioning.evaluation import MIN_DRAWS, run_evaluation
from netimpact.web.commissioning.models import EvaluationRun

from .conftest import triggers_disabled

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(exercise_key: str) -> AuditEvent:
    officer = User.objects.filter(role=Role.OFFICER).order_by("username").first()
    run_evaluation(exercise_key, draws=MIN_DRAWS, seed=7, run_by=officer)
    return AuditEvent.objects.get()


def test_running_an_evaluation_records_one_event_with_how_it_was_run(exercise_key, evaluated):
    run = evaluated.details
    stored = EvaluationRun.objects.get()
    assert AuditEvent.objects.count() == 1
    assert evaluated.kind == AuditKind.EVALUATION_RUN and evaluated.exercise_key == exercise_key
    assert evaluated.actor == stored.run_by and "Commissioning officer" in evaluated.actor_label
    assert run["evaluation_run"] == stored.pk
    assert (run["draws"], run["seed"]) == (MIN_DRAWS, 7)
    assert run["parameter_version"] == stored.parameter_version and run["inputs_hash"] == stored.inputs_hash
    assert run["ranked_bids"] == ranked_bids(stored.result)
    if stored.result["ranking"].get("award_score_median"):
        assert run["winner"] == run["ranked_bids"][0]
        assert f"({run['winner']}) ranks first" in evaluated.summary
    assert evaluated.summary.startswith(f"Net impact evaluated with {MIN_DRAWS} draws (seed 7)")


def test_the_history_page_shows_the_event_and_that_the_chain_verifies(signed_in, exercise_key, evaluated):
    for role in ("officer", "panel"):
        response = signed_in(role).get(reverse("audit:exercise_history", args=[exercise_key]))

        assert response.status_code == 200
        page = response.text
        assert "Net impact evaluation run" in page and evaluated.summary in page
        assert evaluated.actor_label in page
        assert '<details class="govuk-details' in page and evaluated.details["inputs_hash"] in page
        assert "The whole audit trail verifies" in page


def test_the_history_page_is_newest_first_in_uk_time_and_only_this_exercise(
    signed_in, exercise_key, evaluated
):
    officer = User.objects.get(pk=evaluated.actor_id)
    record_event(
        AuditKind.DECISION_RECORDED, actor=officer, exercise_key=exercise_key, summary="Award decided."
    )
    record_event(AuditKind.PUBLISHED, actor=officer, exercise_key="another-exercise", summary="Other one.")

    page = signed_in("officer").get(reverse("audit:exercise_history", args=[exercise_key])).text

    assert page.index("Award decided.") < page.index(evaluated.summary)
    assert "Other one." not in page
    london = timezone.localtime(evaluated.when, ZoneInfo("Europe/London"))
    assert london.strftime("%H:%M:%S") in page


def test_the_history_page_warns_when_the_chain_is_broken(signed_in, exercise_key, evaluated):
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'Nothing.' WHERE id = %s", [evaluated.pk])

    page = signed_in("panel").get(reverse("audit:exercise_history", args=[exercise_key])).text

    assert "does not verify at event #1" in page and "changed" in page
    assert "The whole audit trail verifies" not in page


@pytest.mark.parametrize("role", ["bidder", "partner"])
def test_bidders_and_partners_are_refused(signed_in, exercise_key, evaluated, role):
    response = signed_in(role).get(reverse("audit:exercise_history", args=[exercise_key]))

    assert response.status_code == 403
    assert evaluated.summary not in response.text


def test_the_public_is_sent_to_sign_in(signed_in, exercise_key, evaluated):
    response = signed_in("public").get(reverse("audit:exercise_history", args=[exercise_key]))

    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_an_unknown_exercise_has_no_history_page(signed_in):
    assert signed_in("officer").get(reverse("audit:exercise_history", args=["no-such"])).status_code == 404


def test_the_exercise_page_links_to_its_history(signed_in, exercise_key):
    page = signed_in("officer").get(reverse("commissioning:exercise", args=[exercise_key])).text

    assert f'href="{reverse("audit:exercise_history", args=[exercise_key])}"' in page
