"""The demo city in the test database for the page tests, with one account per role.

The city is built once a session (building is pure and deterministic) and saved once per test module
inside an outer transaction that is rolled back when the module ends: modules stay together under
pytest-randomly, so other folders' tests never see the demo register.
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
ROLES = ("public", "officer", "panel", "bidder", "partner")  # "public": not signed in


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
def signed_in(demo_register: DemoCity, db: None):
    """signed_in(role) -> a test client signed in as the demo account of that role (or anonymous)."""

    def client_for(role: str) -> Client:
        client = Client()
        if role != "public":
            client.force_login(User.objects.filter(role=Role(role)).order_by("username").first())
        return client

    return client_for
