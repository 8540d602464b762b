"""The evaluation tests use the shared demo-city fixtures in tests/conftest.py, plus the exercise key.

Runs use 200 draws: enough to have intervals, quick enough for a test.
"""

from __future__ import annotations

import pytest

from netimpact.domain.demo_city import DemoCity

TEST_DRAWS = 200


@pytest.fixture
def exercise_key(demo_register: DemoCity) -> str:
    return demo_register.exercise.id
