"""DebtRank (Battiston et al. 2012) over organisations, vectorised over Monte Carlo draws.

Orientation used throughout: row i is the organisation that is exposed, column j the one it depends on
(as in NetworkRiskMeasures' exposure matrix). The impact of j on i is

    W_ji = min(1, A_ij / max(R_i, epsilon)),   A_ij = flow_ij * T_adj + premises_ij

and one round of DebtRank adds sum over distressed j of W_ji * h_j to h_i (synchronous rounds; a node
passes its distress on once, in the round after it first becomes distressed; inactive nodes keep
receiving). See impact-model.md section 3 and its Conventions.

The kernel takes the exposures as one CSR pattern with two data arrays (annual flows and one-off
premises costs) and a per-(organisation, draw) scale = exposure noise / max(reserves, epsilon), so the
Monte Carlo varies reserves, exposures and T_adj per draw without building a matrix per draw. Each draw
is exact: the min(1, .) cap is applied per tie and per draw.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numba import get_num_threads, njit, prange

UNDISTRESSED, DISTRESSED, INACTIVE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class ExposureMatrix:
    """Exposures in CSR form: row = exposed organisation, column = organisation it depends on.

    `flow` is £/year that stops if the column organisation fails (funding from it, referral-linked income
    from its services); it is multiplied by T_adj. `premises` is a one-off £ cost (shared premises).
    """

    n: int
    indptr: np.ndarray  # int64, n + 1
    indices: np.ndarray  # int64, nnz
    flow: np.ndarray  # float64, nnz
    premises: np.ndarray  # float64, nnz
    # The same ties by column (who each organisation's failure reaches), for the kernel's frontier.
    column_ptr: np.ndarray = field(init=False, repr=False)
    column_rows: np.ndarray = field(init=False, repr=False)
    column_flow: np.ndarray = field(init=False, repr=False)
    column_premises: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        order = np.argsort(self.indices, kind="stable")
        pointer = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.indices, minlength=self.n), out=pointer[1:])
        object.__setattr__(self, "column_ptr", pointer)
        object.__setattr__(self, "column_rows", self.exposed_rows()[order].astype(np.int64))
        object.__setattr__(self, "column_flow", np.ascontiguousarray(self.flow[order], dtype=float))
        object.__setattr__(self, "column_premises", np.ascontiguousarray(self.premises[order], dtype=float))

    @classmethod
    def from_ties(
        cls, n: int, exposed: np.ndarray, depends_on: np.ndarray, flow: np.ndarray, premises: np.ndarray
    ) -> ExposureMatrix:
        """Sum the ties into one entry per (exposed, depends_on) pair; self-ties are dropped."""
        exposed = np.asarray(exposed, dtype=np.int64)
        depends_on = np.asarray(depends_on, dtype=np.int64)
        keep = exposed != depends_on
        exposed, depends_on = exposed[keep], depends_on[keep]
        keys = exposed * n + depends_on  # row-major order, so sorted keys are CSR order
        unique, where = np.unique(keys, return_inverse=True)
        flow_sum = np.bincount(where, weights=np.asarray(flow, float)[keep], minlength=unique.size)
        prem_sum = np.bincount(where, weights=np.asarray(premises, float)[keep], minlength=unique.size)
        rows = unique // n
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return cls(n, indptr, (unique % n).astype(np.int64), flow_sum, prem_sum)

    @classmethod
    def from_vulnerability(cls, vulnerability: sp.spmatrix | np.ndarray) -> ExposureMatrix:
        """A fixed impact matrix V (V[i, j] = W_ji) as exposures with T_adj = 1 and scale = 1."""
        matrix = sp.csr_matrix(vulnerability, dtype=float)
        matrix.setdiag(0)
        matrix.eliminate_zeros()
        matrix.sort_indices()
        return cls(
            matrix.shape[0],
            matrix.indptr.astype(np.int64),
            matrix.indices.astype(np.int64),
            matrix.data.astype(float),
            np.zeros(matrix.nnz),
        )

    @property
    def nnz(self) -> int:
        return int(self.indices.shape[0])

    def exposed_rows(self) -> np.ndarray:
        return np.repeat(np.arange(self.n), np.diff(self.indptr))


@dataclass(frozen=True, slots=True)
class DebtRankResult:
    """Final distress and what each organisation passed on, for every draw (arrays n x draws)."""

    h0: np.ndarray
    h: np.ndarray
    passed: np.ndarray  # h_j at the round j passed its distress on (0 if it never did)
    rounds: int
    weights: np.ndarray  # normalised impact weights v (n)

    @property
    def additional_stress(self) -> np.ndarray:
        """R = sum_i v_i (h_i - h0_i), per draw."""
        return self._summary()[0]

    @property
    def total_stress(self) -> np.ndarray:
        return self._summary()[1]

    @property
    def failed(self) -> np.ndarray:
        """Organisations at h = 1, per draw."""
        return self._summary()[2]

    @property
    def additional_failed(self) -> np.ndarray:
        """Organisations at h = 1 beyond those at h = 1 from the first-round loss alone, per draw."""
        summary = self._summary()
        return summary[2] - summary[3]

    def closures(self) -> np.ndarray:
        """Draws in which each organisation is at h = 1 (organisations x draws arrays only)."""
        return (self.h >= 1.0).sum(axis=-1)

    def _summary(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        h, h0 = np.atleast_2d(self.h.T).T, np.atleast_2d(self.h0.T).T
        summary = _draw_summaries(np.ascontiguousarray(h), np.ascontiguousarray(h0), self.weights)
        if self.h.ndim == 1:
            return summary[0][0], summary[1][0], summary[2][0], summary[3][0]
        return summary


def _compiled_pair(kernel: Callable[..., Any]) -> tuple[Any, Any]:
    """`kernel` compiled twice: threaded (numba parallel=True) and serial, each with its own disk cache.

    Numba keys its cache by the function's qualified name, not by the compile flags: two dispatchers of one
    function share one cache entry, so whichever compiled first served both, and the "threaded" kernel
    loaded from the cache ran on one thread. Each variant is therefore a copy under its own name.
    """

    def copy(suffix: str) -> Callable[..., Any]:
        code, defaults, closure = kernel.__code__, kernel.__defaults__, kernel.__closure__
        clone = types.FunctionType(code, kernel.__globals__, kernel.__name__ + suffix, defaults, closure)
        clone.__qualname__ = kernel.__qualname__ + suffix
        clone.__doc__ = kernel.__doc__
        return clone

    return njit(parallel=True, cache=True)(copy("_threaded")), njit(cache=True)(copy("_serial"))


@njit(cache=True)
def _draw_summaries(h, h0, v):  # pragma: no cover - compiled
    """Per draw, in one pass and without temporaries: sum v (h - h0), sum v h, #(h >= 1), #(h0 >= 1)."""
    n, draws = h.shape
    spread = np.zeros(draws)
    total = np.zeros(draws)
    failed = np.zeros(draws, dtype=np.int64)
    failed0 = np.zeros(draws, dtype=np.int64)
    for i in range(n):
        for k in range(draws):
            spread[k] += v[i] * (h[i, k] - h0[i, k])
            total[k] += v[i] * h[i, k]
            failed[k] += h[i, k] >= 1.0
            failed0[k] += h0[i, k] >= 1.0
    return spread, total, failed, failed0


