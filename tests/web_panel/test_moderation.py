"""The moderation meeting: opened by the officer (with a reason if not every member has submitted),
every member's scores side by side, the agreed score saved with a version check, locked, unlocked only
with a reason; every question of a bid locked sets the bid's quality score."""

from __future__ import annotations

import pytest

from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.commissioning import models as cm
from netimpact.web.panel import models as pm
from netimpact.web.panel import rules

from .conftest import declare, score_and_submit, score_form


@pytest.fixture
def scored(panel, panel1, panel2):
    """Both members declared (panel2 has an interest in the regional bid) and submitted every bid they
    may score."""
    declare(panel1, panel)
    declare(panel2, panel, {"demo-bid-regional": "I sit on its advisory board."})
    for bid in panel.bids:
        score_and_submit(panel1, panel, bid, [4, 3, 2, 1, 0], f"panel1 on {bid.key}")
        if bid.key != "demo-bid-regional":
            score_and_submit(panel2, panel, bid, [1, 3, 2, 1, 0], f"panel2 on {bid.key}")
    return panel


def _open(officer, panel, reason=""):
    return officer.post(panel.url("moderation"), {"reason": reason})


def _moderate(client, panel, bid, question, score, rationale, version=0, action="save"):
    data = {"rationale": rationale, "version": str(version), "action": action}
    if score is not None:
        data["score"] = str(score)
    return client.post(panel.url("save_moderated", bid.key, question.pk), data)


# ------------------------------------------------------------------------------------------- opening


def test_opening_before_everyone_has_submitted_needs_a_reason(panel, panel1, officer):
    declare(panel1, panel)
    score_and_submit(panel1, panel, panel.bids[0], [1] * 5)

    response = _open(officer, panel)
    assert response.status_code == 400
    assert "give the reason for opening moderation now" in response.content.decode()
    assert not pm.Moderation.objects.exists()

    response = _open(officer, panel, "panel2 is ill; agreed by the head of service.")
    assert response.status_code == 302
    moderation = pm.Moderation.objects.get()
    assert moderation.reason == "panel2 is ill; agreed by the head of service."
    assert moderation.opened_by.username == "officer"


def test_when_everyone_has_submitted_no_reason_is_needed(scored, officer):
    assert "Every member has submitted their scores" in officer.get(scored.url("home")).content.decode()
    assert _open(officer, scored).status_code == 302
    assert pm.Moderation.objects.get().reason == ""


def test_only_an_officer_opens_moderation(scored, panel1):
    assert panel1.post(scored.url("moderation"), {"reason": "Let us start"}).status_code == 403
    assert not pm.Moderation.objects.exists()


def test_once_open_every_score_is_side_by_side_for_officers_and_members(scored, officer, panel1, panel2):
    _open(officer, scored)
    bid = scored.bid("demo-bid-consortium")
    for client in (officer, panel1, panel2):
        page = client.get(scored.url("moderate_bid", bid.key)).content.decode()
        assert "panel1 on demo-bid-consortium 1" in page
        assert "panel2 on demo-bid-consortium 1" in page
    page = officer.get(scored.url("moderate_bid", bid.key)).content.decode()
    assert "a spread of 3" in page and "Discuss: the scores differ by 3" in page  # question 1: 4 and 1
    assert "a spread of 0" in page  # question 2: 3 and 3
    assert "Discuss" in officer.get(scored.url("moderation")).content.decode()


def test_once_open_members_can_no_longer_change_their_scores(scored, officer, panel1):
    _open(officer, scored)
    bid = scored.bids[0]
    response = panel1.post(
        scored.url("score_bid", bid.key), {**score_form(scored, [0] * 5, "Late"), "action": "draft"}
    )
    assert response.status_code == 403


def test_a_member_with_an_interest_does_not_see_that_bid_at_moderation(scored, officer, panel2):
    _open(officer, scored)
    regional = scored.bid("demo-bid-regional")
    assert panel2.get(scored.url("moderate_bid", regional.key)).status_code == 403
    assert regional.title not in panel2.get(scored.url("moderation")).content.decode()
    assert regional.title in officer.get(scored.url("moderation")).content.decode()


