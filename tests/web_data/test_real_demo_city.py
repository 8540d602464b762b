"""The real demo city (netimpact.domain.demo_city) survives the database unchanged, and loads fast."""

import time

import pytest

from netimpact.domain.demo_city import build_demo_city
from netimpact.web.commissioning.store import load_exercise, save_demo_city
from netimpact.web.register import models as m
from netimpact.web.register.store import load_ecosystem

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_city():
    return build_demo_city(2026)


def test_the_demo_city_round_trips_equal(demo_city, django_assert_max_num_queries):
    save_demo_city(demo_city)

    started = time.perf_counter()
    # A fixed count, one query per table, whatever the size of the city.
    with django_assert_max_num_queries(50):
        ecosystem = load_ecosystem()
        exercise, bids = load_exercise(demo_city.exercise.id)
    elapsed = time.perf_counter() - started

    assert ecosystem == demo_city.ecosystem
    assert (exercise, bids) == (demo_city.exercise, demo_city.bids)
    assert m.Organisation.objects.count() == len(demo_city.ecosystem.organisations) > 250
    assert elapsed < 1.0, f"loading the demo city took {elapsed:.2f} s"  # measured ~0.1 s


def test_the_demo_organisations_filter_by_need_on_the_database(demo_city):
    save_demo_city(demo_city)

    for need in ("substance_use", "mental_health", "housing"):
        expected = sorted(s.id for s in demo_city.ecosystem.services if need in s.needs)
        stored = sorted(m.Service.objects.filter(needs__code=need).values_list("key", flat=True))
        assert stored == expected and expected, need