def _chunk_summaries(h, h0, v, reached_h, closures, blocks):  # pragma: no cover - compiled
    """One pass over a chunk's final distress: copy h into reached_h (float32 rows x draws of the chunk),
    add each row's draws at h >= 1 to closures, and return per draw what _draw_summaries returns.
    Threads take blocks of draws; each draw's sums still run over the rows in order (bit-identical), and
    the per-block closure counts are whole numbers, so adding them afterwards is exact."""
    n, draws = h.shape
    spread = np.zeros(draws)
    total = np.zeros(draws)
    failed = np.zeros(draws, dtype=np.int64)
    failed0 = np.zeros(draws, dtype=np.int64)
    closed = np.zeros((blocks, n), dtype=np.int64)
    for b in prange(blocks):
        first = b * draws // blocks
        last = (b + 1) * draws // blocks
        for i in range(n):
            count = 0
            for k in range(first, last):
                x = h[i, k]
                reached_h[i, k] = x
                spread[k] += v[i] * (x - h0[i, k])
                total[k] += v[i] * x
                failed[k] += x >= 1.0
                failed0[k] += h0[i, k] >= 1.0
                count += x >= 1.0
            closed[b, i] = count
    for b in range(blocks):
        for i in range(n):
            closures[i] += closed[b, i]
    return spread, total, failed, failed0


