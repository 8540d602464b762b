"""Evaluation jobs (an evaluation run in the background, with its progress) and award decisions.

A decision is append-only: a later decision supersedes the one before it with a reason, and the earlier
one stays on record, as an audit trail of the award must (Procurement Act 2023 s.50 contract award
notices rely on it). Each decision names the evaluation run it relied on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.db import models
from django.db.models import Q

from netimpact.web import clock
from netimpact.web.commissioning.models import Bid, EvaluationRun, Exercise


def now_by_clock() -> datetime:
    """netimpact's clock, looked up at each call so a test that stops the clock sets these times too."""
    return clock.now()


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class EvaluationJob(models.Model):
    """One request to evaluate an exercise, run in a worker thread; `run` is the result once done."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="evaluation_jobs")
    draws = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    with_sensitivity = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    progress = models.FloatField(default=0.0, help_text="Share done, 0 to 1.")
    stage = models.CharField(max_length=200, blank=True, help_text="What the job is doing, in words.")
    error = models.TextField(blank=True, help_text="Why the job failed, for the officer.")
    run = models.ForeignKey(
        EvaluationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluation_jobs"
    )
    requested_at = models.DateTimeField(default=now_by_clock)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        default=now_by_clock, help_text="Last sign of life from the worker; a silent job is stale."
    )
    worker = models.CharField(max_length=200, blank=True, help_text="host:process:start token.")

    class Meta:
        ordering = ("-requested_at", "-pk")
        constraints = (
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=1), name="job_progress_0_1"),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.FAILED) | ~Q(error=""), name="failed_job_says_why"
            ),
        )

    def __str__(self) -> str:
        return f"{self.exercise.key}: evaluation job {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class DecisionQuerySet(models.QuerySet["Decision"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("A decision is a record: record a new decision that supersedes it instead.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise TypeError("A decision is a record: it is never deleted.")


class Decision(models.Model):
    """The officer's award decision: which bid (or no award), why, and the evaluation it relied on."""

    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="decisions")
    bid = models.ForeignKey(
        Bid,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="The bid awarded; empty for no award.",
    )
    reasons = models.TextField(help_text="Why: the reasons the award notice and any challenge rely on.")
    evaluation_run = models.ForeignKey(EvaluationRun, on_delete=models.PROTECT, related_name="decisions")
    run_was_stale = models.BooleanField(
        help_text="The register, exercise or bids had changed since the run when the decision was made."
    )
    quality_scores_missing = models.JSONField(
        default=list, blank=True, help_text="Bids without a moderated quality score when decided."
    )
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    decided_by_label = models.CharField(max_length=300, help_text="Who decided, kept as it was.")
    decided_at = models.DateTimeField(default=now_by_clock, db_index=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The decision this one replaces; each is replaced at most once.",
    )
    supersede_reason = models.TextField(blank=True, help_text="Why the earlier decision was replaced.")

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ("exercise", "decided_at", "pk")
        get_latest_by = ("decided_at", "pk")
        constraints = (
            models.CheckConstraint(condition=~Q(reasons=""), name="decision_reasons_given"),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True, supersede_reason="")
                | (Q(supersedes__isnull=False) & ~Q(supersede_reason="")),
                name="superseding_decision_says_why",
            ),
            # Only the first decision of an exercise supersedes nothing: two officers cannot both start.
            models.UniqueConstraint(
                fields=["exercise"], condition=Q(supersedes__isnull=True), name="one_first_decision"
            ),
        )

    def __str__(self) -> str:
        what = f"award to {self.bid.key}" if self.bid_id else "no award"  # type: ignore[union-attr]
        return f"{self.exercise.key}: {what} ({self.decided_at:%Y-%m-%d %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("A decision is never edited; record a new decision that supersedes it.")
        if not self.reasons.strip():
            raise ValueError("A decision needs its reasons.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("A decision is a record: it is never deleted.")

    @property
    def is_award(self) -> bool:
        return self.bid_id is not None
