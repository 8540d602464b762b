"""The panel's rules, apart from the pages: who sits on a panel, declarations of interest, members' own
scores, moderation, locking, and the bid's quality score that locking sets.

Every write is all or nothing (transaction.atomic). Saves of a score name the version they were read at;
a save from a stale page is refused with the stored version, never applied over it (optimistic
concurrency, the same on SQLite and PostgreSQL: a conditional UPDATE ... WHERE version = n).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from netimpact.web import clock
from netimpact.web.accounts.models import Role, User
from netimpact.web.audit.models import AuditKind
from netimpact.web.audit.recorder import record_event
from netimpact.web.commissioning import models as cm
from netimpact.web.commissioning.sealing import opened_bids
from netimpact.web.register.models import Organisation

from . import models as pm


class PanelRuleError(ValueError):
    """An action the panel's rules refuse; the message says why, in the commissioner's words. `field`
    names what was wrong ("score", "rationale", "reason"), or is empty when it is no one field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# ----------------------------------------------------------------------------------------- membership


def membership_of(exercise: cm.Exercise, user: Any) -> pm.PanelMembership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return pm.PanelMembership.objects.filter(exercise=exercise, member=user).first()


def may_reach_panel(exercise: cm.Exercise, user: Any) -> bool:
    """Officers reach every exercise's panel pages; panel members only the panels they sit on."""
    role = getattr(user, "role", None)
    if role == Role.OFFICER:
        return True
    return role == Role.PANEL and membership_of(exercise, user) is not None


def set_members(exercise: cm.Exercise, members: Iterable[User], by: User) -> None:
    """Seat exactly `members` on the exercise's panel. A member who has scored cannot be removed, and
    the panel is fixed once moderation opens."""
    wanted = {u.pk: u for u in members}
    if any(u.role != Role.PANEL for u in wanted.values()):
        raise PanelRuleError("Only people with the panel member role can sit on a panel.")
    with transaction.atomic():
        if moderation_of(exercise) is not None:
            raise PanelRuleError("Moderation has opened: the panel can no longer change.")
        seated = {s.member_id: s for s in pm.PanelMembership.objects.filter(exercise=exercise)}
        for member_id, seat in seated.items():
            if member_id not in wanted:
                if seat.scores.exists():
                    raise PanelRuleError(
                        f"{seat.member.get_username()} has already scored bids, so cannot leave the panel."
                    )
                seat.delete()
        now = clock.now()
        for member_id, user in wanted.items():
            if member_id not in seated:
                pm.PanelMembership.objects.create(exercise=exercise, member=user, added_by=by, added_at=now)


# --------------------------------------------------------------------------------------- declarations


def bidder_organisations(exercise: cm.Exercise) -> list[Organisation]:
    """The organisations whose bids the panel scores. BidsSealed before the deadline: who bid is part
    of the sealed bids."""
    ids = opened_bids(exercise).values_list("bidder_id", flat=True)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def latest_declaration(membership: pm.PanelMembership) -> pm.Declaration | None:
    return membership.declarations.prefetch_related("interests__organisation").first()


def undeclared(membership: pm.PanelMembership, bidders: list[Organisation]) -> list[Organisation]:
    """Bidders the member's latest declaration does not cover: they must declare before seeing bids."""
    latest = latest_declaration(membership)
    covered = {i.organisation_id for i in latest.interests.all()} if latest else set()
    return [o for o in bidders if o.pk not in covered]


def conflicted_organisation_ids(membership: pm.PanelMembership) -> set[int]:
    latest = latest_declaration(membership)
    return {i.organisation_id for i in latest.interests.all() if i.has_interest} if latest else set()


def declare(
    membership: pm.PanelMembership,
    lines: Mapping[int, tuple[bool, str]],
    signed_name: str,
    bidders: list[Organisation],
) -> pm.Declaration:
    """Record a signed declaration: for each bidder organisation (pk), (has an interest, details)."""
    missing = [o.name for o in bidders if o.pk not in lines]
    if missing:
        raise PanelRuleError("Say whether you have an interest in " + ", ".join(missing) + ".")
    if not signed_name.strip():
        raise PanelRuleError("Type your full name to sign the declaration.")
    with transaction.atomic():
        declaration = pm.Declaration.objects.create(
            membership=membership, declared_at=clock.now(), signed_name=signed_name.strip()
        )
        pm.DeclaredInterest.objects.bulk_create(
            [
                pm.DeclaredInterest(
                    declaration=declaration,
                    organisation_id=org.pk,
                    has_interest=lines[org.pk][0],
                    details=lines[org.pk][1].strip() if lines[org.pk][0] else "",
                )
                for org in bidders
            ]
        )
    return declaration


