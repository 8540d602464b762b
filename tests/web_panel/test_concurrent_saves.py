"""Two members saving their scores of the same bid at the same moment, from separate database
connections (threads): every save of each member lands, in that member's own rows."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from netimpact.web.accounts.demo import create_demo_users
from netimpact.web.commissioning import models as cm
from netimpact.web.commissioning.store import save_demo_city
from netimpact.web.panel import models as pm
from netimpact.web.panel import rules
from netimpact.web.panel.demo import seat_demo_panel

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROUNDS = 6


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite's in-memory test database answers 'locked' at once to a second writer instead of "
    "waiting; PostgreSQL shows what concurrent members do",
)
def test_two_members_saving_at_the_same_moment_lose_nothing(demo_city):
    save_demo_city(demo_city)
    create_demo_users(demo_city.exercise.id, demo_city.bids)
    seat_demo_panel(demo_city.exercise.id)
    exercise = cm.Exercise.objects.get(key=demo_city.exercise.id)
    bid = exercise.bids.order_by("key").first()
    questions = list(exercise.quality_questions.order_by("pk"))
    seats = list(pm.PanelMembership.objects.filter(exercise=exercise).order_by("member__username"))
    for seat in seats:
        rules.declare(
            seat,
            {o.pk: (False, "") for o in rules.bidder_organisations(exercise)},
            "Member",
            rules.bidder_organisations(exercise),
        )
    start = threading.Barrier(len(seats))
    errors: list[BaseException] = []

    def save(seat: pm.PanelMembership, member: int) -> None:
        try:
            for n in range(ROUNDS):
                start.wait()  # both members save each round at the same moment
                stored = {
                    s.question_id: s.version for s in pm.MemberScore.objects.filter(membership=seat, bid=bid)
                }
                entries = {
                    q.pk: rules.ScoreEntry(n % 5, f"member {member} round {n}", stored.get(q.pk, 0))
                    for q in questions
                }
                outcome = rules.save_member_scores(seat, bid, entries, submit=False)
                assert outcome.ok, outcome
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(seat, n)) for n, seat in enumerate(seats)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    for n, seat in enumerate(seats):
        rows = pm.MemberScore.objects.filter(membership=seat, bid=bid)
        assert rows.count() == len(questions)
        assert {r.justification for r in rows} == {f"member {n} round {ROUNDS - 1}"}
        assert {r.version for r in rows} == {ROUNDS}
