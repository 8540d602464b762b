"""The award adapter reads the decisions app's record (netimpact.web.decisions, built alongside): the latest
decision no later one supersedes becomes the release's award. Skipped until that app is in the tree."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse

from netimpact.standards.export_validation import validate_ocds
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.evaluation import run_evaluation
from netimpact.web.exports import sources
from standards.exports_support import offline

__all__ = ["offline"]  # fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision_model():
    pytest.importorskip("netimpact.web.decisions.models")
    if not apps.is_installed("netimpact.web.decisions"):
        pytest.skip("the decisions app is not installed")
    return apps.get_model("decisions", "Decision")


def test_the_latest_decision_is_the_award_and_a_superseding_no_award_ends_the_tender(
    decision_model, demo_register, clock, signed_in, offline
):
    exercise = m.Exercise.objects.get(key=demo_register.exercise.id)
    clock.set(exercise.closes_at + timedelta(days=2))
    run = run_evaluation(exercise.key, draws=100, seed=1)
    bid = m.Bid.objects.get(key="demo-bid-regional")
    first = decision_model.objects.create(
        exercise=exercise,
        bid=bid,
        reasons="Best value",
        evaluation_run=run,
        run_was_stale=False,
        decided_by_label="officer",
    )

    award = sources.award_decision(exercise)
    assert (award.bid, award.status, award.date) == ("demo-bid-regional", "pending", first.decided_at)
    package = json.loads(
        signed_in("officer").get(reverse("exports:ocds_release", args=[exercise.key])).content
    )
    assert package["releases"][0]["awards"][0]["relatedBids"] == ["demo-bid-regional"]
    assert validate_ocds(package).problems == []

    decision_model.objects.create(
        exercise=exercise,
        bid=None,
        reasons="No award",
        evaluation_run=run,
        run_was_stale=False,
        decided_by_label="officer",
        supersedes=first,
        supersede_reason="Challenge upheld",
    )
    assert sources.award_decision(exercise).bid is None
    package = json.loads(
        signed_in("officer").get(reverse("exports:ocds_release", args=[exercise.key])).content
    )
    assert package["releases"][0]["tender"]["status"] == "unsuccessful"
    assert "awards" not in package["releases"][0]
    assert validate_ocds(package).problems == []
