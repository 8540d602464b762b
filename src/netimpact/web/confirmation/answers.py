"""Reading a partner's answers from the form, and recording them: all the invitation's claims at once.

confirm  -> the claim's state is confirmed
dispute  -> disputed (a reason is required)
amend    -> the claim's figures become the partner's (the bid's are kept on the ClaimItem) and it counts as
            confirmed at them (docs/decisions/0016-an-amended-claim-counts-at-the-partners-figures.md)

A partner may change its answers while the link works (until it expires); each answer is an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from netimpact.web import clock
from netimpact.web.audit.models import AuditKind
from netimpact.web.audit.recorder import record_event

from . import claims
from .models import STATE_OF_ANSWER, Answer, ClaimInvitation, ClaimItem

NAME_LIMIT = 200
REASON_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Problem:
    field: str  # the id of the input the error summary links to
    message: str


@dataclass(slots=True)
class ItemAnswer:
    answer: str
    reason: str = ""
    amended: dict[str, Any] | None = None


@dataclass(slots=True)
class Reply:
    responder_name: str = ""
    responder_role: str = ""
    answers: dict[int, ItemAnswer] = field(default_factory=dict)


def read_number(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").replace("£", "").replace(" ", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


def read_reply(data: Any, items: list[ClaimItem]) -> tuple[Reply, list[Problem]]:
    """The reply as posted, and every problem with it (each naming the claim and what to do)."""
    reply = Reply(
        responder_name=str(data.get("responder-name", "")).strip(),
        responder_role=str(data.get("responder-role", "")).strip(),
    )
    problems: list[Problem] = []
    for number, item in enumerate(items, start=1):
        pk = item.pk
        answer = str(data.get(f"answer-{pk}", ""))
        if answer not in Answer.values:
            problems.append(
                Problem(f"answer-{pk}", f"Select whether you confirm, dispute or amend claim {number}")
            )
            continue
        if answer == Answer.CONFIRM:
            reply.answers[pk] = ItemAnswer(answer)
        elif answer == Answer.DISPUTE:
            reason = str(data.get(f"dispute-reason-{pk}", "")).strip()
            if not reason:
                problems.append(Problem(f"dispute-reason-{pk}", f"Enter why claim {number} is wrong"))
            elif len(reason) > REASON_LIMIT:
                problems.append(
                    Problem(
                        f"dispute-reason-{pk}",
                        f"The reason for claim {number} must be {REASON_LIMIT:,} characters or fewer",
                    )
                )
            else:
                reply.answers[pk] = ItemAnswer(answer, reason=reason)
        else:
            amended, amend_problems = _read_amendment(data, item, number)
            problems += amend_problems
            if not amend_problems:
                reply.answers[pk] = ItemAnswer(
                    answer, reason=str(data.get(f"amend-reason-{pk}", "")).strip(), amended=amended
                )
    if not reply.responder_name:
        problems.append(Problem("responder-name", "Enter your name"))
    elif len(reply.responder_name) > NAME_LIMIT:
        problems.append(Problem("responder-name", f"Your name must be {NAME_LIMIT} characters or fewer"))
    if not reply.responder_role:
        problems.append(Problem("responder-role", "Enter your role at your organisation"))
    elif len(reply.responder_role) > NAME_LIMIT:
        problems.append(Problem("responder-role", f"Your role must be {NAME_LIMIT} characters or fewer"))
    return reply, problems


def _read_amendment(data: Any, item: ClaimItem, number: int) -> tuple[dict[str, Any], list[Problem]]:
    pk = item.pk
    problems: list[Problem] = []
    amended: dict[str, Any] = {}
    figure_name = claims.amount_field(item.kind)
    figure_text = str(data.get(f"amend-figure-{pk}", "")).strip()
    description = str(data.get(f"amend-description-{pk}", "")).strip()
    reason = str(data.get(f"amend-reason-{pk}", "")).strip()
    if figure_name is not None and figure_text:
        value = read_number(figure_text)
        if value is None:
            unit = "pounds a year, like 12,000" if item.kind == "subcontract" else "a year, like 40"
            problems.append(
                Problem(
                    f"amend-figure-{pk}", f"The correct figure for claim {number} must be a number of {unit}"
                )
            )
        else:
            amended[figure_name] = value
    if description:
        amended["description"] = description
    if not problems and not amended:
        where = f"amend-figure-{pk}" if figure_name else f"amend-description-{pk}"
        what = "the correct figure or a corrected description" if figure_name else "a corrected description"
        problems.append(Problem(where, f"Enter {what} for claim {number}"))
    elif not problems and all(item.claimed.get(k) == v for k, v in amended.items()):
        where = f"amend-figure-{pk}" if figure_name and figure_name in amended else f"amend-description-{pk}"
        problems.append(
            Problem(
                where,
                f"What you entered for claim {number} is what the bid says: "
                "select Confirm instead, or change it",
            )
        )
    if not reason:
        problems.append(Problem(f"amend-reason-{pk}", f"Enter why claim {number} needs amending"))
    elif len(reason) > REASON_LIMIT:
        problems.append(
            Problem(
                f"amend-reason-{pk}",
                f"The reason for claim {number} must be {REASON_LIMIT:,} characters or fewer",
            )
        )
    return amended, problems


class ClaimsChanged(Exception):
    """The bid's claims changed since the page was shown (the bid was resubmitted)."""


