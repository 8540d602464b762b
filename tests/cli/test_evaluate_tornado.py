"""`netimpact evaluate --tornado`: the sensitivity of net impact to the parameters, in words and as JSON."""

from __future__ import annotations

import json
import re

from netimpact.cli import main
from netimpact.engine.report import SENSITIVITY_PARAMETERS

DRAWS = "100"  # the tornado runs 31 evaluations; 100 draws each keep the test quick


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_tornado_json_has_every_parameter_sorted_by_swing_and_the_winner_at_each_end(capsys, demo_bundle):
    status, out, err = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS, "--tornado", "--json")
    assert status == 0, err
    document = json.loads(out)
    assert set(document) == {"netimpact_evaluation", "metadata", "evaluation", "tornado"}
    tornado = document["tornado"]
    bids = [b["bid"] for b in document["evaluation"]["bids"]]
    assert tornado["bids"] == bids and set(tornado["base"]) == set(bids)
    assert (tornado["draws"], tornado["seed"]) == (int(DRAWS), 0)
    bars = tornado["bars"]
    assert {bar["parameter"] for bar in bars} == {p.name for p in SENSITIVITY_PARAMETERS}
    swings = [bar["swing"] for bar in bars]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    for bar in bars:
        assert bar["low"] <= bar["value"] <= bar["high"], bar["parameter"]
        # The swing is the largest change over the bids, as the engine defines it.
        changes = [abs(bar["net_impact_high"][b] - bar["net_impact_low"][b]) for b in bids]
        assert abs(bar["swing"] - max(changes)) < 1e-6
        moved = {bar["winner_low"], bar["winner_high"]}
        assert bar["changes_winner"] == (moved != {tornado["winner"]})
        assert bar["range_source"]
    # The winner with every parameter at its value is the ranking's first bid.
    award = document["evaluation"]["ranking"]["award_score_median"]
    assert tornado["winner"] == max(award, key=lambda b: award[b])
    by_name = {bar["parameter"]: bar for bar in bars}
    assert (by_name["discount_rate"]["low"], by_name["discount_rate"]["high"]) == (0.015, 0.05)


def test_tornado_text_lists_each_bids_parameters_by_swing_and_says_whether_the_winner_changes(
    capsys, demo_bundle
):
    status, out, err = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS, "--tornado")
    assert status == 0, err
    section = out[out.index("Sensitivity to the parameters") :]
    assert re.search(
        r"(No single parameter at its low or high value changes the winner|"
        r"changes when one parameter moves alone)",
        section,
    )
    blocks = re.split(r"\n  (?=\S)", section)[2:]  # after the heading and the winner sentence
    assert len(blocks) == 3
    for block in blocks:
        rows = [line for line in block.splitlines() if "; swing " in line]
        assert len(rows) == len(SENSITIVITY_PARAMETERS)
        swings = [_pounds(line.rsplit("swing ", 1)[1]) for line in rows]
        assert swings == sorted(swings, reverse=True)
        assert all(re.search(r"low .+ -> -?£[\d.]+[km]?; high .+ -> -?£[\d.]+[km]?", line) for line in rows)
    assert "value_per_volunteer_hour" in section and "£14 per hour" in section


def test_tornado_is_deterministic_for_a_seed_and_absent_without_the_option(capsys, demo_bundle):
    args = ("evaluate", str(demo_bundle), "--draws", DRAWS, "--seed", "4", "--json")
    _, first, _ = run(capsys, *args, "--tornado")
    _, second, _ = run(capsys, *args, "--tornado")
    assert first == second
    _, plain, _ = run(capsys, *args)
    assert "tornado" not in json.loads(plain)
    _, text, _ = run(capsys, "evaluate", str(demo_bundle), "--draws", DRAWS)
    assert "Sensitivity to the parameters" not in text


def _pounds(text: str) -> float:
    number = re.match(r"£([\d.]+)([km]?)", text.strip())
    assert number, text
    return float(number.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[number.group(2)]


def test_the_bundles_overrides_are_the_base_the_parameters_move_from(capsys, demo_bundle, tmp_path):
    document = json.loads(demo_bundle.read_text(encoding="utf-8"))
    document["parameters"] = {"t_adj": 1.0, "discount_rate": 0.03}
    overridden = tmp_path / "overridden.json"
    overridden.write_text(json.dumps(document), encoding="utf-8")

    _, out, _ = run(capsys, "evaluate", str(overridden), "--draws", DRAWS, "--tornado", "--json")

    bars = {bar["parameter"]: bar for bar in json.loads(out)["tornado"]["bars"]}
    assert bars["t_adj"]["value"] == 1.0 and bars["t_adj"]["low"] < 1.0 < bars["t_adj"]["high"]
    assert bars["t_adj"]["swing"] > 0  # the override does not pin the moved parameter back
    assert bars["discount_rate"]["value"] == 0.03
