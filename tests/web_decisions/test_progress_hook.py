"""The engine's progress hook: called between stages, in order, from 0 to 1, and changes nothing."""

from __future__ import annotations

from netimpact.engine.evaluation import evaluate_exercise
from netimpact.engine.report import finite


def test_progress_is_reported_in_order_and_the_result_is_the_same(demo_city):
    heard: list[tuple[float, str]] = []
    city = demo_city

    watched = evaluate_exercise(
        city.ecosystem, city.exercise, city.bids, draws=60, seed=4, progress=lambda s, t: heard.append((s, t))
    )
    plain = evaluate_exercise(city.ecosystem, city.exercise, city.bids, draws=60, seed=4)

    shares = [share for share, _ in heard]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] == 1.0
    stages = [stage for _, stage in heard]
    n = len(city.bids)
    assert stages[:3] == [
        "Preparing the register and the parameters",
        "Working out the status quo",
        "Working out each bid's funding shift",
    ]
    assert stages[3] == "Passing distress through the network: draws 1 to 60 of 60"
    assert stages[4:] == [
        *(f"Working out bid {k} of {n}: pathways, value and explanations" for k in range(1, n + 1)),
        "Ranking the bids",
        "Evaluation finished",
    ]
    assert finite(watched.to_dict()) == finite(plain.to_dict())
