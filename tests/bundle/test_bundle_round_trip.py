"""Domain types -> bundle -> domain types gives back what went in; the same input gives the same bytes."""

from __future__ import annotations

import dataclasses
import json
import random
from enum import Enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netimpact.bundle import (
    FORMAT_VERSION,
    bundle_hash,
    bundle_text,
    parse_bundle_text,
    read_bundle,
    validate_bundle,
    write_bundle,
)
from netimpact.engine.synthetic import synthetic_city

# Lists whose order means something; every other list compares as a multiset.
ORDERED_LISTS = {"finances", "quality_questions"}


def normalised(value: Any, field: str = "") -> Any:
    """A comparable form in which order counts only where the domain says it does."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: normalised(getattr(value, f.name), f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {normalised(k): normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [normalised(v) for v in value]
        return items if field in ORDERED_LISTS else sorted(items, key=repr)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value)
    return value


def test_a_synthetic_city_survives_write_then_read(small_city):
    bundle = read_bundle(write_bundle(small_city.ecosystem, small_city.exercise, small_city.bids))
    assert normalised(bundle.ecosystem) == normalised(small_city.ecosystem)
    assert normalised(bundle.exercise) == normalised(small_city.exercise)
    assert normalised(bundle.bids) == normalised(small_city.bids)
    assert bundle.parameter_overrides == {}


def test_json_text_and_files_read_back_to_the_same_bundle(small_city, tmp_path):
    document = write_bundle(small_city.ecosystem, small_city.exercise, small_city.bids, {"t_adj": 1.0})
    text = bundle_text(document)
    path = tmp_path / "city.json"
    path.write_text(text, encoding="utf-8")
    from_text = read_bundle(parse_bundle_text(text))
    from_file = read_bundle(path)
    from_str_path = read_bundle(str(path))
    assert from_text == from_file == from_str_path
    assert from_file.parameter_overrides == {"t_adj": 1.0}
    assert normalised(from_file.ecosystem) == normalised(small_city.ecosystem)


def test_reading_a_written_bundle_gives_back_the_exact_objects_once_canonical(small_city):
    once = read_bundle(write_bundle(small_city.ecosystem, small_city.exercise, small_city.bids))
    twice = read_bundle(write_bundle(once.ecosystem, once.exercise, once.bids))
    assert twice == once  # plain dataclass equality: order included


def test_writing_is_deterministic_whatever_the_order_of_the_input(small_city):
    document = write_bundle(small_city.ecosystem, small_city.exercise, small_city.bids)
    shuffled = dataclasses.replace(small_city.ecosystem)
    rng = random.Random(3)
    for name in ("organisations", "services", "funding", "referrals", "cohorts", "wards"):
        items = list(getattr(shuffled, name))
        rng.shuffle(items)
        setattr(shuffled, name, items)
    bids = list(reversed(small_city.bids))
    again = write_bundle(shuffled, small_city.exercise, bids)
    assert bundle_text(again) == bundle_text(document)
    assert bundle_hash(again) == bundle_hash(document)
    assert [o["id"] for o in document["ecosystem"]["organisations"]] == sorted(
        o.id for o in small_city.ecosystem.organisations
    )


def test_the_hash_ignores_formatting_but_not_content(small_city):
    document = write_bundle(small_city.ecosystem, small_city.exercise, small_city.bids)
    reformatted = json.loads(json.dumps(document, indent=None, sort_keys=True))
    assert bundle_hash(reformatted) == bundle_hash(document)
    reformatted["bids"][0]["price_per_year"] += 1.0
    assert bundle_hash(reformatted) != bundle_hash(document)
    assert bundle_hash(document).startswith("sha256:")


def test_integers_given_for_money_are_written_as_floats(small_city):
    exercise = dataclasses.replace(small_city.exercise, budget_per_year=1_000_000)
    document = write_bundle(small_city.ecosystem, exercise, small_city.bids)
    assert isinstance(document["exercise"]["budget_per_year"], float)
    assert '"budget_per_year": 1000000.0' in bundle_text(document)


def test_a_written_bundle_carries_the_format_version_and_validates(small_bundle):
    assert small_bundle["netimpact_bundle"] == FORMAT_VERSION == "1.0"
    assert validate_bundle(small_bundle) == []


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_synthetic_cities_of_any_seed_round_trip(seed):
    city = synthetic_city(40, 150, 2, seed=seed)
    bundle = read_bundle(write_bundle(city.ecosystem, city.exercise, city.bids))
    assert normalised(bundle.ecosystem) == normalised(city.ecosystem)
    assert normalised(bundle.bids) == normalised(city.bids)


@pytest.fixture(scope="module")
def demo_city():
    from netimpact.domain.demo_city import build_demo_city

    return build_demo_city()


def test_the_demo_city_survives_write_then_read(demo_city):
    document = write_bundle(demo_city.ecosystem, demo_city.exercise, demo_city.bids)
    bundle = read_bundle(document)
    assert normalised(bundle.ecosystem) == normalised(demo_city.ecosystem)
    assert normalised(bundle.exercise) == normalised(demo_city.exercise)
    assert normalised(bundle.bids) == normalised(demo_city.bids)
    assert len(bundle.bids) == 3


def test_the_demo_city_survives_json_text(demo_city, tmp_path):
    document = write_bundle(demo_city.ecosystem, demo_city.exercise, demo_city.bids)
    path = tmp_path / "demo.json"
    path.write_text(bundle_text(document), encoding="utf-8")
    bundle = read_bundle(path)
    assert normalised(bundle.ecosystem) == normalised(demo_city.ecosystem)
    again = write_bundle(bundle.ecosystem, bundle.exercise, bundle.bids)
    assert bundle_text(again) == path.read_text(encoding="utf-8")


def test_a_parameter_set_is_written_as_its_changes_from_the_defaults(small_city):
    from netimpact.engine.parameters import ParameterSet

    parameters = ParameterSet.default().with_overrides({"t_adj": 1.5, "discount_rate": 0.03})
    document = write_bundle(small_city.ecosystem, small_city.exercise, small_city.bids, parameters)
    assert document["parameters"] == {"discount_rate": 0.03, "t_adj": 1.5}
    assert read_bundle(document).parameter_overrides == {"discount_rate": 0.03, "t_adj": 1.5}


@settings(max_examples=25, deadline=None)
@given(
    organisations=st.integers(min_value=20, max_value=120),
    ties_per_organisation=st.integers(min_value=1, max_value=8),
    bids=st.integers(min_value=1, max_value=4),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_any_synthetic_city_is_a_valid_bundle_that_round_trips(organisations, ties_per_organisation, bids,
                                                               seed):
    city = synthetic_city(organisations, organisations * ties_per_organisation, bids, seed=seed)
    assert len(city.bids) == bids
    assert len(city.ecosystem.funding) == organisations * ties_per_organisation
    document = write_bundle(city.ecosystem, city.exercise, city.bids)
    assert validate_bundle(document) == []
    bundle = read_bundle(document)
    assert normalised(bundle.ecosystem) == normalised(city.ecosystem)
    assert normalised(bundle.exercise) == normalised(city.exercise)
    assert normalised(bundle.bids) == normalised(city.bids)
