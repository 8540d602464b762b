"""Run the impact engine on a stored exercise and keep the run; tell whether the latest run is stale.

A run is made synchronously (the demo city takes a few seconds at 1,000 draws) and stored whole, with
the hash of its inputs as a bundle (netimpact.bundle): the page shows the stored run, never recomputes
it, and warns when today's register, exercise or bids hash differently.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from django.db import transaction

from netimpact.bundle import bundle_hash, write_bundle
from netimpact.domain.commissioning import Bid, Exercise
from netimpact.domain.ecosystem import Ecosystem
from netimpact.engine.report import (
    COMPONENTS,
    SENSITIVITY_DRAWS,
    SENSITIVITY_PARAMETERS,
    cohort_changes,
    figure_text,
    finite,
    parameter_value_text,
    ranked_bids,
    sensitivity,
    unit_label,
    winner_changes,
    winner_sentence,
)
from netimpact.web.audit.recorder import record_evaluation_run
from netimpact.web.register.store import load_ecosystem

from . import charts
from . import models as m
from .store import load_exercise

# Fewer than 100 draws give 90% intervals from a handful of values; more than 20,000 keep an officer
# waiting for minutes on a synchronous request. The seed fits any database's integer column.
MIN_DRAWS, MAX_DRAWS, DEFAULT_DRAWS = 100, 20_000, 1_000
MAX_SEED = 2_147_483_647


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the engine reads for one exercise, and their hash as a bundle."""

    ecosystem: Ecosystem
    exercise: Exercise
    bids: list[Bid]
    inputs_hash: str


def current_inputs(exercise_key: str) -> Inputs:
    ecosystem = load_ecosystem()
    exercise, bids = load_exercise(exercise_key)
    return Inputs(ecosystem, exercise, bids, bundle_hash(write_bundle(ecosystem, exercise, bids)))


def run_evaluation(
    exercise_key: str,
    draws: int,
    seed: int,
    run_by: Any = None,
    with_sensitivity: bool = False,
    progress: Callable[[float, str], None] | None = None,
) -> m.EvaluationRun:
    """Evaluate the stored exercise's bids and store the run (raises ValueError if the engine refuses);
    with_sensitivity adds the tornado of net impact by parameter under the result's "tornado" key.
    progress(share 0..1, stage in words), if given, hears how far the run has got (netimpact.web.decisions
    shows it while the run works in the background)."""
    from netimpact.engine.evaluation import evaluate_exercise  # numba compiles on first import

    report = progress or (lambda share, stage: None)
    report(0.0, "Reading the register, the exercise and its bids")
    inputs = current_inputs(exercise_key)
    started = time.perf_counter()
    # The tornado's evaluations cost about their draws each: the main run's share of the work follows.
    extra = (2 * len(SENSITIVITY_PARAMETERS) + 1) * min(draws, SENSITIVITY_DRAWS) if with_sensitivity else 0
    main = 0.97 * draws / (draws + extra)
    evaluation = evaluate_exercise(
        inputs.ecosystem,
        inputs.exercise,
        inputs.bids,
        draws=draws,
        seed=seed,
        progress=lambda share, stage: report(0.02 + main * share, stage),
    )
    result = finite(evaluation.to_dict())
    if with_sensitivity:
        report(
            0.02 + main,
            f"Working out the sensitivity to the parameters ({2 * len(SENSITIVITY_PARAMETERS) + 1} more "
            "evaluations)",
        )
        # At most 200 draws per evaluation (31 of them), one seed throughout: bars show the parameter.
        result["tornado"] = sensitivity(
            inputs.ecosystem, inputs.exercise, inputs.bids, draws=min(draws, SENSITIVITY_DRAWS), seed=seed
        )
    seconds = time.perf_counter() - started
    report(0.99, "Saving the evaluation")
    with transaction.atomic():
        run = m.EvaluationRun.objects.create(
            exercise=m.Exercise.objects.get(key=exercise_key),
            seed=seed,
            draws=draws,
            parameter_set=result["parameters"]["name"],
            parameter_version=result["parameters"]["version"],
            netimpact_version=netimpact_version(),
            inputs_hash=inputs.inputs_hash,
            result=result,
            labels=run_labels(inputs),
            run_by=run_by if getattr(run_by, "is_authenticated", False) else None,
            seconds_taken=seconds,
        )
        record_evaluation_run(run)  # the audit event commits with the run, or neither does
        return run


def latest_run(exercise: m.Exercise, with_result: bool = True) -> m.EvaluationRun | None:
    """The run the pages show; without its result (large JSON) when only its date is needed."""
    runs = exercise.evaluation_runs.select_related("run_by").order_by("-run_at", "-pk")
    return (runs if with_result else runs.defer("result", "labels")).first()


