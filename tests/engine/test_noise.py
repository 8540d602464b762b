"""Organisations' Monte Carlo noise: standard normal, and the same whichever rows or draws are asked for."""

import numpy as np
from scipy import stats

from netimpact.engine.contagion import organisation_normals


def test_noise_is_standard_normal_and_uncorrelated() -> None:
    first, second = organisation_normals(7, np.arange(400), 0, 1000)
    for values in (first, second):
        assert stats.kstest(values.ravel(), "norm").pvalue > 0.001
    assert abs(np.corrcoef(first.ravel(), second.ravel())[0, 1]) < 0.01
    assert abs(np.corrcoef(first[:-1].ravel(), first[1:].ravel())[0, 1]) < 0.01


def test_an_organisations_noise_does_not_depend_on_what_else_is_drawn() -> None:
    whole, _ = organisation_normals(7, np.arange(50), 0, 300)
    part, _ = organisation_normals(7, np.array([3, 41]), 120, 180)
    np.testing.assert_array_equal(part, whole[[3, 41], 120:180])
    other_seed, _ = organisation_normals(8, np.arange(50), 0, 300)
    assert not np.allclose(other_seed, whole)
