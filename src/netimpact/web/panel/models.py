"""The evaluation panel of an exercise: who sits on it, their declarations of interest, their own scores,
and the scores the panel agrees at moderation.

Each member's score is its own row, so two members saving at the same moment never touch the same row;
a row's `version` goes up by one on every save, and a save names the version it was read at (optimistic
concurrency: a later save from a stale page is refused, never silently applied). Scoring rules live in
rules.py; the pages in views.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from netimpact.web.commissioning.models import Bid, Exercise, QualityQuestion
from netimpact.web.register.models import Organisation


class PanelMembership(models.Model):
    """A panel member sitting on one exercise's panel, chosen by a commissioning officer."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="panel_memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ("exercise", "member__username")
        constraints = (models.UniqueConstraint(fields=["exercise", "member"], name="one_seat_per_member"),)

    def __str__(self) -> str:
        return f"{self.member} on {self.exercise.key}"


class Declaration(models.Model):
    """A member's signed declaration of interests in an exercise's bidders. Never edited: a member who
    has something new to declare makes a new declaration, and the latest one counts."""

    membership = models.ForeignKey(PanelMembership, on_delete=models.CASCADE, related_name="declarations")
    declared_at = models.DateTimeField(db_index=True)
    signed_name = models.CharField(max_length=200, help_text="The member's full name, typed as a signature.")

    class Meta:
        ordering = ("membership", "-declared_at", "-pk")
        get_latest_by = ("declared_at", "pk")

    def __str__(self) -> str:
        return f"{self.membership}: declared {self.declared_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("A declaration of interest is never edited; make a new declaration instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class DeclaredInterest(models.Model):
    """One line of a declaration: whether the member has an interest in one bidder organisation."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    has_interest = models.BooleanField()
    details = models.TextField(blank=True)

    class Meta:
        ordering = ("declaration", "organisation__name")
        constraints = (
            models.UniqueConstraint(
                fields=["declaration", "organisation"], name="one_line_per_bidder_per_declaration"
            ),
            # An interest is declared with what it is; "none" needs no details.
            models.CheckConstraint(
                condition=Q(has_interest=False) | ~Q(details=""), name="interest_declared_with_details"
            ),
        )

    def __str__(self) -> str:
        return f"{self.organisation}: {'interest' if self.has_interest else 'none'}"


class ScoreStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class MemberScore(models.Model):
    """One member's own score of one bid's answer to one quality question, with the justification.

    Seen by no one else (not other members, not the officer) until moderation opens."""

    membership = models.ForeignKey(PanelMembership, on_delete=models.CASCADE, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="member_scores")
    question = models.ForeignKey(QualityQuestion, on_delete=models.CASCADE, related_name="member_scores")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    justification = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=ScoreStatus.choices, default=ScoreStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("membership", "bid", "question")
        constraints = (
            models.UniqueConstraint(
                fields=["membership", "bid", "question"], name="one_score_per_member_bid_question"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(score__isnull=False) & ~Q(justification="")),
                name="submitted_score_is_complete",
            ),
        )

    def __str__(self) -> str:
        return f"{self.membership.member}: {self.bid.key} / {self.question.key}"

    @property
    def is_scored(self) -> bool:
        return self.score is not None and bool(self.justification.strip())


class Moderation(models.Model):
    """The moderation meeting of an exercise's panel: opened once by an officer; from then on every
    member's submitted scores are shown side by side and the members' own scores are frozen."""

    exercise = models.OneToOneField(Exercise, on_delete=models.CASCADE, related_name="moderation")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(
        blank=True, help_text="Why moderation opened before every member had submitted; empty if all had."
    )

    def __str__(self) -> str:
        return f"Moderation of {self.exercise.key}, opened {self.opened_at:%Y-%m-%d %H:%M}"


class ModeratedScore(models.Model):
    """The score the panel agrees for one bid and question, with its rationale. Locked: unchangeable
    until unlocked with a reason (each lock and unlock is a ModerationLockEvent and an audit event)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="moderated_scores")
    question = models.ForeignKey(QualityQuestion, on_delete=models.CASCADE, related_name="moderated_scores")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("bid", "question")
        constraints = (
            models.UniqueConstraint(fields=["bid", "question"], name="one_moderated_score_per_bid_question"),
            models.CheckConstraint(
                condition=Q(locked_at__isnull=True)
                | (Q(score__isnull=False) & ~Q(rationale="") & Q(locked_by__isnull=False)),
                name="locked_score_is_complete",
            ),
        )

    def __str__(self) -> str:
        return f"{self.bid.key} / {self.question.key}: {self.score}"

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class LockAction(models.TextChoices):
    LOCKED = "locked", "Locked"
    UNLOCKED = "unlocked", "Unlocked"


class ModerationLockEvent(models.Model):
    """Each lock and unlock of a moderated score: who, when, the score, and (for an unlock) why."""

    moderated = models.ForeignKey(ModeratedScore, on_delete=models.CASCADE, related_name="lock_events")
    action = models.CharField(max_length=16, choices=LockAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ("moderated", "at", "pk")
        constraints = (
            models.CheckConstraint(
                condition=Q(action="locked") | ~Q(reason=""), name="unlock_needs_a_reason"
            ),
        )

    def __str__(self) -> str:
        return f"{self.moderated}: {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("A lock or unlock is a record: never edited.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
