"""A bid's claims about other organisations, in the partner's plain words, and what each partner said.

`claims_for_bid(bid)` is the one query the officer's view, the panel and the decision report read
(through the template include confirmation/includes/bid_claims.html).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from netimpact.domain.vocabulary import ClaimState, CommitmentKind, JoinUpMechanism
from netimpact.web.commissioning import models as cm

from .models import Answer, ClaimItem, ClaimKind

ClaimRow = cm.Subcontract | cm.Partnership | cm.Commitment

# The figures a partner may correct, by kind; the rest of a claim (who, which service) is what it is.
AMENDABLE = {
    ClaimKind.SUBCONTRACT.value: ("amount_per_year", "description"),
    ClaimKind.PARTNERSHIP.value: ("description",),
    ClaimKind.COMMITMENT.value: ("quantity_per_year", "description"),
}
# Names are shown, not compared: a renamed service in the register is not a changed claim.
SHOWN_ONLY = ("service_name", "cohort_name", "partner_name")

TAG_COLOUR = {
    ClaimState.CONFIRMED.value: "green",
    ClaimState.UNANSWERED.value: "grey",
    ClaimState.DISPUTED.value: "red",
}
TAG_TEXT = {
    ClaimState.CONFIRMED.value: "Confirmed",
    ClaimState.UNANSWERED.value: "Unanswered",
    ClaimState.DISPUTED.value: "Disputed",
}


def _claim_querysets(bid: cm.Bid) -> list[tuple[str, Any]]:
    return [
        (ClaimKind.SUBCONTRACT.value, bid.subcontracts.select_related("partner").order_by("pk")),
        (
            ClaimKind.PARTNERSHIP.value,
            bid.partnerships.select_related("partner_service__organisation", "cohort").order_by("pk"),
        ),
        (
            ClaimKind.COMMITMENT.value,
            bid.commitments.select_related("partner").filter(partner__isnull=False).order_by("pk"),
        ),
    ]


def partner_of(kind: str, row: ClaimRow) -> Any:
    if kind == ClaimKind.PARTNERSHIP:
        return row.partner_service.organisation  # type: ignore[union-attr]
    return row.partner  # type: ignore[union-attr]


def claims_by_partner(bid: cm.Bid) -> dict[int, list[tuple[str, ClaimRow]]]:
    """Every claim the bid makes about another organisation, grouped by that organisation's pk.

    A claim naming the bidder itself is left out: no one confirms their own claim.
    """
    grouped: dict[int, list[tuple[str, ClaimRow]]] = defaultdict(list)
    for kind, rows in _claim_querysets(bid):
        for row in rows:
            partner = partner_of(kind, row)
            if partner is not None and partner.pk != bid.bidder_id:
                grouped[partner.pk].append((kind, row))
    return dict(grouped)


def claim_row(kind: str, pk: int) -> ClaimRow | None:
    model = {
        ClaimKind.SUBCONTRACT.value: cm.Subcontract,
        ClaimKind.PARTNERSHIP.value: cm.Partnership,
        ClaimKind.COMMITMENT.value: cm.Commitment,
    }[kind]
    return model.objects.filter(pk=pk).first()  # type: ignore[attr-defined]


def figures(kind: str, row: ClaimRow) -> dict[str, Any]:
    """What the claim says, as plain JSON: compared on resubmission, shown to the partner."""
    if kind == ClaimKind.SUBCONTRACT:
        assert isinstance(row, cm.Subcontract)
        return {
            "partner_name": row.partner.name,
            "amount_per_year": row.amount_per_year,
            "description": row.description,
        }
    if kind == ClaimKind.PARTNERSHIP:
        assert isinstance(row, cm.Partnership)
        return {
            "partner_service": row.partner_service.key,
            "service_name": row.partner_service.name,
            "partner_name": row.partner_service.organisation.name,
            "mechanism": row.mechanism,
            "cohort": row.cohort.key if row.cohort else None,
            "cohort_name": row.cohort.name if row.cohort else None,
            "description": row.description,
        }
    assert isinstance(row, cm.Commitment)
    return {
        "partner_name": row.partner.name if row.partner else "",
        "kind": row.kind,
        "quantity_per_year": row.quantity_per_year,
        "description": row.description,
    }


def fingerprint(values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, repr(v)) for k, v in values.items() if k not in SHOWN_ONLY))


def apply_figures(kind: str, row: ClaimRow, values: dict[str, Any]) -> None:
    """Set the claim row's amendable figures to `values` (an amendment, or its undoing)."""
    for name in AMENDABLE[kind]:
        if name in values:
            setattr(row, name, values[name])


