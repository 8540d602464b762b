"""Commands over bundles: print the schema, export a bundle, evaluate one.

Exit status: 0 done; 2 the input is wrong (a malformed bundle, a missing file, a bad parameter set, an
unknown exercise), with every problem on stderr. docs/bundle.md documents the commands and their output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netimpact.bundle import (
    Bundle,
    BundleError,
    bundle_hash,
    bundle_schema,
    bundle_text,
    parse_bundle_text,
    read_bundle,
    write_bundle,
)
from netimpact.engine.explanation import money
from netimpact.engine.report import COMPONENTS, figure_text, finite, parameter_value_text, winner_sentence

if TYPE_CHECKING:
    from netimpact.engine.parameters import ParameterSet

BAD_INPUT = 2


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    schema = subcommands.add_parser("schema", help="print a JSON Schema (the bundle's)")
    schema.add_argument("which", choices=["bundle"], help="which schema to print")
    schema.set_defaults(handler=run_schema)

    export = subcommands.add_parser(
        "export-bundle",
        help="write the demo city, or a stored exercise, as a bundle",
        description="Write an exercise with its register and bids as one JSON bundle (docs/bundle.md).",
    )
    export.add_argument("--seed", type=int, default=None, help="demo city seed (default: the demo's own)")
    export.add_argument("--from-database", action="store_true",
                        help="export a stored exercise from the web app's database instead of the demo city")
    export.add_argument("--exercise", metavar="KEY", help="id of the stored exercise (with --from-database)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    export.set_defaults(handler=run_export_bundle)

    evaluate = subcommands.add_parser(
        "evaluate",
        help="evaluate a bundle's bids: net impact, ranking, organisations at risk, cohort coverage",
        description="Evaluate every bid in BUNDLE with the impact engine and print the result.",
    )
    evaluate.add_argument("bundle", metavar="BUNDLE", help="path of a bundle (JSON)")
    evaluate.add_argument("--draws", type=_positive_int, default=1000,
                          help="Monte Carlo draws (default 1000)")
    evaluate.add_argument("--seed", type=_seed, default=0,
                          help="random seed, 0 or more (default 0); same seed, same output")
    evaluate.add_argument("--json", action="store_true", help="print the evaluation as a JSON document")
    evaluate.add_argument("--parameters", metavar="FILE",
                          help="a parameter set (JSON, as docs/parameters.md) replacing the defaults")
    evaluate.add_argument("--tornado", action="store_true",
                          help="add the sensitivity to the parameters: net impact per bid with each "
                               "parameter at its low and high value, and whether the winner changes")
    evaluate.set_defaults(handler=run_evaluate)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text}")
    return value


def _seed(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of 0 or more, got {text}")
    return value


def _fail(message: str) -> int:
    print(f"netimpact: {message}", file=sys.stderr)
    return BAD_INPUT


def write_output(text: str, output: str | None) -> None:
    """To stdout, or to a file replaced whole (a reader never sees half a bundle)."""
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    target = Path(output)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# netimpact schema bundle ---------------------------------------------------------------------------------


def run_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(bundle_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0


# netimpact export-bundle ---------------------------------------------------------------------------------


def run_export_bundle(args: argparse.Namespace) -> int:
    if args.from_database:
        if args.seed is not None:
            return _fail("--seed applies to the demo city, not to --from-database")
        if not args.exercise:
            return _fail("--from-database needs --exercise KEY (the id of a stored exercise)")
        try:
            document = _database_document(args.exercise)
        except LookupError as error:
            return _fail(str(error))
    else:
        if args.exercise:
            return _fail("--exercise needs --from-database (the demo city has one exercise)")
        from netimpact.domain.demo_city import DEFAULT_SEED, build_demo_city

        city = build_demo_city(DEFAULT_SEED if args.seed is None else args.seed)
        document = write_bundle(city.ecosystem, city.exercise, city.bids)
    try:
        write_output(bundle_text(document), args.output)
    except OSError as error:
        return _fail(f"cannot write {args.output}: {error.strerror or error}")
    return 0


def _database_document(exercise_key: str) -> dict[str, Any]:
    """The stored register and exercise as a bundle. Django is imported here only, so that the domain core
    and the other commands stay web-free."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netimpact.web.settings.local")
    import django

    django.setup()
    from django.db import DatabaseError

    from netimpact.web.commissioning.sealing import BidsSealed
    from netimpact.web.commissioning.store import ExerciseError, load_exercise
    from netimpact.web.register.store import load_ecosystem

    try:
        ecosystem = load_ecosystem()
        exercise, bids = load_exercise(exercise_key)
    except (ExerciseError, BidsSealed) as error:
        raise LookupError(str(error)) from error
    except DatabaseError as error:
        raise LookupError(
            f"cannot read the database ({error}); run `netimpact manage migrate` or set DATABASE_URL"
        ) from error
    return write_bundle(ecosystem, exercise, bids)


