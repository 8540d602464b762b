"""Named, versioned parameter sets for the impact engine.

Every number the engine uses that is not read from the register or a bid is a Parameter here: a name, a
value, a unit, a source (a citation, or "assumption: ..." where no open source exists) and, where the
Monte Carlo should vary it, a distribution centred on the value. docs/parameters.md lists them all.

The project ships only its own defaults. National TOMs and HACT Social Value Bank values are licensed
CC BY-NC-ND and are never shipped or embedded; a council that holds a licence loads its own set with
`ParameterSet.from_json`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

DEFAULTS_VERSION = "netimpact-defaults-2026.1"


class ParameterError(ValueError):
    """A parameter set is wrong; the message names the parameter and what was expected."""


@dataclass(frozen=True, slots=True)
class Distribution:
    """How the Monte Carlo varies a parameter around its value.

    - "triangular": low = value x low_factor, mode = value, high = value x high_factor;
    - "lognormal": value x exp(N(0, sigma)) (median = value);
    - "beta": mean = value, a = concentration x value, b = concentration x (1 - value) (shares in 0..1).
    Centring on the value means a council that overrides a value moves its distribution with it.
    """

    kind: str
    low_factor: float = 0.0
    high_factor: float = 0.0
    sigma: float = 0.0
    concentration: float = 0.0

    KINDS = ("triangular", "lognormal", "beta")

    def __post_init__(self) -> None:
        if self.kind not in self.KINDS:
            raise ParameterError(f"distribution kind {self.kind!r} is not one of {', '.join(self.KINDS)}")
        if self.kind == "triangular" and not (0 <= self.low_factor <= 1 <= self.high_factor):
            raise ParameterError("a triangular distribution needs 0 <= low_factor <= 1 <= high_factor")
        if self.kind == "lognormal" and not self.sigma >= 0:
            raise ParameterError("a lognormal distribution needs sigma >= 0")
        if self.kind == "beta" and not self.concentration > 0:
            raise ParameterError("a beta distribution needs concentration > 0")

    def sample(self, value: float, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.kind == "triangular":
            low, high = value * self.low_factor, value * self.high_factor
            if high <= low:
                return np.full(size, value)
            return rng.triangular(low, value, high, size)
        if self.kind == "lognormal":
            return value * np.exp(rng.normal(0.0, self.sigma, size))
        if value <= 0.0 or value >= 1.0:  # a certain share stays certain
            return np.full(size, value)
        return rng.beta(self.concentration * value, self.concentration * (1.0 - value), size)

    def describe(self) -> str:
        if self.kind == "triangular":
            return f"triangular(value x {self.low_factor:g}, value, value x {self.high_factor:g})"
        if self.kind == "lognormal":
            return f"lognormal(median value, sigma {self.sigma:g})"
        return f"beta(mean value, concentration {self.concentration:g})"

    def to_dict(self) -> dict[str, Any]:
        fields = {
            "triangular": {"low_factor": self.low_factor, "high_factor": self.high_factor},
            "lognormal": {"sigma": self.sigma},
            "beta": {"concentration": self.concentration},
        }[self.kind]
        return {"kind": self.kind, **fields}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> Distribution:
        if not isinstance(data, Mapping) or "kind" not in data:
            raise ParameterError(f"{where}: a distribution needs a 'kind' ({', '.join(cls.KINDS)})")
        allowed = {"kind", "low_factor", "high_factor", "sigma", "concentration"}
        unknown = set(data) - allowed
        if unknown:
            raise ParameterError(f"{where}: unknown distribution field(s) {', '.join(sorted(unknown))}")
        try:
            numbers = {k: float(v) for k, v in data.items() if k != "kind"}
            return cls(str(data["kind"]), **numbers)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"{where}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: float
    unit: str
    source: str
    description: str
    minimum: float = -math.inf
    maximum: float = math.inf
    distribution: Distribution | None = None

    def checked(self, value: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ParameterError(f"parameter {self.name!r}: value must be a finite number, got {value!r}")
        if not self.minimum <= value <= self.maximum:
            raise ParameterError(
                f"parameter {self.name!r}: {value!r} {self.unit} is out of range "
                f"[{self.minimum:g}, {self.maximum:g}]"
            )
        return float(value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "description": self.description,
            "minimum": None if math.isinf(self.minimum) else self.minimum,
            "maximum": None if math.isinf(self.maximum) else self.maximum,
            "distribution": None if self.distribution is None else self.distribution.to_dict(),
        }


_ASSUMED = "assumption: "
_ASHE_HOUR = (
    "ONS Annual Survey of Hours and Earnings 2024: median gross weekly earnings of full-time employees "
    "£728 (April 2024), divided by a 37.5-hour week = £19.41 an hour (replacement-cost valuation of "
    "volunteering, as in ONS's household satellite accounts)"
)
_GREEN_BOOK = (
    "HM Treasury (2022) The Green Book, discounting: social time preference rate 3.5% a year for years 0-30"
)
_NEF = (
    "New Economics Foundation, LM3 study of Northumberland County Council's suppliers: local suppliers "
    "re-spent 76% of their income locally, non-local ones 36% ('£1 spent with a local supplier was worth "
    "£1.76 to the local economy')"
)
_HCA = (
    "Homes and Communities Agency (2014) Additionality Guide, 4th edition, ready reckoner: 'low' = 25%; "
    "chosen level is an assumption"
)
_SROI = "assumption: the Cabinet Office (2012) Guide to SROI requires drop-off but gives no default rate"


def _p(
    name: str,
    value: float,
    unit: str,
    source: str,
    description: str,
    minimum: float = -math.inf,
    maximum: float = math.inf,
    distribution: Distribution | None = None,
) -> Parameter:
    return Parameter(name, value, unit, source, description, minimum, maximum, distribution)


def _tri(low: float, high: float) -> Distribution:
    return Distribution("triangular", low_factor=low, high_factor=high)


def _logn(sigma: float) -> Distribution:
    return Distribution("lognormal", sigma=sigma)


_DEFAULTS: tuple[Parameter, ...] = (
    # Distress and contagion (impact-model.md sections 2-3)
    _p(
        "t_adj",
        0.5,
        "years",
        _ASSUMED + "time a VCSE organisation needs to cut costs after losing income",
        "Adjustment time: losses and exposures are counted over this period.",
        0.0,
        5.0,
        _tri(0.5, 2.0),
    ),
    _p(
        "epsilon",
        1.0,
        "GBP",
        _ASSUMED + "floor on reserves so that no reserves means certain failure",
        "Smallest reserves the distress formula divides by.",
        1e-9,
        1e6,
    ),
    _p(
        "reserves_noise",
        0.2,
        "log-sd",
        _ASSUMED + "accounts are up to 18 months old when read",
        "Per-organisation multiplicative uncertainty of free reserves (lognormal sigma).",
        0.0,
        2.0,
    ),
    _p(
        "exposure_noise",
        0.25,
        "log-sd",
        _ASSUMED + "the register's ties are partly estimated",
        "Per-organisation multiplicative uncertainty of its exposures to others (lognormal sigma).",
        0.0,
        2.0,
    ),
    _p(
        "at_risk_threshold",
        0.05,
        "distress (0-1)",
        _ASSUMED + "reporting threshold: below 5% distress an organisation is not listed as at risk",
        "Central final distress from which an organisation is listed, with its explanation, as at risk "
        "(it is also listed when it closes in at least 1% of draws).",
        0.0,
        1.0,
    ),
    # Evidence (section 1)
    _p(
        "p_unconfirmed",
        0.5,
        "probability",
        _ASSUMED + "an unanswered claim is as likely true as not (impact-model.md section 1 default)",
        "Weight of a claim its partner has not answered; in the Monte Carlo each unanswered claim holds "
        "with this probability.",
        0.0,
        1.0,
        Distribution("beta", concentration=4.0),
    ),
    # Social capital (section 4)
    _p(
        "rebuild_cap_years",
        10.0,
        "years",
        _ASSUMED + "Bristol: trust 'takes years to build'; ten years caps the rebuild",
        "Longest time a failed organisation's social capital takes to rebuild.",
        0.0,
        50.0,
    ),
    _p("discount_rate", 0.035, "per year", _GREEN_BOOK, "Discount rate; year 0 undiscounted.", 0.0, 0.2),
    _p(
        "value_per_volunteer_hour",
        19.41,
        "GBP/hour",
        _ASHE_HOUR,
        "Value of one hour of volunteering.",
        0.0,
        1000.0,
        _logn(0.2),
    ),
    _p(
        "value_per_community_space_hour",
        20.0,
        "GBP/hour",
        _ASSUMED + "typical hire charge of a community hall room; no open national figure",
        "Value of one hour a community space is open to the neighbourhood.",
        0.0,
        1000.0,
        _logn(0.3),
    ),
    _p(
        "value_per_local_staff",
        1000.0,
        "GBP/person/year",
        _ASSUMED + "local leadership and ties a resident employee brings, beyond the wage (counted in LM3)",
        "Social capital value of one member of staff living in the city, per year.",
        0.0,
        1e6,
        _logn(0.5),
    ),
    _p(
        "value_per_person_reached",
        50.0,
        "GBP/person/year",
        _ASSUMED + "value of the contact and connection an organisation gives each person it reaches",
        "Social capital value per person reached a year.",
        0.0,
        1e5,
        _logn(0.5),
    ),
    _p(
        "value_per_year_of_trust",
        200.0,
        "GBP/year of age/year",
        _ASSUMED + "trust grows with years of standing, up to the rebuild cap",
        "Social capital value per year the organisation has existed (capped at the rebuild cap), per year.",
        0.0,
        1e6,
        _logn(0.5),
    ),
    # Pathways (section 5)
    _p(
        "k_hops",
        3.0,
        "referral edges",
        _ASSUMED + "impact-model.md section 5 default",
        "Most referrals a pathway may take from the first service.",
        0.0,
        20.0,
    ),
    # Local economy (section 6)
    _p(
        "lm3_local_share",
        0.76,
        "share of income",
        _NEF,
        "R2 share of contract income a local supplier spends locally, when the bid states none.",
        0.0,
        1.0,
        _tri(0.8, 1.2),
    ),
    _p(
        "lm3_non_local_share",
        0.36,
        "share of income",
        _NEF,
        "R2 share of contract income a non-local supplier spends locally, when the bid states none.",
        0.0,
        1.0,
        _tri(0.8, 1.2),
    ),
    _p(
        "respend_share",
        0.3,
        "share of R2",
        _ASSUMED + "placeholder until a council loads a local LM3 study",
        "R3: share of R2 that its local recipients re-spend locally.",
        0.0,
        1.0,
        _tri(0.5, 1.5),
    ),
    # Committed social value (section 6)
    _p(
        "deadweight",
        0.25,
        "share",
        _HCA,
        "Share of a commitment's outcome that would have happened anyway.",
        0.0,
        1.0,
    ),
    _p(
        "displacement",
        0.25,
        "share",
        _HCA,
        "Share of a commitment's outcome displaced from elsewhere.",
        0.0,
        1.0,
    ),
    _p(
        "attribution",
        0.25,
        "share",
        _ASSUMED + "share of the outcome owed to others' contributions",
        "Share of a commitment's outcome attributable to others.",
        0.0,
        1.0,
    ),
    _p(
        "drop_off",
        0.1,
        "share per year",
        _SROI,
        "Yearly decline of a commitment's value from the second contract year.",
        0.0,
        1.0,
    ),
    _p(
        "value_per_local_job",
        5000.0,
        "GBP/FTE/year",
        _ASSUMED + "wellbeing and fiscal gain of a local resident's job beyond the wage (counted in LM3)",
        "Value of one local full-time-equivalent job a year.",
        0.0,
        1e6,
        _logn(0.5),
    ),
    _p(
        "value_per_capacity_building_pound",
        1.0,
        "GBP/GBP",
        _ASSUMED + "capacity-building investment counted at face value",
        "Value of £1 of capacity-building investment.",
        0.0,
        10.0,
    ),
    _p(
        "value_per_staff_transfer",
        2000.0,
        "GBP/person/year",
        _ASSUMED + "continuity of employment and of relationships with service users",
        "Value of one incumbent member of staff transferred, a year.",
        0.0,
        1e6,
        _logn(0.5),
    ),
    _p(
        "value_per_service_user_transition",
        500.0,
        "GBP/person/year",
        _ASSUMED + "continuity of care avoids a restart of support",
        "Value of one service user transferred with continuity, a year.",
        0.0,
        1e6,
        _logn(0.5),
    ),
    _p(
        "value_per_apprenticeship_week",
        100.0,
        "GBP/week",
        _ASSUMED + "training value of one apprenticeship week beyond the wage",
        "Value of one week of apprenticeship.",
        0.0,
        1e5,
        _logn(0.5),
    ),
)


@dataclass(frozen=True, slots=True)
class ParameterSet:
    """An immutable, versioned set of parameters. Look values up with `params["t_adj"]`."""

    name: str
    version: str
    parameters: Mapping[str, Parameter] = field(default_factory=dict)

    @classmethod
    def default(cls) -> ParameterSet:
        return cls("netimpact defaults", DEFAULTS_VERSION, {p.name: p for p in _DEFAULTS})

    def __getitem__(self, name: str) -> float:
        return self.parameter(name).value

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters.values())

    def parameter(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise ParameterError(
                f"unknown parameter {name!r}; known: {', '.join(sorted(self.parameters))}"
            ) from None

    def with_overrides(self, overrides: Mapping[str, float]) -> ParameterSet:
        """A new set with some values replaced (e.g. an exercise's own); the version records the change."""
        if not overrides:
            return self
        updated = dict(self.parameters)
        for name, value in overrides.items():
            parameter = self.parameter(name)
            updated[name] = replace(parameter, value=parameter.checked(value))
        digest = hashlib.sha256(json.dumps(sorted(overrides.items())).encode()).hexdigest()[:8]
        return ParameterSet(self.name, f"{self.version}+{digest}", updated)

    def without_uncertainty(self) -> ParameterSet:
        """The same values with no distributions and no noise: every Monte Carlo draw is the central case
        (claims left unanswered are still drawn). For checking figures by hand and for tests."""
        updated = {name: replace(p, distribution=None) for name, p in self.parameters.items()}
        for name in ("reserves_noise", "exposure_noise"):
            updated[name] = replace(updated[name], value=0.0)
        return ParameterSet(self.name, f"{self.version}+no-uncertainty", updated)

    @classmethod
    def from_json(cls, path: str | Path) -> ParameterSet:
        """A council's own set: {"name", "version", "parameters": {name: {"value", "unit", "source",
        "distribution"?}}}. Parameters it leaves out keep the defaults; units must match the defaults'.
        """
        where = str(path)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ParameterError(f"{where}: cannot read a parameter set: {exc}") from exc
        return cls.from_dict(data, where)

    @classmethod
    def from_dict(cls, data: Any, where: str = "parameter set") -> ParameterSet:
        if not isinstance(data, Mapping):
            raise ParameterError(f"{where}: expected a JSON object with 'name', 'version' and 'parameters'")
        for key in ("name", "version", "parameters"):
            if key not in data:
                raise ParameterError(f"{where}: missing {key!r}")
        if not isinstance(data["parameters"], Mapping):
            raise ParameterError(f"{where}: 'parameters' must be an object of name -> parameter")
        base = cls.default()
        updated = dict(base.parameters)
        for name, entry in data["parameters"].items():
            updated[name] = _parameter_from_entry(base, name, entry, where)
        return ParameterSet(str(data["name"]), str(data["version"]), updated)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "parameters": {name: p.to_dict() for name, p in self.parameters.items()},
        }


