"""The demo: every demo bid answers every quality question (fixed text), panel1 and panel2 sit on the
demo exercise's panel, and nothing is scored yet."""

from __future__ import annotations

import pytest

from netimpact.web.commissioning import models as cm
from netimpact.web.commissioning.demo_answers import ANSWERS
from netimpact.web.panel import models as pm
from netimpact.web.register.management.commands.load_demo import load_demo

pytestmark = pytest.mark.django_db


def _answers() -> list[tuple[str, str, str, str]]:
    return sorted(
        cm.BidAnswer.objects.values_list("bid__key", "question__key", "text", "updated_at")  # type: ignore[arg-type]
    )


def test_load_demo_writes_an_answer_to_every_question_and_seats_the_panel(demo_city):
    load_demo()
    exercise = cm.Exercise.objects.get(key=demo_city.exercise.id)
    questions = set(exercise.quality_questions.values_list("key", flat=True))
    bids = set(exercise.bids.values_list("key", flat=True))

    answered = {(b, q) for b, q, text, _ in _answers() if len(text.split(". ")) >= 2}
    assert answered == {(b, q) for b in bids for q in questions}
    assert set(ANSWERS) == bids
    assert set(
        pm.PanelMembership.objects.filter(exercise=exercise).values_list("member__username", flat=True)
    ) == {
        "panel1",
        "panel2",
    }
    assert not pm.MemberScore.objects.exists()
    assert not pm.Declaration.objects.exists()


def test_loading_the_demo_twice_gives_the_same_answers_and_panel():
    load_demo()
    first = (_answers(), sorted(pm.PanelMembership.objects.values_list("member__username", "added_at")))
    load_demo()
    second = (_answers(), sorted(pm.PanelMembership.objects.values_list("member__username", "added_at")))
    assert first == second


def test_each_bid_answers_in_its_own_character():
    load_demo()
    text = {
        (a.bid.key, a.question.key): a.text for a in cm.BidAnswer.objects.select_related("bid", "question")
    }
    assert "national" in text[("demo-bid-national", "demo-q-model")].lower()
    assert "Second Dawn" in text[("demo-bid-consortium", "demo-q-lived-experience")]
    assert "will be agreed during mobilisation" in text[("demo-bid-regional", "demo-q-join-up")]
