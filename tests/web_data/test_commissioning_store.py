"""The commissioning store: an exercise and its bids load back equal; bad ones are refused by name."""

from dataclasses import replace

import pytest
from django.db import IntegrityError, transaction

from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.store import ExerciseError, exercise_keys, load_exercise, save_exercise
from netimpact.web.register.store import RegisterError, save_ecosystem

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(city):
    save_ecosystem(city.ecosystem)
    return city


def test_exercise_and_bids_load_back_equal(register):
    save_exercise(register.exercise, register.bids)

    exercise, bids = load_exercise(register.exercise.id)

    assert exercise == register.exercise
    assert bids == register.bids
    assert bids[0].local_spend is None  # "stated none" survives, distinct from stating zero
    assert bids[1].local_spend is not None and bids[1].local_spend.local_suppliers == 0.0


def test_loading_an_exercise_is_a_fixed_number_of_queries(register, django_assert_max_num_queries):
    save_exercise(register.exercise, register.bids)
    with django_assert_max_num_queries(20):
        load_exercise(register.exercise.id)


def test_saving_an_exercise_again_replaces_it_and_its_bids(register):
    save_exercise(register.exercise, register.bids)
    save_exercise(replace(register.exercise, title="Retitled"), register.bids[1:])

    exercise, bids = load_exercise(register.exercise.id)

    assert exercise.title == "Retitled"
    assert [b.id for b in bids] == ["bid-local"]
    assert m.Exercise.objects.count() == 1 and m.Subcontract.objects.count() == 2
    assert exercise_keys() == [register.exercise.id]


def test_a_bid_naming_an_unknown_partner_is_refused_whole(register):
    register.bids[1].subcontracts[0].partner = "GB-CHC-7777777"

    with pytest.raises(ExerciseError, match="bid bid-local: names subcontract partner 'GB-CHC-7777777'"):
        save_exercise(register.exercise, register.bids)

    assert not m.Exercise.objects.exists() and not m.Bid.objects.exists()


def test_a_bid_for_another_exercise_is_refused(register):
    register.bids[0].exercise = "ex-other"

    with pytest.raises(ExerciseError, match="is for exercise 'ex-other'"):
        save_exercise(register.exercise, register.bids)


def test_award_weights_that_do_not_sum_to_one_are_refused(register):
    register.exercise.criteria.price = 0.5

    with pytest.raises(
        ExerciseError, match=r"award weights price 0.5 \+ quality 0.5 \+ net impact 0.25 sum to 1.25"
    ):
        save_exercise(register.exercise, register.bids)

    assert not m.Exercise.objects.exists()


def test_the_database_itself_refuses_weights_that_do_not_sum_to_one(register):
    save_exercise(register.exercise, [])
    stored = m.Exercise.objects.get()
    stored.price_weight = 0.9

    with pytest.raises(IntegrityError, match="award_weights_sum_to_one"), transaction.atomic():
        stored.save()


def test_quality_question_weights_must_sum_to_one(register):
    register.exercise.quality_questions[0].weight = 0.5

    with pytest.raises(ExerciseError, match=r"quality questions' weights sum to 0\.9, not 1"):
        save_exercise(register.exercise, register.bids)


def test_an_unknown_exercise_names_the_stored_ones(register):
    save_exercise(register.exercise, [])

    with pytest.raises(ExerciseError, match=r"No exercise with id 'nope'.*ex-drugs-2026"):
        load_exercise("nope")


def test_the_register_cannot_be_replaced_under_a_live_exercise(register):
    save_exercise(register.exercise, register.bids)

    with pytest.raises(RegisterError, match="Delete those exercises first"):
        save_ecosystem(register.ecosystem)

    assert load_exercise(register.exercise.id) == (register.exercise, register.bids)
