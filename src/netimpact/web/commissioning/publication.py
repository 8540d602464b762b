"""Publishing an exercise and changing its published criteria.

Procurement Act 2023 s.23: the award criteria and their weights are published before bids are made, and
bidders rely on them. So publication checks the exercise is complete, and a later change is recorded with
its reason (CriteriaChange, append-only) and emailed to every bidder who has a bid on the exercise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from netimpact.domain.validation import SHARE_TOLERANCE
from netimpact.web.accounts.models import Role, User
from netimpact.web.audit.models import AuditKind
from netimpact.web.audit.recorder import record_event

from . import models as m

# The Health Care Services (Provider Selection Regime) Regulations 2023 (SI 2023/1348), regulation 5 and
# Schedule (key criteria): every award under the regime considers these five.
PSR_KEY_CRITERIA = (
    "Quality and innovation",
    "Value",
    "Integration, collaboration and service sustainability",
    "Improving access, reducing health inequalities and facilitating choice",
    "Social value",
)


@dataclass(frozen=True, slots=True)
class PublicationProblem:
    field: str  # the anchor on the check-your-answers page the problem links to
    message: str


def publication_problems(exercise: m.Exercise, today: date | None = None) -> list[PublicationProblem]:
    """Why the exercise cannot be published yet; empty when it can."""
    today = today or timezone.localdate()
    problems: list[PublicationProblem] = []
    if exercise.budget_per_year <= 0:
        problems.append(PublicationProblem("details", "The budget per year must be more than £0"))
    if exercise.term_years <= 0:
        problems.append(PublicationProblem("details", "The term must be at least one year"))
    if exercise.deadline is None:
        problems.append(PublicationProblem("details", "Enter the deadline for bids"))
    elif exercise.deadline <= today:
        problems.append(
            PublicationProblem(
                "details", f"The deadline for bids ({exercise.deadline:%-d %B %Y}) must be in the future"
            )
        )
    if not exercise.cohorts.exists():
        problems.append(PublicationProblem("details", "Select at least one cohort the intervention serves"))
    weights = exercise.price_weight + exercise.quality_weight + exercise.net_impact_weight
    if not math.isclose(weights, 1.0, abs_tol=SHARE_TOLERANCE):
        problems.append(
            PublicationProblem("criteria", f"The award weights add up to {weights:.0%}, not 100%")
        )
    questions = list(exercise.quality_questions.all())
    if not questions:
        problems.append(PublicationProblem("questions", "Add at least one quality question"))
    else:
        shares = sum(q.weight for q in questions)
        if not math.isclose(shares, 1.0, abs_tol=SHARE_TOLERANCE):
            problems.append(
                PublicationProblem(
                    "questions", f"The quality questions' shares add up to {shares * 100:g}%, not 100%"
                )
            )
        for number, question in enumerate(questions, start=1):
            if len(question.scale) != question.max_score + 1:
                problems.append(
                    PublicationProblem(
                        "questions",
                        f"Question {number}'s scoring scale needs {question.max_score + 1} descriptors, "
                        f"one for each score from 0 to {question.max_score}",
                    )
                )
    # A replaced stream is a register row; the register may have been reloaded since it was chosen.
    if exercise.replaced_streams.filter(recipient__isnull=True).exists():
        problems.append(
            PublicationProblem("details", "A replaced funding stream is no longer in the register")
        )
    return problems


def criteria_snapshot(exercise: m.Exercise) -> dict[str, Any]:
    """The award criteria as bidders see them: weights, price formula and the quality questions."""
    return {
        "price_weight": exercise.price_weight,
        "quality_weight": exercise.quality_weight,
        "net_impact_weight": exercise.net_impact_weight,
        "price_formula": exercise.price_formula,
        "quality_questions": [
            {"key": q.key, "text": q.text, "weight": q.weight, "max_score": q.max_score, "scale": q.scale}
            for q in exercise.quality_questions.order_by("pk")
        ],
    }


def publish(exercise: m.Exercise, by: User) -> None:
    problems = publication_problems(exercise)
    if problems:
        raise ValueError("; ".join(p.message for p in problems))
    exercise.status = m.ExerciseStatus.PUBLISHED
    exercise.published_at = timezone.now()
    exercise.published_by = by
    with transaction.atomic():  # published and recorded, or neither
        exercise.save(update_fields=["status", "published_at", "published_by"])
        _record(
            AuditKind.PUBLISHED,
            by,
            exercise,
            f"Published ‘{exercise.title}’ with its award criteria",
            {"criteria": criteria_snapshot(exercise)},
        )


@dataclass(frozen=True, slots=True)
class Notice:
    change: m.CriteriaChange
    emailed: list[User]
    without_email: list[User]


def bidders_of(exercise: m.Exercise) -> list[User]:
    """Everyone who speaks for an organisation with a bid on the exercise."""
    return list(
        User.objects.filter(
            role=Role.BIDDER, is_active=True, organisation__in=exercise.bids.values("bidder")
        ).order_by("username")
    )


def change_criteria(exercise: m.Exercise, criteria: dict[str, Any], reason: str, by: User) -> Notice:
    """Change a published exercise's award weights and price formula, record why, tell every bidder."""
    if exercise.status != m.ExerciseStatus.PUBLISHED:
        raise ValueError("Only a published exercise's criteria change with a recorded reason.")
    if not reason.strip():
        raise ValueError("A change to published criteria needs a reason.")
    with transaction.atomic():
        before = criteria_snapshot(exercise)
        for name, value in criteria.items():
            setattr(exercise, name, value)
        exercise.save(update_fields=list(criteria))
        change = m.CriteriaChange.objects.create(
            exercise=exercise,
            changed_by=by,
            reason=reason.strip(),
            before=before,
            after=criteria_snapshot(exercise),
        )
        _record(
            AuditKind.CRITERIA_CHANGED,
            by,
            exercise,
            f"Changed the published award criteria: {change.reason}",
            {"reason": change.reason, "before": before, "after": change.after},
        )
    bidders = bidders_of(exercise)
    emailed = [b for b in bidders if b.email]
    # One message per bidder: bidders must not learn who else is bidding from the address list.
    for bidder in emailed:
        send_mail(
            subject=f"The award criteria for ‘{exercise.title}’ have changed",
            message=change_email_text(exercise, change),
            from_email=None,
            recipient_list=[bidder.email],
        )
    return Notice(change, emailed, [b for b in bidders if not b.email])


def change_email_text(exercise: m.Exercise, change: m.CriteriaChange) -> str:
    def weights(snapshot: dict[str, Any]) -> str:
        return (
            f"price {snapshot['price_weight']:.0%}, quality {snapshot['quality_weight']:.0%}, "
            f"net impact {snapshot['net_impact_weight']:.0%}, price formula {snapshot['price_formula']}"
        )

    return (
        f"The commissioning officer has changed the published award criteria for ‘{exercise.title}’ "
        f"({exercise.key}).\n\nReason: {change.reason}\n\nBefore: {weights(change.before)}\n"
        f"After: {weights(change.after)}\n\nThe criteria as they now stand are published at "
        f"/exercises/{exercise.key}/criteria/ on the netimpact service.\n"
    )


def _record(kind: AuditKind, by: User, exercise: m.Exercise, summary: str, details: dict[str, Any]) -> None:
    record_event(kind, actor=by, exercise_key=exercise.key, summary=summary, details=details)
