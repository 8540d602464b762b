"""Commissioning exercises and their bids. Each table mirrors a type in netimpact.domain.commissioning.

Money is FloatField in GBP a year, as in the register (docs/decisions/0002-register-storage.md). A bid
names register rows (its bidder, partners, partner services, cohorts): those are protected from deletion
while a bid names them, so a bid's claims never point at nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from netimpact.domain import vocabulary
from netimpact.web import clock
from netimpact.web.register.models import Cohort, EntryPoint, FundingTie, Need, Organisation, Service, Ward

# Float weights are published as decimals such as 0.3 + 0.5 + 0.2; allow rounding in their sum.
WEIGHT_SUM_TOLERANCE = 1e-6


def _claim_state_field(default: vocabulary.ClaimState) -> models.CharField:
    return models.CharField(
        max_length=16, choices=vocabulary.ClaimState.choices(), default=default.value, db_index=True
    )


class ExerciseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


def default_scoring_scale() -> list[str]:
    """A common 0..4 quality scale (as in many council tender packs); officers edit it per question."""
    return [
        "No response, or the response does not answer the question",
        "Poor: major gaps or weaknesses",
        "Adequate: meets the requirement with some gaps",
        "Good: meets the requirement in full",
        "Excellent: exceeds the requirement, with evidence",
    ]


class Exercise(models.Model):
    key = models.CharField("exercise id", max_length=100, unique=True)
    title = models.CharField(max_length=300)
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exercises_commissioned"
    )
    description = models.TextField(blank=True)
    cohorts = models.ManyToManyField(Cohort, related_name="exercises", help_text="Cohorts it serves.")
    budget_per_year = models.FloatField(help_text="£ a year.")
    term_years = models.PositiveSmallIntegerField()
    replaced_streams = models.ManyToManyField(
        FundingTie,
        blank=True,
        related_name="replaced_by_exercises",
        help_text="The incumbents' funding ties the new contract replaces.",
    )
    price_ceiling_per_year = models.FloatField(
        null=True, blank=True, help_text="£ a year; a price above it is non-compliant."
    )
    wards = models.ManyToManyField(Ward, blank=True, related_name="exercises", help_text="None: city-wide.")
    price_weight = models.FloatField(default=0.3)
    quality_weight = models.FloatField(default=0.5)
    net_impact_weight = models.FloatField(default=0.2)
    price_formula = models.CharField(
        max_length=32,
        choices=vocabulary.PriceFormula.choices(),
        default=vocabulary.PriceFormula.BUDGET_ANCHORED.value,
    )
    deadline = models.DateField(null=True, blank=True)
    parameters = models.JSONField(
        default=dict, blank=True, help_text="Overrides of the engine's parameters: {name: number}."
    )
    # Procurement Act 2023 s.23: once published, the award criteria are what bidders rely on; a change
    # afterwards is a CriteriaChange with a reason, and every bidder is told.
    status = models.CharField(
        max_length=16, choices=ExerciseStatus.choices, default=ExerciseStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="exercises_published"
    )

    class Meta:
        ordering = ("key",)
        constraints = (
            models.CheckConstraint(
                condition=Q(price_weight__gte=0, quality_weight__gte=0, net_impact_weight__gte=0),
                name="award_weights_not_negative",
            ),
            # Procurement Act 2023 s.23: the published weights are the whole of the award decision.
            models.CheckConstraint(
                condition=Q(
                    GreaterThanOrEqual(
                        F("price_weight") + F("quality_weight") + F("net_impact_weight"),
                        1 - WEIGHT_SUM_TOLERANCE,
                    ),
                    LessThanOrEqual(
                        F("price_weight") + F("quality_weight") + F("net_impact_weight"),
                        1 + WEIGHT_SUM_TOLERANCE,
                    ),
                ),
                name="award_weights_sum_to_one",
            ),
            models.CheckConstraint(condition=Q(budget_per_year__gte=0), name="budget_not_negative"),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def closes_at(self) -> datetime | None:
        """When bids close: noon UK time on the deadline date; None while no deadline is set."""
        return clock.closes_at(self.deadline) if self.deadline else None

    def bids_sealed(self, at: datetime | None = None) -> bool:
        """True until the deadline has passed: no one may read a bid's content while this holds.

        An exercise without a deadline never opens its bids (there is no moment to open them at).
        """
        closes = self.closes_at
        return closes is None or (at or clock.now()) < closes


class QualityQuestion(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="quality_questions")
    key = models.CharField("question id", max_length=100)
    text = models.TextField()
    weight = models.FloatField(help_text="Share of the quality criterion; an exercise's weights sum to 1.")
    max_score = models.PositiveSmallIntegerField(default=4, help_text="Scores run 0..max_score.")
    scale = models.JSONField(
        default=default_scoring_scale,
        help_text="What each score means, from 0 to max_score: one descriptor per score, shown to bidders.",
    )

    class Meta:
        ordering = ("exercise", "id")
        constraints = (
            models.UniqueConstraint(fields=["exercise", "key"], name="question_id_unique_in_exercise"),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=1), name="question_weight_within_0_1"
            ),
        )

    def __str__(self) -> str:
        return f"{self.key}: {self.text[:60]}"


class CriteriaChangeQuerySet(models.QuerySet["CriteriaChange"]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("A criteria change is a record of what was changed and why: never edited.")


class CriteriaChange(models.Model):
    """A change to a published exercise's award criteria: who, when, why, and the criteria before and after.

    Append-only: bidders were told of it, so the record must stay as it was.
    """

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="criteria_changes")
    changed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="criteria_changes"
    )
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reason = models.TextField(help_text="Why the published criteria changed; sent to every bidder.")
    before = models.JSONField(help_text="The criteria and weights as published before the change.")
    after = models.JSONField(help_text="The criteria and weights after the change.")

    objects = CriteriaChangeQuerySet.as_manager()

    class Meta:
        ordering = ("exercise", "changed_at", "pk")
        constraints = (models.CheckConstraint(condition=~Q(reason=""), name="criteria_change_reason_given"),)

    def __str__(self) -> str:
        return f"{self.exercise.key}: criteria changed {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("A criteria change is never edited; record another change instead.")
        if not self.reason.strip():
            raise ValueError("A criteria change needs a reason.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class BidStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Bid(models.Model):
    """A bid. Sealed until its exercise's deadline (netimpact.web.commissioning.sealing): before then
    only its own bidder reads it; after it, no bidder changes it. Only submitted bids are evaluated."""

    key = models.CharField("bid id", max_length=100, unique=True)
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="bids")
    bidder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bids")
    title = models.CharField(max_length=300)
    # Empty only on a draft the bidder has not priced yet: submission needs it (bidding/submission.py).
    price_per_year = models.FloatField(null=True, blank=True, help_text="£ a year.")
    # The service the bid would run if it won (domain BidService), kept on the bid: one per bid.
    service_name = models.CharField(max_length=300, blank=True)
    service_needs = models.ManyToManyField(Need, blank=True, related_name="bids")
    service_capacity_per_year = models.FloatField(null=True, blank=True, help_text="People a year.")
    service_eligible_cohorts = models.ManyToManyField(Cohort, blank=True, related_name="bids_serving")
    service_wards = models.ManyToManyField(Ward, blank=True, related_name="bids")
    service_entry_points = models.ManyToManyField(EntryPoint, blank=True, related_name="bids")
    # Local spend (R2 of NEF's LM3): both empty means the bid stated none and the engine uses NEF's shares.
    local_staff_wages = models.FloatField(null=True, blank=True, help_text="£ a year paid to local staff.")
    local_suppliers = models.FloatField(
        null=True, blank=True, help_text="£ a year spent with local suppliers."
    )
    quality_score = models.FloatField(
        null=True, blank=True, help_text="Moderated quality score, 0..1 of the maximum."
    )
    summary = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=BidStatus.choices, default=BidStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The bidder portal's bookkeeping: who started the draft, when it was last saved (clock.now()), and a
    # version every save raises, so two tabs saving the same draft cannot silently overwrite each other.
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="bids_started"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save (optimistic locking).")

    class Meta:
        ordering = ("exercise", "key")
        constraints = (
            models.CheckConstraint(
                condition=Q(local_staff_wages__isnull=True, local_suppliers__isnull=True)
                | Q(local_staff_wages__isnull=False, local_suppliers__isnull=False),
                name="local_spend_stated_whole_or_not_at_all",
            ),
            models.CheckConstraint(
                condition=Q(quality_score__isnull=True) | Q(quality_score__gte=0, quality_score__lte=1),
                name="quality_score_within_0_1",
            ),
            models.CheckConstraint(condition=Q(price_per_year__gte=0), name="bid_price_not_negative"),
        )

    def __str__(self) -> str:
        # The reference only: a bid is named in places the sealing rule does not reach (the admin's
        # delete confirmations and protected-object lists), and its title is part of its sealed content.
        return f"Bid {self.key}"


class BidAnswer(models.Model):
    """A bid's answer to one of its exercise's quality questions: written in the bidder portal, scored by
    the panel. Sealed with its bid."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QualityQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("bid", "question")
        constraints = (
            models.UniqueConstraint(fields=["bid", "question"], name="one_answer_per_question_per_bid"),
        )

    def __str__(self) -> str:
        return f"{self.bid.key}: answer to {self.question.key}"


