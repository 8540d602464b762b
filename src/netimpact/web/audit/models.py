"""Audit events: append-only rows, each chained to the one before by SHA-256 (see recorder.py).

The model and its queryset refuse every edit and deletion; migration 0002 adds database triggers that
refuse them again for anyone going round the ORM (raw SQL, another client). The one-row chain head holds
the number of events and the newest hash: it is the lock two concurrent recordings queue on, and it lets
verify_chain notice events cut from the end of the chain, which the links alone cannot show.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit event."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"Audit events are append-only: {what} is refused. Record a new event instead.")


class AuditKind(models.TextChoices):
    PUBLISHED = "published", "Exercise published"
    CRITERIA_CHANGED = "criteria_changed", "Award criteria changed"
    BID_SUBMITTED = "bid_submitted", "Bid submitted"
    BID_WITHDRAWN = "bid_withdrawn", "Bid withdrawn"
    CLAIM_CONFIRMED = "claim_confirmed", "Claim confirmed by partner"
    CLAIM_DISPUTED = "claim_disputed", "Claim disputed by partner"
    CLAIM_AMENDED = "claim_amended", "Claim amended"
    SCORE_RECORDED = "score_recorded", "Quality score recorded"
    SCORE_MODERATED = "score_moderated", "Quality score moderated"
    EVALUATION_RUN = "evaluation_run", "Net impact evaluation run"
    DECISION_RECORDED = "decision_recorded", "Award decision recorded"
    REGISTER_IMPORTED = "register_imported", "Register imported"
    REGISTER_CHANGED = "register_changed", "Register record changed"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("updating events")

    def delete(self) -> NoReturn:  # type: ignore[override]
        _refuse("deleting events")


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True, editable=False, help_text="1, 2, 3… in order.")
    # NULL, not "", for events about no exercise: a filter on exercise_key never matches them by accident.
    exercise_key = models.CharField(  # noqa: DJ001
        max_length=100,
        null=True,
        blank=True,
        db_index=True,
        help_text="The exercise the event concerns; empty for the register and the site as a whole.",
    )
    kind = models.CharField(max_length=32, choices=AuditKind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        help_text="Empty for someone without an account, e.g. a partner answering by link.",
    )
    actor_label = models.CharField(
        max_length=300, help_text="Who acted, in words, kept so the record outlives the account."
    )
    when = models.DateTimeField(editable=False)
    summary = models.CharField(max_length=500, help_text="What happened, in one sentence.")
    details = models.JSONField(default=dict, blank=True, help_text="What changed: ids, before and after.")
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(
        max_length=64, unique=True, editable=False, help_text="SHA-256 of the previous hash and this content."
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-sequence",)
        verbose_name = "audit event"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_kind_display()}: {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(f"changing event #{self.sequence}")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(f"deleting event #{self.sequence}")


class AuditChainHead(models.Model):
    """The one row (pk 1) that says how long the chain is and how it ends."""

    events = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "audit chain head"

    def __str__(self) -> str:
        return f"{self.events} events, ending {self.last_hash[:12] or 'nowhere'}"
