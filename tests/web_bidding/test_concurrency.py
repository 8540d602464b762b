"""Two tabs saving the same draft at the same moment, from separate connections: one save lands, the other
is told the draft was saved elsewhere; neither is lost silently."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from netimpact.web.bidding import drafts
from netimpact.web.commissioning import models as m
from netimpact.web.register.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database answers 'locked' at once instead of waiting; "
    "the row lock this checks is PostgreSQL's",
)
def test_two_saves_of_the_same_version_at_once_one_lands_and_one_is_refused():
    council = Organisation.objects.create(org_id="GB-LAE-TST", name="Test Council", kind="public_body")
    bidder = Organisation.objects.create(org_id="GB-CHC-1000001", name="Bidder Trust", kind="local_vcse")
    exercise = m.Exercise.objects.create(
        key="ex",
        title="Ex",
        commissioner=council,
        budget_per_year=1,
        term_years=1,
        deadline=(timezone.now() + timedelta(days=30)).date(),
        status=m.ExerciseStatus.PUBLISHED,
    )
    bid = m.Bid.objects.create(key="NI-TEST", exercise=exercise, bidder=bidder, title="")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(title: str) -> None:
        try:
            start.wait()

            def write(locked: m.Bid) -> None:
                locked.title = title
                locked.save(update_fields=["title"])

            drafts.save_draft(bid, 1, write)
            outcomes.append(f"saved {title}")
        except drafts.VersionConflict:
            outcomes.append("conflict")
        except BaseException as error:  # reported to the test's thread below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    bid.refresh_from_db()
    assert sorted(outcomes) == sorted(["conflict", f"saved {bid.title}"])
    assert bid.version == 2