def run_labels(inputs: Inputs) -> dict[str, Any]:
    """Names and scores the engine's document refers to by id, as they stood at run time."""
    ecosystem, exercise = inputs.ecosystem, inputs.exercise
    criteria = exercise.criteria
    return {
        "organisations": {o.id: o.name for o in ecosystem.organisations},
        "cohorts": {c.id: c.name for c in ecosystem.cohorts if c.id in exercise.cohorts},
        "criteria": {
            "price": criteria.price,
            "quality": criteria.quality,
            "net_impact": criteria.net_impact,
            "price_formula": criteria.price_formula.label,
        },
        "quality_scores": {b.id: b.quality_score for b in inputs.bids},
        "exercise_title": exercise.title,
    }


def netimpact_version() -> str:
    try:
        return metadata.version("netimpact")
    except metadata.PackageNotFoundError:
        return "unknown"


# ------------------------------------------------------------------------------------ reading a run


def evaluation_page(run: m.EvaluationRun) -> dict[str, Any]:
    """What the evaluation page shows of a stored run, with every figure's unit and interval in words."""
    result, labels = run.result, run.labels
    names: dict[str, str] = labels.get("organisations", {})
    cohort_names: dict[str, str] = labels.get("cohorts", {})
    titles = {b["bid"]: b["title"] for b in result["bids"]}
    order = ranked_bids(result)
    bids = {b["bid"]: b for b in result["bids"]}
    return {
        "ranking": _ranking(result, labels, titles, order, names, bids),
        "net_impact_chart": charts.interval_chart(
            [_interval(titles[b], bids[b]["net_impact"]) for b in order],
            chart_id="net-impact-chart",
            title="Net impact of each bid against the status quo: median and 90% interval, £ over the term",
        ),
        "beats": [
            {
                "bid": b,
                "title": titles[b],
                "cells": [
                    {"other": o, "title": titles[o], "probability": result["probability_beats"][b].get(o)}
                    for o in order
                ],
            }
            for b in order
        ],
        "bids": [_bid(bids[b], names, cohort_names, result) for b in order],
        "status_quo": _status_quo(result["status_quo"], names, cohort_names),
        "sensitivity": _sensitivity(result.get("tornado"), titles, order),
        "parameters": list(result["parameters"]["parameters"].values()),
        "parameter_set": result["parameters"],
    }


def _sensitivity(
    tornado: dict[str, Any] | None, titles: dict[str, str], order: list[str]
) -> dict[str, Any] | None:
    """The tornado per bid, parameters by that bid's swing; None for a run made without it (older runs)."""
    if not tornado:
        return None
    bids = []
    for bid_id in order:
        if bid_id not in tornado["base"]:
            continue
        rows = []
        for bar in tornado["bars"]:
            at_low, at_high = bar["net_impact_low"][bid_id], bar["net_impact_high"][bid_id]
            rows.append(
                {
                    "parameter": bar["parameter"],
                    "low": parameter_value_text(bar["low"], bar["unit"]),
                    "high": parameter_value_text(bar["high"], bar["unit"]),
                    "value": parameter_value_text(bar["value"], bar["unit"]),
                    "range_source": bar.get("range_source", ""),
                    "at_low": at_low,
                    "at_high": at_high,
                    "swing": abs(at_high - at_low),
                }
            )
        rows.sort(key=lambda row: -row["swing"])
        chart_rows = [
            charts.TornadoRow(f"{r['parameter']}: {r['low']} to {r['high']}", r["at_low"], r["at_high"])
            for r in rows
        ]
        bids.append(
            {
                "id": bid_id,
                "title": titles[bid_id],
                "base": tornado["base"][bid_id],
                "rows": rows,
                "chart": charts.tornado_chart(
                    chart_rows,
                    tornado["base"][bid_id],
                    chart_id=f"tornado-{bid_id}",
                    title=f"{titles[bid_id]}: median net impact with each parameter at its low and high "
                    "value, £ over the term",
                ),
            }
        )
    return {
        "draws": tornado["draws"],
        "seed": tornado["seed"],
        "winner_sentence": winner_sentence(tornado, titles),
        "winner_changes": bool(winner_changes(tornado)),
        "bids": bids,
    }


def _with_titles(sentence: str, titles: dict[str, str]) -> str:
    """The engine's sentences name bids by id; a reader knows them by title."""
    for bid_id in sorted(titles, key=len, reverse=True):
        sentence = sentence.replace(bid_id, f"{titles[bid_id]} ({bid_id})")
    return sentence


def _interval(label: str, figure: dict[str, Any]) -> charts.IntervalRow:
    return charts.IntervalRow(label, figure["median"] or 0.0, figure["low"] or 0.0, figure["high"] or 0.0)


def _contribution(component: dict[str, Any]) -> charts.IntervalRow:
    median, low, high = (component[k] or 0.0 for k in ("median", "low", "high"))
    if component["sign"] == "-":
        return charts.IntervalRow(f"− {component['label']}", -median, -high, -low)
    return charts.IntervalRow(f"+ {component['label']}", median, low, high)


