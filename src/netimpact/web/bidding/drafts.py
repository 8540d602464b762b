"""The rules of a bid in the portal: whose it is, when it may change, saving without losing anyone's work,
what blocks submission, and submitting, withdrawing and reopening.

Every write goes through `save_draft` (or the row helpers), which refuses after the deadline and when the
bid is not a draft, and raises VersionConflict when the draft was saved elsewhere since the page was read.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404

from netimpact.web import clock
from netimpact.web.audit.models import AuditKind
from netimpact.web.audit.recorder import record_event
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.signals import bid_submitted
from netimpact.web.register.models import Organisation

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out over the phone


class BidClosed(Exception):
    """A write to a bid that may not change now: past the deadline, or not a draft."""


class VersionConflict(Exception):
    """The draft was saved elsewhere (another tab, a colleague) since this page was read."""

    def __init__(self, current: m.Bid) -> None:
        super().__init__("This draft was saved somewhere else since you opened this page.")
        self.current = current


def closing_text(exercise: m.Exercise) -> str:
    """“12:00 UK time on 9 January 2027”, or that no deadline is set."""
    closes = exercise.closes_at
    return f"{closes:%H:%M} UK time on {closes:%-d %B %Y}" if closes else "no deadline set yet"


# ------------------------------------------------------------------------------------------- reading


def open_exercises(at: datetime | None = None) -> list[m.Exercise]:
    """Published exercises whose deadline has not passed: the ones a bidder may bid for now."""
    found = m.Exercise.objects.filter(status=m.ExerciseStatus.PUBLISHED, deadline__isnull=False)
    return sorted(
        (e for e in found.select_related("commissioner") if e.bids_sealed(at)), key=lambda e: e.deadline
    )


def bids_of(organisation: Organisation | None) -> QuerySet[m.Bid]:
    """The organisation's own bids, every status; none without an organisation."""
    if organisation is None:
        return m.Bid.objects.none()
    return m.Bid.objects.filter(bidder=organisation).select_related("exercise", "exercise__commissioner")


def own_bid(user: Any, reference: str) -> m.Bid:
    """The bid `reference` if it is the user's organisation's; 404 otherwise (never saying it exists)."""
    found = bids_of(getattr(user, "organisation", None)).filter(key=reference).first()
    if found is None:
        raise Http404("No bid of yours has that reference.")
    return found


def write_refusal(bid: m.Bid, at: datetime | None = None) -> str | None:
    """Why the bid cannot be changed now, in words; None when it can."""
    exercise = bid.exercise
    if not exercise.bids_sealed(at):
        return (
            f"Bids for “{exercise.title}” closed at {closing_text(exercise)}. "
            "Nothing in a bid can change after the deadline."
        )
    if bid.status == m.BidStatus.SUBMITTED:
        return "This bid has been submitted. Reopen it to make changes, then submit it again."
    if bid.status == m.BidStatus.WITHDRAWN:
        return "This bid has been withdrawn. Reopen it to make changes."
    return None


def check_writable(bid: m.Bid) -> None:
    refusal = write_refusal(bid)
    if refusal:
        raise BidClosed(refusal)


# -------------------------------------------------------------------------------------------- writing


def new_reference() -> str:
    while True:
        reference = "NI-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        if not m.Bid.objects.filter(key=reference).exists():
            return reference


def start_bid(exercise: m.Exercise, organisation: Organisation, user: Any) -> m.Bid:
    """The organisation's bid for the exercise: the one it has, or a new draft. One bid each."""
    if not exercise.bids_sealed() or exercise.status != m.ExerciseStatus.PUBLISHED:
        raise BidClosed(f"“{exercise.title}” is not open for bids.")
    with transaction.atomic():
        # Lock the organisation, so two tabs starting at once make one bid, not two.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        existing = m.Bid.objects.filter(exercise=exercise, bidder=organisation).order_by("pk").first()
        if existing is not None:
            return existing
        return m.Bid.objects.create(
            key=new_reference(),
            exercise=exercise,
            bidder=organisation,
            title="",
            status=m.BidStatus.DRAFT,
            created_by=user,
            updated_at=clock.now(),
        )


def save_draft(bid: m.Bid, version: int | None, write: Callable[[m.Bid], None]) -> m.Bid:
    """Run `write(bid)` on the draft if it is still at `version`, raising the version; all or nothing.

    BidClosed when the bid may not change; VersionConflict when it was saved elsewhere since `version`.
    """
    with transaction.atomic():
        locked = m.Bid.objects.select_for_update(of=("self",)).select_related("exercise").get(pk=bid.pk)
        check_writable(locked)
        if version is not None and locked.version != version:
            raise VersionConflict(locked)
        write(locked)
        locked.version = F("version") + 1  # type: ignore[assignment]
        locked.updated_at = clock.now()
        locked.save(update_fields=["version", "updated_at"])
        locked.refresh_from_db(fields=["version", "updated_at"])
        return locked


def touch(bid: m.Bid, write: Callable[[m.Bid], None]) -> m.Bid:
    """A write that adds or removes a row (a partnership, a file): refused when closed, no version check
    (adding a row overwrites nothing), but the version rises so an open page of the same draft notices."""
    return save_draft(bid, None, write)


# ------------------------------------------------------------------------------------- what is missing


@dataclass(frozen=True, slots=True)
class Problem:
    section: str  # the task the problem belongs to (a URL name in bidding/urls.py)
    message: str
    question: str = ""  # the question's id, for an answer problem


