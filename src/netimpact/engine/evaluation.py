"""The engine's public API: `evaluate_exercise` runs impact-model.md on an exercise and its bids.

For each bid it simulates "award to this bid" against the status quo: the funding shift (section 1),
first-round distress (2), DebtRank contagion (3), social capital at risk (4), pathways and people falling
through (5, netimpact.engine.pathways), the local multiplier and committed social value (6), and combines
them into net impact with a Monte Carlo over the uncertain inputs (7).

Reproducibility: every random number comes from a numpy Generator seeded from (seed, purpose, key) with
SeedSequence spawn keys, so the same seed gives identical results, and every bid sees the same draws of
reserves, exposures and parameters (common random numbers: differences between bids are not noise).
Memory: organisations x draws arrays are processed in chunks of draws (CHUNK_ELEMENTS).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from netimpact.domain.commissioning import Bid, Exercise
from netimpact.domain.ecosystem import Cohort, Ecosystem
from netimpact.domain.indicators import VulnerabilityIndicators, indicators_after, vulnerability_indicators
from netimpact.domain.vocabulary import ClaimState, FundingKind, IncomeSource

from . import pathways as pathway_model
from .contagion import (
    DebtRankResult,
    DebtRankWork,
    ExposureMatrix,
    chunk_summaries,
    debtrank,
    first_round_from_factors,
    noise_factors,
    normalised_weights,
    open_share_of_owners,
    reach,
    restrict,
)
from .explanation import DistressLink, Figure, OrganisationAtRisk, at_risk_sentence, money
from .funding import (
    BID_SUBCONTRACT,
    FUNDING,
    PENNY_ROUNDING,
    PREMISES,
    REFERRAL,
    ExposureTies,
    FundingShift,
    OrganisationTable,
    evidence_weights,
    first_round_distress,
    funding_shift,
    replaced_ties,
)
from .parameters import ParameterSet
from .social_value import (
    COMMITMENT_PROXY,
    SOCIAL_CAPITAL_PROXIES,
    SocialCapital,
    annuity,
    committed_value_by_draw,
    discounted_years_with_drop_off,
    local_retained_per_year,
    status_quo_retained_per_year,
)

# Reached organisations x draws per chunk: 256 MB per float64 work array. The work arrays (_ChunkWork) are
# allocated once per evaluation and reused by every chunk and bid, so their pages are faulted in once
# (slow on this kind of machine); wide chunks give the DebtRank kernel long contiguous runs of draws per
# tie (at nation scale 2,000,000 elements per chunk, 10 draws, made it memory-latency bound).
CHUNK_ELEMENTS = 32_000_000
MIN_CHUNK_DRAWS = 8  # the DebtRank kernel runs in blocks of draws, one per thread
AT_RISK_CLOSURE_PROBABILITY = 0.01  # also listed "at risk" when it closes in at least 1% of draws
# Purposes of the seeded Generators (parameter draws use 0); organisations' noise is hashed, see
# contagion.organisation_normals.
_CLAIMS, _PATHWAYS = 2, 3


@dataclass(slots=True)
class StatusQuo:
    """The baseline: the replaced streams continue."""

    replaced_streams: list[dict[str, Any]]
    local_retained_per_year: Figure
    social_capital_per_year: Figure  # the register's total S
    pathways: Any  # PathwayResult

    def to_dict(self) -> dict[str, Any]:
        return {
            "replaced_streams": self.replaced_streams,
            "local_retained_per_year": self.local_retained_per_year.to_dict(),
            "social_capital_per_year": self.social_capital_per_year.to_dict(),
            "pathways": self.pathways.to_dict(),
        }


@dataclass(slots=True)
class BidEvaluation:
    bid: str
    bidder: str
    title: str
    price_per_year: float
    compliant: bool
    compliance: str
    funding_shift: list[dict[str, Any]]
    committed_social_value: Figure
    local_multiplier_value: Figure
    social_capital_at_risk: Figure
    cost_of_falling_through: Figure
    net_impact: Figure
    local_retained_per_year: Figure
    local_retained_over_term: Figure
    contagion: dict[str, Any]
    organisations_at_risk: list[OrganisationAtRisk]
    closure_probability: np.ndarray = field(repr=False)  # per organisation, register order
    pathways: Any = field(repr=False, default=None)  # PathwayResult
    missing_link_changes: list[Any] = field(default_factory=list)

    organisation_ids: list[str] = field(repr=False, default_factory=list)

    def closure_probabilities(self) -> dict[str, float]:
        """Organisation -> share of draws in which it closes (h >= 1), for every organisation that can."""
        return {
            self.organisation_ids[i]: float(self.closure_probability[i])
            for i in np.flatnonzero(self.closure_probability > 0).tolist()
        }

    @property
    def components(self) -> dict[str, Figure]:
        return {
            "committed_social_value": self.committed_social_value,
            "local_multiplier_value": self.local_multiplier_value,
            "social_capital_at_risk": self.social_capital_at_risk,
            "cost_of_falling_through": self.cost_of_falling_through,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "bid": self.bid,
            "bidder": self.bidder,
            "title": self.title,
            "price_per_year": self.price_per_year,
            "compliant": self.compliant,
            "compliance": self.compliance,
            "funding_shift": self.funding_shift,
            "components": {name: figure.to_dict() for name, figure in self.components.items()},
            "net_impact": self.net_impact.to_dict(),
            "local_retained_per_year": self.local_retained_per_year.to_dict(),
            "local_retained_over_term": self.local_retained_over_term.to_dict(),
            "closure_probability": self.closure_probabilities(),
            "contagion": {
                k: (v.to_dict() if isinstance(v, Figure) else v) for k, v in self.contagion.items()
            },
            "organisations_at_risk": [risk.to_dict() for risk in self.organisations_at_risk],
            "pathways": None if self.pathways is None else self.pathways.to_dict(),
            "missing_link_changes": [change.to_dict() for change in self.missing_link_changes],
        }


@dataclass(slots=True)
class Evaluation:
    exercise: str
    parameters: ParameterSet
    draws: int
    seed: int
    status_quo: StatusQuo
    bids: list[BidEvaluation]
    probability_beats: np.ndarray  # [b, b'] = P(net impact of b > net impact of b')
    ranking: Any = None  # netimpact.engine.ranking's result, when the module provides one

    def bid(self, bid_id: str) -> BidEvaluation:
        for result in self.bids:
            if result.bid == bid_id:
                return result
        raise KeyError(f"no bid {bid_id!r} in the evaluation of {self.exercise!r}")

    def to_dict(self) -> dict[str, Any]:
        ids = [b.bid for b in self.bids]
        return {
            "exercise": self.exercise,
            "parameters": self.parameters.to_dict(),
            "draws": self.draws,
            "seed": self.seed,
            "status_quo": self.status_quo.to_dict(),
            "bids": [b.to_dict() for b in self.bids],
            "probability_beats": {
                a: {b: float(self.probability_beats[i, j]) for j, b in enumerate(ids) if i != j}
                for i, a in enumerate(ids)
            },
            "ranking": _ranking_dict(self.ranking),
        }


def _ranking_dict(ranking: Any) -> Any:
    if ranking is None:
        return None
    return ranking.to_dict() if hasattr(ranking, "to_dict") else ranking


# ---------------------------------------------------------------------------------------------------------
# Draws
# ---------------------------------------------------------------------------------------------------------


def _generator(seed: int, purpose: int, key: str | int = 0) -> np.random.Generator:
    code = key if isinstance(key, int) else zlib.crc32(key.encode())
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(purpose, code)))


def sample_parameters(parameters: ParameterSet, draws: int, seed: int) -> dict[str, np.ndarray]:
    """One value per draw for each parameter: sampled where it has a distribution, fixed otherwise."""
    values: dict[str, np.ndarray] = {}
    for name in sorted(parameters.parameters):
        parameter = parameters.parameter(name)
        if parameter.distribution is None:
            values[name] = np.full(draws, parameter.value)
        else:
            values[name] = parameter.distribution.sample(parameter.value, _generator(seed, 0, name), draws)
    values["p_unconfirmed"] = np.clip(values["p_unconfirmed"], 0.0, 1.0)
    return values


def central_values(parameters: ParameterSet) -> dict[str, np.ndarray]:
    return {p.name: np.array([p.value]) for p in parameters}


def claim_weights(
    states: Sequence[ClaimState], p_unconfirmed: np.ndarray, uniforms: np.ndarray | None
) -> np.ndarray:
    """Claims x draws: confirmed 1, disputed 0, unanswered 1 with probability p (or p itself, centrally)."""
    weights = np.zeros((len(states), p_unconfirmed.size))
    for k, state in enumerate(states):
        if state == ClaimState.CONFIRMED:
            weights[k] = 1.0
        elif state == ClaimState.UNANSWERED:
            weights[k] = p_unconfirmed if uniforms is None else (uniforms[k] < p_unconfirmed)
    return weights


def _chunks(n: int, draws: int) -> list[tuple[int, int]]:
    size = max(1, min(draws, max(MIN_CHUNK_DRAWS, CHUNK_ELEMENTS // max(n, 1))))
    return [(start, min(draws, start + size)) for start in range(0, draws, size)]


# ---------------------------------------------------------------------------------------------------------
# One bid's scenario
# ---------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _BidScenario:
    bid: Bid
    shift: FundingShift
    ties: ExposureTies
    matrix: ExposureMatrix
    reached: np.ndarray  # sorted indices of the organisations distress can reach in any draw
    reached_matrix: ExposureMatrix  # the exposures among them, renumbered
    loss_weights: np.ndarray  # reached x 5: social capital indicators x discounted rebuild years
    network: Any  # ServiceNetwork
    service_owner: np.ndarray  # organisation index per service; -1 = not in the register
    excluded: np.ndarray  # bool per organisation: the bidder (its own loss is not the city's)
    subcontract_weights: np.ndarray  # subcontracts x draws
    commitment_weights: np.ndarray  # commitments x draws
    # accumulated over chunks
    closures: np.ndarray  # draws with h >= 1, per organisation
    reached_h: np.ndarray  # final h of the reached organisations, reached x draws, float32
    social_capital_loss: np.ndarray
    additional_stress: np.ndarray
    total_stress: np.ndarray
    failed: np.ndarray
    additional_failed: np.ndarray


def _service_owner_index(table: OrganisationTable, owners: Sequence[str]) -> np.ndarray:
    return np.asarray([table.position.get(owner, -1) for owner in owners], dtype=np.int64)


class _ChunkWork:
    """The chunks' reached x draws float64 work arrays, allocated once per evaluation and reused."""

    def __init__(self) -> None:
        self.flat = [np.empty(0) for _ in range(3)]  # income change, h0, scale
        self.factors = [np.empty(0) for _ in range(2)]  # reserves and exposure noise, all bids' rows
        self.debtrank = DebtRankWork(0)

    def arrays(self, shape: tuple[int, int]) -> list[np.ndarray]:
        size = shape[0] * shape[1]
        if size > self.flat[0].size:
            self.flat = [np.empty(size) for _ in range(3)]
        return [flat[:size].reshape(shape) for flat in self.flat]

    def noise(self, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        size = shape[0] * shape[1]
        if size > self.factors[0].size:
            self.factors = [np.empty(size) for _ in range(2)]
        return self.factors[0][:size].reshape(shape), self.factors[1][:size].reshape(shape)


def _run_contagion(
    scenario: _BidScenario,
    table: OrganisationTable,
    values: Mapping[str, np.ndarray],
    window: tuple[int, int],
    weights: np.ndarray,
    params: ParameterSet,
    noise: tuple[tuple[np.ndarray, np.ndarray], np.ndarray],
    work: _ChunkWork,
) -> DebtRankResult:
    """DebtRank for draws [start, stop) over the organisations the award's distress can reach.

    `noise`: the chunk's noise factors (contagion.noise_factors) and where each reached organisation's
    are in them."""
    start, stop = window
    rows = scenario.reached
    change_out, h0_out, scale_out = work.arrays((rows.size, stop - start))
    income_change = scenario.shift.income_change(
        scenario.subcontract_weights[:, start:stop], rows, out=change_out
    )
    t_adj = values["t_adj"][start:stop]
    factors, positions = noise
    h0, scale = first_round_from_factors(
        positions,
        table.reserves[rows],
        income_change,
        t_adj,
        params["epsilon"],
        PENNY_ROUNDING,
        factors,
        out=(h0_out, scale_out),
    )
    return debtrank(
        scenario.reached_matrix,
        h0,
        weights[rows],
        scale=scale,
        t_adj=t_adj,
        normalise=False,
        work=work.debtrank,
    )


# ---------------------------------------------------------------------------------------------------------
# The orchestrator
# ---------------------------------------------------------------------------------------------------------


def evaluate_exercise(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bids: Sequence[Bid],
    parameters: ParameterSet | None = None,
    draws: int = 1000,
    seed: int = 0,
    progress: Callable[[float, str], None] | None = None,
) -> Evaluation:
    """Net impact of every bid against the status quo, with uncertainty and explanations.

    `parameters` defaults to the project's defaults; the exercise's own overrides (exercise.parameters)
    are applied on top. Same inputs and seed give identical results. `progress(share 0..1, stage in
    words)`, if given, is called between stages (a long run's progress indicator); it never changes them.
    """
    _check_inputs(exercise, bids, draws, seed)
    report = progress or _no_progress
    report(0.0, "Preparing the register and the parameters")
    params = (parameters or ParameterSet.default()).with_overrides(exercise.parameters)
    table = OrganisationTable.from_ecosystem(ecosystem)
    values = sample_parameters(params, draws, seed)
    central = central_values(params)
    evidence = evidence_weights(params["p_unconfirmed"])
    social = SocialCapital.build(table, params["rebuild_cap_years"], params["discount_rate"])
    proxies = np.vstack([values[name] for name in SOCIAL_CAPITAL_PROXIES])
    central_proxies = np.array([params[name] for name in SOCIAL_CAPITAL_PROXIES])
    impact_weights = normalised_weights(social.value(central_proxies), table.n)
    cohorts = [ecosystem.cohort(cohort_id) for cohort_id in exercise.cohorts]
    k_hops = round(params["k_hops"])
    status_quo_ties = ExposureTies.status_quo(table, ecosystem)

    # services x draws, one buffer for the status quo and then each bid in turn (a bid adds one service)
    # float32: it holds 1 - reached_h, which is float32 already, so no value changes (half the memory).
    open_buffer = np.ones((len(ecosystem.services) + 1, draws), dtype=np.float32)
    shared: dict[str, Any] = {}
    report(0.05, "Working out the status quo")
    status_quo = _status_quo(
        table, ecosystem, exercise, cohorts, values, seed, k_hops, social, proxies, open_buffer, shared
    )
    results: list[BidEvaluation] = []
    report(0.15, "Working out each bid's funding shift")
    scenarios = [
        _prepare(
            table, ecosystem, exercise, bid, evidence, status_quo_ties, values, draws, seed, social, shared
        )
        for bid in bids
    ]
    # Chunk by chunk of draws, every bid: an organisation's noise in a draw is the same for every bid
    # (common random numbers), so it is drawn once per chunk for all of them.
    union = np.unique(np.concatenate([s.reached for s in scenarios])) if scenarios else np.zeros(0, np.int64)
    positions = [np.searchsorted(union, s.reached) for s in scenarios]
    work = _ChunkWork()
    chunks = _chunks(union.size, draws)
    for number, (start, stop) in enumerate(chunks):
        report(
            0.2 + 0.4 * number / len(chunks),
            f"Passing distress through the network: draws {start + 1:,} to {stop:,} of {draws:,}",
        )
        factors = noise_factors(
            seed,
            union,
            start,
            stop,
            params["reserves_noise"],
            params["exposure_noise"],
            out=work.noise((union.size, stop - start)),
        )
        for scenario, rows_at in zip(scenarios, positions, strict=True):
            result = _run_contagion(
                scenario, table, values, (start, stop), impact_weights, params, (factors, rows_at), work
            )
            _accumulate(scenario, social, result, proxies[:, start:stop], slice(start, stop))
    while scenarios:
        scenario = scenarios.pop(0)  # released once its result is out: its draws are hundreds of MB
        report(
            0.6 + 0.35 * len(results) / len(bids),
            f"Working out bid {len(results) + 1} of {len(bids)}: pathways, value and explanations",
        )
        open_scale = open_buffer[: scenario.service_owner.size]
        touched = _fill_open_scale(open_scale, scenario)
        results.append(
            _bid_result(
                scenario,
                table,
                ecosystem,
                exercise,
                cohorts,
                params,
                values,
                central,
                evidence,
                social,
                impact_weights,
                status_quo,
                k_hops,
                seed,
                open_scale,
            )
        )
        open_scale[touched] = 1.0
    report(0.95, "Ranking the bids")
    beats = probability_beats([r.net_impact.draws for r in results])
    evaluation = Evaluation(exercise.id, params, draws, seed, status_quo, results, beats)
    evaluation.ranking = _rank(evaluation, exercise, bids)
    report(1.0, "Evaluation finished")
    return evaluation


def _no_progress(share: float, stage: str) -> None:
    """Nobody is watching: the default for `evaluate_exercise(progress=None)`."""


def _check_inputs(exercise: Exercise, bids: Sequence[Bid], draws: int, seed: int) -> None:
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"draws must be a whole number of at least 1, got {draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative whole number, got {seed!r}")
    seen: set[str] = set()
    for bid in bids:
        if bid.exercise != exercise.id:
            raise ValueError(f"bid {bid.id!r} is for exercise {bid.exercise!r}, not {exercise.id!r}")
        if bid.id in seen:
            raise ValueError(f"bid {bid.id!r} appears twice")
        seen.add(bid.id)
        if not bid.price_per_year >= 0:
            raise ValueError(f"bid {bid.id!r}: price_per_year must be a non-negative £ amount")
    if exercise.term_years < 1:
        raise ValueError(f"exercise {exercise.id!r}: term_years must be at least 1")