# netimpact evaluate --------------------------------------------------------------------------------------


def report_bundle_error(error: BundleError) -> int:
    source = error.source or "the bundle"
    count = len(error.issues)
    print(f"netimpact: {source} is not a valid bundle ({count} problem{'s' if count != 1 else ''}):",
          file=sys.stderr)
    for issue in error.issues:
        print(f"  {issue}", file=sys.stderr)
    return BAD_INPUT


def load_bundle(path: str) -> Bundle | int:
    """The bundle at `path`, or the exit status after reporting why it cannot be read."""
    try:
        return read_bundle(Path(path))
    except BundleError as error:
        return report_bundle_error(error)
    except FileNotFoundError:
        return _fail(f"no such bundle file: {path}")
    except IsADirectoryError:
        return _fail(f"{path} is a directory, not a bundle file")
    except UnicodeDecodeError as error:
        return _fail(f"{path} is not UTF-8 text (byte {error.start}); a bundle is JSON in UTF-8")
    except OSError as error:
        return _fail(f"cannot read {path}: {error.strerror or error}")


def load_parameters(path: str | None) -> ParameterSet | int:
    from netimpact.engine.parameters import ParameterError, ParameterSet

    if path is None:
        return ParameterSet.default()
    if not Path(path).is_file():
        return _fail(f"no such parameter set file: {path}")
    try:
        return ParameterSet.from_json(path)
    except ParameterError as error:
        return _fail(str(error))


def run_evaluate(args: argparse.Namespace) -> int:
    bundle = load_bundle(args.bundle)
    if isinstance(bundle, int):
        return bundle
    parameters = load_parameters(args.parameters)
    if isinstance(parameters, int):
        return parameters
    from netimpact.engine.evaluation import evaluate_exercise

    # The bundle's own overrides win over the exercise's (a what-if run on a published exercise).
    overrides = {**bundle.exercise.parameters, **bundle.parameter_overrides}
    exercise = replace(bundle.exercise, parameters=overrides)
    try:
        evaluation = evaluate_exercise(bundle.ecosystem, exercise, bundle.bids, parameters=parameters,
                                       draws=args.draws, seed=args.seed)
    except ValueError as error:  # the engine refuses inputs the bundle format allows (e.g. no bids)
        return _fail(f"{args.bundle}: {error}")
    result = finite(evaluation.to_dict())
    metadata = evaluation_metadata(args.bundle, bundle_hash_of(args.bundle), result)
    document = {"netimpact_evaluation": EVALUATION_FORMAT, "metadata": metadata, "evaluation": result}
    if args.tornado:
        from netimpact.engine.report import sensitivity

        # Fewer draws than the evaluation's (at most 200): one seed throughout, so bars show the parameter.
        document["tornado"] = sensitivity(bundle.ecosystem, exercise, bundle.bids, parameters=parameters,
                                          draws=min(args.draws, SENSITIVITY_MAX_DRAWS), seed=args.seed)
    if args.json:
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    else:
        sys.stdout.write(evaluation_text(document, bundle))
    return 0


EVALUATION_FORMAT = "1.0"
SENSITIVITY_MAX_DRAWS = 200  # per evaluation; the tornado runs 31 of them


def bundle_hash_of(path: str) -> str:
    """The hash of the bundle as read (content, not formatting), so a report names exactly its input."""
    return bundle_hash(parse_bundle_text(Path(path).read_text(encoding="utf-8")))


def evaluation_metadata(path: str, digest: str, evaluation: dict[str, Any]) -> dict[str, Any]:
    parameters = evaluation["parameters"]
    return {
        "bundle": path,
        "bundle_hash": digest,
        "exercise": evaluation["exercise"],
        "seed": evaluation["seed"],
        "draws": evaluation["draws"],
        "parameter_set": parameters["name"],
        "parameter_version": parameters["version"],
        "netimpact_version": _netimpact_version(),
    }


