"""Events recorded at the same moment from separate connections all land, in one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from netimpact.web.audit.models import AuditChainHead, AuditEvent, AuditKind
from netimpact.web.audit.recorder import record_event, verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, EVENTS_EACH = 4, 5


def test_concurrent_recordings_all_land_with_the_chain_intact():
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def record(worker: int) -> None:
        try:
            start.wait()  # every thread begins recording at once
            for n in range(EVENTS_EACH):
                record_event(
                    AuditKind.CLAIM_CONFIRMED,
                    actor=None,
                    actor_label=f"Partner {worker}, answering by link",
                    exercise_key="EX-1",
                    summary=f"Partner {worker} confirmed claim {n}.",
                    details={"worker": worker, "claim": n},
                )
        except BaseException as error:  # reported to the test's thread below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=record, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    total = THREADS * EVENTS_EACH
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, total + 1))
    assert AuditEvent.objects.values("details__worker").distinct().count() == THREADS
    assert AuditChainHead.objects.get().events == total
    assert verify_chain() is None