def _prepare(
    table: OrganisationTable,
    ecosystem: Ecosystem,
    exercise: Exercise,
    bid: Bid,
    evidence: Mapping[ClaimState, float],
    status_quo_ties: ExposureTies,
    values: Mapping[str, np.ndarray],
    draws: int,
    seed: int,
    social: SocialCapital,
    shared: dict[str, Any],
) -> _BidScenario:
    """The bid's scenario. `shared`: what every bid's scenario reuses, the status quo's service network
    ("status_quo") and, once computed, the services' funding lost share ("lost_share")."""
    shift = funding_shift(table, ecosystem, exercise, bid)
    ties = status_quo_ties.after_award(table, ecosystem, exercise, bid, evidence)
    matrix = ties.matrix(table.n)
    reached = np.flatnonzero(reach(matrix, _may_lose(shift)))
    if "lost_share" not in shared:  # after funding_shift, which reports a bad exercise first
        shared["lost_share"] = pathway_model.funding_lost_share(ecosystem, exercise)
    network = pathway_model.build_network(
        ecosystem, exercise, bid, evidence, shared["status_quo"], shared["lost_share"]
    )
    rng = _generator(seed, _CLAIMS, bid.id)
    sub_u = rng.random((len(bid.subcontracts), draws))
    com_u = rng.random((len(bid.commitments), draws))
    p = values["p_unconfirmed"]
    excluded = np.zeros(table.n, dtype=bool)
    if bid.bidder in table.position:
        excluded[table.position[bid.bidder]] = True
    return _BidScenario(
        bid=bid,
        shift=shift,
        ties=ties,
        matrix=matrix,
        reached=reached,
        reached_matrix=restrict(matrix, reached),
        loss_weights=social.loss_weights(excluded, reached),
        network=network,
        service_owner=_service_owner_index(table, network.service_owner),
        excluded=excluded,
        subcontract_weights=claim_weights(shift.states, p, sub_u),
        commitment_weights=claim_weights([c.state for c in bid.commitments], p, com_u),
        closures=np.zeros(table.n, dtype=np.int64),
        # every cell is written by the chunks; each bid has its own, as the chunks run all bids in turn
        reached_h=np.empty((reached.size, draws), dtype=np.float32),
        social_capital_loss=np.zeros(draws),
        additional_stress=np.zeros(draws),
        total_stress=np.zeros(draws),
        failed=np.zeros(draws),
        additional_failed=np.zeros(draws),
    )