# -------------------------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """What a member typed for one question: the score (None: none chosen), the justification, and the
    version of the stored score the page was read at (0: there was none)."""

    score: int | None
    justification: str
    version: int


@dataclass(slots=True)
class SaveOutcome:
    """Conflicts: questions (pk) whose stored score changed since the page was read, with the stored row.
    Problems: (question pk, "score" or "justification", message) for what cannot be saved as it is."""

    conflicts: dict[int, pm.MemberScore] = field(default_factory=dict)
    problems: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.problems


class _Stale(Exception):
    pass


def scoring_closed_reason(membership: pm.PanelMembership, bid: cm.Bid) -> str | None:
    """Why the member may not change their scores of `bid` now, or None if they may."""
    if moderation_of(membership.exercise) is not None:
        return "Moderation has opened, so scores can no longer change."
    if bid.bidder_id in conflicted_organisation_ids(membership):
        return "You declared an interest in this bidder, so you cannot score its bid."
    if pm.MemberScore.objects.filter(
        membership=membership, bid=bid, status=pm.ScoreStatus.SUBMITTED
    ).exists():
        return "You have submitted your scores for this bid."
    return None


def save_member_scores(
    membership: pm.PanelMembership,
    bid: cm.Bid,
    entries: Mapping[int, ScoreEntry],
    *,
    submit: bool,
) -> SaveOutcome:
    """Save the member's scores of `bid` (all or nothing); with submit, also submit them, which needs
    every question scored with a justification. Each submitted score is a SCORE_RECORDED event."""
    questions = list(bid.exercise.quality_questions.all())
    outcome = SaveOutcome()
    for q in questions:
        entry = entries.get(q.pk, ScoreEntry(None, "", 0))
        if entry.score is not None and not 0 <= entry.score <= q.max_score:
            outcome.problems.append((q.pk, "score", f"The score must be from 0 to {q.max_score}."))
        elif submit and entry.score is None:
            outcome.problems.append((q.pk, "score", "Choose a score."))
        elif submit and not entry.justification.strip():
            outcome.problems.append((q.pk, "justification", "Write why you gave this score."))
    if outcome.problems:
        return outcome
    reason = scoring_closed_reason(membership, bid)
    if reason:
        raise PanelRuleError(reason)
    now = clock.now()
    try:
        with transaction.atomic():
            stored = {s.question_id: s for s in pm.MemberScore.objects.filter(membership=membership, bid=bid)}
            for q in questions:
                entry = entries.get(q.pk, ScoreEntry(None, "", 0))
                current = stored.get(q.pk)
                justification = entry.justification.strip()
                if current is not None and (current.score, current.justification) == (
                    entry.score,
                    justification,
                ):
                    continue  # nothing changed: never a conflict, whatever the version
                if not _write_member_score(membership, bid, q, entry, justification, current, now):
                    outcome.conflicts[q.pk] = pm.MemberScore.objects.get(
                        membership=membership, bid=bid, question=q
                    )
            if outcome.conflicts:
                raise _Stale
            if submit:
                _submit(membership, bid, questions, now)
    except _Stale:
        return outcome
    return outcome


def _write_member_score(
    membership: pm.PanelMembership,
    bid: cm.Bid,
    question: cm.QualityQuestion,
    entry: ScoreEntry,
    justification: str,
    current: pm.MemberScore | None,
    now: Any,
) -> bool:
    """Write one score if it is still at the version the page read; False if another save came first."""
    if current is None:  # nothing stored to overwrite, whatever version the page read
        try:
            with transaction.atomic():
                pm.MemberScore.objects.create(
                    membership=membership,
                    bid=bid,
                    question=question,
                    score=entry.score,
                    justification=justification,
                    updated_at=now,
                )
        except IntegrityError:
            return False  # another tab created it between our read and our write
        return True
    if entry.version == 0:  # the page was read before the first save: that save came after it
        return False
    changed = pm.MemberScore.objects.filter(
        membership=membership,
        bid=bid,
        question=question,
        version=entry.version,
        status=pm.ScoreStatus.DRAFT,
    ).update(score=entry.score, justification=justification, version=F("version") + 1, updated_at=now)
    return changed == 1


def _submit(
    membership: pm.PanelMembership, bid: cm.Bid, questions: list[cm.QualityQuestion], now: Any
) -> None:
    member = membership.member
    for q in questions:
        updated = pm.MemberScore.objects.filter(
            membership=membership, bid=bid, question=q, status=pm.ScoreStatus.DRAFT
        ).update(status=pm.ScoreStatus.SUBMITTED, submitted_at=now, version=F("version") + 1)
        if updated != 1:
            raise PanelRuleError("Your scores for this bid were submitted in another window.")
        # No score or justification in the trail: the history page is open to the panel, and no one
        # sees a member's score before moderation opens.
        record_event(
            AuditKind.SCORE_RECORDED,
            actor=member,
            exercise_key=bid.exercise.key,
            summary=f"{member.get_username()} submitted their score of bid {bid.key} for question {q.key}.",
            details={"bid": bid.key, "question": q.key, "member": member.get_username()},
        )


@dataclass(frozen=True, slots=True)
class Progress:
    scored: int  # bid × question pairs with a score and a justification
    total: int  # bid × question pairs the member may score (conflicted bids left out)
    bids_submitted: int
    bids_to_submit: int

    @property
    def complete(self) -> bool:
        return self.bids_to_submit > 0 and self.bids_submitted == self.bids_to_submit


def progress(membership: pm.PanelMembership, bids: list[cm.Bid], question_count: int) -> Progress:
    conflicted = conflicted_organisation_ids(membership)
    scorable = [b.pk for b in bids if b.bidder_id not in conflicted]
    rows = list(pm.MemberScore.objects.filter(membership=membership, bid_id__in=scorable))
    submitted = {r.bid_id for r in rows if r.status == pm.ScoreStatus.SUBMITTED}
    return Progress(
        scored=sum(1 for r in rows if r.is_scored),
        total=len(scorable) * question_count,
        bids_submitted=len(submitted),
        bids_to_submit=len(scorable),
    )


# ------------------------------------------------------------------------------------------ moderation


def moderation_of(exercise: cm.Exercise) -> pm.Moderation | None:
    return pm.Moderation.objects.filter(exercise=exercise).first()


def open_moderation(exercise: cm.Exercise, by: User, reason: str) -> pm.Moderation:
    """Open the moderation meeting. When not every member has submitted every bid, a reason is needed."""
    bids = list(opened_bids(exercise))
    questions = exercise.quality_questions.count()
    seats = list(pm.PanelMembership.objects.filter(exercise=exercise).select_related("member"))
    if not seats:
        raise PanelRuleError("Choose the panel members before opening moderation.")
    behind = [s.member.get_username() for s in seats if not progress(s, bids, questions).complete]
    if behind and not reason.strip():
        raise PanelRuleError(
            "Not every member has submitted their scores ("
            + ", ".join(behind)
            + "): give the reason for opening moderation now."
        )
    try:
        with transaction.atomic():
            return pm.Moderation.objects.create(
                exercise=exercise, opened_at=clock.now(), opened_by=by, reason=reason.strip()
            )
    except IntegrityError as error:
        raise PanelRuleError("Moderation is already open.") from error


def submitted_scores(exercise: cm.Exercise) -> list[pm.MemberScore]:
    """Every member's submitted score: for the moderation meeting only (callers check it is open).
    A score of a bid whose bidder the member has since declared an interest in is left out."""
    scores = list(
        pm.MemberScore.objects.filter(membership__exercise=exercise, status=pm.ScoreStatus.SUBMITTED)
        .select_related("membership__member", "bid")
        .order_by("membership__member__username")
    )
    conflicts = {
        seat.pk: conflicted_organisation_ids(seat)
        for seat in pm.PanelMembership.objects.filter(exercise=exercise)
    }
    return [s for s in scores if s.bid.bidder_id not in conflicts.get(s.membership_id, set())]


@dataclass(frozen=True, slots=True)
class ModeratedEntry:
    score: int | None
    rationale: str
    version: int  # 0: no moderated score was stored when the page was read


class StaleModeratedScore(Exception):
    """Someone else saved this moderated score after the page was read; `stored` is what they saved."""

    def __init__(self, stored: pm.ModeratedScore) -> None:
        super().__init__("The moderated score was changed by someone else after you opened the page.")
        self.stored = stored


def save_moderated(
    bid: cm.Bid, question: cm.QualityQuestion, entry: ModeratedEntry, by: User, *, lock: bool
) -> pm.ModeratedScore:
    """Save the agreed score and rationale; with lock, also lock it (which needs both). Raises
    StaleModeratedScore if the stored score changed since the page was read, PanelRuleError if the
    score is locked or moderation is not open."""
    if moderation_of(bid.exercise) is None:
        raise PanelRuleError("Moderation has not opened yet.")
    if entry.score is not None and not 0 <= entry.score <= question.max_score:
        raise PanelRuleError(f"The agreed score must be from 0 to {question.max_score}.", "score")
    if lock and entry.score is None:
        raise PanelRuleError("Choose the agreed score before locking it.", "score")
    if lock and not entry.rationale.strip():
        raise PanelRuleError("Write the rationale for the agreed score before locking it.", "rationale")
    now = clock.now()
    rationale = entry.rationale.strip()
    with transaction.atomic():
        current = pm.ModeratedScore.objects.filter(bid=bid, question=question).first()
        if current is not None and current.locked:
            raise PanelRuleError("This score is locked. Unlock it, with a reason, to change it.")
        unchanged = current is not None and (current.score, current.rationale) == (entry.score, rationale)
        if not unchanged:
            if entry.version == 0:
                if current is not None:
                    raise StaleModeratedScore(current)
                try:
                    with transaction.atomic():
                        pm.ModeratedScore.objects.create(
                            bid=bid,
                            question=question,
                            score=entry.score,
                            rationale=rationale,
                            updated_by=by,
                            updated_at=now,
                        )
                except IntegrityError:
                    raise StaleModeratedScore(
                        pm.ModeratedScore.objects.get(bid=bid, question=question)
                    ) from None
            else:
                changed = pm.ModeratedScore.objects.filter(
                    bid=bid, question=question, version=entry.version, locked_at__isnull=True
                ).update(
                    score=entry.score,
                    rationale=rationale,
                    version=F("version") + 1,
                    updated_by=by,
                    updated_at=now,
                )
                if changed != 1:
                    raise StaleModeratedScore(pm.ModeratedScore.objects.get(bid=bid, question=question))
        moderated = pm.ModeratedScore.objects.get(bid=bid, question=question)
        if lock:
            _lock(moderated, by, now)
            moderated.refresh_from_db()
    return moderated


def _lock(moderated: pm.ModeratedScore, by: User, now: Any) -> None:
    changed = pm.ModeratedScore.objects.filter(
        pk=moderated.pk, version=moderated.version, locked_at__isnull=True
    ).update(locked_by=by, locked_at=now, version=F("version") + 1)
    if changed != 1:
        raise StaleModeratedScore(pm.ModeratedScore.objects.get(pk=moderated.pk))
    pm.ModerationLockEvent.objects.create(
        moderated=moderated, action=pm.LockAction.LOCKED, by=by, at=now, score=moderated.score
    )
    bid, question = moderated.bid, moderated.question
    record_event(
        AuditKind.SCORE_MODERATED,
        actor=by,
        exercise_key=bid.exercise.key,
        summary=f"Moderated score of bid {bid.key} for question {question.key} locked at "
        f"{moderated.score} out of {question.max_score}.",
        details={
            "bid": bid.key,
            "question": question.key,
            "score": moderated.score,
            "max_score": question.max_score,
            "action": "locked",
        },
    )
    agreed = quality_score(bid)
    if agreed is not None:  # the last question of the bid locked: the panel's score replaces any other
        cm.Bid.objects.filter(pk=bid.pk).update(quality_score=agreed)


def unlock(moderated: pm.ModeratedScore, by: User, reason: str) -> None:
    """Unlock a moderated score so it can change: needs a reason; the bid's quality score is cleared
    until every question is locked again."""
    if not reason.strip():
        raise PanelRuleError("Give the reason for unlocking the score.", "reason")
    now = clock.now()
    with transaction.atomic():
        changed = pm.ModeratedScore.objects.filter(pk=moderated.pk, locked_at__isnull=False).update(
            locked_by=None, locked_at=None, version=F("version") + 1, updated_by=by, updated_at=now
        )
        if changed != 1:
            raise PanelRuleError("This score is not locked.")
        pm.ModerationLockEvent.objects.create(
            moderated=moderated,
            action=pm.LockAction.UNLOCKED,
            by=by,
            at=now,
            score=moderated.score,
            reason=reason.strip(),
        )
        bid, question = moderated.bid, moderated.question
        record_event(
            AuditKind.SCORE_MODERATED,
            actor=by,
            exercise_key=bid.exercise.key,
            summary=f"Moderated score of bid {bid.key} for question {question.key} unlocked: "
            f"{reason.strip()}",
            details={
                "bid": bid.key,
                "question": question.key,
                "score": moderated.score,
                "action": "unlocked",
                "reason": reason.strip(),
            },
        )
        # No longer agreed: the award score must not read a quality score the panel may change.
        cm.Bid.objects.filter(pk=bid.pk).update(quality_score=None)


def quality_score(bid: cm.Bid) -> float | None:
    """Σ(question weight × locked score / max score) / Σ weights, 0..1; None unless every question of
    the bid's exercise has a locked moderated score (or the weights add up to nothing)."""
    questions = list(bid.exercise.quality_questions.all())
    locked = {
        s.question_id: s
        for s in pm.ModeratedScore.objects.filter(bid=bid, locked_at__isnull=False, score__isnull=False)
    }
    if not questions or any(q.pk not in locked for q in questions):
        return None
    total_weight = sum(q.weight for q in questions)
    if total_weight <= 0:
        return None
    achieved = sum(q.weight * locked[q.pk].score / q.max_score for q in questions if q.max_score > 0)
    return min(1.0, max(0.0, achieved / total_weight))
