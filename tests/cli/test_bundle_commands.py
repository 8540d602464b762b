"""`netimpact schema bundle`, `export-bundle` and `evaluate`, run as a person runs them."""

from __future__ import annotations

import json
import re

import pytest

from netimpact.bundle import bundle_schema, read_bundle, write_bundle
from netimpact.cli import main
from netimpact.domain.demo_city import build_demo_city

DRAWS = "200"  # enough for every figure; small enough for the suite


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_schema_bundle_prints_the_schema(capsys):
    status, out, _ = run(capsys, "schema", "bundle")
    assert status == 0
    assert json.loads(out) == bundle_schema()


def test_export_bundle_writes_the_demo_city_to_stdout_the_same_each_time(capsys):
    status, first, _ = run(capsys, "export-bundle")
    assert status == 0
    _, second, _ = run(capsys, "export-bundle")
    assert first == second
    bundle = read_bundle(json.loads(first))
    assert len(bundle.bids) == 3
    city = build_demo_city()
    assert json.loads(first) == write_bundle(city.ecosystem, city.exercise, city.bids)


def test_export_bundle_seed_changes_the_background_city(capsys, demo_bundle):
    status, out, _ = run(capsys, "export-bundle", "--seed", "7")
    assert status == 0
    assert json.loads(out) != json.loads(demo_bundle.read_text(encoding="utf-8"))
    read_bundle(json.loads(out))


def test_export_bundle_options_that_do_not_go_together(capsys):
    status, _, err = run(capsys, "export-bundle", "--exercise", "x")
    assert status == 2 and "--exercise needs --from-database" in err
    status, _, err = run(capsys, "export-bundle", "--from-database")
    assert status == 2 and "--from-database needs --exercise KEY" in err


def test_evaluate_ranks_the_three_demo_bids_and_prints_every_component(capsys, demo_bundle):
    status, out, err = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS, "--seed", "3")
    assert status == 0, err
    bundle = read_bundle(demo_bundle)
    for bid in bundle.bids:
        assert f"Bid {bid.id}: {bid.title}" in out
    ranking = [line for line in out.splitlines() if re.match(r"  [123]\. ", line)]
    assert [line[2] for line in ranking] == ["1", "2", "3"]
    assert {bid.id for bid in bundle.bids} == {re.search(r"\((demo-bid-[a-z]+)\)", line).group(1)
                                               for line in ranking}
    scores = [float(re.search(r"award score (\d\.\d{3})", line).group(1)) for line in ranking]
    assert scores == sorted(scores, reverse=True)
    assert "Rank stability: " in out and "stays the winner under" in out
    for label in ("Committed social value", "Local multiplier value (LM3)", "Social capital at risk",
                  "Cost of people falling through", "Net impact"):
        component = [line for line in out.splitlines() if line.strip()[2:].startswith(label + ":")]
        assert len(component) == 3, label
        assert all(re.search(r"£[\d.]+[km]? \(90% interval -?£[\d.]+[km]? to -?£[\d.]+[km]?\)", line)
                   for line in component), component
    assert out.count("Compliance: ") == 3
    # Every explanation the engine gives is printed: each organisation at risk, each missing link.
    _, json_out, _ = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS, "--seed", "3", "--json")
    evaluation = json.loads(json_out)["evaluation"]
    sentences = [risk["sentence"] for bid in evaluation["bids"] for risk in bid["organisations_at_risk"]]
    sentences += [change["sentence"] for bid in evaluation["bids"] for change in bid["missing_link_changes"]]
    assert sentences and all(sentence in out for sentence in sentences)
    assert evaluation["ranking"]["stability"]["sentence"] in out
    assert out.count("people falling through") >= len(bundle.exercise.cohorts) * 3


def test_evaluate_is_byte_identical_for_the_same_seed(capsys, demo_bundle):
    _, first, _ = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS, "--seed", "5")
    _, second, _ = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS, "--seed", "5")
    assert first == second
    _, json_first, _ = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS, "--seed", "5", "--json")
    _, json_second, _ = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS, "--seed", "5", "--json")
    assert json_first == json_second


def test_evaluate_json_has_the_documented_keys(capsys, demo_bundle):
    status, out, _ = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS, "--json")
    assert status == 0
    document = json.loads(out)
    assert set(document) == {"netimpact_evaluation", "metadata", "evaluation"}
    assert document["netimpact_evaluation"] == "1.0"
    metadata = document["metadata"]
    assert set(metadata) == {"bundle", "bundle_hash", "exercise", "seed", "draws", "parameter_set",
                             "parameter_version", "netimpact_version"}
    assert metadata["bundle_hash"].startswith("sha256:")
    assert (metadata["seed"], metadata["draws"]) == (0, int(DRAWS))
    evaluation = document["evaluation"]
    assert {"exercise", "parameters", "draws", "seed", "status_quo", "bids", "probability_beats",
            "ranking"} <= set(evaluation)
    for bid in evaluation["bids"]:
        assert set(bid["components"]) == {"committed_social_value", "local_multiplier_value",
                                          "social_capital_at_risk", "cost_of_falling_through"}
        for figure in [*bid["components"].values(), bid["net_impact"]]:
            assert figure["low"] <= figure["median"] <= figure["high"]


