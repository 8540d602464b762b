"""The demo city in the test database with one account per role, and one evaluation run by an officer.

The city is saved once per module inside an outer transaction rolled back when the module ends (as in
tests/web_pages), so other folders' tests never see it. Runs use 200 draws: enough to have intervals,
quick enough for a test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client

from netimpact.domain.demo_city import DemoCity, build_demo_city
from netimpact.web.accounts.demo import create_demo_users
from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning.store import save_demo_city

DEMO_SEED = 2026
TEST_DRAWS = 200


@pytest.fixture(scope="session")
def demo_city() -> DemoCity:
    return build_demo_city(DEMO_SEED)


@pytest.fixture(scope="module")
def demo_register(django_db_setup: None, django_db_blocker, demo_city: DemoCity) -> Iterator[DemoCity]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            save_demo_city(demo_city)
            create_demo_users(demo_city.exercise.id, demo_city.bids)
            yield demo_city
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def exercise_key(demo_register: DemoCity) -> str:
    return demo_register.exercise.id


@pytest.fixture
def signed_in(demo_register: DemoCity, db: None):
    """signed_in(role) -> a test client signed in as the demo account of that role ("public": nobody)."""

    def client_for(role: str) -> Client:
        client = Client(enforce_csrf_checks=False)
        if role != "public":
            client.force_login(User.objects.filter(role=Role(role)).order_by("username").first())
        return client

    return client_for
