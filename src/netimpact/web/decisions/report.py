"""What the decision report says: one context for the page and the PDF, built from the stored run.

It reuses the evaluation page's reading of a run (commissioning.evaluation.evaluation_page: the same
explanation objects and words as the evaluation page and the CLI) and adds what a decision needs: the
claim states and moderated scores as they stand, the recorded decisions, and the network before and after
the award.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from netimpact.domain.vocabulary import ClaimState, CommitmentKind, JoinUpMechanism
from netimpact.engine.report import ranked_bids
from netimpact.web.commissioning import evaluation as runs
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.sealing import opened_bids

from . import network as networks
from .models import Decision


@dataclass(frozen=True, slots=True)
class Claim:
    kind: str  # "Subcontract", "Join-up", "Commitment"
    what: str  # in words
    partner: str
    state: str  # a ClaimState value


def recommended_bid(run: m.EvaluationRun) -> str | None:
    """The run's first-ranked bid, if the ranking gave it an award score (the audit event's winner)."""
    result = run.result
    award = (result.get("ranking") or {}).get("award_score_median") or {}
    order = ranked_bids(result) if result.get("bids") else []
    return order[0] if order and award.get(order[0]) is not None else None


def decision_history(exercise: m.Exercise) -> list[Decision]:
    """Every decision recorded for the exercise, oldest first; the last one is the decision in force."""
    return list(
        Decision.objects.filter(exercise=exercise)
        .select_related("bid", "evaluation_run", "decided_by", "supersedes")
        .order_by("decided_at", "pk")
    )


def current_decision(exercise: m.Exercise) -> Decision | None:
    """The decision nothing supersedes (the chain's end)."""
    return (
        Decision.objects.filter(exercise=exercise, superseded_by__isnull=True)
        .select_related("bid", "evaluation_run", "decided_by")
        .order_by("-decided_at", "-pk")
        .first()
    )


def is_stale(exercise: m.Exercise, run: m.EvaluationRun) -> bool:
    return runs.current_inputs(exercise.key).inputs_hash != run.inputs_hash


def report_context(exercise: m.Exercise, run: m.EvaluationRun | None) -> dict[str, Any]:
    """Everything the report shows; `run` is the latest evaluation run (None: not evaluated yet)."""
    bids = list(
        opened_bids(exercise)
        .select_related("bidder")
        .prefetch_related(
            Prefetch("subcontracts", m.Subcontract.objects.select_related("partner")),
            Prefetch(
                "partnerships",
                m.Partnership.objects.select_related("partner_service__organisation", "cohort"),
            ),
            Prefetch("commitments", m.Commitment.objects.select_related("partner")),
        )
        .order_by("key")
    )
    history = decision_history(exercise)
    current = history[-1] if history else None
    context: dict[str, Any] = {
        "exercise": exercise,
        "run": run,
        "decisions": list(reversed(history)),  # newest first, as the page lists them
        "current_decision": current,
        "bid_rows": [_bid_row(b) for b in bids],
        "scores_missing": [b for b in bids if b.quality_score is None],
        "criteria": {
            "price": exercise.price_weight,
            "quality": exercise.quality_weight,
            "net_impact": exercise.net_impact_weight,
            "price_formula": exercise.get_price_formula_display(),
        },
    }
    if run is None:
        return context
    page = runs.evaluation_page(run)
    recommended = recommended_bid(run)
    titles = {b["id"]: b["title"] for b in page["bids"]}
    focus = current.bid.key if current and current.bid and current.bid.key in titles else recommended
    network = networks.build(run.result, run.labels, focus, exercise.commissioner.org_id) if focus else None
    context.update(
        {
            "page": page,
            "stale": is_stale(exercise, run),
            "recommended": recommended,
            "recommended_title": titles.get(recommended or "", ""),
            "network": network,
            "network_focus_is_decision": bool(current and current.bid and focus == current.bid.key),
            "network_before_svg": networks.svg(network, networks.BEFORE, "network-before") if network else "",
            "network_after_svg": networks.svg(network, networks.AFTER, "network-after") if network else "",
            "network_json": network.as_json() if network else None,
        }
    )
    return context


def _bid_row(bid: m.Bid) -> dict[str, Any]:
    claims = [
        *(
            Claim("Subcontract", f"£{s.amount_per_year:,.0f} a year", s.partner.name, s.state)
            for s in bid.subcontracts.all()
        ),
        *(
            Claim(
                "Join-up",
                f"{JoinUpMechanism(p.mechanism).label} with {p.partner_service.name}"
                + (f" for {p.cohort.name}" if p.cohort else ""),
                p.partner_service.organisation.name,
                p.state,
            )
            for p in bid.partnerships.all()
        ),
        *(
            Claim(
                "Commitment",
                f"{CommitmentKind(c.kind).label}: {c.quantity_per_year:g} a year",
                c.partner.name if c.partner else "",
                c.state,
            )
            for c in bid.commitments.all()
        ),
    ]
    counts = {state.value: sum(1 for c in claims if c.state == state.value) for state in ClaimState}
    return {"bid": bid, "claims": claims, "counts": counts}