AUDIT_KIND = {
    Answer.CONFIRM.value: AuditKind.CLAIM_CONFIRMED,
    Answer.DISPUTE.value: AuditKind.CLAIM_DISPUTED,
    Answer.AMEND.value: AuditKind.CLAIM_AMENDED,
}


def record_reply(invitation: ClaimInvitation, reply: Reply, *, user: Any = None) -> None:
    """Write every answer, the claims' states and the audit events, all or nothing.

    user: the signed-in partner, or None for someone using the emailed or printed link.
    """
    now = clock.now()
    with transaction.atomic():
        locked = (
            ClaimInvitation.objects.select_for_update()
            .select_related("bid__exercise", "bid__bidder", "organisation")
            .get(pk=invitation.pk)
        )
        items = list(locked.items.select_for_update().order_by("pk"))
        if {item.pk for item in items} != set(reply.answers):
            raise ClaimsChanged
        bidder = locked.bid.bidder.name
        for item in items:
            given = reply.answers[item.pk]
            row = claims.claim_row(item.kind, item.claim_pk)
            if row is None:
                raise ClaimsChanged
            if item.answer == Answer.AMEND:  # a changed answer starts again from the bid's own figures
                claims.apply_figures(item.kind, row, item.claimed)
            before = claims.describe(item.kind, item.claimed, bidder)
            if given.answer == Answer.AMEND and given.amended:
                claims.apply_figures(item.kind, row, given.amended)
            row.state = STATE_OF_ANSWER[given.answer].value
            row.save()
            item.answer, item.reason = given.answer, given.reason
            item.amended = given.amended if given.answer == Answer.AMEND else None
            item.answered_at = now
            item.responder_name, item.responder_role = reply.responder_name, reply.responder_role
            item.save()
            details: dict[str, Any] = {
                "bid": locked.bid.key,
                "partner": locked.organisation.name,
                "claim": f"{item.kind} {item.claim_pk}",
                "claim_text": before,
                "answer": given.answer,
                "responder_name": reply.responder_name,
                "responder_role": reply.responder_role,
                "via": "partner account" if user is not None else "confirmation link",
            }
            if given.reason:
                details["reason"] = given.reason
            if given.answer == Answer.AMEND:
                details["original"] = {k: item.claimed.get(k) for k in (given.amended or {})}
                details["amended"] = given.amended
            record_event(
                AUDIT_KIND[given.answer],
                actor=user,
                actor_label=None
                if user is not None
                else f"{reply.responder_name} ({reply.responder_role}), {locked.organisation.name}",
                exercise_key=locked.bid.exercise.key,
                summary=f"{locked.organisation.name} {Answer(given.answer).label.lower()} "
                f"a claim in bid {locked.bid.key}: {before}",
                details=details,
            )
        locked.answered_at = now
        locked.responder_name, locked.responder_role = reply.responder_name, reply.responder_role
        locked.save(update_fields=["answered_at", "responder_name", "responder_role"])
