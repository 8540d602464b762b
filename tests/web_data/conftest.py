import pytest

from .cities import City, small_city


@pytest.fixture
def city() -> City:
    return small_city()
