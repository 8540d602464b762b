"""Record audit events and verify their chain.

Each event's hash is SHA-256 over the previous event's hash followed by the event's own content as
canonical JSON (sorted keys, no spaces, UTC time), so changing or removing any stored event breaks every
link after it; the chain head's count and last hash catch events cut from the end.

    record_event(AuditKind.BID_SUBMITTED, actor=request.user, exercise_key="EX-1",
                 summary="Bid B-3 submitted by Riverside Trust.", details={"bid": "B-3"})
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from netimpact.engine.report import ranked_bids

from .models import AuditChainHead, AuditEvent, AuditKind

GENESIS_HASH = "0" * 64
HEAD_PK = 1
# An in-memory or busy SQLite database answers "locked" at once instead of waiting; PostgreSQL queues on
# the head row's lock and never needs these. 100 tries 10-50 ms apart wait at most about 3 seconds.
LOCKED_RETRIES, LOCKED_PAUSE_SECONDS = 100, 0.01


class AuditChainError(Exception):
    """The stored chain is inconsistent (tampered with), so no event can be appended to it."""


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place the chain does not verify: the event's sequence number and why."""

    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"event #{self.sequence}: {self.reason}"


def record_event(
    kind: AuditKind | str,
    *,
    actor: Any,
    exercise_key: str | None = None,
    summary: str,
    details: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event. actor: a User, or None (then actor_label says who, e.g. a partner by link).

    Runs in its own savepoint, so inside a caller's transaction the event commits or rolls back with it.
    """
    kind = AuditKind(kind)  # ValueError names the unknown kind
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label or (_user_label(user) if user is not None else "")
    if not label:
        raise ValueError("record_event needs an actor: a signed-in user, or actor_label saying who acted")
    if not summary.strip():
        raise ValueError("record_event needs a summary: one sentence saying what happened")
    plain_details = _plain_json(details or {}, "details")
    for attempt in range(LOCKED_RETRIES):
        try:
            with transaction.atomic():
                return _append(kind, user, label, exercise_key, summary.strip(), plain_details)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == LOCKED_RETRIES - 1:
                raise
        time.sleep(LOCKED_PAUSE_SECONDS * (1 + attempt % 5))
    raise AssertionError("unreachable")  # the loop returns or raises


def _append(
    kind: AuditKind, user: Any, label: str, exercise_key: str | None, summary: str, details: dict[str, Any]
) -> AuditEvent:
    _ensure_head()
    # Taking the head row's write lock first makes concurrent recordings queue here (a row lock on
    # PostgreSQL, the database write lock on SQLite) before either reads where the chain ends.
    AuditChainHead.objects.filter(pk=HEAD_PK).update(events=F("events") + 1)
    head = AuditChainHead.objects.get(pk=HEAD_PK)
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    last_sequence, last_hash = (last.sequence, last.hash) if last else (0, GENESIS_HASH)
    if head.events != last_sequence + 1 or (last and head.last_hash != last_hash):
        raise AuditChainError(
            f"The audit chain head says {head.events - 1} events ending {head.last_hash[:12]!r} but the "
            f"table ends at #{last_sequence} {last_hash[:12]!r}: run verify_chain() and investigate."
        )
    event = AuditEvent(
        sequence=head.events,
        exercise_key=exercise_key or None,
        kind=kind.value,
        actor=user,
        actor_label=label,
        when=timezone.now(),
        summary=summary,
        details=details,
        previous_hash=last_hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=HEAD_PK).update(last_hash=event.hash)
    return event


def _ensure_head() -> None:
    # A head created here while events exist fails _append's check, which rolls the creation back too.
    # (Checking for events here instead would race: another recording may commit the first event between.)
    if AuditChainHead.objects.filter(pk=HEAD_PK).exists():
        return
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=HEAD_PK, events=0, last_hash="")
    except IntegrityError:
        pass  # another recording created it first


def record_evaluation_run(run: Any) -> AuditEvent:
    """The evaluation_run event for a stored commissioning EvaluationRun: how it was run and who won."""
    result = run.result or {}
    ranking = result.get("ranking") or {}
    award = ranking.get("award_score_median") or {}
    order = ranked_bids(result) if result.get("bids") else []
    winner = order[0] if order and award.get(order[0]) is not None else None
    titles = {b["bid"]: b.get("title", b["bid"]) for b in result.get("bids", [])}
    outcome = (
        f"{titles[winner]} ({winner}) ranks first"
        if winner
        else f"no bid ranks first ({ranking.get('reason') or 'no award scores'})"
    )
    return record_event(
        AuditKind.EVALUATION_RUN,
        actor=run.run_by,
        actor_label=None if run.run_by else "The system (no signed-in officer)",
        exercise_key=run.exercise.key,
        summary=f"Net impact evaluated with {run.draws:,} draws (seed {run.seed}): {outcome}.",
        details={
            "evaluation_run": run.pk,
            "draws": run.draws,
            "seed": run.seed,
            "parameter_set": run.parameter_set,
            "parameter_version": run.parameter_version,
            "netimpact_version": run.netimpact_version,
            "inputs_hash": run.inputs_hash,
            "ranking_status": ranking.get("status"),
            "winner": winner,
            "winner_award_score_median": award.get(winner) if winner else None,
            "winner_probability": (ranking.get("win_probability") or {}).get(winner) if winner else None,
            "ranked_bids": order,
        },
    )


# ------------------------------------------------------------------------------------------ the chain


def canonical_content(event: AuditEvent) -> str:
    """The event's content as one canonical JSON string: what its hash covers, besides the last hash."""
    when: datetime = event.when
    return json.dumps(
        {
            "sequence": event.sequence,
            "kind": event.kind,
            "exercise_key": event.exercise_key,
            "actor_id": event.actor_id,
            "actor_label": event.actor_label,
            "when": when.astimezone(UTC).isoformat(timespec="microseconds"),
            "summary": event.summary,
            "details": _integral_floats_as_ints(event.details),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256((event.previous_hash + canonical_content(event)).encode("utf-8")).hexdigest()


def verify_chain() -> ChainBreak | None:
    """None if every event links to the one before and hashes to what it stores; else the first break."""
    previous_sequence, previous_hash = 0, GENESIS_HASH
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        if event.sequence != previous_sequence + 1:
            return ChainBreak(previous_sequence + 1, "missing: the event was deleted")
        if event.previous_hash != previous_hash:
            return ChainBreak(event.sequence, "does not link to the event before it")
        if event_hash(event) != event.hash:
            return ChainBreak(event.sequence, "its content was changed after it was recorded")
        previous_sequence, previous_hash = event.sequence, event.hash
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    if head is None:
        return ChainBreak(1, "the chain head is missing") if previous_sequence else None
    if head.events != previous_sequence or head.last_hash != (previous_hash if previous_sequence else ""):
        return ChainBreak(previous_sequence + 1, f"missing: the chain head counts {head.events} events")
    return None


def _user_label(user: Any) -> str:
    name = user.get_full_name() or user.get_username()
    role = getattr(user, "role_label", "")
    return f"{name} ({role})" if role else name


def _plain_json(value: dict[str, Any], where: str) -> dict[str, Any]:
    """Details as plain JSON (dates and decimals as text), exactly as the database will give them back."""
    try:
        plain = json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise ValueError(f"record_event {where} must be JSON without NaN or infinity: {error}") from error
    if not isinstance(plain, dict):
        raise ValueError(f"record_event {where} must be a mapping, not {type(value).__name__}")
    return _integral_floats_as_ints(plain)


def _integral_floats_as_ints(value: Any) -> Any:
    # PostgreSQL's jsonb gives 1e20 back as the integer 100000000000000000000: hash whole floats as ints.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral_floats_as_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(v) for v in value]
    return value
