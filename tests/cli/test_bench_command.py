"""`netimpact bench --quick`: one JSON line per scale with the documented fields (not the timings)."""

from __future__ import annotations

import json

import pytest

from netimpact.cli import main
from netimpact.cli.bench import SCALES

COMMON = {"scale", "organisations", "ties", "bids", "draws", "quick", "wall_seconds", "peak_memory_mb",
          "warmup_seconds", "target", "meets_target"}


@pytest.mark.slow
def test_bench_quick_prints_one_json_line_per_scale(capsys):
    assert main(["bench", "--quick"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    results = [json.loads(line) for line in lines]
    assert [r["scale"] for r in results] == ["city", "nation", "reference", "imports"]
    *results, imports = results
    assert imports["quick"] is True and imports["status"] == "imported"
    assert imports["counts"]["funding tie"]["created"] == imports["grants"] == 1_000
    assert imports["reimport_counts"]["funding tie"]["unchanged"] == 1_000
    assert imports["wall_seconds"] > 0 and imports["target"] == SCALES["imports"].target
    for result in results:
        assert set(result) >= COMMON, COMMON - set(result)
        assert result["quick"] is True
        assert result["target"] == SCALES[result["scale"]].target
        assert isinstance(result["meets_target"], bool)
        assert result["wall_seconds"] > 0 and result["peak_memory_mb"] > 50
    city, nation, reference = results
    for result in (city, nation):
        extra = {"build_seconds", "cpu_seconds", "peak_memory_after_build_mb", "net_impact_medians"}
        assert extra <= set(result)
        assert len(result["net_impact_medians"]) == result["bids"]
    assert {"fast_seconds", "reference_seconds", "speed_ratio"} <= set(reference)
    assert reference["speed_ratio"] == pytest.approx(
        reference["reference_seconds"] / reference["fast_seconds"], rel=0.01)


def test_bench_runs_only_the_scales_asked_for(capsys):
    assert main(["bench", "--quick", "--scales", "nation"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    assert json.loads(line)["scale"] == "nation"


def test_an_unknown_scale_is_refused(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["bench", "--scales", "city,planet"])
    assert caught.value.code == 2
    assert "unknown scale(s) planet; expected some of city, nation, reference" in capsys.readouterr().err