def partner_organisations(bid: m.Bid) -> list[Organisation]:
    """Every organisation the bid names as a partner (subcontracts, join-up, commitments), once each."""
    ids: list[int] = []
    ids += bid.subcontracts.values_list("partner_id", flat=True)
    ids += bid.partnerships.values_list("partner_service__organisation_id", flat=True)
    ids += bid.commitments.exclude(partner=None).values_list("partner_id", flat=True)
    ordered = list(dict.fromkeys(i for i in ids if i != bid.bidder_id))
    found = Organisation.objects.in_bulk(ordered)
    return [found[i] for i in ordered if i in found]


def submission_problems(bid: m.Bid) -> list[Problem]:
    """What must be put right before the bid can be submitted; empty when it can."""
    return list(_problems(bid))


def _problems(bid: m.Bid) -> Iterator[Problem]:
    if not bid.title.strip():
        yield Problem("details", "Enter the bid's title")
    if not bid.service_name.strip():
        yield Problem("service", "Enter the name of the service the bid would run")
    if not bid.service_needs.exists():
        yield Problem("service", "Select at least one need the service meets")
    if bid.service_capacity_per_year is None:
        yield Problem("service", "Enter how many people a year the service can support")
    if bid.price_per_year is None:
        yield Problem("price", "Enter the price a year")
    elif bid.price_per_year <= 0:
        yield Problem("price", "The price a year must be more than £0")
    else:
        subcontracted = sum(bid.subcontracts.values_list("amount_per_year", flat=True))
        if subcontracted > bid.price_per_year:
            yield Problem(
                "commitments",
                f"The subcontracts (£{subcontracted:,.0f} a year) add up to more than the price "
                f"(£{bid.price_per_year:,.0f} a year)",
            )
    answered = {
        a.question_id
        for a in bid.answers.all()
        if a.text.strip()  # type: ignore[attr-defined]
    }
    for number, question in enumerate(bid.exercise.quality_questions.order_by("pk"), start=1):
        if question.pk not in answered:
            yield Problem("answer", f"Answer quality question {number}", question.key)
    contacts = {c.organisation_id: c for c in bid.partner_contacts.all()}  # type: ignore[attr-defined]
    for organisation in partner_organisations(bid):
        contact = contacts.get(organisation.pk)
        if contact is None or not contact.name.strip() or not (contact.email or contact.phone.strip()):
            yield Problem(
                "contacts", f"Give a contact (a name, and an email or phone) at {organisation.name}"
            )


# ----------------------------------------------------------------------------- submit, withdraw, reopen


def sealed_actor(bid: m.Bid) -> str:
    """Who acted, in words that do not name the bidder: the exercise's history is read before the
    deadline. The event's actor (the account) is still recorded, for after it."""
    return f"The bidder of bid {bid.key}"


def submit(bid: m.Bid, user: Any) -> m.Bid:
    """Submit the draft: status submitted at clock.now(), recorded, and bid_submitted sent, all or none."""
    with transaction.atomic():
        locked = (
            m.Bid.objects.select_for_update(of=("self",)).select_related("exercise", "bidder").get(pk=bid.pk)
        )
        check_writable(locked)
        problems = submission_problems(locked)
        if problems:
            raise BidClosed("The bid cannot be submitted yet: " + "; ".join(p.message for p in problems))
        locked.status = m.BidStatus.SUBMITTED
        locked.submitted_at = clock.now()
        locked.updated_at = locked.submitted_at
        locked.version = F("version") + 1  # type: ignore[assignment]
        locked.save(update_fields=["status", "submitted_at", "updated_at", "version"])
        locked.refresh_from_db(fields=["version"])
        # Who bids is itself sealed until the deadline: the event names the reference, not the bidder.
        record_event(
            AuditKind.BID_SUBMITTED,
            actor=user,
            actor_label=sealed_actor(locked),
            exercise_key=locked.exercise.key,
            summary=f"Bid {locked.key} submitted.",
            details={"bid": locked.key, "submitted_at": locked.submitted_at},
        )
        bid_submitted.send(sender=m.Bid, bid=locked, by=user)
        return locked


def withdraw(bid: m.Bid, user: Any) -> m.Bid:
    return _leave_submission(bid, user, m.BidStatus.WITHDRAWN, "withdrawn")


def reopen(bid: m.Bid, user: Any) -> m.Bid:
    """Back to a draft to edit: it is no longer submitted, and must be submitted again."""
    return _leave_submission(bid, user, m.BidStatus.DRAFT, "reopened for editing; it must be submitted again")


def _leave_submission(bid: m.Bid, user: Any, status: m.BidStatus, what: str) -> m.Bid:
    with transaction.atomic():
        locked = m.Bid.objects.select_for_update(of=("self",)).select_related("exercise").get(pk=bid.pk)
        if not locked.exercise.bids_sealed():
            raise BidClosed(write_refusal(locked) or "Bids have closed.")
        if locked.status == status:
            return locked
        if status == m.BidStatus.WITHDRAWN and locked.status != m.BidStatus.SUBMITTED:
            raise BidClosed("Only a submitted bid can be withdrawn. A draft is never sent to anyone.")
        was_submitted = locked.status == m.BidStatus.SUBMITTED
        locked.status = status
        locked.submitted_at = None
        locked.updated_at = clock.now()
        locked.version = F("version") + 1  # type: ignore[assignment]
        locked.save(update_fields=["status", "submitted_at", "updated_at", "version"])
        locked.refresh_from_db(fields=["version"])
        if was_submitted:
            record_event(
                AuditKind.BID_WITHDRAWN,
                actor=user,
                actor_label=sealed_actor(locked),
                exercise_key=locked.exercise.key,
                summary=f"Bid {locked.key} {what}.",
                details={"bid": locked.key, "status": status.value},
            )
        return locked
