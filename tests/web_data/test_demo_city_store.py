"""save_demo_city: the demo replaces the previous demo whole, or not at all, and never a real register."""

import pytest

from netimpact.web.commissioning import models as commissioning
from netimpact.web.commissioning.store import ExerciseError, load_exercise, save_demo_city
from netimpact.web.register import models as register
from netimpact.web.register.store import RegisterError, load_ecosystem, save_ecosystem

from .cities import City, sized_city, small_city

pytestmark = pytest.mark.django_db


def test_the_demo_city_loads_back_equal(city):
    save_demo_city(city)

    assert load_ecosystem() == city.ecosystem
    assert load_exercise(city.exercise.id) == (city.exercise, city.bids)
    assert register.Register.objects.get().demo


def test_a_new_demo_replaces_the_old_one_without_leftovers(city):
    save_demo_city(city)
    other = small_city("Another demo")
    other.exercise.id = "ex-other"
    for bid in other.bids:
        bid.exercise = "ex-other"

    save_demo_city(other)

    assert load_ecosystem().name == "Another demo"
    assert list(commissioning.Exercise.objects.values_list("key", flat=True)) == ["ex-other"]
    assert register.Organisation.objects.count() == len(other.ecosystem.organisations)


def test_a_failure_mid_save_leaves_the_previous_demo_as_it_was(city):
    save_demo_city(city)
    # The new register is valid and gets written; its exercise then names a cohort it lacks.
    broken = City(sized_city(20), city.exercise, city.bids)

    with pytest.raises(ExerciseError, match="names cohort 'dual-diagnosis'"):
        save_demo_city(broken)

    assert load_ecosystem() == city.ecosystem
    assert load_exercise(city.exercise.id) == (city.exercise, city.bids)


def test_the_demo_never_replaces_a_real_register(city):
    save_ecosystem(city.ecosystem)  # not marked as the demo

    with pytest.raises(RegisterError, match="not the demo city"):
        save_demo_city(small_city("Demo"))

    assert load_ecosystem() == city.ecosystem