def money(amount: float) -> str:
    return f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"


def quantity_text(kind: str, quantity: float) -> str:
    label = CommitmentKind(kind).label
    if "(£)" in label:
        return money(quantity)
    return f"{quantity:,g}"


def describe(kind: str, values: dict[str, Any], bidder: str) -> str:
    """One sentence in plain words: who claims what about whom."""
    partner = values.get("partner_name", "")
    if kind == ClaimKind.SUBCONTRACT:
        sentence = f"{bidder} will pay {partner} {money(values['amount_per_year'])} a year as a subcontract"
    elif kind == ClaimKind.PARTNERSHIP:
        mechanism = JoinUpMechanism(values["mechanism"]).label.lower()
        cohort = values.get("cohort_name") or "all the people the contract serves"
        sentence = (
            f"{bidder} will work with {partner}'s service “{values['service_name']}” "
            f"through {mechanism}, for {cohort}"
        )
    else:
        label = CommitmentKind(values["kind"]).label
        amount = quantity_text(values["kind"], values["quantity_per_year"])
        sentence = f"{bidder} commits {amount} a year of {label[0].lower()}{label[1:]}, with {partner}"
    description = (values.get("description") or "").strip()
    return f"{sentence}. {description}" if description else f"{sentence}."


def amount_field(kind: str) -> str | None:
    """The claim's number a partner may correct, if it has one."""
    return {
        ClaimKind.SUBCONTRACT.value: "amount_per_year",
        ClaimKind.COMMITMENT.value: "quantity_per_year",
    }.get(kind)


def amount_is_money(kind: str, values: dict[str, Any]) -> bool:
    if kind == ClaimKind.SUBCONTRACT:
        return True
    return kind == ClaimKind.COMMITMENT and "(£)" in CommitmentKind(values["kind"]).label


def amount_label(kind: str, values: dict[str, Any]) -> str:
    if kind == ClaimKind.SUBCONTRACT:
        return "The correct amount, in £ a year"
    label = CommitmentKind(values["kind"]).label
    return f"The correct figure a year: {label[0].lower()}{label[1:]}"


@dataclass(frozen=True, slots=True)
class ClaimView:
    """One claim as the officer, panel and decision report see it."""

    kind: str
    kind_label: str
    claim_pk: int
    partner_name: str
    text: str
    state: str
    state_text: str
    tag_colour: str
    answer: str
    reason: str
    original_text: str  # the bid's own wording, when the partner amended the claim
    answered_at: datetime | None
    responder: str
    invitation_pk: int | None

    @property
    def disputed(self) -> bool:
        return self.state == ClaimState.DISPUTED.value

    @property
    def amended(self) -> bool:
        return self.answer == Answer.AMEND.value


def claims_for_bid(bid: cm.Bid) -> list[ClaimView]:
    """Every claim the bid makes about a partner, with its state and the partner's answer if any."""
    items = {
        (item.kind, item.claim_pk): item
        for item in ClaimItem.objects.filter(invitation__bid=bid).select_related("invitation")
    }
    bidder = bid.bidder.name
    views = []
    for kind, rows in _claim_querysets(bid):
        for row in rows:
            partner = partner_of(kind, row)
            item = items.get((kind, row.pk))
            values = figures(kind, row)
            amended = item is not None and item.answer == Answer.AMEND
            views.append(
                ClaimView(
                    kind=kind,
                    kind_label=ClaimKind(kind).label,
                    claim_pk=row.pk,
                    partner_name=partner.name if partner else "",
                    text=describe(kind, values, bidder),
                    state=row.state,
                    state_text=TAG_TEXT.get(row.state, row.state),
                    tag_colour=TAG_COLOUR.get(row.state, "grey"),
                    answer=item.answer if item else "",
                    reason=item.reason if item else "",
                    original_text=describe(kind, {**values, **item.claimed}, bidder)
                    if amended and item
                    else "",
                    answered_at=item.answered_at if item else None,
                    responder=_responder(item) if item and item.answer else "",
                    invitation_pk=item.invitation_id if item else None,
                )
            )
    return views


def _responder(item: ClaimItem) -> str:
    return ", ".join(part for part in (item.responder_name, item.responder_role) if part)
