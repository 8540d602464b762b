"""The net impact engine (impact-model.md): plain Python and numpy, no web framework.

Public API:
- `evaluate_exercise(ecosystem, exercise, bids, parameters=None, draws=1000, seed=0) -> Evaluation`
- `ParameterSet` (netimpact.engine.parameters): named, versioned parameter sets with sources
- `debtrank(vulnerability, h0, weights, scale=None, t_adj=1.0)` (netimpact.engine.contagion): the
  array-level DebtRank over many draws, for benchmarks and studies on synthetic networks

Names are loaded on first use so that importing a light module (e.g. parameters) does not load numba.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .contagion import debtrank
    from .evaluation import BidEvaluation, Evaluation, evaluate_exercise
    from .explanation import Figure, OrganisationAtRisk
    from .parameters import ParameterSet

__all__ = [
    "BidEvaluation",
    "Evaluation",
    "Figure",
    "OrganisationAtRisk",
    "ParameterSet",
    "debtrank",
    "evaluate_exercise",
]

_HOME = {
    "BidEvaluation": "evaluation",
    "Evaluation": "evaluation",
    "evaluate_exercise": "evaluation",
    "Figure": "explanation",
    "OrganisationAtRisk": "explanation",
    "ParameterSet": "parameters",
    "debtrank": "contagion",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'netimpact.engine' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_HOME[name]}", __name__), name)