_chunk_summaries_parallel, _chunk_summaries_serial = _compiled_pair(_chunk_summaries)


def chunk_summaries(h, h0, v, reached_h, closures):
    """See _chunk_summaries; threaded over blocks of draws when the chunk is large (PARALLEL_FROM)."""
    draws = h.shape[1]
    parallel = h.size >= PARALLEL_FROM and draws > 1
    blocks = min(draws, get_num_threads()) if parallel else 1
    kernel = _chunk_summaries_parallel if parallel else _chunk_summaries_serial
    return _run_kernel(kernel, parallel, h, h0, v, reached_h, closures, blocks)


@njit(cache=True)
def open_share_of_owners(open_scale, reached_h, services, owner_rows):  # pragma: no cover - compiled
    """open_scale[s] = 1 - reached_h[owner row of s] (float32) for each listed service s."""
    one = np.float32(1.0)
    for a in range(services.size):
        s = services[a]
        r = owner_rows[a]
        for k in range(open_scale.shape[1]):
            open_scale[s, k] = one - reached_h[r, k]


def debtrank(
    vulnerability: sp.spmatrix | np.ndarray | ExposureMatrix,
    h0: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    scale: np.ndarray | None = None,
    t_adj: np.ndarray | float = 1.0,
    normalise: bool = True,
    work: DebtRankWork | None = None,
) -> DebtRankResult:
    """DebtRank on a network, for one or many draws at once.

    `vulnerability`: V with V[i, j] = W_ji (impact of j on i, capped at 1), as a sparse or dense matrix;
    or an ExposureMatrix of £, in which case W_ji = min(1, (flow_ij * t_adj + premises_ij) * scale_i)
    per draw (scale = exposure noise / max(reserves, epsilon), n x draws). `h0`: first-round distress,
    n or n x draws. `weights`: impact weights (normalised here, equal if None; pass normalise=False when
    they are already normalised over a larger network of which this is a part). `work`: reusable work
    arrays (DebtRankWork); the result's h and passed are then views into them, valid until its next use.
    """
    exposures = (
        vulnerability
        if isinstance(vulnerability, ExposureMatrix)
        else ExposureMatrix.from_vulnerability(vulnerability)
    )
    one_draw = np.ndim(h0) == 1
    start = np.atleast_2d(np.asarray(h0, dtype=float).T).T
    if start.size and not (start.min() >= 0.0 and start.max() <= 1.0):  # no copy when already in [0, 1]
        start = np.clip(start, 0.0, 1.0)
    if start.shape[0] != exposures.n:
        raise ValueError(f"h0 has {start.shape[0]} organisations, the network {exposures.n}")
    draws = start.shape[1]
    t = np.broadcast_to(np.asarray(t_adj, dtype=float), (draws,)).copy()
    row_scale = np.ones((exposures.n, draws)) if scale is None else np.ascontiguousarray(scale, dtype=float)
    if row_scale.shape != start.shape:
        raise ValueError(f"scale has shape {row_scale.shape}, expected {start.shape}")
    parallel = start.size >= PARALLEL_FROM and draws > 1
    blocks = min(draws, get_num_threads()) if parallel else 1
    h, state, passed = (
        (np.empty(start.shape), np.empty(start.shape, dtype=np.int8), np.empty(start.shape))
        if work is None
        else work.arrays(start.shape)
    )
    h, passed, rounds = _run_kernel(
        _debtrank_parallel if parallel else _debtrank_serial,
        parallel,
        exposures.column_ptr,
        exposures.column_rows,
        exposures.column_flow,
        exposures.column_premises,
        t,
        row_scale,
        np.ascontiguousarray(start),
        blocks,
        h,
        state,
        passed,
    )
    v = (
        normalised_weights(weights, exposures.n)
        if normalise or weights is None
        else np.asarray(weights, float)
    )
    if one_draw:
        return DebtRankResult(start[:, 0], h[:, 0], passed[:, 0], rounds, v)
    return DebtRankResult(start, h, passed, rounds, v)


