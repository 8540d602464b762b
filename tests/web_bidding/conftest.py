"""The bidder portal's tests use the demo city (tests/conftest.py) plus its second exercise, open for bids
six weeks from the test's today, and a bidder whose organisation has a draft on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from netimpact.web.accounts.models import User
from netimpact.web.bidding import drafts
from netimpact.web.bidding.demo import save_open_demo_exercise
from netimpact.web.commissioning import models as m


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def open_exercise(demo_register, db, clock) -> m.Exercise:
    return save_open_demo_exercise(clock.at.date())


def bidder_user(number: int = 1) -> User:
    return User.objects.get(username=f"bidder{number}")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bidder(open_exercise) -> Client:
    return client_for(bidder_user(1))


@pytest.fixture
def rival(open_exercise) -> Client:
    """Another bidding organisation's person."""
    return client_for(bidder_user(2))


@pytest.fixture
def draft(open_exercise, media) -> m.Bid:
    return drafts.start_bid(open_exercise, bidder_user(1).organisation, bidder_user(1))


def url(name: str, bid: m.Bid, *args) -> str:
    return reverse(f"bidding:{name}", args=[bid.key, *args])


def after_deadline(clock, exercise: m.Exercise) -> None:
    clock.set(exercise.closes_at + timedelta(seconds=1))


def make_submittable(bid: m.Bid) -> m.Bid:
    """Fill in everything submission needs, straight in the database."""
    from netimpact.web.register.models import Need

    bid.title = "Young people first"
    bid.service_name = "Young people first"
    bid.service_capacity_per_year = 150
    bid.price_per_year = 200_000
    bid.save()
    bid.service_needs.set(Need.objects.filter(code__in=["substance_use", "youth"]))
    for question in bid.exercise.quality_questions.all():
        m.BidAnswer.objects.update_or_create(bid=bid, question=question, defaults={"text": "Our answer."})
    return bid


AUTOSAVE_HEADER = "X-Netimpact-Autosave"