def _parameter_from_entry(base: ParameterSet, name: str, entry: Any, where: str) -> Parameter:
    if name not in base.parameters:
        raise ParameterError(f"{where}: unknown parameter {name!r}")
    default = base.parameters[name]
    here = f"{where}: parameter {name!r}"
    if not isinstance(entry, Mapping) or "value" not in entry:
        raise ParameterError(f"{here}: expected an object with 'value', 'unit' and 'source'")
    # name, minimum and maximum appear in to_dict() output; the valid range stays the project's own.
    unknown = set(entry) - {
        "value",
        "unit",
        "source",
        "description",
        "distribution",
        "name",
        "minimum",
        "maximum",
    }
    if unknown:
        raise ParameterError(f"{here}: unknown field(s) {', '.join(sorted(unknown))}")
    unit = entry.get("unit")
    if unit != default.unit:
        raise ParameterError(f"{here}: unit {unit!r} does not match the expected unit {default.unit!r}")
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ParameterError(f"{here}: a source is required (a citation, or 'assumption: ...')")
    distribution = default.distribution
    if "distribution" in entry:
        raw = entry["distribution"]
        distribution = None if raw is None else Distribution.from_dict(raw, here)
    return replace(
        default,
        value=default.checked(entry["value"]),
        source=source,
        description=str(entry.get("description", default.description)),
        distribution=distribution,
    )