class DebtRankWork:
    """Work arrays for DebtRank over chunks of draws, allocated once and reused.

    At nation scale every chunk's arrays are hundreds of MB; fresh ones would be page-faulted in afresh
    each chunk (slow on this kind of machine), reused ones are already mapped.
    """

    def __init__(self, elements: int) -> None:
        self._allocate(elements)

    def _allocate(self, elements: int) -> None:
        self._h = np.empty(elements)
        self._state = np.empty(elements, dtype=np.int8)
        self._passed = np.empty(elements)

    def arrays(self, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """h, state and passed for a rows x draws chunk, as views of the (grown if need be) work arrays."""
        size = shape[0] * shape[1]
        if size > self._h.size:
            self._allocate(size)
        return (
            self._h[:size].reshape(shape),
            self._state[:size].reshape(shape),
            self._passed[:size].reshape(shape),
        )


def normalised_weights(weights: np.ndarray | None, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0)
    if weights is None:
        return np.full(n, 1.0 / n)
    v = np.asarray(weights, dtype=float)
    if v.shape != (n,) or (v < 0).any():
        raise ValueError(f"weights must be {n} non-negative numbers")
    total = v.sum()
    return v / total if total > 0 else np.full(n, 1.0 / n)


def _debtrank_rounds(  # pragma: no cover - compiled
    col_ptr, col_rows, col_flow, col_prem, t_adj, scale, h0, blocks, h, state, passed
):
    """DebtRank over blocks of draws; each block (one thread) runs every round for its own draws.

    Within a block the work follows the frontier: a round visits only the ties out of the organisations
    distressed in that round (in any of the block's draws) and the rows they reach, so the whole cascade
    costs about one visit of each tie per draw, however many rounds it takes.
    """
    n, draws = h0.shape
    # h, state and passed (h_j as it was at the start of the round j was distressed in) are work arrays the
    # caller owns and may reuse between chunks (already faulted-in pages); each thread resets its own draws.
    block_rounds = np.zeros(blocks, dtype=np.int64)
    for b in prange(blocks):
        lo = b * draws // blocks
        hi = (b + 1) * draws // blocks
        for i in range(n):
            for k in range(lo, hi):
                h[i, k] = h0[i, k]
                state[i, k] = UNDISTRESSED
                passed[i, k] = 0.0
        frontier = np.empty(n, dtype=np.int64)
        touched = np.empty(n, dtype=np.int64)
        is_touched = np.zeros(n, dtype=np.bool_)
        size = 0
        for i in range(n):
            distressed = False
            for k in range(lo, hi):
                if h[i, k] > 0.0:
                    state[i, k] = DISTRESSED
                    passed[i, k] = h[i, k]
                    distressed = True
            if distressed:
                frontier[size] = i
                size += 1
        rounds = 0
        # The draws in which the frontier organisation j passes distress on this round, and what it passes:
        # a wide block of draws then costs only the (tie, draw) pairs that carry distress.
        live = np.empty(hi - lo, dtype=np.int64)
        live_t = np.empty(hi - lo)
        live_passed = np.empty(hi - lo)
        while size > 0:
            rounds += 1
            n_touched = 0
            for a in range(size):
                j = frontier[a]
                n_live = 0
                for k in range(lo, hi):
                    if state[j, k] == DISTRESSED:
                        live[n_live] = k
                        live_t[n_live] = t_adj[k]
                        live_passed[n_live] = passed[j, k]
                        n_live += 1
                for p in range(col_ptr[j], col_ptr[j + 1]):
                    i = col_rows[p]
                    if not is_touched[i]:
                        is_touched[i] = True
                        touched[n_touched] = i
                        n_touched += 1
                    f = col_flow[p]
                    q = col_prem[p]
                    if n_live == hi - lo:  # j passes on in every draw of the block: a contiguous run
                        for m in range(n_live):
                            k = lo + m
                            w = min(1.0, (f * live_t[m] + q) * scale[i, k])
                            h[i, k] += w * live_passed[m]
                    else:
                        for m in range(n_live):
                            k = live[m]
                            w = min(1.0, (f * live_t[m] + q) * scale[i, k])
                            h[i, k] += w * live_passed[m]
            # Synchronous: caps and state changes only once every increment of the round is in.
            for a in range(size):
                j = frontier[a]
                for k in range(lo, hi):
                    if state[j, k] == DISTRESSED:
                        state[j, k] = INACTIVE
            size = 0
            for a in range(n_touched):
                i = touched[a]
                is_touched[i] = False
                newly = False
                for k in range(lo, hi):
                    if h[i, k] > 1.0:
                        h[i, k] = 1.0
                    if state[i, k] == UNDISTRESSED and h[i, k] > 0.0:
                        state[i, k] = DISTRESSED
                        passed[i, k] = h[i, k]
                        newly = True
                if newly:
                    frontier[size] = i
                    size += 1
        block_rounds[b] = rounds
    return h, passed, block_rounds.max()


# Threads pay off only on large problems; on small ones (and on a busy machine) their start-up dominates.
_debtrank_parallel, _debtrank_serial = _compiled_pair(_debtrank_rounds)
PARALLEL_FROM = 200_000  # organisations x draws from which the threaded kernel is used


def reach(exposures: ExposureMatrix, seeds: np.ndarray) -> np.ndarray:
    """Organisations distress can reach from `seeds` (bool per organisation, seeds included).

    Distress moves from j to i along every stored tie (i exposed to j); organisations outside the reach
    keep h = 0 in every draw, so the Monte Carlo need not carry them.
    """
    pattern = sp.csr_matrix(
        (np.ones(exposures.nnz), exposures.indices, exposures.indptr), shape=(exposures.n, exposures.n)
    )
    reached = np.asarray(seeds, dtype=bool).copy()
    frontier = reached.copy()
    while frontier.any():
        touched = (pattern @ frontier.astype(float)) > 0
        frontier = touched & ~reached
        reached |= frontier
    return reached


def restrict(exposures: ExposureMatrix, keep: np.ndarray) -> ExposureMatrix:
    """The exposures among the organisations `keep` (sorted indices), renumbered 0..len(keep)-1."""
    positions = sp.csr_matrix(
        (np.arange(1, exposures.nnz + 1, dtype=float), exposures.indices, exposures.indptr),
        shape=(exposures.n, exposures.n),
    )
    sub = positions[keep][:, keep].tocsr()
    sub.sort_indices()
    picked = sub.data.astype(np.int64) - 1
    return ExposureMatrix(
        keep.size,
        sub.indptr.astype(np.int64),
        sub.indices.astype(np.int64),
        exposures.flow[picked],
        exposures.premises[picked],
    )


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, inline="always")
def _splitmix(x):  # pragma: no cover - compiled
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def _radius_angle(row_key, draw):  # pragma: no cover - compiled
    """Box-Muller's radius and angle for one organisation (its row key) and draw, from two splitmix64
    hashes: z1 = radius cos(angle), z2 = radius sin(angle). Shared by every kernel that draws noise."""
    unit = 1.0 / 9007199254740992.0  # 2^-53
    h1 = _splitmix(row_key ^ np.uint64(draw))
    h2 = _splitmix(h1)
    u1 = (np.float64(h1 >> np.uint64(11)) + 1.0) * unit
    u2 = np.float64(h2 >> np.uint64(11)) * unit
    return np.sqrt(-2.0 * np.log(u1)), 2.0 * np.pi * u2


