"""Panel tests: the demo city with panel1 and panel2 seated on the demo exercise's panel, clients per
person, and helpers that declare and score the way a member does through the pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from netimpact.domain.demo_city import DemoCity
from netimpact.web import clock as web_clock
from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning import models as cm
from netimpact.web.panel.demo import seat_demo_panel


@dataclass
class Panel:
    key: str
    exercise: cm.Exercise
    bids: list[cm.Bid]
    questions: list[cm.QualityQuestion]

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"panel:{name}", args=[self.key, *args])

    def bid(self, key: str) -> cm.Bid:
        return next(b for b in self.bids if b.key == key)


@pytest.fixture
def panel(demo_register: DemoCity, db: None) -> Panel:
    key = demo_register.exercise.id
    seat_demo_panel(key)
    exercise = cm.Exercise.objects.get(key=key)
    return Panel(
        key,
        exercise,
        list(cm.Bid.objects.filter(exercise=exercise).select_related("bidder").order_by("key")),
        list(exercise.quality_questions.order_by("pk")),
    )


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def officer(panel: Panel) -> Client:
    return client_for("officer")


@pytest.fixture
def panel1(panel: Panel) -> Client:
    return client_for("panel1")


@pytest.fixture
def panel2(panel: Panel) -> Client:
    return client_for("panel2")


@pytest.fixture
def outsider(panel: Panel) -> Client:
    """A panel member who does not sit on the demo exercise's panel."""
    User.objects.create_user("panel9", password="demo-testing-pass", role=Role.PANEL)
    return client_for("panel9")


def declare(client: Client, panel: Panel, interests: dict[str, str] | None = None, name: str = "A Member"):
    """Declare through the page: no interest in any bidder, except {bid key: details} in `interests`."""
    interests = interests or {}
    data: dict[str, str] = {"signed-name": name}
    for bid in panel.bids:
        details = interests.get(bid.key)
        data[f"interest-{bid.bidder_id}"] = "yes" if details else "none"
        data[f"details-{bid.bidder_id}"] = details or ""
    return client.post(panel.url("declaration"), data)


def score_form(
    panel: Panel, scores: list[int | None], text: str = "Because", versions: list[int] | None = None
) -> dict[str, str]:
    data: dict[str, str] = {}
    for n, q in enumerate(panel.questions):
        score = scores[n]
        if score is not None:
            data[f"score-{q.pk}"] = str(score)
        data[f"justification-{q.pk}"] = f"{text} {n + 1}" if text else ""
        data[f"version-{q.pk}"] = str(versions[n] if versions else 0)
    return data


def page_versions(page: str, panel: Panel, prefix: str = "version") -> list[int]:
    """The versions a scoring page's hidden fields carry, in question order."""
    found = dict(re.findall(rf'name="{prefix}-(\d+)" value="(\d+)"', page))
    return [int(found[str(q.pk)]) for q in panel.questions]


def score_and_submit(client: Client, panel: Panel, bid: cm.Bid, scores: list[int], text: str = "Because"):
    response = client.post(
        panel.url("score_bid", bid.key), {**score_form(panel, scores, text), "action": "submit"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.fixture
def before_deadline(clock, panel: Panel):
    """The clock one minute before the demo exercise's bids open."""
    closes = panel.exercise.closes_at
    assert closes is not None
    clock.set(closes - timedelta(minutes=1))
    assert web_clock.now() < closes
    return clock


__all__ = ["Panel", "client_for", "datetime", "declare", "score_and_submit", "score_form"]
