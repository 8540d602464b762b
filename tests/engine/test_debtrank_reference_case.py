"""The reference case of impact-model.md section 3 (NetworkRiskMeasures README), reproduced exactly."""

import numpy as np
import pytest

from netimpact.engine import reference
from netimpact.engine.contagion import ExposureMatrix, debtrank

# Row = who is exposed, column = to whom.
EXPOSURES = np.array([[0.0, 1.0, 0.0], [10.0, 0.0, 3.0], [3.0, 2.0, 0.0]])
BUFFERS = np.array([2.0, 5.0, 2.0])
WEIGHTS = np.array([10.0, 100.0, 30.0])
VULNERABILITY = np.minimum(1.0, EXPOSURES / BUFFERS[:, None])


@pytest.mark.parametrize(
    ("shocked", "debt_rank", "additional_defaults"),
    [(0, 0.9285714, 2), (2, 0.6642857, 0), (1, 0.25, 1)],
)
def test_single_default(shocked: int, debt_rank: float, additional_defaults: int) -> None:
    h0 = np.zeros(3)
    h0[shocked] = 1.0
    result = debtrank(VULNERABILITY, h0, WEIGHTS)
    assert result.additional_stress == pytest.approx(debt_rank, abs=5e-8)
    assert result.additional_failed == additional_defaults


def test_ten_percent_shock_to_all() -> None:
    result = debtrank(VULNERABILITY, np.full(3, 0.1), WEIGHTS)
    np.testing.assert_allclose(result.h, [0.15, 0.26, 0.30], atol=1e-12)
    assert result.additional_stress == pytest.approx(0.160714, abs=5e-7)
    assert result.additional_failed == 0
    assert result.rounds == 1  # every node was distressed at the start and passes once


def test_exposures_in_pounds_give_the_same_as_the_impact_matrix() -> None:
    rows, cols = np.nonzero(EXPOSURES)
    exposures = ExposureMatrix.from_ties(3, rows, cols, EXPOSURES[rows, cols], np.zeros(rows.size))
    h0 = np.array([0.0, 0.0, 1.0])
    result = debtrank(exposures, h0, WEIGHTS, scale=(1.0 / BUFFERS)[:, None] * np.ones((3, 1)), t_adj=1.0)
    np.testing.assert_allclose(result.h, [0.3, 0.9, 1.0])


def test_all_draws_at_once_equal_one_at_a_time() -> None:
    shocks = np.array([[1.0, 0.0, 0.0, 0.1], [0.0, 0.0, 1.0, 0.1], [0.0, 1.0, 0.0, 0.1]])
    together = debtrank(VULNERABILITY, shocks, WEIGHTS)
    for k in range(shocks.shape[1]):
        alone = debtrank(VULNERABILITY, shocks[:, k], WEIGHTS)
        np.testing.assert_allclose(together.h[:, k], alone.h)
    np.testing.assert_allclose(together.additional_stress, [0.9285714, 0.6642857, 0.25, 0.160714], atol=5e-7)


def test_plain_reference_reproduces_the_case() -> None:
    names = ["a", "b", "c"]
    exposure = {(names[i], names[j]): EXPOSURES[i, j] for i in range(3) for j in range(3) if EXPOSURES[i, j]}
    buffers = dict(zip(names, BUFFERS, strict=True))
    h, passed = reference.debtrank(exposure, buffers, {"a": 0.0, "b": 0.0, "c": 1.0})
    assert [h[n] for n in names] == pytest.approx([0.3, 0.9, 1.0])
    assert [passed[n] for n in names] == pytest.approx([0.3, 0.6, 1.0])
    h, _ = reference.debtrank(exposure, buffers, dict.fromkeys(names, 0.1))
    assert [h[n] for n in names] == pytest.approx([0.15, 0.26, 0.30])


def test_each_node_passes_distress_once_and_inactive_nodes_keep_receiving() -> None:
    result = debtrank(VULNERABILITY, np.array([0.0, 0.0, 1.0]), WEIGHTS)
    # b passed 0.6 in round 2, then received a's 0.3 in round 3 while inactive: final 0.9.
    np.testing.assert_allclose(result.passed, [0.3, 0.6, 1.0])
    np.testing.assert_allclose(result.h, [0.3, 0.9, 1.0])
    assert result.rounds == 3


def test_parallel_kernels_can_be_called_from_several_threads() -> None:
    """The web server evaluates in threads; numba's workqueue layer would abort on concurrent launches."""
    from concurrent.futures import ThreadPoolExecutor

    from netimpact.engine.contagion import PARALLEL_FROM, organisation_normals

    n, draws = 500, PARALLEL_FROM // 500 + 1
    rng = np.random.default_rng(0)
    rows, cols = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    exposures = ExposureMatrix.from_ties(n, rows, cols, rng.random(3000), np.zeros(3000))
    h0 = np.zeros((n, draws))
    h0[:5] = 0.5

    def run(_: int) -> float:
        organisation_normals(1, np.arange(n), 0, draws)
        return float(debtrank(exposures, h0, scale=np.full((n, draws), 0.5)).h.sum())

    with ThreadPoolExecutor(4) as pool:
        totals = list(pool.map(run, range(8)))
    assert len(set(totals)) == 1