def test_the_panel_cannot_change_once_moderation_is_open(scored, officer):
    _open(officer, scored)
    officer.post(scored.url("members"), {"members": []})
    assert pm.PanelMembership.objects.filter(exercise=scored.exercise).count() == 2


# ---------------------------------------------------------------------------------- the agreed score


def test_the_agreed_score_is_saved_locked_and_audited(scored, officer):
    _open(officer, scored)
    bid, q = scored.bids[0], scored.questions[0]

    assert _moderate(officer, scored, bid, q, 3, "Agreed after discussion.").status_code == 302
    moderated = pm.ModeratedScore.objects.get(bid=bid, question=q)
    assert (moderated.score, moderated.rationale, moderated.locked) == (3, "Agreed after discussion.", False)

    response = _moderate(officer, scored, bid, q, 3, "Agreed after discussion.", moderated.version, "lock")
    assert response.status_code == 302
    moderated.refresh_from_db()
    assert moderated.locked and moderated.locked_by.username == "officer"
    event = AuditEvent.objects.get(kind=AuditKind.SCORE_MODERATED)
    assert event.actor.username == "officer"
    assert event.exercise_key == scored.key
    assert event.details == {
        "bid": bid.key,
        "question": q.key,
        "score": 3,
        "max_score": 4,
        "action": "locked",
    }
    assert pm.ModerationLockEvent.objects.get().action == pm.LockAction.LOCKED


def test_locking_needs_a_score_and_a_rationale(scored, officer):
    _open(officer, scored)
    bid, q = scored.bids[0], scored.questions[0]
    response = _moderate(officer, scored, bid, q, 2, "", action="lock")
    assert response.status_code == 400
    assert "Write the rationale for the agreed score before locking it" in response.content.decode()
    response = _moderate(officer, scored, bid, q, None, "Reasoned", action="lock")
    assert response.status_code == 400
    assert "Choose the agreed score before locking it" in response.content.decode()
    assert not pm.ModeratedScore.objects.filter(locked_at__isnull=False).exists()


def test_a_locked_score_cannot_be_changed(scored, officer):
    _open(officer, scored)
    bid, q = scored.bids[0], scored.questions[0]
    _moderate(officer, scored, bid, q, 3, "Agreed.", action="lock")
    moderated = pm.ModeratedScore.objects.get(bid=bid, question=q)

    response = _moderate(officer, scored, bid, q, 0, "Changed my mind.", moderated.version)

    assert response.status_code == 400
    assert "This score is locked" in response.content.decode()
    moderated.refresh_from_db()
    assert (moderated.score, moderated.rationale) == (3, "Agreed.")


def test_unlocking_needs_a_reason_and_is_recorded(scored, officer):
    _open(officer, scored)
    bid, q = scored.bids[0], scored.questions[0]
    _moderate(officer, scored, bid, q, 3, "Agreed.", action="lock")
    url = scored.url("unlock_moderated", bid.key, q.pk)

    response = officer.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for unlocking the score" in response.content.decode()
    assert pm.ModeratedScore.objects.get(bid=bid, question=q).locked

    assert officer.post(url, {"reason": "The rationale misquoted the answer."}).status_code == 302
    moderated = pm.ModeratedScore.objects.get(bid=bid, question=q)
    assert not moderated.locked
    unlock = pm.ModerationLockEvent.objects.get(action=pm.LockAction.UNLOCKED)
    assert (unlock.by.username, unlock.reason) == ("officer", "The rationale misquoted the answer.")
    event = AuditEvent.objects.filter(kind=AuditKind.SCORE_MODERATED).order_by("sequence").last()
    assert event.details["action"] == "unlocked"
    assert event.details["reason"] == "The rationale misquoted the answer."
    page = officer.get(scored.url("moderate_bid", bid.key)).content.decode()
    assert "The rationale misquoted the answer." in page  # the lock history is on the page


