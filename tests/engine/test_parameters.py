import json
from pathlib import Path

import numpy as np
import pytest

from netimpact.engine.parameters import DEFAULTS_VERSION, Distribution, ParameterError, ParameterSet

REQUIRED = {
    "t_adj": (0.5, "years"),
    "epsilon": (1.0, "GBP"),
    "rebuild_cap_years": (10.0, "years"),
    "discount_rate": (0.035, "per year"),
    "p_unconfirmed": (0.5, "probability"),
    "k_hops": (3.0, "referral edges"),
    "lm3_local_share": (0.76, "share of income"),
    "lm3_non_local_share": (0.36, "share of income"),
}


def test_defaults_carry_the_model_values_with_units_and_sources() -> None:
    params = ParameterSet.default()
    assert params.version == DEFAULTS_VERSION
    for name, (value, unit) in REQUIRED.items():
        assert params[name] == value
        assert params.parameter(name).unit == unit
    for parameter in params:
        assert parameter.unit and parameter.source, parameter.name
        assert parameter.minimum <= parameter.value <= parameter.maximum


def test_no_licensed_proxy_values_are_shipped() -> None:
    text = json.dumps(ParameterSet.default().to_dict()).lower()
    for licensed in ("national toms", "hact", "social value bank"):
        # they may be named only to say they are not used; the defaults cite neither
        assert licensed not in text


def test_overrides_change_values_and_version() -> None:
    params = ParameterSet.default().with_overrides({"t_adj": 1.0})
    assert params["t_adj"] == 1.0
    assert params.version.startswith(DEFAULTS_VERSION + "+")
    assert ParameterSet.default()["t_adj"] == 0.5


def test_unknown_override_is_named() -> None:
    with pytest.raises(ParameterError, match="'t_adjust'"):
        ParameterSet.default().with_overrides({"t_adjust": 1.0})


def test_out_of_range_override_is_named() -> None:
    with pytest.raises(ParameterError, match=r"'p_unconfirmed'.*out of range"):
        ParameterSet.default().with_overrides({"p_unconfirmed": 1.5})


def _write(tmp_path: Path, parameters: dict) -> Path:
    path = tmp_path / "council.json"
    path.write_text(json.dumps({"name": "Bristol 2026", "version": "1", "parameters": parameters}))
    return path


def test_council_set_loads_and_keeps_other_defaults(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "value_per_volunteer_hour": {
                "value": 15.0,
                "unit": "GBP/hour",
                "source": "Bristol City Council 2026",
                "distribution": {"kind": "triangular", "low_factor": 0.9, "high_factor": 1.1},
            },
        },
    )
    params = ParameterSet.from_json(path)
    assert params.name == "Bristol 2026" and params.version == "1"
    assert params["value_per_volunteer_hour"] == 15.0
    assert params.parameter("value_per_volunteer_hour").distribution == Distribution("triangular", 0.9, 1.1)
    assert params["t_adj"] == 0.5
    assert ParameterSet.from_dict(params.to_dict())["value_per_volunteer_hour"] == 15.0


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"t_adj": {"value": 6, "unit": "months", "source": "x"}}, "'t_adj'.*unit 'months'.*'years'"),
        ({"nope": {"value": 1, "unit": "years", "source": "x"}}, "unknown parameter 'nope'"),
        ({"t_adj": {"value": -1, "unit": "years", "source": "x"}}, "'t_adj'.*out of range"),
        ({"t_adj": {"value": 1, "unit": "years"}}, "'t_adj'.*source is required"),
        (
            {"t_adj": {"value": 1, "unit": "years", "source": "x", "distribution": {"kind": "normal"}}},
            "'t_adj'.*distribution kind 'normal'",
        ),
    ],
)
def test_council_set_errors_name_the_parameter(tmp_path: Path, entry: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        ParameterSet.from_json(_write(tmp_path, entry))


def test_distributions_are_centred_on_the_value() -> None:
    rng = np.random.default_rng(1)
    assert np.median(Distribution("lognormal", sigma=0.3).sample(20.0, rng, 20000)) == pytest.approx(
        20, rel=0.02
    )
    assert Distribution("beta", concentration=4).sample(0.3, rng, 20000).mean() == pytest.approx(
        0.3, abs=0.01
    )
    tri = Distribution("triangular", low_factor=0.5, high_factor=2.0).sample(1.0, rng, 1000)
    assert tri.min() >= 0.5 and tri.max() <= 2.0


def test_docs_list_every_parameter() -> None:
    from netimpact.engine.parameters import parameters_markdown

    path = Path(__file__).resolve().parents[2] / "docs" / "parameters.md"
    assert path.read_text(encoding="utf-8") == parameters_markdown(), (
        "docs/parameters.md is out of date: regenerate it with "
        "python -c 'from netimpact.engine.parameters import parameters_markdown as m; print(m(), end=\"\")'"
    )
