"""Independent scoring: only after the deadline, each member's own scores seen by no one else until
moderation opens, a justification for every score, submission recorded in the audit trail, and a stale
page never overwriting a later save."""

from __future__ import annotations

from django.urls import reverse

from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.panel import models as pm

from .conftest import declare, page_versions, score_and_submit, score_form

SECRET = "Strong answer, zebra-unique-justification"


# ------------------------------------------------------------------------------- sealed before the deadline


def test_before_the_deadline_members_get_the_sealed_message(panel, panel1, officer, before_deadline):
    bid = panel.bids[0]
    home = panel1.get(panel.url("home"))
    assert home.status_code == 200
    assert "Bids are sealed" in home.content.decode()
    assert bid.bidder.name not in home.content.decode()  # who bid is sealed too

    for url in (panel.url("declaration"), panel.url("score_bid", bid.key), panel.url("moderation")):
        response = panel1.get(url)
        assert response.status_code == 403, url
        assert "Bids are sealed" in response.content.decode()
        assert bid.title not in response.content.decode()

    response = panel1.post(panel.url("score_bid", bid.key), {**score_form(panel, [3] * 5), "action": "draft"})
    assert response.status_code == 403
    assert not pm.MemberScore.objects.exists()
    # The officer may choose the panel before the deadline, but sees no bid either.
    officer_home = officer.get(panel.url("home")).content.decode()
    assert "Who sits on the panel" in officer_home
    assert bid.bidder.name not in officer_home


def test_at_the_deadline_the_bids_open_to_the_panel(panel, panel1, before_deadline):
    from datetime import timedelta

    before_deadline.move(timedelta(minutes=1))
    assert declare(panel1, panel).status_code == 302
    assert panel1.get(panel.url("score_bid", panel.bids[0].key)).status_code == 200


# ------------------------------------------------------------------------------------------- the page


def test_the_scoring_page_shows_the_answer_and_the_scale_as_radios(panel, panel1):
    declare(panel1, panel)
    bid = panel.bid("demo-bid-consortium")
    page = panel1.get(panel.url("score_bid", bid.key)).content.decode()

    answer = bid.answers.get(question=panel.questions[0]).text
    assert answer[:60] in page
    q = panel.questions[0]
    for value in range(q.max_score + 1):
        assert f'id="score-{q.pk}-{value}" name="score-{q.pk}" type="radio" value="{value}"' in page
    assert q.scale[q.max_score] in page


def test_a_member_saves_a_draft_and_sees_it_again(panel, panel1):
    declare(panel1, panel)
    bid = panel.bids[0]
    response = panel1.post(
        panel.url("score_bid", bid.key),
        {**score_form(panel, [3, None, 2, None, None], SECRET), "action": "draft"},
    )
    assert response.status_code == 302

    rows = pm.MemberScore.objects.filter(membership__member__username="panel1", bid=bid)
    assert rows.count() == 5
    assert {r.status for r in rows} == {pm.ScoreStatus.DRAFT}
    page = panel1.get(panel.url("score_bid", bid.key)).content.decode()
    assert SECRET in page
    assert "2 of 15 answers scored" in page  # two questions have a score and a justification
    assert not AuditEvent.objects.filter(kind=AuditKind.SCORE_RECORDED).exists()