def parameters_markdown(parameters: ParameterSet | None = None) -> str:
    """docs/parameters.md: every parameter with unit, default, distribution and source (kept in step with
    the code by a test)."""
    params = parameters or ParameterSet.default()
    lines = [
        "# Impact engine parameters",
        "",
        f"Parameter set **{params.name}**, version `{params.version}`. Generated from",
        "`netimpact.engine.parameters` (`parameters_markdown()`); a test fails if this file and the",
        "code differ.",
        "",
        "Every value is overridable per exercise (`Exercise.parameters`) or by a council's own set",
        "loaded with `ParameterSet.from_json(path)` (units must match; unknown names and out-of-range",
        "values are refused, naming the parameter). The distribution is what the Monte Carlo draws,",
        "centred on the value, so an override moves it. No National TOMs or HACT Social Value Bank",
        "values are shipped (they are licensed CC BY-NC-ND).",
        "",
        "| Parameter | Default | Unit | Range | Monte Carlo | Meaning | Source |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in params:
        distribution = "fixed" if p.distribution is None else p.distribution.describe()
        lines.append(
            f"| `{p.name}` | {p.value:g} | {p.unit} | {p.minimum:g} to {p.maximum:g} | {distribution} | "
            f"{p.description} | {p.source} |"
        )
    lines += [
        "",
        "Per-organisation noise: `reserves_noise` and `exposure_noise` are the log-standard deviations of",
        "multiplicative lognormal noise (median 1) drawn independently for every organisation in every draw.",
        "Unanswered claims: in each draw each unanswered claim holds (weight 1) with probability",
        "`p_unconfirmed` of that draw, else 0; the central estimate weights it by `p_unconfirmed`.",
        "",
    ]
    return "\n".join(lines)