def attachment_path(attachment: BidAttachment, filename: str) -> str:
    """Under MEDIA_ROOT/private/, which no URL serves: files are read only through the bidding views."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/bids/{attachment.bid.key}/{uuid.uuid4().hex}.{suffix}"


class BidAttachment(models.Model):
    """A file a bidder attaches to a bid (a policy, accounts, a letter of support). Sealed with its bid;
    stored under a random name in a folder no URL serves."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(max_length=255, help_text="The file's name as uploaded.")
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="bid_attachments"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ("bid", "uploaded_at", "pk")

    def __str__(self) -> str:
        return f"{self.bid.key}: {self.name}"


class PartnerContact(models.Model):
    """Who at a partner organisation a bid names should confirm its claims: given by the bidder in the
    portal, read by partner confirmation to send the link (or print it, where there is no email)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="partner_contacts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="named_contacts")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ("bid", "organisation")
        constraints = (
            models.UniqueConstraint(fields=["bid", "organisation"], name="one_contact_per_partner_per_bid"),
        )

    def __str__(self) -> str:
        return f"{self.bid.key}: contact at {self.organisation.name}"


class Subcontract(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="subcontracts")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="subcontracts_offered")
    amount_per_year = models.FloatField(help_text="£ a year.")
    state = _claim_state_field(vocabulary.ClaimState.UNANSWERED)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("bid", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(amount_per_year__gte=0), name="subcontract_amount_not_negative"
            ),
        )

    def __str__(self) -> str:
        return f"£{self.amount_per_year:,.0f} a year to {self.partner.name}"


class Partnership(models.Model):
    """A join-up claim: the bid's service will work with the partner's service for a cohort."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="partnerships")
    partner_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="partnerships_claimed"
    )
    mechanism = models.CharField(max_length=32, choices=vocabulary.JoinUpMechanism.choices())
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text="None: all the exercise's cohorts.",
    )
    state = _claim_state_field(vocabulary.ClaimState.UNANSWERED)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("bid", "id")

    def __str__(self) -> str:
        return f"{vocabulary.JoinUpMechanism(self.mechanism).label} with {self.partner_service.name}"


