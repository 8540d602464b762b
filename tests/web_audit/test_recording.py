"""Recording events, reading them back, and the hash chain that shows any change or deletion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from netimpact.web.accounts.models import Role, User
from netimpact.web.audit.models import AppendOnlyError, AuditChainHead, AuditEvent, AuditKind
from netimpact.web.audit.recorder import (
    GENESIS_HASH,
    AuditChainError,
    ChainBreak,
    event_hash,
    record_event,
    verify_chain,
)

from .conftest import triggers_disabled

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> User:
    return User.objects.create_user("olive", password="demo-testing-pass", role=Role.OFFICER)


def _three_events(officer: User) -> list[AuditEvent]:
    return [
        record_event(
            AuditKind.PUBLISHED, actor=officer, exercise_key="EX-1", summary="Exercise EX-1 published."
        ),
        record_event(
            AuditKind.CLAIM_CONFIRMED,
            actor=None,
            actor_label="Riverside Food Bank, answering by link",
            exercise_key="EX-1",
            summary="Riverside Food Bank confirmed the subcontract in bid B-2.",
            details={"bid": "B-2", "claim": "subcontract", "before": "unanswered", "after": "confirmed"},
        ),
        record_event(
            AuditKind.REGISTER_IMPORTED,
            actor=officer,
            summary="Register imported from 360Giving.",
            details={"organisations": 412, "imported_on": date(2026, 11, 1), "total": Decimal("12.50")},
        ),
    ]


def test_an_event_is_stored_with_who_when_and_what(officer):
    published, confirmed, imported = _three_events(officer)

    stored = AuditEvent.objects.get(pk=confirmed.pk)
    assert [e.sequence for e in (published, confirmed, imported)] == [1, 2, 3]
    assert stored.kind == AuditKind.CLAIM_CONFIRMED and stored.exercise_key == "EX-1"
    assert stored.actor is None and stored.actor_label == "Riverside Food Bank, answering by link"
    assert stored.details["after"] == "confirmed"
    assert stored.when.tzinfo is not None
    assert AuditEvent.objects.get(pk=published.pk).actor_label == "olive (Commissioning officer)"
    # Register events concern no exercise; dates and decimals are kept as text.
    assert AuditEvent.objects.get(pk=imported.pk).exercise_key is None
    assert AuditEvent.objects.get(pk=imported.pk).details["imported_on"] == "2026-11-01"
    assert list(AuditEvent.objects.filter(exercise_key="EX-1")) == [confirmed, published]  # newest first


def test_the_chain_links_each_event_to_the_one_before_and_verifies(officer):
    events = _three_events(officer)

    assert events[0].previous_hash == GENESIS_HASH
    assert [e.previous_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert all(event_hash(AuditEvent.objects.get(pk=e.pk)) == e.hash for e in events)
    head = AuditChainHead.objects.get()
    assert (head.events, head.last_hash) == (3, events[-1].hash)
    assert verify_chain() is None


def test_an_empty_trail_verifies():
    assert verify_chain() is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"actor": None, "summary": "Something."}, "needs an actor"),
        ({"actor": "officer", "summary": "  "}, "needs a summary"),
        ({"actor": "officer", "summary": "S.", "details": {"x": float("nan")}}, "without NaN"),
        ({"actor": "officer", "summary": "S.", "details": {"x": object()}}, "must be JSON"),
    ],
)
def test_bad_input_is_refused_with_what_is_wrong(officer, kwargs, message):
    if kwargs["actor"] == "officer":
        kwargs["actor"] = officer

    with pytest.raises(ValueError, match=message):
        record_event(AuditKind.PUBLISHED, **kwargs)
    assert not AuditEvent.objects.exists()


def test_an_unknown_kind_is_refused(officer):
    with pytest.raises(ValueError, match="not_a_kind"):
        record_event("not_a_kind", actor=officer, summary="S.")


# ---------------------------------------------------------------------------------- append-only


def test_the_model_refuses_to_save_an_existing_event_or_delete_one(officer):
    event = _three_events(officer)[0]
    event.summary = "Something else."

    with pytest.raises(AppendOnlyError, match="append-only"):
        event.save()
    with pytest.raises(AppendOnlyError, match="append-only"):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="Rewritten.")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Exercise EX-1 published."
    assert verify_chain() is None


def test_the_database_refuses_a_raw_update(officer):
    event = _three_events(officer)[1]

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET summary = 'Nothing happened.' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary.startswith("Riverside Food Bank confirmed")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's flush deletes: see migration 0002")
def test_postgresql_refuses_a_raw_delete(officer):
    event = _three_events(officer)[1]

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# ------------------------------------------------------------------- tampering round the triggers


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_changed_event_is_found_by_verify_chain(officer):
    events = _three_events(officer)
    with triggers_disabled():
        _raw("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["Nothing happened.", events[1].pk])

    broken = verify_chain()

    assert broken is not None and broken.sequence == 2
    assert "changed" in broken.reason


def test_a_changed_detail_is_found_even_with_its_hash_recomputed(officer):
    # Rewriting the event and its own hash leaves the next event pointing at the old one.
    events = _three_events(officer)
    with triggers_disabled():
        _raw(
            "UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"after": "disputed"}', events[1].pk]
        )
        forged = AuditEvent.objects.get(pk=events[1].pk)
        _raw("UPDATE audit_auditevent SET hash = %s WHERE id = %s", [event_hash(forged), events[1].pk])

    broken = verify_chain()

    assert broken is not None and broken.sequence == 3
    assert "does not link" in broken.reason


def test_a_deleted_event_is_found_by_verify_chain(officer):
    events = _three_events(officer)
    with triggers_disabled():
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    broken = verify_chain()

    assert broken is not None and broken.sequence == 2 and "deleted" in broken.reason


def test_the_newest_event_deleted_is_found_by_the_chain_head(officer):
    events = _three_events(officer)
    with triggers_disabled():
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])

    broken = verify_chain()

    assert broken is not None and broken.sequence == 3 and "head counts 3" in broken.reason
    # And nothing more is appended to a chain known to be broken.
    with pytest.raises(AuditChainError, match="verify_chain"):
        record_event(AuditKind.PUBLISHED, actor=officer, summary="After the cut.")


def test_nothing_is_appended_once_the_chain_head_is_gone(officer):
    _three_events(officer)
    AuditChainHead.objects.all().delete()

    assert verify_chain() == ChainBreak(1, "the chain head is missing")
    with pytest.raises(AuditChainError, match="head says 0 events"):
        record_event(AuditKind.PUBLISHED, actor=officer, summary="After the head went.")
    assert not AuditChainHead.objects.exists() and AuditEvent.objects.count() == 3
