"""The demo's invitations, and the engine reading the states partners set."""

from __future__ import annotations

import pytest
from django.test import Client

from netimpact.domain.demo_city import DemoCity
from netimpact.domain.vocabulary import ClaimState
from netimpact.engine.funding import evidence_weights
from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning import models as cm
from netimpact.web.commissioning.evaluation import current_inputs
from netimpact.web.confirmation.demo import invite_demo_partners
from netimpact.web.confirmation.models import ClaimInvitation, ClaimItem

from .conftest import answer_all, link_of

pytestmark = pytest.mark.django_db

DRAWS = 60


@pytest.fixture
def demo_invitations(demo_register: DemoCity, db: None, clock) -> DemoCity:
    invite_demo_partners(demo_register.exercise.id)
    return demo_register


def _states(key: str) -> dict[tuple[str, int], str]:
    rows: dict[tuple[str, int], str] = {}
    for model in (cm.Subcontract, cm.Partnership, cm.Commitment):
        rows |= {
            (model.__name__, pk): state
            for pk, state in model.objects.filter(bid__exercise__key=key).values_list("pk", "state")
        }
    return rows


def test_the_demo_invites_every_named_partner_and_keeps_the_stored_states(demo_register, db, clock):
    key = demo_register.exercise.id
    before = _states(key)
    count = invite_demo_partners(key)
    assert count == ClaimInvitation.objects.count() > 3
    assert _states(key) == before
    items = ClaimItem.objects.all()
    assert items.filter(answer="confirm").exists() and items.filter(answer="").exists()
    for item in items:
        expected = {"confirm": "confirmed", "dispute": "disputed", "": "unanswered"}[item.answer]
        model = {"subcontract": cm.Subcontract, "partnership": cm.Partnership, "commitment": cm.Commitment}[
            item.kind
        ]
        assert model.objects.get(pk=item.claim_pk).state == expected
    # Open for a person trying the demo, though its deadline has passed.
    assert all(not invitation.expired for invitation in ClaimInvitation.objects.all())


def test_the_demo_partner_lists_the_claims_naming_its_organisation(demo_invitations, signed_in):
    partner = User.objects.get(role=Role.PARTNER)
    page = signed_in("partner").get("/confirm/your-claims/").content.decode()
    invitations = ClaimInvitation.objects.filter(organisation=partner.organisation)
    assert invitations.exists()
    for invitation in invitations:
        assert invitation.bid.title in page


def test_the_engine_sees_a_dispute_the_disputed_claims_weight_drops_to_zero(demo_invitations):
    from netimpact.engine.evaluation import evaluate_exercise

    key = demo_invitations.exercise.id
    inputs = current_inputs(key)
    before = evaluate_exercise(inputs.ecosystem, inputs.exercise, inputs.bids, draws=DRAWS, seed=7)
    # The consortium's largest subcontract, confirmed in the demo.
    subcontract = cm.Subcontract.objects.filter(bid__exercise__key=key).order_by("-amount_per_year").first()
    assert subcontract.state == ClaimState.CONFIRMED.value
    item = ClaimItem.objects.get(kind="subcontract", claim_pk=subcontract.pk)
    invitation = item.invitation
    data = answer_all(
        invitation, **{f"answer-{item.pk}": "dispute", f"dispute-reason-{item.pk}": "Not agreed."}
    )
    assert Client().post(link_of(invitation), data).status_code == 302

    after_inputs = current_inputs(key)
    assert after_inputs.inputs_hash != inputs.inputs_hash  # an earlier evaluation run is now stale
    bid = next(b for b in after_inputs.bids if b.id == subcontract.bid.key)
    claim = next(s for s in bid.subcontracts if s.amount_per_year == subcontract.amount_per_year)
    assert claim.state is ClaimState.DISPUTED
    weights = evidence_weights(0.5)
    assert weights[ClaimState.CONFIRMED] == 1.0 and weights[claim.state] == 0.0
    after = evaluate_exercise(
        after_inputs.ecosystem, after_inputs.exercise, after_inputs.bids, draws=DRAWS, seed=7
    )
    changed = before.bid(bid.id).to_dict(), after.bid(bid.id).to_dict()
    assert changed[0] != changed[1]
    # The other bids make no claim about that subcontract, so only the disputed bid's result moves.
    for other in after_inputs.bids:
        if other.id != bid.id:
            assert before.bid(other.id).to_dict() == after.bid(other.id).to_dict()