class Commitment(models.Model):
    """An ecosystem commitment, counted per year over the term."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(max_length=32, choices=vocabulary.CommitmentKind.choices(), db_index=True)
    quantity_per_year = models.FloatField(help_text="In the unit the kind names, a year.")
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments_benefiting"
    )
    state = _claim_state_field(vocabulary.ClaimState.CONFIRMED)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("bid", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(quantity_per_year__gte=0), name="commitment_quantity_not_negative"
            ),
        )

    def __str__(self) -> str:
        return f"{vocabulary.CommitmentKind(self.kind).label}: {self.quantity_per_year:g} a year"


class EvaluationRunQuerySet(models.QuerySet["EvaluationRun"]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("An evaluation run is a record of what was shown: it is never edited, only added.")


class EvaluationRun(models.Model):
    """One run of the impact engine on an exercise, kept as run: append-only, the latest is shown.

    `inputs_hash` is the bundle hash (netimpact.bundle.bundle_hash) of the register, exercise and bids as
    they stood when the run was made; when today's hash differs, the run is stale.
    """

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="evaluation_runs")
    seed = models.BigIntegerField(help_text="Random seed: the same inputs and seed give the same result.")
    draws = models.PositiveIntegerField(help_text="Monte Carlo draws.")
    parameter_set = models.CharField(max_length=100, help_text="Name of the engine's parameter set.")
    parameter_version = models.CharField(max_length=50)
    netimpact_version = models.CharField(max_length=50)
    inputs_hash = models.CharField(
        max_length=80, help_text="sha256 of the canonical bundle of register, exercise and bids."
    )
    result = models.JSONField(help_text="Evaluation.to_dict(), with undefined figures as null.")
    labels = models.JSONField(
        default=dict,
        help_text="Names and scores read from the inputs at run time (bidders, cohorts, quality scores), "
        "so the page shows the run as it was even if the register changes later.",
    )
    run_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluation_runs"
    )
    run_at = models.DateTimeField(auto_now_add=True, db_index=True)
    seconds_taken = models.FloatField(help_text="Seconds the engine took.")

    objects = EvaluationRunQuerySet.as_manager()

    class Meta:
        ordering = ("-run_at", "-pk")
        get_latest_by = ("run_at", "pk")
        constraints = (
            models.CheckConstraint(condition=Q(draws__gte=1), name="evaluation_draws_positive"),
            models.CheckConstraint(condition=Q(seconds_taken__gte=0), name="evaluation_time_not_negative"),
        )

    def __str__(self) -> str:
        return f"{self.exercise.key}: {self.draws} draws, seed {self.seed}, {self.run_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("An evaluation run is never edited; run the evaluation again instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
