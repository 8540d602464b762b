"""The demo's second exercise, open for bids, so a person trying the demo can write and submit a bid.

The first demo exercise (integrated drug and alcohol service) closed on 27 February 2026 and has its three
bids. This one is published with a deadline six weeks after the demo is loaded, and has no bids: the demo
bidders (bidder1..3) can each start one in the bidder portal.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from netimpact.domain.demo.drug_alcohol import COHORT, COUNCIL_ID
from netimpact.web.commissioning import models as m
from netimpact.web.register import models as register

OPEN_EXERCISE_ID = "demo-exercise-young-people-substance-misuse"
OPEN_FOR = timedelta(weeks=6)

QUESTIONS = (
    (
        "yp-q-engagement",
        "How will you reach young people who use drugs or alcohol and keep them engaged, including those "
        "not in school or known to social care?",
        0.4,
    ),
    (
        "yp-q-join-up",
        "How will the service work with schools, children's social care, youth justice and child and "
        "adolescent mental health services?",
        0.35,
    ),
    ("yp-q-safeguarding", "How will you keep young people safe, and share concerns with partners?", 0.25),
)


@transaction.atomic
def save_open_demo_exercise(today: date | None = None) -> m.Exercise:
    """Store (or replace) the open demo exercise, deadline six weeks from `today` (the UK date now)."""
    today = today or timezone.localdate()
    m.Exercise.objects.filter(key=OPEN_EXERCISE_ID).delete()
    exercise = m.Exercise.objects.create(
        key=OPEN_EXERCISE_ID,
        title="Young people's substance misuse service",
        commissioner=register.Organisation.objects.get(org_id=COUNCIL_ID),
        description=(
            "A city-wide service for young people under 18 who use drugs or alcohol: early help through "
            "schools and youth work, specialist treatment, and support for their families, joined up with "
            "children's social care, youth justice and mental health services."
        ),
        budget_per_year=220_000,
        term_years=3,
        price_ceiling_per_year=240_000,
        price_weight=0.3,
        quality_weight=0.5,
        net_impact_weight=0.2,
        deadline=today + OPEN_FOR,
        status=m.ExerciseStatus.PUBLISHED,
        published_at=datetime.combine(today, time(9), tzinfo=UTC),
    )
    exercise.cohorts.set(register.Cohort.objects.filter(key=COHORT["young"]))
    m.QualityQuestion.objects.bulk_create(
        m.QualityQuestion(exercise=exercise, key=key, text=text, weight=weight, max_score=4)
        for key, text, weight in QUESTIONS
    )
    return exercise