def _ranking(
    result: dict[str, Any],
    labels: dict[str, Any],
    titles: dict[str, str],
    order: list[str],
    names: dict[str, str],
    bids: dict[str, dict[str, Any]],
) -> dict[str, Any] | None:
    ranking = result.get("ranking")
    if ranking is None:
        return None
    price = {p["bid"]: p for p in (ranking.get("price") or {}).get("bids", [])}
    award = ranking.get("award_score_median") or {}
    impact = ranking.get("net_impact_score_median") or {}
    wins = ranking.get("win_probability") or {}
    quality = labels.get("quality_scores", {})
    rows = []
    for place, bid_id in enumerate(order, start=1):
        scored = award.get(bid_id) is not None
        rows.append(
            {
                "rank": place if scored else None,
                "bid": bid_id,
                "title": titles[bid_id],
                "bidder": names.get(bids[bid_id]["bidder"], bids[bid_id]["bidder"]),
                "price_per_year": bids[bid_id]["price_per_year"],
                "compliant": bids[bid_id]["compliant"],
                "non_compliance": price.get(bid_id, {}).get("non_compliance"),
                "price_score": price.get(bid_id, {}).get("score"),
                "quality_score": quality.get(bid_id),
                "net_impact_score": impact.get(bid_id),
                "award_score": award.get(bid_id),
                "win_probability": wins.get(bid_id),
            }
        )
    stability = ranking.get("stability")
    flip = ranking.get("weight_flip")
    return {
        "status": ranking["status"],
        "reason": ranking.get("reason", ""),
        "criteria": labels.get("criteria", {}),
        "price": ranking.get("price") or {},
        "rows": rows,
        "stability": stability,
        "stability_sentence": _with_titles(stability["sentence"], titles) if stability else "",
        "weight_flip": flip,
        "weight_flip_sentence": _with_titles(flip["sentence"], titles) if flip else "",
        "notes": ranking.get("notes", []),
    }


def _figure_row(label: str, sign: str, meaning: str, figure: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": label,
        "sign": sign,
        "meaning": meaning,
        "median": figure["median"],
        "low": figure["low"],
        "high": figure["high"],
        "unit": unit_label(figure.get("unit", "")),
        "text": figure_text(figure),
        "explanation": figure.get("explanation", ""),
    }


def _bid(
    bid: dict[str, Any], names: dict[str, str], cohort_names: dict[str, str], result: dict[str, Any]
) -> dict[str, Any]:
    components = [_figure_row(c.label, c.sign, c.meaning, bid["components"][c.key]) for c in COMPONENTS]
    net = _figure_row("Net impact", "=", "The four components added up, draw by draw.", bid["net_impact"])
    # The chart shows what each component adds to net impact: a cost is drawn below zero.
    rows = [_contribution(c) for c in components]
    rows.append(_interval("= Net impact", bid["net_impact"]))
    cohorts_by_id = {c["cohort"]: c for c in (bid.get("pathways") or {}).get("cohorts", [])}
    return {
        "id": bid["bid"],
        "title": bid["title"],
        "bidder": names.get(bid["bidder"], bid["bidder"]),
        "bidder_id": bid["bidder"],
        "price_per_year": bid["price_per_year"],
        "compliant": bid["compliant"],
        "compliance": bid["compliance"],
        "components": components,
        "net_impact": net,
        "chart": charts.interval_chart(
            rows,
            chart_id=f"components-{bid['bid']}",
            title=f"{bid['title']}: what each component adds to or takes from net impact, median and "
            "90% interval, £ over the term",
        ),
        "expected_closures": (bid.get("contagion") or {}).get("expected_closures"),
        "contagion": bid.get("contagion") or {},
        "organisations_at_risk": bid["organisations_at_risk"],
        "cohorts": [
            {
                "name": cohort_names.get(change.cohort, change.cohort),
                "change": change,
                "missing_links": [
                    link["sentence"] for link in cohorts_by_id.get(change.cohort, {}).get("missing_links", [])
                ],
            }
            for change in cohort_changes(result, bid["bid"])
        ],
        "missing_link_changes": [change["sentence"] for change in bid.get("missing_link_changes", [])],
    }


def _status_quo(
    status_quo: dict[str, Any], names: dict[str, str], cohort_names: dict[str, str]
) -> dict[str, Any]:
    return {
        "replaced_streams": [
            {
                **stream,
                "funder_name": names.get(stream["funder"], stream["funder"]),
                "recipient_name": names.get(stream["recipient"], stream["recipient"]),
            }
            for stream in status_quo["replaced_streams"]
        ],
        "local_retained": _figure_row(
            "Retained in the city (LM3)", "", "", status_quo["local_retained_per_year"]
        ),
        "missing_links": [
            {"cohort": cohort_names.get(c["cohort"], c["cohort"]), "sentence": link["sentence"]}
            for c in status_quo["pathways"]["cohorts"]
            for link in c["missing_links"]
        ],
    }