def _netimpact_version() -> str:
    try:
        return metadata.version("netimpact")
    except metadata.PackageNotFoundError:
        return "unknown"


# The human-readable report -------------------------------------------------------------------------------

def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _people(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def evaluation_text(document: dict[str, Any], bundle: Bundle) -> str:
    evaluation, meta = document["evaluation"], document["metadata"]
    lines: list[str] = []
    add = lines.append
    add(f"Net impact evaluation: {bundle.exercise.title} ({bundle.exercise.id})")
    add(f"Bundle {meta['bundle']} ({meta['bundle_hash']})")
    add(f"{meta['draws']} draws, seed {meta['seed']}, parameters {meta['parameter_set']} "
        f"{meta['parameter_version']}, netimpact {meta['netimpact_version']}")
    add("Money is GBP over the term, discounted (Green Book), unless marked a year; figures are medians "
        "with 90% intervals.")
    add("")
    lines.extend(_ranking_lines(evaluation, bundle))
    add("")
    lines.extend(_status_quo_lines(evaluation["status_quo"], bundle))
    names = {o.id: o.name for o in bundle.ecosystem.organisations}
    cohort_names = {c.id: c.name for c in bundle.ecosystem.cohorts}
    status_quo = {c["cohort"]: c for c in evaluation["status_quo"]["pathways"]["cohorts"]}
    for bid in evaluation["bids"]:
        add("")
        lines.extend(_bid_lines(bid, names, cohort_names, status_quo, evaluation["probability_beats"]))
    if "tornado" in document:
        add("")
        lines.extend(_tornado_lines(document["tornado"], {b["bid"]: b["title"] for b in evaluation["bids"]}))
    add("")
    return "\n".join(lines)


def _ranking_lines(evaluation: dict[str, Any], bundle: Bundle) -> list[str]:
    ranking = evaluation.get("ranking")
    if ranking is None:  # the engine gives none when there are no bids
        return ["Ranking: none (the bundle has no bids)"]
    criteria = bundle.exercise.criteria
    titles = {b["bid"]: b["title"] for b in evaluation["bids"]}
    quality = {b.id: b.quality_score for b in bundle.bids}
    price = {p["bid"]: p for p in (ranking.get("price") or {}).get("bids", [])}
    impact = ranking.get("net_impact_score_median") or {}
    award = ranking.get("award_score_median")
    lines = [f"Ranking on the published criteria: price {criteria.price:.0%}, "
             f"quality {criteria.quality:.0%}, net impact {criteria.net_impact:.0%}; "
             f"price formula {criteria.price_formula.label}"]
    if ranking["status"] != "complete":
        lines.append(f"  Incomplete: {ranking['reason']}")

    def order(bid_id: str) -> tuple[bool, float, str]:
        score = (award or impact).get(bid_id)
        return (score is None, -(score or 0.0), bid_id)

    wins = ranking.get("win_probability") or {}
    for place, bid_id in enumerate(sorted(titles, key=order), start=1):
        parts = [f"price {_score(price.get(bid_id, {}).get('score'))}",
                 f"quality {_score(quality.get(bid_id))}",
                 f"net impact {_score(impact.get(bid_id))}"]
        head = f"award score {_score(award.get(bid_id))}" if award else "no award score"
        tail = f"; wins in {wins[bid_id]:.0%} of draws" if wins.get(bid_id) is not None else ""
        note = price.get(bid_id, {}).get("non_compliance")
        lines.append(f"  {place}. {titles[bid_id]} ({bid_id}): {head} ({', '.join(parts)}){tail}"
                     + (f"; non-compliant: {note}" if note else ""))
    if ranking.get("stability"):
        lines.append(f"  Rank stability: {ranking['stability']['sentence']}")
    if ranking.get("weight_flip"):
        flip = ranking["weight_flip"]["sentence"]
        lines.append(f"  Smallest change of weights that changes the winner: {flip}")
    lines.extend(f"  Note: {note}" for note in ranking.get("notes", []))
    return lines


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _status_quo_lines(status_quo: dict[str, Any], bundle: Bundle) -> list[str]:
    names = {o.id: o.name for o in bundle.ecosystem.organisations}
    cohort_names = {c.id: c.name for c in bundle.ecosystem.cohorts}
    lines = ["Status quo (the replaced streams continue)"]
    for stream in status_quo["replaced_streams"]:
        lines.append(f"  Replaced stream {stream['tie']}: {money(stream['amount_per_year'])} a year "
                     f"{stream['kind']} from {names.get(stream['funder'], stream['funder'])} to "
                     f"{names.get(stream['recipient'], stream['recipient'])}")
    lines.append(f"  Retained in the city (LM3): {figure_text(status_quo['local_retained_per_year'])}")
    for cohort in status_quo["pathways"]["cohorts"]:
        name = cohort_names.get(cohort["cohort"], cohort["cohort"])
        lines.append(f"  {name}: coverage {_share(cohort['coverage']['median'])}; people falling through "
                     f"{_people(cohort['people_falling_through']['median'])} of "
                     f"{_people(cohort['size_per_year'])} a year")
        lines.extend(f"    - missing link: {link['sentence']}" for link in cohort["missing_links"])
    return lines


def _bid_lines(bid: dict[str, Any], names: dict[str, str], cohort_names: dict[str, str],
               status_quo: dict[str, dict[str, Any]], beats: dict[str, dict[str, float]]) -> list[str]:
    lines = [f"Bid {bid['bid']}: {bid['title']}",
             f"  Bidder {names.get(bid['bidder'], bid['bidder'])} ({bid['bidder']}), price "
             f"{money(bid['price_per_year'])} a year",
             f"  Compliance: {bid['compliance']}"]
    for component in COMPONENTS:
        lines.append(f"  {component.sign} {component.label + ':':<32} "
                     f"{figure_text(bid['components'][component.key])}")
    lines.append(f"  = {'Net impact:':<32} {figure_text(bid['net_impact'])}")
    for other, probability in beats.get(bid["bid"], {}).items():
        lines.append(f"  Net impact beats {other}'s in {probability:.0%} of draws")
    risks = bid["organisations_at_risk"]
    lines.append(f"  Organisations at risk: {len(risks)}")
    lines.extend(f"    - {risk['sentence']}" for risk in risks)
    lines.append("  Cohorts (status quo -> after award):")
    after = {c["cohort"]: c for c in (bid.get("pathways") or {}).get("cohorts", [])}
    for cohort_id, before in status_quo.items():
        now = after.get(cohort_id)
        if now is None:
            continue
        name = cohort_names.get(cohort_id, cohort_id)
        lines.append(
            f"    - {name}: coverage {_share(before['coverage']['median'])} -> "
            f"{_share(now['coverage']['median'])}; people falling through "
            f"{_people(before['people_falling_through']['median'])} -> "
            f"{_people(now['people_falling_through']['median'])} a year "
            f"(90% interval {_people(now['people_falling_through']['p05'])} to "
            f"{_people(now['people_falling_through']['p95'])})"
        )
    changes = bid.get("missing_link_changes", [])
    if changes:
        lines.append("  Missing links:")
        lines.extend(f"    - {change['sentence']}" for change in changes)
    else:
        lines.append("  Missing links: none opened or closed by this bid")
    return lines


def _tornado_lines(tornado: dict[str, Any], titles: dict[str, str]) -> list[str]:
    """Per bid, each parameter at its low and high value (the others at theirs), largest swing first."""
    lines = [f"Sensitivity to the parameters (median net impact over {tornado['draws']} draws, seed "
             f"{tornado['seed']}; each parameter moved alone to its low and high value)",
             f"  {winner_sentence(tornado, titles)}"]
    for bid_id in tornado["bids"]:
        lines.append(f"  {titles.get(bid_id, bid_id)} ({bid_id}): net impact "
                     f"{money(tornado['base'][bid_id])} with every parameter at its value")
        bars = sorted(tornado["bars"], key=lambda bar: -abs(bar["net_impact_high"][bid_id]
                                                           - bar["net_impact_low"][bid_id]))
        for bar in bars:
            low, high = bar["net_impact_low"][bid_id], bar["net_impact_high"][bid_id]
            lines.append(f"    {bar['parameter']:<32} low {parameter_value_text(bar['low'], bar['unit'])} -> "
                         f"{money(low)}; high {parameter_value_text(bar['high'], bar['unit'])} -> "
                         f"{money(high)}; swing {money(abs(high - low))}")
    return lines
