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


def test_fused_first_round_matches_the_formula_with_the_same_noise() -> None:
    from netimpact.engine.contagion import first_round_with_noise
    from netimpact.engine.funding import first_round_distress

    rng = np.random.default_rng(3)
    rows = np.array([2, 5, 9, 11])
    reserves = np.array([0.0, 500.0, 20_000.0, -50.0])
    change = rng.normal(-5_000, 8_000, (4, 30))
    change[0, 0] = -0.001  # rounding, not a loss
    t_adj = rng.uniform(0.25, 1.0, 30)
    h0, scale = first_round_with_noise(4, rows, 10, 40, reserves, change, t_adj, 1.0, 0.2, 0.25, 0.005)
    z1, z2 = organisation_normals(4, rows, 10, 40)
    buffers = np.maximum(reserves[:, None] * np.exp(0.2 * z1), 1.0)
    np.testing.assert_allclose(h0, first_round_distress(change, buffers, t_adj[None, :], 1.0), rtol=1e-12)
    np.testing.assert_allclose(scale, np.exp(0.25 * z2) / buffers, rtol=1e-12)
    assert h0[0, 0] == 0.0