def test_submitting_needs_every_score_and_justification(panel, panel1):
    declare(panel1, panel)
    bid = panel.bids[0]
    data = score_form(panel, [3, None, 2, 1, 0], "Because")
    data[f"justification-{panel.questions[2].pk}"] = "  "
    response = panel1.post(panel.url("score_bid", bid.key), {**data, "action": "submit"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Question 2: Choose a score." in page
    assert "Question 3: Write why you gave this score." in page
    assert 'value="Because 1"' not in page  # textareas hold the text, not value attributes
    assert "Because 1</textarea>" in page  # what was typed is kept
    assert not pm.MemberScore.objects.exists()  # all or nothing


def test_a_submitted_score_is_recorded_and_frozen(panel, panel1):
    declare(panel1, panel)
    bid = panel.bids[0]
    score_and_submit(panel1, panel, bid, [4, 3, 2, 1, 0], SECRET)

    rows = pm.MemberScore.objects.filter(bid=bid)
    assert {r.status for r in rows} == {pm.ScoreStatus.SUBMITTED}
    events = AuditEvent.objects.filter(kind=AuditKind.SCORE_RECORDED, exercise_key=panel.key)
    assert events.count() == len(panel.questions)
    assert {e.details["question"] for e in events} == {q.key for q in panel.questions}
    assert all(e.details["bid"] == bid.key and e.actor.username == "panel1" for e in events)
    # The trail does not give the score away before moderation.
    assert all("score" not in e.details and SECRET not in e.summary for e in events)

    response = panel1.post(
        panel.url("score_bid", bid.key), {**score_form(panel, [0] * 5, "Changed"), "action": "draft"}
    )
    assert response.status_code == 403
    assert list(rows.order_by("question").values_list("score", flat=True)) == [4, 3, 2, 1, 0]


# -------------------------------------------------------------------------- no one else sees the scores


def test_no_one_else_sees_a_members_scores_before_moderation(panel, panel1, panel2, officer):
    declare(panel1, panel)
    declare(panel2, panel)
    bid = panel.bids[0]
    score_and_submit(panel1, panel, bid, [4, 3, 2, 1, 0], SECRET)

    pages = [
        panel2.get(panel.url("score_bid", bid.key)),
        panel2.get(panel.url("home")),
        officer.get(panel.url("home")),
        officer.get(reverse("commissioning:exercise", args=[panel.key])),
        officer.get(reverse("audit:exercise_history", args=[panel.key])),
        panel2.get(reverse("audit:exercise_history", args=[panel.key])),
    ]
    for response in pages:
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
    # The moderation pages stay closed to everyone until the officer opens moderation.
    for client in (panel1, panel2, officer):
        assert client.get(panel.url("moderation")).status_code == 403
        assert client.get(panel.url("moderate_bid", bid.key)).status_code == 403
    # What the officer does see: progress counts.
    assert "5 of 15" in officer.get(panel.url("home")).content.decode()


def test_a_member_cannot_open_another_members_scores_through_the_form(panel, panel1, panel2):
    declare(panel1, panel)
    declare(panel2, panel)
    bid = panel.bids[0]
    panel1.post(panel.url("score_bid", bid.key), {**score_form(panel, [4] * 5, SECRET), "action": "draft"})
    # panel2 posting with panel1's versions saves panel2's own rows; panel1's stay as they were.
    response = panel2.post(
        panel.url("score_bid", bid.key), {**score_form(panel, [1] * 5, "Mine", [1] * 5), "action": "draft"}
    )
    assert response.status_code == 302
    assert SECRET not in panel2.get(panel.url("score_bid", bid.key)).content.decode()
    assert set(
        pm.MemberScore.objects.filter(membership__member__username="panel1").values_list(
            "score", "justification"
        )
    ) == {(4, f"{SECRET} {n}") for n in range(1, 6)}
    assert pm.MemberScore.objects.filter(membership__member__username="panel2", score=1).count() == 5


# ------------------------------------------------------------------------------------------ concurrency


def test_two_members_saving_at_once_both_keep_their_scores(panel, panel1, panel2):
    declare(panel1, panel)
    declare(panel2, panel)
    bid = panel.bids[0]
    # Both opened the page before either saved (version 0 on both pages).
    first = panel1.post(
        panel.url("score_bid", bid.key), {**score_form(panel, [4] * 5, "One"), "action": "draft"}
    )
    second = panel2.post(
        panel.url("score_bid", bid.key), {**score_form(panel, [1] * 5, "Two"), "action": "draft"}
    )

    assert (first.status_code, second.status_code) == (302, 302)
    mine = pm.MemberScore.objects.filter(bid=bid)
    assert sorted(set(mine.values_list("membership__member__username", "score"))) == [
        ("panel1", 4),
        ("panel2", 1),
    ]


def test_a_stale_tab_never_overwrites_a_later_save(panel, panel1):
    declare(panel1, panel)
    bid = panel.bids[0]
    url = panel.url("score_bid", bid.key)
    q = panel.questions[0]
    # Tab A and tab B both opened the page with nothing saved; tab A saves first.
    panel1.post(url, {**score_form(panel, [4, None, None, None, None], "From tab A"), "action": "draft"})

    response = panel1.post(
        url, {**score_form(panel, [1, None, None, None, None], "From tab B"), "action": "draft"}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "changed in another window" in page
    assert "From tab A 1" in page  # the saved version is shown...
    assert "From tab B 1</textarea>" in page  # ...and what tab B typed is kept in the form
    stored = pm.MemberScore.objects.get(bid=bid, question=q)
    assert (stored.score, stored.justification) == (4, "From tab A 1")
    # Saving again from tab B's page, now at the stored version, is a deliberate overwrite.
    assert f'name="version-{q.pk}" value="{stored.version}"' in page
    versions = page_versions(page, panel)
    again = panel1.post(
        url, {**score_form(panel, [1, None, None, None, None], "From tab B", versions), "action": "draft"}
    )
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.score, stored.justification) == (1, "From tab B 1")


def test_saving_the_same_thing_from_a_stale_tab_is_not_a_conflict(panel, panel1):
    declare(panel1, panel)
    url = panel.url("score_bid", panel.bids[0].key)
    data = {**score_form(panel, [2, 2, 2, 2, 2], "Same"), "action": "draft"}
    assert panel1.post(url, data).status_code == 302
    assert panel1.post(url, data).status_code == 302


def test_progress_counts_scored_answers_per_member(panel, panel1, panel2, officer):
    declare(panel1, panel)
    declare(panel2, panel, {panel.bids[2].key: "I advise them."})
    score_and_submit(panel1, panel, panel.bids[0], [1] * 5)
    panel1.post(
        panel.url("score_bid", panel.bids[1].key),
        {**score_form(panel, [1, 1, None, None, None]), "action": "draft"},
    )

    page = officer.get(panel.url("home")).content.decode()
    assert "7 of 15" in page  # panel1: 5 + 2 of 3 bids × 5 questions
    assert "0 of 10" in page  # panel2 scores two bids (an interest in the third)
    assert "1 of 3" in page and "0 of 2" in page  # bids submitted


def test_the_scoring_page_shows_what_partners_said_about_the_bids_claims(panel, panel1):
    declare(panel1, panel)
    page = panel1.get(panel.url("score_bid", "demo-bid-regional")).content.decode()
    assert 'id="claims"' in page
    assert "Disputed by the partner" in page  # the peer group disputes the regional bid's subcontract