def _may_lose(shift: FundingShift) -> np.ndarray:
    """Organisations whose income can fall in some draw: the first-round seeds of contagion."""
    lowest = shift.fixed.copy()
    if shift.bidder is not None:
        lowest[shift.bidder] -= shift.amounts.sum()  # if every subcontract is passed on
    return lowest <= -PENNY_ROUNDING


def _accumulate(
    scenario: _BidScenario, social: SocialCapital, result: DebtRankResult, proxies: np.ndarray, window: slice
) -> None:
    h = result.h
    rows = scenario.reached
    closures = np.zeros(rows.size, dtype=np.int64)
    spread, total, failed, failed0 = chunk_summaries(
        h, result.h0, result.weights, scenario.reached_h[:, window], closures
    )
    scenario.closures[rows] += closures
    scenario.social_capital_loss[window] = social.loss_by_draw(h, proxies, scenario.loss_weights)
    scenario.additional_stress[window] = spread
    scenario.total_stress[window] = total
    scenario.failed[window] = failed
    scenario.additional_failed[window] = failed - failed0


def _fill_open_scale(open_scale: np.ndarray, scenario: _BidScenario) -> np.ndarray:
    """1 - final distress of each service's owner per draw (1 where distress cannot reach the owner).

    The buffer holds ones outside the rows it returns; the caller puts those back to one afterwards.
    """
    position = np.full(scenario.closures.size + 1, -1, dtype=np.int64)  # last slot: owner not in register
    position[scenario.reached] = np.arange(scenario.reached.size)
    where = position[scenario.service_owner]
    touched = np.flatnonzero(where >= 0)
    if open_scale.dtype == np.float32:  # one compiled pass, no temporaries (same float32 1 - h)
        open_share_of_owners(open_scale, scenario.reached_h, touched, where[touched])
        return touched
    step = max(1, CHUNK_ELEMENTS // max(open_scale.shape[1], 1))  # keep temporaries small
    for start in range(0, touched.size, step):
        rows = touched[start : start + step]
        open_scale[rows] = 1.0 - scenario.reached_h[where[rows]]
    return touched


def _status_quo(
    table: OrganisationTable,
    ecosystem: Ecosystem,
    exercise: Exercise,
    cohorts: list[Cohort],
    values: Mapping[str, np.ndarray],
    seed: int,
    k_hops: int,
    social: SocialCapital,
    proxies: np.ndarray,
    open_buffer: np.ndarray,
    shared: dict[str, Any],
) -> StatusQuo:
    """The status quo; its service network goes into `shared` ("status_quo") for the bids' scenarios."""
    replaced = replaced_ties(ecosystem, exercise)
    r2, r3 = status_quo_retained_per_year(
        table,
        [(t.recipient, t.amount_per_year) for t in replaced],
        values["lm3_local_share"],
        values["lm3_non_local_share"],
        values["respend_share"],
    )
    network = pathway_model.build_network(ecosystem, exercise, None, evidence_weights(0.0))
    shared["status_quo"] = network
    open_all = open_buffer[: network.n_services]  # all ones: no distress in the status quo
    result = pathway_model.cohort_pathways(
        network, cohorts, open_all, _generator(seed, _PATHWAYS, ""), k_hops
    )
    return StatusQuo(
        replaced_streams=[
            {
                "tie": t.id,
                "funder": t.funder,
                "recipient": t.recipient,
                "kind": t.kind.value,
                "amount_per_year": t.amount_per_year,
            }
            for t in replaced
        ],
        local_retained_per_year=Figure.from_draws(
            r2 + r3,
            "GBP/year",
            "R2 + R3 of NEF's LM3 on the replaced streams, at NEF's local/non-local shares",
        ),
        social_capital_per_year=Figure.from_draws(
            proxies.T @ social.indicators.sum(axis=0),
            "GBP/year",
            "Sum of every organisation's social capital S",
        ),
        pathways=result,
    )


def _bid_result(
    scenario: _BidScenario,
    table: OrganisationTable,
    ecosystem: Ecosystem,
    exercise: Exercise,
    cohorts: list[Cohort],
    params: ParameterSet,
    values: Mapping[str, np.ndarray],
    central: Mapping[str, np.ndarray],
    evidence: Mapping[ClaimState, float],
    social: SocialCapital,
    impact_weights: np.ndarray,
    status_quo: StatusQuo,
    k_hops: int,
    seed: int,
    open_scale: np.ndarray,
) -> BidEvaluation:
    bid = scenario.bid
    draws = scenario.social_capital_loss.size
    rate = params["discount_rate"]
    term_annuity = float(annuity(exercise.term_years, rate))

    pathways = pathway_model.cohort_pathways(
        scenario.network, cohorts, open_scale, _generator(seed, _PATHWAYS, bid.id), k_hops
    )
    unit_costs = np.array([c.unit_cost_unmet_need for c in cohorts], dtype=float)
    extra_falling = pathways.people_falling_through - status_quo.pathways.people_falling_through
    falling_cost = (unit_costs @ extra_falling) * term_annuity if cohorts else np.zeros(draws)

    r2, r3 = local_retained_per_year(
        table,
        bid,
        scenario.subcontract_weights,
        values["lm3_local_share"],
        values["lm3_non_local_share"],
        values["respend_share"],
    )
    retained = r2 + r3
    local_value = (retained - status_quo.local_retained_per_year.draws) * term_annuity

    adjustment = (1 - params["deadweight"]) * (1 - params["displacement"]) * (1 - params["attribution"])
    years = discounted_years_with_drop_off(exercise.term_years, rate, params["drop_off"])
    committed = committed_value_by_draw(
        bid,
        {name: values[name] for name in set(COMMITMENT_PROXY.values())},
        scenario.commitment_weights,
        adjustment,
        years,
    )
    net = committed + local_value - scenario.social_capital_loss - falling_cost

    compliant, compliance = _compliance(bid, exercise)
    central_run = _central_contagion(scenario, table, central, evidence, impact_weights, params["epsilon"])
    closure_probability = scenario.closures / draws
    term = f"over the {exercise.term_years}-year term, discounted at {rate:.1%} (year 0 undiscounted)"
    return BidEvaluation(
        bid=bid.id,
        bidder=bid.bidder,
        title=bid.title,
        price_per_year=bid.price_per_year,
        compliant=compliant,
        compliance=compliance,
        funding_shift=_funding_shift_rows(scenario.shift, table, evidence, ecosystem),
        committed_social_value=Figure.from_draws(
            committed,
            "GBP",
            f"{len(bid.commitments)} commitments x proxy values x (1 - deadweight)(1 - displacement)"
            f"(1 - attribution), drop-off {params['drop_off']:.0%} a year from year 2, claims weighted by "
            f"evidence, {term}",
        ),
        local_multiplier_value=Figure.from_draws(
            local_value,
            "GBP",
            f"£ retained in the city (LM3 R2 + R3) under the bid less under the status quo, {term}",
        ),
        social_capital_at_risk=Figure.from_draws(
            scenario.social_capital_loss,
            "GBP",
            "Sum over organisations other than the bidder of final distress x social capital a year x "
            f"min(age, {params['rebuild_cap_years']:g}) years to rebuild, discounted at {rate:.1%}",
        ),
        cost_of_falling_through=Figure.from_draws(
            falling_cost,
            "GBP",
            "Extra people falling through the gaps against the status quo x each cohort's unit cost "
            f"of unmet "
            f"need, {term}",
        ),
        net_impact=Figure.from_draws(
            net,
            "GBP",
            "Committed social value + local multiplier value - social capital at risk - cost of people "
            f"falling through, {term}",
        ),
        local_retained_per_year=Figure.from_draws(retained, "GBP/year", "LM3 R2 + R3 of the bid's contract"),
        local_retained_over_term=Figure.from_draws(
            retained * term_annuity, "GBP", f"LM3 R2 + R3 of the bid's contract, {term}"
        ),
        contagion=_contagion_summary(scenario, closure_probability, central_run),
        organisations_at_risk=_organisations_at_risk(
            scenario, table, ecosystem, params, central, social, central_run, closure_probability, bid
        ),
        closure_probability=closure_probability,
        organisation_ids=table.ids,
        pathways=pathways,
        missing_link_changes=pathway_model.missing_link_changes(status_quo.pathways, pathways),
    )


def _compliance(bid: Bid, exercise: Exercise) -> tuple[bool, str]:
    ceiling = exercise.price_ceiling_per_year
    if ceiling is not None and bid.price_per_year > ceiling:
        return False, (
            f"Non-compliant: price {money(bid.price_per_year)} a year is above the published ceiling "
            f"{money(ceiling)}; flagged and not scored"
        )
    return True, "Compliant" if ceiling is None else f"Compliant: price within the ceiling {money(ceiling)}"


def probability_beats(net_draws: Sequence[np.ndarray]) -> np.ndarray:
    """[b, b'] = share of draws in which bid b's net impact is above bid b''s (ties count a half)."""
    from . import ranking

    if not net_draws:
        return np.zeros((0, 0))
    return ranking.probability_beats(np.vstack(net_draws))


def _contagion_summary(
    scenario: _BidScenario, closure_probability: np.ndarray, central_run: _CentralRun
) -> dict[str, Any]:
    return {
        "additional_stress": Figure.from_draws(
            scenario.additional_stress,
            "share",
            "DebtRank R = sum_i v_i (h_i - h0_i), v = social capital weights, normalised",
        ),
        "total_stress": Figure.from_draws(scenario.total_stress, "share", "sum_i v_i h_i"),
        "organisations_failed": Figure.from_draws(scenario.failed, "organisations", "Organisations at h = 1"),
        "additional_failed": Figure.from_draws(
            scenario.additional_failed,
            "organisations",
            "Organisations at h = 1 beyond those at h = 1 from their own loss (first round)",
        ),
        "expected_closures": float(closure_probability.sum()),
        "central": {
            "additional_stress": float(central_run.result.additional_stress),
            "total_stress": float(central_run.result.total_stress),
            "organisations_failed": int(central_run.result.failed),
            "additional_failed": int(central_run.result.additional_failed),
            "rounds": central_run.result.rounds,
        },
    }


def _funding_shift_rows(
    shift: FundingShift, table: OrganisationTable, evidence: Mapping[ClaimState, float], ecosystem: Ecosystem
) -> list[dict[str, Any]]:
    """Every organisation whose income the award changes (central estimate), with its Tuckman & Chang
    indicators and months of reserves before and after."""
    change = shift.income_change(shift.central_weights(evidence))
    lost = np.zeros(table.n)
    for i, ties in shift.lost.items():
        lost[i] = sum(t.amount_per_year for t in ties)
    rows: list[dict[str, Any]] = []
    for i in np.flatnonzero((change != 0) | (lost != 0)).tolist():
        before, after = _indicators(ecosystem.organisations[i], float(change[i]), shift.lost.get(i, []))
        rows.append(
            {
                "organisation": table.ids[i],
                "name": table.names[i],
                "income_change_per_year": float(change[i]),
                "income_lost_per_year": float(lost[i]),
                "income_gained_per_year": float(change[i] + lost[i]),
                "replaced_streams": [t.id for t in shift.lost.get(i, [])],
                "indicators_before": before,
                "indicators_after": after,
            }
        )
    rows.sort(key=lambda r: r["income_change_per_year"])
    return rows


# ---------------------------------------------------------------------------------------------------------
# The central estimate and the explanations
# ---------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _CentralRun:
    income_change: np.ndarray
    buffers: np.ndarray
    t_adj: float
    result: DebtRankResult


def _central_contagion(
    scenario: _BidScenario,
    table: OrganisationTable,
    central: Mapping[str, np.ndarray],
    evidence: Mapping[ClaimState, float],
    impact_weights: np.ndarray,
    epsilon: float,
) -> _CentralRun:
    income_change = scenario.shift.income_change(scenario.shift.central_weights(evidence))
    buffers = np.maximum(table.reserves, epsilon)
    t_adj = float(central["t_adj"][0])
    h0 = first_round_distress(income_change, buffers, t_adj, epsilon)
    result = debtrank(scenario.matrix, h0, impact_weights, scale=(1.0 / buffers)[:, None], t_adj=t_adj)
    return _CentralRun(income_change, buffers, t_adj, result)


def _organisations_at_risk(
    scenario: _BidScenario,
    table: OrganisationTable,
    ecosystem: Ecosystem,
    params: ParameterSet,
    central: Mapping[str, np.ndarray],
    social: SocialCapital,
    run: _CentralRun,
    closure_probability: np.ndarray,
    bid: Bid,
) -> list[OrganisationAtRisk]:
    threshold = params["at_risk_threshold"]
    h = run.result.h
    at_risk = np.flatnonzero((h >= threshold) | (closure_probability >= AT_RISK_CLOSURE_PROBABILITY))
    if at_risk.size == 0:
        return []
    central_s = social.value(np.array([params[name] for name in SOCIAL_CAPITAL_PROXIES]))
    links = _distress_links(scenario, table, ecosystem, run, set(at_risk.tolist()), bid)
    reached_row = {int(org): row for row, org in enumerate(scenario.reached)}
    organisations = {o.id: o for o in ecosystem.organisations}
    risks = []
    for i in at_risk.tolist():
        row = reached_row.get(i)
        low, high = (
            (float(x) for x in np.quantile(scenario.reached_h[row], [0.05, 0.95]))
            if row is not None
            else (float("nan"), float("nan"))
        )
        lost_ties = scenario.shift.lost.get(i, [])
        lost = sum(t.amount_per_year for t in lost_ties)
        income = float(table.income[i])
        before, after = _indicators(organisations[table.ids[i]], float(run.income_change[i]), lost_ties)
        risk = OrganisationAtRisk(
            organisation=table.ids[i],
            name=table.names[i],
            income_change_per_year=float(run.income_change[i]),
            income_lost_per_year=float(lost),
            lost_streams=[
                f"{money(t.amount_per_year)} {t.kind.label.lower()} from {_name(table, t.funder)}"
                for t in lost_ties
            ],
            income_per_year=income,
            share_of_income_lost=(lost / income) if income > 0 else None,
            reserves=float(table.reserves[i]),
            months_of_reserves=(
                float(table.reserves[i] / (table.expenditure[i] / 12)) if table.expenditure[i] > 0 else None
            ),
            has_accounts=bool(table.has_accounts[i]),
            first_round_distress=float(run.result.h0[i]),
            final_distress=float(h[i]),
            final_distress_low=low,
            final_distress_high=high,
            closure_probability=float(closure_probability[i]),
            received_from=links.received.get(i, []),
            passed_on_to=links.passed.get(i, []),
            social_capital_per_year=float(central_s[i]),
            social_capital_at_risk=0.0
            if scenario.excluded[i]
            else float(h[i] * central_s[i] * social.rebuild_annuity[i]),
            indicators_before=before,
            indicators_after=after,
            sentence="",
        )
        risks.append(_with_sentence(risk, run.t_adj))
    risks.sort(key=lambda r: (-r.closure_probability, -r.final_distress, r.organisation))
    return risks


def _with_sentence(risk: OrganisationAtRisk, t_adj: float) -> OrganisationAtRisk:
    return replace(risk, sentence=at_risk_sentence(risk, t_adj))


def _name(table: OrganisationTable, org_id: str) -> str:
    index = table.position.get(org_id)
    return org_id if index is None else table.names[index]


@dataclass(slots=True)
class _Links:
    received: dict[int, list[DistressLink]]
    passed: dict[int, list[DistressLink]]


def _distress_links(
    scenario: _BidScenario,
    table: OrganisationTable,
    ecosystem: Ecosystem,
    run: _CentralRun,
    at_risk: set[int],
    bid: Bid,
    top: int = 3,
) -> _Links:
    """The largest flows of distress into and out of each organisation at risk, with the ties they used."""
    matrix = scenario.matrix
    rows = matrix.exposed_rows()
    cols = matrix.indices
    weight = np.minimum(1.0, (matrix.flow * run.t_adj + matrix.premises) / run.buffers[rows])
    contribution = weight * run.result.passed[cols]
    wanted = (contribution > 0) & (np.isin(rows, list(at_risk)) | np.isin(cols, list(at_risk)))
    pairs = [
        (int(i), int(j), float(c))
        for i, j, c in zip(rows[wanted], cols[wanted], contribution[wanted], strict=True)
    ]
    labels = _tie_labels(scenario.ties, ecosystem, bid, {(i, j) for i, j, _ in pairs})
    received: dict[int, list[DistressLink]] = {}
    passed: dict[int, list[DistressLink]] = {}
    for i, j, amount in sorted(pairs, key=lambda p: -p[2]):
        through = labels.get((i, j), [])
        if i in at_risk and len(received.setdefault(i, [])) < top:
            received[i].append(DistressLink(table.ids[j], table.names[j], amount, through))
        if j in at_risk and len(passed.setdefault(j, [])) < top:
            passed[j].append(DistressLink(table.ids[i], table.names[i], amount, through))
    return _Links(received, passed)


def _tie_labels(
    ties: ExposureTies, ecosystem: Ecosystem, bid: Bid, pairs: set[tuple[int, int]]
) -> dict[tuple[int, int], list[str]]:
    labels: dict[tuple[int, int], list[str]] = {}
    if not pairs:
        return labels
    wanted = np.isin(
        ties.exposed * (ties.exposed.max(initial=0) + 1) + ties.depends_on,
        [i * (ties.exposed.max(initial=0) + 1) + j for i, j in pairs],
    )
    for t in np.flatnonzero(wanted):
        i, j, origin, index = (
            int(ties.exposed[t]),
            int(ties.depends_on[t]),
            int(ties.origin[t]),
            int(ties.origin_index[t]),
        )
        if origin == FUNDING:
            tie = ecosystem.funding[index]
            text = f"a {money(tie.amount_per_year)} {tie.kind.label.lower()}"
        elif origin == REFERRAL:
            route = ecosystem.referrals[index]
            text = f"{money(route.income_per_year)} a year of referral-linked income"
        elif origin == PREMISES:
            shared = ecosystem.shared_premises[index]
            text = f"shared premises ({shared.premises}, {money(shared.replacement_cost)} to replace)"
        else:
            assert origin == BID_SUBCONTRACT
            sub = bid.subcontracts[index]
            text = f"a {money(sub.amount_per_year)} subcontract in bid {bid.id} ({sub.state.value})"
        labels.setdefault((i, j), []).append(text)
    return labels


def _indicators(
    organisation: Any, income_change: float, lost_ties: list[Any]
) -> tuple[dict | None, dict | None]:
    """Tuckman & Chang indicators and months of reserves before and after the income change."""
    latest = organisation.latest_finances
    if latest is None:
        return None, None
    before = vulnerability_indicators(latest)
    grants = any(t.kind == FundingKind.GRANT for t in lost_ties) and not any(
        t.kind != FundingKind.GRANT for t in lost_ties
    )
    source = IncomeSource.GOVERNMENT_GRANTS if grants else IncomeSource.GOVERNMENT_CONTRACTS
    recorded = latest.income_by_source.get(source, 0.0)
    # A register whose income by source is less than the stream it records is inconsistent; the figures
    # after the award then take the whole source to zero rather than fail.
    after = indicators_after(latest, max(income_change, -recorded), source)
    return _indicators_dict(before), _indicators_dict(after)


def _indicators_dict(ind: VulnerabilityIndicators) -> dict[str, Any]:
    return {
        "year": ind.year,
        "income": ind.income,
        "expenditure": ind.expenditure,
        "months_of_reserves": ind.months_of_reserves,
        "equity_ratio": ind.equity_ratio,
        "revenue_concentration": ind.revenue_concentration,
        "admin_cost_ratio": ind.admin_cost_ratio,
        "operating_margin": ind.operating_margin,
        "flags": sorted(ind.flags),
        "at_risk": ind.at_risk,
        "severely_at_risk": ind.severely_at_risk,
    }


@dataclass(slots=True)
class Ranking:
    """The published award criteria applied to the evaluated bids (section 8), via netimpact.engine.ranking.

    `status` is "complete", or "incomplete" with `reason` when some compliant bid has no moderated quality
    score yet (price and net impact scores are still given).
    """

    status: str
    reason: str
    price: Any  # ranking.PriceScores
    net_impact_scores: np.ndarray  # bids x draws, 0..1, NaN for non-compliant bids
    award_scores: np.ndarray | None  # bids x draws
    win_probability: np.ndarray | None
    probability_beats: np.ndarray | None  # on award score, ties a half
    stability: Any = None  # ranking.RankStability
    weight_flip: Any = None  # ranking.WeightFlip
    bid_ids: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def per_bid(values: np.ndarray | None) -> dict[str, float | None] | None:
            if values is None:
                return None
            return {b: (None if np.isnan(v) else float(v)) for b, v in zip(self.bid_ids, values, strict=True)}

        award = None if self.award_scores is None else np.median(self.award_scores, axis=1)
        return {
            "status": self.status,
            "reason": self.reason,
            "price": None if self.price is None else self.price.to_dict(),
            "net_impact_score_median": (
                per_bid(np.median(self.net_impact_scores, axis=1)) if self.net_impact_scores.size else None
            ),
            "award_score_median": per_bid(award),
            "win_probability": per_bid(self.win_probability),
            "stability": None if self.stability is None else self.stability.to_dict(),
            "weight_flip": None if self.weight_flip is None else self.weight_flip.to_dict(),
            "notes": self.notes,
        }


def _rank(evaluation: Evaluation, exercise: Exercise, bids: Sequence[Bid]) -> Ranking | None:
    """Price scores, net impact scores, award scores and their sensitivity to the published weights."""
    from . import ranking

    if not bids:
        return None
    ids = tuple(b.id for b in bids)
    ceiling = exercise.price_ceiling_per_year or exercise.budget_per_year
    try:
        price = ranking.price_scores(
            ids, [b.price_per_year for b in bids], exercise.criteria.price_formula, ceiling
        )
    except ranking.RankingError as exc:
        return Ranking("incomplete", str(exc), None, np.zeros((0, 0)), None, None, None, bid_ids=ids)
    net = np.vstack([result.net_impact.draws for result in evaluation.bids])
    anchor = max(exercise.budget_per_year * exercise.term_years, 1.0)
    impact = ranking.net_impact_scores(net, price.compliant, anchor)
    notes = [ranking.RELATIVE_FORMULA_NOTE]
    unscored = [b.id for b, ok in zip(bids, price.compliant, strict=True) if ok and b.quality_score is None]
    if unscored:
        reason = f"no moderated quality score yet for bid(s) {', '.join(unscored)}"
        return Ranking("incomplete", reason, price, impact, None, None, None, bid_ids=ids, notes=notes)
    quality = np.array([np.nan if b.quality_score is None else b.quality_score for b in bids])
    award = ranking.award_scores(quality, price.scores, impact, exercise.criteria)
    return Ranking(
        "complete",
        "",
        price,
        impact,
        award,
        ranking.win_probability(award),
        ranking.probability_beats(award),
        ranking.rank_stability(ids, quality, price.scores, impact, exercise.criteria),
        ranking.smallest_weight_change_to_flip(ids, quality, price.scores, impact, exercise.criteria),
        ids,
        notes,
    )


def net_impact_tornado(
    ecosystem: Ecosystem,
    exercise: Exercise,
    bids: Sequence[Bid],
    names: Sequence[str],
    parameters: ParameterSet | None = None,
    draws: int = 200,
    seed: int = 0,
    low_high: Mapping[str, tuple[float, float]] | None = None,
) -> Any:
    """Tornado of median net impact per bid as each named parameter moves to its low and high value
    (netimpact.engine.ranking.tornado), with one seed throughout so bars show the parameter, not noise.
    The exercise's own overrides are the base the parameters move from."""
    from dataclasses import replace

    from . import ranking

    base = (parameters or ParameterSet.default()).with_overrides(exercise.parameters)
    # evaluate_exercise applies exercise.parameters last: with them folded into the base, evaluate an
    # exercise without overrides, or an overridden parameter would be pinned and its bar would not move.
    plain = replace(exercise, parameters={})

    def median_net(params: ParameterSet) -> np.ndarray:
        result = evaluate_exercise(ecosystem, plain, bids, params, draws=draws, seed=seed)
        return np.array([b.net_impact.median for b in result.bids])

    return ranking.tornado(median_net, base, names, low_high=low_high, bid_ids=[b.id for b in bids])
