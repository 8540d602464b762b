"""Recording the award decision: reasons required, a check step, append-only with superseding, the run it
relied on and its warnings kept, an audit event, and the report showing it to the panel read-only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.audit.recorder import verify_chain
from netimpact.web.commissioning import models as m
from netimpact.web.decisions.models import Decision

from .conftest import run_evaluation

pytestmark = pytest.mark.django_db


def _record(client, key, **form):
    return client.post(reverse("decisions:record", args=[key]), form)


def _confirm(client, key):
    return client.post(reverse("decisions:check", args=[key]))


def test_an_officer_records_an_award_after_checking_it(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)
    run = m.EvaluationRun.objects.get()
    bid = demo_city.bids[1]
    title = m.Bid.objects.get(key=bid.id).title

    form = officer.get(reverse("decisions:record", args=[exercise_key]))
    assert form.status_code == 200 and 'name="outcome"' in form.text and 'value="no-award"' in form.text
    assert 'id="warning-stale"' not in form.text and 'id="warning-scores"' not in form.text

    step = _record(officer, exercise_key, outcome=bid.id, reasons="Best value on the published criteria.")
    assert step["Location"] == reverse("decisions:check", args=[exercise_key])
    assert not Decision.objects.exists()  # nothing is recorded before the check
    check = officer.get(step["Location"])
    assert escape(title) in check.text and "Best value on the published criteria." in check.text
    assert 'id="confirm-decision"' in check.text

    done = _confirm(officer, exercise_key)

    decision = Decision.objects.get()
    assert done["Location"] == reverse("decisions:report", args=[exercise_key]) + "#decision"
    assert (decision.bid.key, decision.evaluation_run, decision.run_was_stale) == (bid.id, run, False)
    assert decision.quality_scores_missing == [] and decision.decided_by.role == "officer"
    assert decision.supersedes is None and "officer" in decision.decided_by_label
    event = AuditEvent.objects.get(kind=AuditKind.DECISION_RECORDED)
    assert event.exercise_key == exercise_key and event.actor.role == "officer"
    assert event.details["bid"] == bid.id and event.details["evaluation_run"] == run.pk
    assert event.details["reasons"] == "Best value on the published criteria."
    assert verify_chain() is None
    # The panel reads it on the report, without a way to change it.
    report = signed_in("panel").get(reverse("decisions:report", args=[exercise_key])).text
    assert f"Award to {escape(title)}" in report and "Best value on the published criteria." in report
    assert 'id="record-decision"' not in report and 'id="no-decision"' not in report
    # A second confirm (a double click, a resubmitted form) records nothing more.
    assert _confirm(officer, exercise_key)["Location"] == reverse("decisions:record", args=[exercise_key])
    assert Decision.objects.count() == 1


def test_reasons_and_a_choice_are_required_and_what_was_typed_is_kept(signed_in, exercise_key):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)

    answer = _record(officer, exercise_key, outcome="", reasons="   ")

    assert answer.status_code == 400
    assert "Select the bid to award, or no award" in answer.text
    assert "Enter the reasons for the decision" in answer.text
    assert '<a href="#outcome">' in answer.text and '<a href="#reasons">' in answer.text
    answer = _record(officer, exercise_key, outcome="no-award", reasons="")
    assert answer.status_code == 400 and 'value="no-award" checked' in answer.text
    answer = _record(officer, exercise_key, outcome="not-a-bid", reasons="Because.")
    assert answer.status_code == 400 and "Because." in answer.text
    assert not Decision.objects.exists()


def test_no_award_is_a_decision_too(signed_in, exercise_key):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)

    _record(officer, exercise_key, outcome="no-award", reasons="No bid is affordable.")
    _confirm(officer, exercise_key)

    decision = Decision.objects.get()
    assert decision.bid is None and not decision.is_award
    assert AuditEvent.objects.get(kind=AuditKind.DECISION_RECORDED).details["no_award"] is True
    assert "No award" in signed_in("panel").get(reverse("decisions:report", args=[exercise_key])).text


def test_a_new_decision_supersedes_the_last_with_a_reason_and_both_stay(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)
    first_bid, second_bid = demo_city.bids[0].id, demo_city.bids[2].id
    _record(officer, exercise_key, outcome=first_bid, reasons="First reasons.")
    _confirm(officer, exercise_key)
    first = Decision.objects.get()

    missing = _record(officer, exercise_key, outcome=second_bid, reasons="Second reasons.")
    assert (
        missing.status_code == 400 and "Enter why this decision replaces the one recorded on" in missing.text
    )

    _record(
        officer,
        exercise_key,
        outcome=second_bid,
        reasons="Second reasons.",
        supersede_reason="A claim was disputed.",
    )
    check = officer.get(reverse("decisions:check", args=[exercise_key]))
    assert "A claim was disputed." in check.text
    _confirm(officer, exercise_key)

    second = Decision.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert second.supersedes == first and first.superseded_by == second
    assert second.supersede_reason == "A claim was disputed." and first.reasons == "First reasons."
    assert AuditEvent.objects.filter(kind=AuditKind.DECISION_RECORDED).count() == 2
    report = signed_in("panel").get(reverse("decisions:report", args=[exercise_key])).text
    assert "Second reasons." in report and "First reasons." in report and "Superseded" in report


def test_the_decision_records_a_stale_run_and_missing_scores_with_a_warning(
    signed_in, exercise_key, demo_city
):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)
    unscored = demo_city.bids[2].id
    m.Bid.objects.filter(key=unscored).update(quality_score=None)  # moderation reopened after the run

    form = officer.get(reverse("decisions:record", args=[exercise_key]))
    assert 'id="warning-stale"' in form.text and 'id="warning-scores"' in form.text
    _record(officer, exercise_key, outcome=demo_city.bids[0].id, reasons="Decided anyway.")
    check = officer.get(reverse("decisions:check", args=[exercise_key]))
    assert 'id="warning-stale"' in check.text and 'id="warning-scores"' in check.text
    _confirm(officer, exercise_key)

    decision = Decision.objects.get()
    assert decision.run_was_stale is True and decision.quality_scores_missing == [unscored]
    event = AuditEvent.objects.get(kind=AuditKind.DECISION_RECORDED)
    assert event.details["run_was_stale"] is True and event.details["quality_scores_missing"] == [unscored]
    report = signed_in("panel").get(reverse("decisions:report", args=[exercise_key])).text
    assert "Out of date when decided" in report and "Missing when decided" in report


def test_no_decision_without_an_evaluation(signed_in, exercise_key):
    answer = signed_in("officer").get(reverse("decisions:record", args=[exercise_key]))

    assert answer["Location"] == reverse("commissioning:evaluation", args=[exercise_key])


def test_decisions_are_never_edited_or_deleted(signed_in, exercise_key, demo_city):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)
    _record(officer, exercise_key, outcome=demo_city.bids[0].id, reasons="Reasons.")
    _confirm(officer, exercise_key)
    decision = Decision.objects.get()

    decision.reasons = "Rewritten."
    with pytest.raises(TypeError):
        decision.save()
    with pytest.raises(TypeError):
        Decision.objects.filter(pk=decision.pk).update(reasons="Rewritten.")
    with pytest.raises(TypeError):
        decision.delete()
    with pytest.raises(TypeError):
        Decision.objects.all().delete()
    assert Decision.objects.get().reasons == "Reasons."


def test_the_database_refuses_a_second_first_decision_and_a_decision_without_reasons(
    signed_in, exercise_key, demo_city
):
    officer = signed_in("officer")
    run_evaluation(officer, exercise_key)
    _record(officer, exercise_key, outcome=demo_city.bids[0].id, reasons="Reasons.")
    _confirm(officer, exercise_key)
    existing = Decision.objects.get()
    common = {
        "exercise": existing.exercise,
        "evaluation_run": existing.evaluation_run,
        "run_was_stale": False,
        "decided_by_label": "someone",
    }

    # Two officers deciding at once: only one decision may supersede nothing...
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(reasons="Raced.", **common)
    # ...and only one may supersede a given decision.
    Decision.objects.create(reasons="Later.", supersedes=existing, supersede_reason="Why.", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(reasons="Raced.", supersedes=existing, supersede_reason="Why.", **common)
    with pytest.raises(ValueError):
        Decision.objects.create(reasons="  ", **common)


def test_a_decision_recorded_meanwhile_is_not_silently_superseded(signed_in, exercise_key, demo_city):
    first, second = signed_in("officer"), signed_in("officer")  # two officers, two sessions
    run_evaluation(first, exercise_key)
    _record(first, exercise_key, outcome=demo_city.bids[0].id, reasons="First officer's reasons.")
    _record(second, exercise_key, outcome=demo_city.bids[1].id, reasons="Second officer's reasons.")
    _confirm(second, exercise_key)

    late = _confirm(first, exercise_key)

    assert late["Location"] == reverse("decisions:record", args=[exercise_key])
    assert Decision.objects.get().reasons == "Second officer's reasons."
    form = first.get(late["Location"])
    assert "Another decision was recorded since you started" in form.text
    assert 'id="supersede_reason"' in form.text and "First officer&#x27;s reasons." in form.text
