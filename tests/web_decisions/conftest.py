"""The decisions tests use the shared demo-city fixtures in tests/conftest.py.

Evaluations use 200 draws without the sensitivity (enough for intervals, quick enough for a test); jobs
run inside the request (settings/test.py) unless a test says otherwise.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from netimpact.domain.demo_city import DemoCity

TEST_DRAWS = 200


@pytest.fixture
def exercise_key(demo_register: DemoCity) -> str:
    return demo_register.exercise.id


def run_evaluation(client: Client, key: str, draws: object = TEST_DRAWS, seed: object = 0, **extra: str):
    """Post the evaluation page's form (it starts a job) and return the response."""
    return client.post(
        reverse("decisions:run_evaluation", args=[key]), {"draws": draws, "seed": seed, **extra}
    )