def _hashed_normal_pairs(seed, rows, start, stop):  # pragma: no cover - compiled
    first = np.empty((rows.size, stop - start))
    second = np.empty((rows.size, stop - start))
    base = _splitmix(np.uint64(seed))
    for a in prange(rows.size):
        row_key = _splitmix(base ^ np.uint64(rows[a]))
        for k in range(stop - start):
            radius, angle = _radius_angle(row_key, start + k)
            first[a, k] = radius * np.cos(angle)
            second[a, k] = radius * np.sin(angle)
    return first, second


def organisation_normals(seed: int, rows: np.ndarray, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """Two independent standard normals for each (organisation, draw) pair: each rows x (stop - start).

    Counter-based (a splitmix64 hash of seed, organisation and draw, then Box-Muller), so an
    organisation's noise in a draw is the same whichever other organisations, bids or chunks are computed:
    every bid sees the same reserves and exposures in a draw (common random numbers), and results do not
    depend on how draws are chunked.
    """
    rows = np.asarray(rows, dtype=np.int64)
    parallel = rows.size * (stop - start) >= PARALLEL_FROM
    kernel = _hashed_normal_pairs_parallel if parallel else _hashed_normal_pairs_serial
    return _run_kernel(kernel, parallel, int(seed), rows, int(start), int(stop))


def _first_round(  # pragma: no cover - compiled
    seed, rows, start, stop, reserves, income_change, t_adj, epsilon, sigma_r, sigma_e, floor, h0, scale
):
    """h0 and the exposure scale for rows x draws [start, stop), in one pass with the noise (no temporaries).

    buffer = max(reserves x exp(sigma_r z1), epsilon); h0 = min(1, loss x T_adj / buffer) with losses under
    `floor` counted as 0; scale = exp(sigma_e z2) / buffer; (z1, z2) as in organisation_normals.
    """  # pragma: no cover - compiled
    draws = stop - start
    base = _splitmix(np.uint64(seed))
    for a in prange(rows.size):
        row_key = _splitmix(base ^ np.uint64(rows[a]))
        for k in range(draws):
            radius, angle = _radius_angle(row_key, start + k)
            buffer = max(reserves[a] * np.exp(sigma_r * radius * np.cos(angle)), epsilon)
            loss = -income_change[a, k]
            if loss < floor:
                loss = 0.0
            h0[a, k] = min(1.0, loss * t_adj[k] / buffer)
            scale[a, k] = np.exp(sigma_e * radius * np.sin(angle)) / buffer
    return h0, scale


_first_round_parallel, _first_round_serial = _compiled_pair(_first_round)


def _noise_factors(seed, rows, start, stop, sigma_r, sigma_e, reserve_factor, exposure_factor):
    """exp(sigma_r z1) and exp(sigma_e z2) for rows x draws [start, stop): the noise of _first_round,
    computed by the same operations in the same order, so the factors are bit for bit the ones it uses.
    """  # pragma: no cover - compiled
    draws = stop - start
    base = _splitmix(np.uint64(seed))
    for a in prange(rows.size):
        row_key = _splitmix(base ^ np.uint64(rows[a]))
        for k in range(draws):
            radius, angle = _radius_angle(row_key, start + k)
            reserve_factor[a, k] = np.exp(sigma_r * radius * np.cos(angle))
            exposure_factor[a, k] = np.exp(sigma_e * radius * np.sin(angle))
    return reserve_factor, exposure_factor


def _first_round_from_factors(
    positions, reserves, income_change, t_adj, epsilon, floor, reserve_factor, exposure_factor, h0, scale
):
    """_first_round with the noise factors given (row a's are at positions[a]): the same h0 and scale."""
    draws = h0.shape[1]  # pragma: no cover - compiled
    for a in prange(positions.size):
        p = positions[a]
        for k in range(draws):
            buffer = max(reserves[a] * reserve_factor[p, k], epsilon)
            loss = -income_change[a, k]
            if loss < floor:
                loss = 0.0
            h0[a, k] = min(1.0, loss * t_adj[k] / buffer)
            scale[a, k] = exposure_factor[p, k] / buffer
    return h0, scale


_noise_factors_parallel, _noise_factors_serial = _compiled_pair(_noise_factors)
_first_round_factors_parallel, _first_round_factors_serial = _compiled_pair(_first_round_from_factors)


def noise_factors(
    seed: int,
    rows: np.ndarray,
    start: int,
    stop: int,
    reserves_sigma: float,
    exposure_sigma: float,
    out: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The reserves and exposure noise factors of first_round_with_noise for the rows and draws
    [start, stop), into `out` (two rows x draws float64 arrays). Organisations' noise does not depend on
    the bid, so several bids' first rounds can share one computation (first_round_from_factors)."""
    rows = np.asarray(rows, dtype=np.int64)
    parallel = rows.size * (stop - start) >= PARALLEL_FROM
    return _run_kernel(
        _noise_factors_parallel if parallel else _noise_factors_serial,
        parallel,
        int(seed),
        rows,
        int(start),
        int(stop),
        float(reserves_sigma),
        float(exposure_sigma),
        *out,
    )


def first_round_from_factors(
    positions: np.ndarray,
    reserves: np.ndarray,
    income_change: np.ndarray,
    t_adj: np.ndarray,
    epsilon: float,
    loss_floor: float,
    factors: tuple[np.ndarray, np.ndarray],
    out: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """first_round_with_noise for rows whose noise factors (noise_factors) are at `positions` of
    `factors`: bit for bit the same h0 and scale, without drawing the noise again."""
    positions = np.asarray(positions, dtype=np.int64)
    h0, scale = out
    parallel = h0.size >= PARALLEL_FROM
    return _run_kernel(
        _first_round_factors_parallel if parallel else _first_round_factors_serial,
        parallel,
        positions,
        np.ascontiguousarray(reserves, dtype=float),
        np.ascontiguousarray(income_change, dtype=float),
        np.ascontiguousarray(t_adj, dtype=float),
        float(epsilon),
        float(loss_floor),
        factors[0],
        factors[1],
        h0,
        scale,
    )


def first_round_with_noise(
    seed: int,
    rows: np.ndarray,
    start: int,
    stop: int,
    reserves: np.ndarray,
    income_change: np.ndarray,
    t_adj: np.ndarray,
    epsilon: float,
    reserves_sigma: float,
    exposure_sigma: float,
    loss_floor: float,
    out: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """First-round distress h0 and DebtRank's exposure scale for the rows' organisations and draws
    [start, stop), with their reserves and exposure noise drawn as organisation_noise does.

    `out`: two float64 arrays of shape rows x draws to write into (reused work arrays), else new ones."""
    rows = np.asarray(rows, dtype=np.int64)
    shape = (rows.size, int(stop) - int(start))
    h0, scale = (np.empty(shape), np.empty(shape)) if out is None else out
    if h0.shape != shape or scale.shape != shape:
        raise ValueError(f"out arrays have shapes {h0.shape} and {scale.shape}, expected {shape}")
    parallel = rows.size * (stop - start) >= PARALLEL_FROM
    return _run_kernel(
        _first_round_parallel if parallel else _first_round_serial,
        parallel,
        int(seed),
        rows,
        int(start),
        int(stop),
        np.ascontiguousarray(reserves, dtype=float),
        np.ascontiguousarray(income_change, dtype=float),
        np.ascontiguousarray(t_adj, dtype=float),
        float(epsilon),
        float(reserves_sigma),
        float(exposure_sigma),
        float(loss_floor),
        h0,
        scale,
    )


_hashed_normal_pairs_parallel, _hashed_normal_pairs_serial = _compiled_pair(_hashed_normal_pairs)

# numba's default threading layer (workqueue) aborts the process if two threads launch parallel kernels at
# once, and the web server evaluates in threads: parallel launches take turns.
_PARALLEL_LAUNCH = threading.Lock()


def _run_kernel(kernel: Callable[..., Any], parallel: bool, *args: Any) -> Any:
    if not parallel:
        return kernel(*args)
    with _PARALLEL_LAUNCH:
        return kernel(*args)
