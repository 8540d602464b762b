"""Sealed bids: before the deadline no one reads another party's bid, by page, engine or export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from netimpact.cli.bundle import _database_document
from netimpact.web import clock as web_clock
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.sealing import BidsSealed, opened_bids
from netimpact.web.commissioning.store import load_exercise

pytestmark = pytest.mark.django_db


def test_bids_close_at_noon_uk_time_on_the_deadline_date_in_summer_and_winter():
    assert web_clock.closes_at(date(2026, 7, 1)) == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)  # BST
    assert web_clock.closes_at(date(2026, 12, 1)) == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # GMT


def _demo_exercise(demo_register) -> m.Exercise:
    return m.Exercise.objects.get(key=demo_register.exercise.id)


def test_one_second_before_the_deadline_bids_are_sealed_and_at_it_they_open(demo_register, clock):
    exercise = _demo_exercise(demo_register)
    clock.set(exercise.closes_at - timedelta(seconds=1))
    with pytest.raises(BidsSealed, match="sealed until 27 February 2026 at 12:00 UK time"):
        opened_bids(exercise)
    with pytest.raises(BidsSealed):
        load_exercise(exercise.key)
    clock.set(exercise.closes_at)
    assert opened_bids(exercise).count() == len(demo_register.bids)


def test_an_exercise_without_a_deadline_never_opens_its_bids(demo_register):
    exercise = _demo_exercise(demo_register)
    m.Exercise.objects.filter(pk=exercise.pk).update(deadline=None)
    exercise.refresh_from_db()
    with pytest.raises(BidsSealed, match="none is set yet"):
        opened_bids(exercise)


def test_before_the_deadline_the_officer_cannot_see_or_run_an_evaluation(demo_register, signed_in, clock):
    exercise = _demo_exercise(demo_register)
    clock.set(exercise.closes_at - timedelta(hours=1))
    officer = signed_in("officer")
    url = reverse("commissioning:evaluation", args=[exercise.key])
    page = officer.get(url)
    assert page.status_code == 200
    assert "Bids are sealed" in page.content.decode()
    assert demo_register.bids[0].title not in page.content.decode()
    officer.post(url, {"draws": "200", "seed": "1"})
    assert not m.EvaluationRun.objects.filter(exercise=exercise).exists()


def test_before_the_deadline_the_command_line_export_refuses_the_exercise(demo_register, clock):
    exercise = _demo_exercise(demo_register)
    clock.set(exercise.closes_at - timedelta(minutes=1))
    with pytest.raises(LookupError, match="sealed until"):
        _database_document(exercise.key)


def test_drafts_and_withdrawn_bids_are_never_evaluated(demo_register):
    exercise = _demo_exercise(demo_register)
    first = m.Bid.objects.filter(exercise=exercise).order_by("key").first()
    m.Bid.objects.filter(pk=first.pk).update(status=m.BidStatus.WITHDRAWN)
    _, bids = load_exercise(exercise.key)
    assert first.key not in {b.id for b in bids}
    assert len(bids) == len(demo_register.bids) - 1