def test_members_read_moderation_but_only_officers_record_it(scored, officer, panel1):
    _open(officer, scored)
    bid, q = scored.bids[0], scored.questions[0]
    assert _moderate(panel1, scored, bid, q, 3, "Mine").status_code == 403
    _moderate(officer, scored, bid, q, 3, "Agreed.", action="lock")
    moderated = pm.ModeratedScore.objects.get()
    assert panel1.post(scored.url("unlock_moderated", bid.key, q.pk), {"reason": "x"}).status_code == 403
    assert 'name="rationale"' not in panel1.get(scored.url("moderate_bid", bid.key)).content.decode()
    moderated.refresh_from_db()
    assert moderated.locked


def test_two_people_editing_the_agreed_score_at_once_get_a_clear_conflict(scored, officer):
    _open(officer, scored)
    bid, q = scored.bids[0], scored.questions[0]
    # Both read the page with nothing agreed (version 0); the first saves.
    assert _moderate(officer, scored, bid, q, 3, "First officer's rationale.").status_code == 302

    response = _moderate(officer, scored, bid, q, 2, "Second officer's rationale.")

    assert response.status_code == 409
    page = response.content.decode()
    assert "someone else saved the agreed score" in page
    assert "First officer&#x27;s rationale." in page  # theirs, shown
    assert "Second officer&#x27;s rationale.</textarea>" in page  # mine, kept in the form
    stored = pm.ModeratedScore.objects.get(bid=bid, question=q)
    assert (stored.score, stored.rationale) == (3, "First officer's rationale.")


def test_nothing_is_moderated_before_moderation_opens(scored, officer):
    bid, q = scored.bids[0], scored.questions[0]
    assert _moderate(officer, scored, bid, q, 3, "Too early").status_code == 403
    assert not pm.ModeratedScore.objects.exists()


# --------------------------------------------------------------------------------- the quality score


def test_locking_every_question_sets_the_bids_quality_score(scored, officer):
    _open(officer, scored)
    bid = scored.bid("demo-bid-consortium")
    agreed = [4, 3, 2, 1, 0]
    for q, score in zip(scored.questions, agreed, strict=True):
        cm.Bid.objects.filter(pk=bid.pk).update(quality_score=0.74)  # the demo's earlier figure
        assert _moderate(officer, scored, bid, q, score, f"Agreed {score}.", action="lock").status_code == 302
    weights = [q.weight for q in scored.questions]
    expected = sum(w * s / 4 for w, s in zip(weights, agreed, strict=True)) / sum(weights)

    bid.refresh_from_db()
    assert bid.quality_score == pytest.approx(expected)
    assert bid.quality_score == pytest.approx(0.6)  # 0.30×1 + 0.25×0.75 + 0.15×0.5 + 0.15×0.25 + 0
    assert "0.600 of 1" in officer.get(scored.url("moderate_bid", bid.key)).content.decode()

    # Unlocking any question clears it until it is locked again.
    officer.post(scored.url("unlock_moderated", bid.key, scored.questions[4].pk), {"reason": "Recheck"})
    bid.refresh_from_db()
    assert bid.quality_score is None


def test_the_quality_score_waits_for_every_question(scored, officer):
    _open(officer, scored)
    bid = scored.bid("demo-bid-national")
    for q in scored.questions[:-1]:
        _moderate(officer, scored, bid, q, 4, "Agreed.", action="lock")
    bid.refresh_from_db()
    assert bid.quality_score == pytest.approx(0.80)  # unchanged from the demo: not every question locked
    assert rules.quality_score(bid) is None


def test_a_score_given_before_declaring_an_interest_is_left_out_of_moderation(scored, officer, panel1):
    national = scored.bid("demo-bid-national")
    declare(panel1, scored, {national.key: "A new consultancy contract with them."})
    _open(officer, scored, "")
    page = officer.get(scored.url("moderate_bid", national.key)).content.decode()
    assert "panel2 on demo-bid-national 1" in page
    assert "panel1 on demo-bid-national 1" not in page
