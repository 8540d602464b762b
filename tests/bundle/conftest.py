from __future__ import annotations

import copy
from typing import Any

import pytest

from netimpact.bundle import write_bundle
from netimpact.engine.synthetic import SyntheticCity, synthetic_city


@pytest.fixture(scope="session")
def small_city() -> SyntheticCity:
    return synthetic_city(60, 300, 3, seed=11)


@pytest.fixture(scope="session")
def _small_bundle(small_city: SyntheticCity) -> dict[str, Any]:
    return write_bundle(small_city.ecosystem, small_city.exercise, small_city.bids)


@pytest.fixture
def small_bundle(_small_bundle: dict[str, Any]) -> dict[str, Any]:
    """A fresh copy each test may break as it likes."""
    return copy.deepcopy(_small_bundle)
