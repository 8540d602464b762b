"""Setting up an exercise as a commissioning officer, publishing it, and changing its criteria after.

Runs against the demo city in the test database (tests/conftest.py): its cohorts, wards and funding ties
are what an officer picks from, and its bidders are the accounts a criteria change is emailed to.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import get_resolver, reverse

from netimpact.domain.vocabulary import OrgKind
from netimpact.web.accounts.access import Officer, Public, every_url_pattern, rule_of
from netimpact.web.accounts.models import Role, User
from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.publication import PSR_KEY_CRITERIA
from netimpact.web.register.models import Cohort, FundingTie, Organisation, Ward

NEXT_YEAR = date.today() + timedelta(days=365)


def details(**changes: object) -> dict[str, object]:
    """A complete, valid details form as an officer would fill it in."""
    form: dict[str, object] = {
        "title": "Community mental health support",
        "description": "Early help for adults with low-level mental health needs.",
        "commissioner": Organisation.objects.filter(kind=OrgKind.PUBLIC_BODY.value).order_by("pk").first().pk,
        "cohorts": [c.pk for c in Cohort.objects.order_by("pk")[:2]],
        "wards": [Ward.objects.order_by("pk").first().pk],
        "budget_per_year": "£250,000",
        "term_years": "3",
        "price_ceiling_per_year": "260000",
        "replaced_streams": [FundingTie.objects.order_by("pk").first().pk],
        "deadline_day": str(NEXT_YEAR.day),
        "deadline_month": str(NEXT_YEAR.month),
        "deadline_year": str(NEXT_YEAR.year),
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def question(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "text": "How will you reach people who do not seek help?",
        "weight_percent": "60",
        "max_score": "4",
        "scale": "No response\nPoor\nAdequate\nGood\nExcellent",
    }
    form.update(changes)
    return form


def criteria(price: str, quality: str, net_impact: str, **changes: object) -> dict[str, object]:
    return {
        "price_percent": price,
        "quality_percent": quality,
        "net_impact_percent": net_impact,
        "price_formula": "budget_anchored",
        **changes,
    }


def create_draft(officer: Client) -> m.Exercise:
    response = officer.post(reverse("commissioning:setup_new"), details())
    assert response.status_code == 302, response.content.decode()[:2000]
    return m.Exercise.objects.get(title="Community mental health support")


def ready_to_publish(officer: Client) -> m.Exercise:
    exercise = create_draft(officer)
    url = reverse("commissioning:setup_questions", args=[exercise.key])
    officer.post(url, question())
    officer.post(url, question(text="How will you work with local groups?", weight_percent="40"))
    officer.post(reverse("commissioning:setup_criteria", args=[exercise.key]), criteria("30", "50", "20"))
    return exercise


def give_bid_to(exercise: m.Exercise) -> list[User]:
    """Move the demo's bids onto the new exercise, so its bidders are this exercise's bidders."""
    m.Bid.objects.update(exercise=exercise)
    return list(User.objects.filter(role=Role.BIDDER, organisation__bids__exercise=exercise).distinct())


# ------------------------------------------------------------------------------------------- create


def test_an_officer_creates_a_draft_with_everything_typed(signed_in):
    officer = signed_in("officer")
    exercise = create_draft(officer)

    assert exercise.status == m.ExerciseStatus.DRAFT
    assert exercise.budget_per_year == 250_000
    assert exercise.term_years == 3
    assert exercise.price_ceiling_per_year == 260_000
    assert exercise.deadline == NEXT_YEAR
    assert exercise.cohorts.count() == 2
    assert exercise.wards.count() == 1
    assert exercise.replaced_streams.count() == 1
    assert exercise.commissioner.kind == OrgKind.PUBLIC_BODY.value


def test_the_create_page_lists_the_registers_cohorts_and_funding_ties(signed_in):
    page = signed_in("officer").get(reverse("commissioning:setup_new")).content.decode()

    tie = FundingTie.objects.select_related("funder", "recipient").order_by("pk").first()
    assert f"{tie.funder.name} → {tie.recipient.name}: £{tie.amount_per_year:,.0f} a year" in page
    assert Cohort.objects.order_by("pk").first().name in page
    assert 'class="govuk-date-input"' in page


def test_bad_details_name_each_field_and_keep_what_was_typed(signed_in):
    officer = signed_in("officer")
    response = officer.post(
        reverse("commissioning:setup_new"),
        details(
            budget_per_year="lots",
            term_years="0",
            cohorts=[],
            deadline_day="31",
            deadline_month="2",
            title="Keep this title",
        ),
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Budget per year must be an amount in pounds greater than 0" in page
    assert "Term must be a whole number of years from 1 to 15" in page
    assert "Select at least one cohort the intervention serves" in page
    assert "The deadline for bids must be a real date" in page
    assert 'href="#id_budget_per_year"' in page and 'href="#id_cohorts_0"' in page
    assert 'value="Keep this title"' in page and 'value="lots"' in page
    # The ward ticked before the error is still ticked.
    ward_pk = Ward.objects.order_by("pk").first().pk
    assert f'value="{ward_pk}" checked' in page
    assert not m.Exercise.objects.filter(title="Keep this title").exists()


# ---------------------------------------------------------------------------------- questions, weights


def test_questions_are_added_edited_and_removed_with_their_scale(signed_in):
    officer = signed_in("officer")
    exercise = create_draft(officer)
    url = reverse("commissioning:setup_questions", args=[exercise.key])

    officer.post(url, question())
    added = exercise.quality_questions.get()
    assert added.weight == pytest.approx(0.6)
    assert added.scale == ["No response", "Poor", "Adequate", "Good", "Excellent"]

    officer.post(
        reverse("commissioning:setup_question", args=[exercise.key, added.pk]),
        question(weight_percent="100", max_score="2", scale="Nothing\nSome\nAll"),
    )
    added.refresh_from_db()
    assert (added.weight, added.max_score, added.scale) == (1.0, 2, ["Nothing", "Some", "All"])

    officer.post(reverse("commissioning:setup_question_remove", args=[exercise.key, added.pk]))
    assert not exercise.quality_questions.exists()


def test_a_scale_with_the_wrong_number_of_lines_is_refused(signed_in):
    officer = signed_in("officer")
    exercise = create_draft(officer)
    response = officer.post(
        reverse("commissioning:setup_questions", args=[exercise.key]), question(scale="Bad\nGood")
    )

    assert response.status_code == 400
    assert "The scoring scale must have 5 lines, one for each score from 0 to 4; it has 2" in (
        response.content.decode()
    )
    assert not exercise.quality_questions.exists()


def test_the_provider_selection_regime_template_fills_the_five_key_criteria(signed_in):
    officer = signed_in("officer")
    exercise = create_draft(officer)
    officer.post(reverse("commissioning:setup_questions", args=[exercise.key]), question())

    officer.post(reverse("commissioning:setup_psr", args=[exercise.key]))

    found = list(exercise.quality_questions.order_by("pk"))
    assert [q.text for q in found] == list(PSR_KEY_CRITERIA)
    assert sum(q.weight for q in found) == pytest.approx(1)
    assert found[-1].text == "Social value"


def test_weights_not_adding_up_to_100_are_an_error_naming_the_field(signed_in):
    officer = signed_in("officer")
    exercise = create_draft(officer)
    response = officer.post(
        reverse("commissioning:setup_criteria", args=[exercise.key]), criteria("30", "50", "10")
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "The price, quality and net impact weights must add up to 100%; they add up to 90%" in page
    assert 'href="#id_price_percent"' in page
    assert 'value="10"' in page  # what was typed is kept
    exercise.refresh_from_db()
    assert exercise.net_impact_weight == pytest.approx(0.2)  # the model's default, unchanged


def test_net_impact_below_ten_percent_warns_and_still_saves(signed_in):
    officer = signed_in("officer")
    exercise = create_draft(officer)
    url = reverse("commissioning:setup_criteria", args=[exercise.key])
    response = officer.post(url, criteria("40", "55", "5", price_formula="proportional"), follow=True)
    page = response.content.decode()

    exercise.refresh_from_db()
    assert (exercise.price_weight, exercise.quality_weight, exercise.net_impact_weight) == pytest.approx(
        (0.40, 0.55, 0.05)
    )
    assert exercise.price_formula == "proportional"
    assert 'id="social-value-warning"' in page
    assert "Procurement Policy Note 06/20" in page and "at least 10%" in page

    officer.post(url, criteria("30", "50", "20"))
    assert 'id="social-value-warning"' not in officer.get(url).content.decode()


# --------------------------------------------------------------------------------------------- publish


def test_publishing_checks_the_exercise_first(signed_in):
    officer = signed_in("officer")
    exercise = create_draft(officer)
    check = reverse("commissioning:setup_check", args=[exercise.key])

    response = officer.post(check)
    assert response.status_code == 400
    assert "Add at least one quality question" in response.content.decode()

    officer.post(reverse("commissioning:setup_questions", args=[exercise.key]), question(weight_percent="60"))
    response = officer.post(check)
    assert "The quality questions&#x27; shares add up to 60%, not 100%" in response.content.decode()

    m.Exercise.objects.filter(pk=exercise.pk).update(deadline=date.today())
    assert "must be in the future" in officer.post(check).content.decode()
    exercise.refresh_from_db()
    assert exercise.status == m.ExerciseStatus.DRAFT


def test_publish_then_criteria_are_frozen_and_a_change_is_recorded_and_emailed(signed_in):
    officer = signed_in("officer")
    exercise = ready_to_publish(officer)
    response = officer.post(reverse("commissioning:setup_check", args=[exercise.key]))
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.status == m.ExerciseStatus.PUBLISHED
    assert exercise.published_by.username == "officer"
    assert exercise.published_at is not None

    # Details and questions are frozen: the forms send the officer to the criteria page instead.
    frozen = officer.post(reverse("commissioning:setup_details", args=[exercise.key]), details(title="New"))
    assert frozen.status_code == 302
    assert m.Exercise.objects.get(pk=exercise.pk).title == "Community mental health support"
    officer.post(reverse("commissioning:setup_psr", args=[exercise.key]))
    assert exercise.quality_questions.count() == 2

    bidders = give_bid_to(exercise)
    silent = bidders[0]
    silent.email = ""
    silent.save()
    mail.outbox.clear()
    url = reverse("commissioning:setup_criteria", args=[exercise.key])

    refused = officer.post(url, criteria("20", "50", "30"))
    assert refused.status_code == 400
    assert "Enter the reason for changing the published criteria" in refused.content.decode()
    assert not m.CriteriaChange.objects.filter(exercise=exercise).exists()
    assert mail.outbox == []
    exercise.refresh_from_db()
    assert exercise.price_weight == pytest.approx(0.3)

    changed = officer.post(
        url, criteria("20", "50", "30", reason="Clarification question 4 answered"), follow=True
    )
    change = m.CriteriaChange.objects.get(exercise=exercise)
    assert change.reason == "Clarification question 4 answered"
    assert change.changed_by.username == "officer"
    assert change.before["price_weight"] == pytest.approx(0.3)
    assert change.after["price_weight"] == pytest.approx(0.2)
    assert change.after["net_impact_weight"] == pytest.approx(0.3)
    with_address = [b for b in bidders if b.email]
    assert len(with_address) >= 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(b.email for b in with_address)
    assert all(len(message.to) == 1 for message in mail.outbox)  # bidders never see each other
    assert "Clarification question 4 answered" in mail.outbox[0].body
    # The officer is told who could not be emailed.
    page = changed.content.decode()
    assert silent.username in page.split('id="without-email"')[1]

    with pytest.raises(TypeError):
        m.CriteriaChange.objects.filter(pk=change.pk).update(reason="rewritten")

    # Both steps are in the exercise's audit trail.
    events = AuditEvent.objects.filter(exercise_key=exercise.key).order_by("sequence")
    assert [e.kind for e in events] == [AuditKind.PUBLISHED, AuditKind.CRITERIA_CHANGED]
    assert events[1].details["reason"] == "Clarification question 4 answered"
    assert events[1].details["before"]["price_weight"] == pytest.approx(0.3)


# ------------------------------------------------------------------------------------------------ access


def test_set_up_pages_are_for_officers_and_the_published_criteria_for_everyone():
    rules = {
        route: rule_of(pattern.callback)
        for route, pattern in every_url_pattern(get_resolver().url_patterns)
        if pattern.callback.__module__ == "netimpact.web.commissioning.setup_views"
    }

    assert len(rules) == 10
    assert rules.pop("exercises/<str:key>/criteria/").audiences == (Public,)
    assert {rule.audiences for rule in rules.values()} == {(Officer,)}


@pytest.mark.parametrize("role", ["panel", "bidder", "partner", "public"])
def test_only_officers_create_publish_or_change_criteria(signed_in, role):
    officer = signed_in("officer")
    exercise = ready_to_publish(officer)
    other = signed_in(role)
    before = m.Exercise.objects.count()

    attempts = [
        other.post(reverse("commissioning:setup_new"), details(title="Not allowed")),
        other.post(reverse("commissioning:setup_questions", args=[exercise.key]), question()),
        other.post(reverse("commissioning:setup_criteria", args=[exercise.key]), criteria("20", "50", "30")),
        other.post(reverse("commissioning:setup_check", args=[exercise.key])),
        other.post(reverse("commissioning:setup_psr", args=[exercise.key])),
    ]

    assert all(r.status_code in (302, 403) for r in attempts), [r.status_code for r in attempts]
    if role == "public":  # the anonymous are sent to sign in
        assert all("sign-in" in r.headers.get("Location", "sign-in") for r in attempts)
    exercise.refresh_from_db()
    assert m.Exercise.objects.count() == before
    assert exercise.status == m.ExerciseStatus.DRAFT
    assert exercise.quality_questions.count() == 2
    assert exercise.price_weight == pytest.approx(0.3)


@pytest.mark.parametrize("role", ["public", "bidder", "panel", "partner"])
def test_published_criteria_are_public_and_drafts_are_not(signed_in, role):
    officer = signed_in("officer")
    exercise = ready_to_publish(officer)
    url = reverse("commissioning:criteria", args=[exercise.key])
    reader = signed_in(role)

    assert reader.get(url).status_code == 404
    assert officer.get(url).status_code == 200

    officer.post(reverse("commissioning:setup_check", args=[exercise.key]))
    page = reader.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "How will you reach people who do not seek help?" in text
    assert 'id="weight-net-impact">20.0%' in text
    assert 'Score 4</dt><dd class="govuk-summary-list__value">Excellent' in text


# ------------------------------------------------------------------------------------------------- demo


def test_the_demo_exercise_is_published_with_its_criteria_public(signed_in, demo_city):
    exercise = m.Exercise.objects.get(key=demo_city.exercise.id)
    assert exercise.status == m.ExerciseStatus.PUBLISHED
    assert exercise.bids.exists()

    page = signed_in("public").get(reverse("commissioning:criteria", args=[exercise.key]))
    assert page.status_code == 200
    assert demo_city.exercise.quality_questions[0].text in page.content.decode()

    # Its criteria are frozen: a change without a reason is refused.
    officer = signed_in("officer")
    response = officer.post(
        reverse("commissioning:setup_criteria", args=[exercise.key]), criteria("30", "50", "20")
    )
    assert response.status_code == 400


def test_officers_find_set_up_from_the_exercise_pages_and_others_do_not(signed_in, demo_city):
    exercise_page = reverse("commissioning:exercise", args=[demo_city.exercise.id])
    officer, panel = signed_in("officer"), signed_in("panel")

    assert (
        reverse("commissioning:setup_new") in officer.get(reverse("commissioning:exercises")).content.decode()
    )
    assert (
        reverse("commissioning:setup_new")
        not in panel.get(reverse("commissioning:exercises")).content.decode()
    )
    criteria_url = reverse("commissioning:criteria", args=[demo_city.exercise.id])
    assert criteria_url in panel.get(exercise_page).content.decode()
    # The published demo exercise's check page lists no problems, though its demo deadline has passed.
    check = officer.get(reverse("commissioning:setup_check", args=[demo_city.exercise.id]))
    assert check.status_code == 200
    assert "There is a problem" not in check.content.decode()