def test_bundle_overrides_and_a_parameter_file_reach_the_engine(capsys, demo_bundle, tmp_path):
    document = json.loads(demo_bundle.read_text(encoding="utf-8"))
    document["parameters"] = {"t_adj": 1.0}
    overridden = tmp_path / "overridden.json"
    overridden.write_text(json.dumps(document), encoding="utf-8")
    _, out, _ = run(capsys, "evaluate", str(overridden), "--draws", "50", "--json")
    evaluation = json.loads(out)["evaluation"]
    assert evaluation["parameters"]["parameters"]["t_adj"]["value"] == 1.0
    assert "+" in json.loads(out)["metadata"]["parameter_version"]

    council = tmp_path / "council.json"
    council.write_text(json.dumps({"name": "Council set", "version": "2027.1", "parameters": {
        "discount_rate": {"value": 0.03, "unit": "per year", "source": "assumption: a test"}}}))
    _, out, _ = run(capsys, "evaluate", str(demo_bundle), "--draws", "50", "--json",
                    "--parameters", str(council))
    metadata = json.loads(out)["metadata"]
    assert (metadata["parameter_set"], metadata["parameter_version"]) == ("Council set", "2027.1")


def test_a_bad_parameter_file_is_refused(capsys, demo_bundle, tmp_path):
    council = tmp_path / "council.json"
    council.write_text(json.dumps({"name": "x", "version": "1", "parameters": {"t_adj": {"value": 1}}}))
    status, out, err = run(capsys, "evaluate", str(demo_bundle), "--parameters", str(council))
    assert status == 2 and out == ""
    assert "parameter 't_adj'" in err
    status, _, err = run(capsys, "evaluate", str(demo_bundle), "--parameters", str(tmp_path / "none.json"))
    assert status == 2 and "no such parameter set file" in err


def test_a_malformed_bundle_prints_every_problem_and_exits_2(capsys, demo_bundle, tmp_path):
    document = json.loads(demo_bundle.read_text(encoding="utf-8"))
    document["ecosystem"]["funding"][12]["recipient"] = "GB-CHC-0000000"
    document["ecosystem"]["funding"][3]["amount_per_year"] = "lots"
    document["bids"][0]["partnerships"][0]["partner_service"] = "nowhere"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    status, out, err = run(capsys, "evaluate", str(broken))
    assert status == 2 and out == ""
    assert f"netimpact: {broken} is not a valid bundle (3 problems):" in err
    assert "$.ecosystem.funding[12].recipient: 'GB-CHC-0000000' names no organisation; expected" in err
    assert '$.ecosystem.funding[3].amount_per_year: "lots" (a string); expected a number' in err
    assert "$.bids[0].partnerships[0].partner_service: 'nowhere' names no service" in err


def test_bad_json_is_reported_with_line_and_column(capsys, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"netimpact_bundle": "1.0",\n "ecosystem": }', encoding="utf-8")
    status, _, err = run(capsys, "evaluate", str(broken))
    assert status == 2
    assert "line 2, column 15: expecting value; expected a well-formed JSON document" in err


def test_a_missing_bundle_file_exits_2(capsys, tmp_path):
    status, out, err = run(capsys, "evaluate", str(tmp_path / "nowhere.json"))
    assert status == 2 and out == ""
    assert err.strip() == f"netimpact: no such bundle file: {tmp_path / 'nowhere.json'}"


def test_bad_draws_are_refused_by_the_parser(capsys, demo_bundle):
    with pytest.raises(SystemExit) as caught:
        main(["evaluate", str(demo_bundle), "--draws", "0"])
    assert caught.value.code == 2
    assert "expected a whole number of at least 1" in capsys.readouterr().err


def test_undefined_figures_become_null_in_json_and_words_in_text():
    import numpy as np

    from netimpact.engine.report import figure_text as _figure
    from netimpact.engine.report import finite as _finite

    raw = {"a": float("nan"), "b": np.array([1.0, np.inf]), "c": np.float64(2.5), "d": [np.int64(3)]}
    cleaned = _finite(raw)
    assert cleaned == {"a": None, "b": [1.0, None], "c": 2.5, "d": [3]}
    text = _figure({"median": None, "low": None, "high": None, "unit": "GBP", "explanation": "no draws"})
    assert text == "undefined (no draws)"
