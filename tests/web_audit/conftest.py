"""The audit tests use the shared demo-city fixtures in tests/conftest.py, plus helpers to go round the
append-only triggers the way someone with direct database access would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from netimpact.domain.demo_city import DemoCity


@pytest.fixture
def exercise_key(demo_register: DemoCity) -> str:
    return demo_register.exercise.id


@contextmanager
def triggers_disabled() -> Iterator[None]:
    """Tamper as a database owner would: switch the append-only trigger off (DDL, so the test's
    transaction rolls it back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The deferred foreign-key checks must run first: PostgreSQL alters no table with checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_event_append_only")
    yield
