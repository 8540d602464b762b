"""Fixtures shared by every test folder: the demo city in the test database, a client per role, and
the real browser (Debian's Chromium through Playwright) for the browser tests.

The city is built once a session (building is pure and deterministic) and saved once per test module
inside an outer transaction that is rolled back when the module ends: modules stay together under
pytest-randomly, so other modules' tests never see the demo register.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.test import Client

from netimpact.domain.demo_city import DemoCity, build_demo_city
from netimpact.web.accounts.demo import create_demo_users
from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning.store import save_demo_city

DEMO_SEED = 2026


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
    """signed_in(role) -> a test client signed in as the demo account of that role ("public": nobody)."""

    def client_for(role: str) -> Client:
        client = Client()
        if role != "public":
            client.force_login(User.objects.filter(role=Role(role)).order_by("username").first())
        return client

    return client_for


class Clock:
    """The time netimpact.web.clock tells, set by a test: clock.set(datetime) or clock.move(timedelta)."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def move(self, by: timedelta) -> None:
        self.at += by


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Stops netimpact's clock at now; the test moves it (the live server thread sees the same clock)."""
    from django.utils import timezone

    from netimpact.web import clock as web_clock

    stopped = Clock(timezone.now())
    monkeypatch.setattr(web_clock, "now", stopped)
    return stopped


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("Browser tests need Chromium: install Debian's 'chromium' (./run test does).")
    return {**browser_type_launch_args, "executable_path": chromium}


@pytest.fixture
def site(live_server, demo_city: DemoCity) -> Iterator[tuple[str, DemoCity, dict[str, str]]]:
    """The demo city behind a live server: (base URL, the city, password by username)."""
    save_demo_city(demo_city)
    accounts = create_demo_users(demo_city.exercise.id, demo_city.bids)
    yield live_server.url, demo_city, {user: password for _, user, password in accounts}
