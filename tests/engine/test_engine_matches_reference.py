"""The fast engine against the plain reference implementation, on random ecosystems (one draw)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from netimpact.engine import reference
from netimpact.engine.contagion import debtrank, reach, restrict
from netimpact.engine.funding import (
    ExposureTies,
    OrganisationTable,
    evidence_weights,
    first_round_distress,
    funding_shift,
)

from .impact_cases import random_cities

EPSILON = 1.0


@settings(max_examples=150, deadline=None)
@given(random_cities(), st.floats(0.0, 1.0), st.floats(0.05, 2.0))
def test_funding_shift_distress_and_debtrank_match_the_reference(city, p_unconfirmed, t_adj) -> None:
    ecosystem, exercise, bid = city
    evidence = evidence_weights(p_unconfirmed)
    table = OrganisationTable.from_ecosystem(ecosystem)

    shift = funding_shift(table, ecosystem, exercise, bid)
    change = shift.income_change(shift.central_weights(evidence))
    expected_change = reference.income_change(ecosystem, exercise, bid, evidence)
    np.testing.assert_allclose(change, [expected_change[i] for i in table.ids], rtol=1e-12, atol=1e-6)

    buffers = reference.reserves(ecosystem)
    h0 = first_round_distress(change, np.maximum(table.reserves, EPSILON), t_adj, EPSILON)
    expected_h0 = reference.first_round_distress(expected_change, buffers, t_adj, EPSILON)
    np.testing.assert_allclose(h0, [expected_h0[i] for i in table.ids], rtol=1e-12, atol=1e-12)

    ties = ExposureTies.status_quo(table, ecosystem).after_award(table, ecosystem, exercise, bid, evidence)
    matrix = ties.matrix(table.n)
    scale = (1.0 / np.maximum(table.reserves, EPSILON))[:, None]
    fast = debtrank(matrix, h0, None, scale=scale, t_adj=t_adj)
    exposures = reference.exposures(ecosystem, exercise, bid, evidence, t_adj)
    expected_h, expected_passed = reference.debtrank(exposures, buffers, expected_h0, EPSILON)
    np.testing.assert_allclose(fast.h, [expected_h[i] for i in table.ids], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast.passed, [expected_passed[i] for i in table.ids], rtol=1e-9, atol=1e-12)

    # The Monte Carlo runs only over the organisations distress can reach: same answer there, 0 elsewhere.
    reached = np.flatnonzero(reach(matrix, h0 > 0))
    sub = debtrank(restrict(matrix, reached), h0[reached], None, scale=scale[reached], t_adj=t_adj)
    np.testing.assert_allclose(sub.h, fast.h[reached], rtol=1e-12, atol=1e-15)
    outside = np.setdiff1d(np.arange(table.n), reached)
    assert (fast.h[outside] == 0).all()


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 9).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.floats(0, 3), min_size=n, max_size=n), min_size=n, max_size=n),
            st.lists(st.floats(0, 1), min_size=n, max_size=n),
        )
    )
)
def test_kernel_matches_reference_on_impact_matrices(case) -> None:
    rows, shock = case
    n = len(shock)
    vulnerability = np.array(rows)
    np.fill_diagonal(vulnerability, 0.0)
    names = [str(i) for i in range(n)]
    exposure = {
        (names[i], names[j]): vulnerability[i, j] for i in range(n) for j in range(n) if vulnerability[i, j]
    }
    expected, _ = reference.debtrank(
        exposure, dict.fromkeys(names, 1.0), dict(zip(names, shock, strict=True))
    )
    np.testing.assert_allclose(
        debtrank(vulnerability, np.array(shock)).h, [expected[i] for i in names], atol=1e-12
    )
