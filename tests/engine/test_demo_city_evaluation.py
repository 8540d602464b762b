"""The engine on the demo city's drug and alcohol exercise: the mission's story, end to end."""

import json

import pytest

from netimpact.domain.demo_city import build_demo_city
from netimpact.engine import evaluate_exercise


@pytest.fixture(scope="module")
def evaluation():
    city = build_demo_city()
    return evaluate_exercise(city.ecosystem, city.exercise, city.bids, draws=300, seed=7)


def test_the_local_consortium_keeps_the_ecosystem_the_outside_bids_do_not(evaluation) -> None:
    national = evaluation.bid("demo-bid-national")
    consortium = evaluation.bid("demo-bid-consortium")
    assert national.contagion["expected_closures"] > 1.0
    assert consortium.contagion["expected_closures"] < national.contagion["expected_closures"]
    assert consortium.social_capital_at_risk.median < national.social_capital_at_risk.median
    assert consortium.net_impact.median > national.net_impact.median


def test_every_organisation_at_risk_is_explained(evaluation) -> None:
    for bid in evaluation.bids:
        for risk in bid.organisations_at_risk:
            assert risk.sentence.startswith(risk.name)
            assert f"closes in {risk.closure_probability:.0%} of draws" in risk.sentence
        losers = [row for row in bid.funding_shift if row["income_lost_per_year"] > 0]
        assert losers and all(row["indicators_after"] is not None for row in losers)


def test_contagion_reaches_the_peer_group_through_its_subcontract(evaluation) -> None:
    national = evaluation.bid("demo-bid-national")
    received = [r for r in national.organisations_at_risk if r.received_from and r.income_lost_per_year == 0]
    assert received, "an organisation losing no income should be put at risk by contagion"
    assert any("subcontract" in " ".join(link.through) for r in received for link in r.received_from)


def test_the_document_is_json(evaluation) -> None:
    document = json.loads(json.dumps(evaluation.to_dict()))
    assert len(document["bids"]) == 3
    assert document["status_quo"]["pathways"]["cohorts"]
