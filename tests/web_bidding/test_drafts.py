"""Writing a draft in the portal: every section saves, nothing typed is lost on an error, two tabs cannot
silently overwrite each other, and autosave answers in JSON."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netimpact.web.bidding import drafts
from netimpact.web.commissioning import models as m
from netimpact.web.register.models import Cohort, Need, Organisation, Service, Ward

from .conftest import AUTOSAVE_HEADER, url

pytestmark = pytest.mark.django_db

AUTOSAVE = {"headers": {AUTOSAVE_HEADER: "1"}}


def test_a_bidder_sees_the_open_exercise_with_its_closing_time_and_starts_one_bid(bidder, open_exercise):
    home = bidder.get(reverse("bidding:home")).content.decode()
    closes = open_exercise.closes_at
    assert "Young people&#x27;s substance misuse service" in home
    assert f"12:00 UK time on {closes:%-d %B %Y}" in home
    open_now = home.split('id="open-exercises"')[1]
    assert "Integrated drug and alcohol service" not in open_now  # closed in February
    assert (
        "Integrated drug and alcohol service: closed at 12:00 UK time on 27 February 2026" in home
    )  # its bid

    page = bidder.get(reverse("bidding:exercise", args=[open_exercise.key])).content.decode()
    assert reverse("commissioning:criteria", args=[open_exercise.key]) in page
    first = bidder.post(reverse("bidding:exercise", args=[open_exercise.key]))
    second = bidder.post(reverse("bidding:exercise", args=[open_exercise.key]))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]  # one bid per organisation, however often started
    bid = m.Bid.objects.get(exercise=open_exercise)
    assert bid.status == m.BidStatus.DRAFT and bid.key.startswith("NI-")
    task_list = bidder.get(first["Location"]).content.decode()
    assert "govuk-task-list" in task_list
    assert task_list.count('<li class="govuk-task-list__item') == 3 + 3 + 4  # 3 sections, 3 questions, 4 more


def test_each_section_saves_and_shows_what_was_saved(bidder, draft):
    young = Cohort.objects.get(exercises=draft.exercise)
    ward = Ward.objects.order_by("code").first()
    response = bidder.post(
        url("details", draft), {"version": draft.version, "title": "Youth first", "summary": "Early help."}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    response = bidder.post(
        url("service", draft),
        {
            "version": draft.version,
            "service_name": "Youth first service",
            "needs": [n.pk for n in Need.objects.filter(code__in=["substance_use", "youth"])],
            "capacity": "1,200",
            "cohorts": [young.pk],
            "wards": [ward.pk],
            "action": "continue",
        },
    )
    assert response["Location"] == url("price", draft)  # save and continue goes to the next task
    draft.refresh_from_db()
    bidder.post(
        url("price", draft),
        {"version": draft.version, "price": "£210,000", "local_staff_wages": "90000", "local_suppliers": "0"},
    )
    draft.refresh_from_db()
    question = draft.exercise.quality_questions.order_by("pk").first()
    bidder.post(url("answer", draft, question.key), {"version": draft.version, "text": "We go to them."})
    draft.refresh_from_db()
    assert (draft.title, draft.service_name, draft.service_capacity_per_year) == (
        "Youth first",
        "Youth first service",
        1200,
    )
    assert (draft.price_per_year, draft.local_staff_wages, draft.local_suppliers) == (210_000, 90_000, 0)
    assert list(draft.service_eligible_cohorts.all()) == [young]
    assert m.BidAnswer.objects.get(bid=draft, question=question).text == "We go to them."
    answer_page = bidder.get(url("answer", draft, question.key)).content.decode()
    assert "We go to them." in answer_page
    assert "Excellent: exceeds the requirement" in answer_page  # the scoring scale is shown
    assert draft.version == 5


def test_a_bad_value_is_shown_back_with_everything_typed_and_nothing_saved(bidder, draft):
    response = bidder.post(
        url("price", draft),
        {"version": draft.version, "price": "about two hundred", "local_staff_wages": "5000"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert "Enter the price a year as a number of pounds" in page
    assert "Enter both local spending figures, or neither" in page
    assert 'value="about two hundred"' in page and 'value="5000"' in page
    draft.refresh_from_db()
    assert draft.price_per_year is None and draft.local_staff_wages is None


def test_two_tabs_saving_the_same_draft_do_not_silently_overwrite_each_other(bidder, draft):
    opened_at = draft.version
    bidder.post(url("details", draft), {"version": opened_at, "title": "From tab one", "summary": ""})
    response = bidder.post(
        url("details", draft), {"version": opened_at, "title": "From tab two", "summary": ""}
    )
    page = response.content.decode()
    draft.refresh_from_db()
    assert response.status_code == 409
    assert draft.title == "From tab one"  # tab two did not overwrite it
    assert "saved somewhere else" in page and 'value="From tab two"' in page  # tab two's text is kept
    assert f'name="version" value="{draft.version}"' in page  # saving again replaces it, knowingly
    again = bidder.post(
        url("details", draft), {"version": draft.version, "title": "From tab two", "summary": ""}
    )
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "From tab two"


def test_autosave_answers_in_json_and_reports_a_conflict(bidder, draft):
    saved = bidder.post(url("details", draft), {"version": draft.version, "title": "Auto"}, **AUTOSAVE)
    body = saved.json()
    assert saved.status_code == 200 and body["saved"] is True
    assert body["version"] == draft.version + 1 and len(body["saved_at"]) == 5  # HH:MM
    stale = bidder.post(url("details", draft), {"version": draft.version, "title": "Stale"}, **AUTOSAVE)
    assert stale.status_code == 409 and stale.json()["conflict"] is True
    bad = bidder.post(url("price", draft), {"version": body["version"], "price": "lots"}, **AUTOSAVE)
    assert bad.status_code == 400 and "Not saved" in bad.json()["message"]
    draft.refresh_from_db()
    assert draft.title == "Auto"


def test_partnerships_subcontracts_commitments_and_their_contacts(bidder, draft):
    service = Service.objects.exclude(organisation=draft.bidder).order_by("key").first()
    partner = Organisation.objects.exclude(pk=draft.bidder_id).exclude(pk=service.organisation_id).first()
    added = bidder.post(url("joinup", draft), {"partner_service": service.pk, "mechanism": "referral_route"})
    assert added.status_code == 302
    bidder.post(
        url("commitments", draft), {"add": "subcontract", "sub-partner": partner.pk, "sub-amount": "20000"}
    )
    bidder.post(
        url("commitments", draft),
        {
            "add": "commitment",
            "com-kind": "capacity_building",
            "com-quantity": "5000",
            "com-partner": partner.pk,
        },
    )
    bidder.post(
        url("commitments", draft), {"add": "commitment", "com-kind": "local_jobs", "com-quantity": "4"}
    )
    refused = bidder.post(url("commitments", draft), {"add": "subcontract", "sub-amount": "x"})
    assert refused.status_code == 400 and "Choose the organisation" in refused.content.decode()
    assert draft.partnerships.count() == 1 and draft.subcontracts.count() == 1
    states = dict(draft.commitments.values_list("kind", "state"))
    assert states == {"capacity_building": "unanswered", "local_jobs": "confirmed"}

    assert drafts.partner_organisations(draft) == [partner, service.organisation]  # once each
    draft.refresh_from_db()
    contacts = bidder.post(
        url("contacts", draft),
        {
            "version": draft.version,
            f"name_{service.organisation.pk}": "Sam Lee",
            f"email_{service.organisation.pk}": "sam@example.org",
            f"name_{partner.pk}": "Ali Khan",
            f"phone_{partner.pk}": "0117 496 0000",
        },
    )
    assert contacts.status_code == 302
    stored = {
        c.organisation_id: (c.name, c.email, c.phone) for c in m.PartnerContact.objects.filter(bid=draft)
    }
    assert stored == {
        service.organisation.pk: ("Sam Lee", "sam@example.org", ""),
        partner.pk: ("Ali Khan", "", "0117 496 0000"),
    }

    row = draft.subcontracts.get()
    assert bidder.post(url("remove_row", draft, "subcontract", row.pk)).status_code == 302
    assert not draft.subcontracts.exists()


def test_submission_is_blocked_until_the_bid_is_complete_and_says_what_is_missing(bidder, draft):
    page = bidder.get(url("check", draft)).content.decode()
    for missing in (
        "Enter the bid&#x27;s title",
        "Enter the price a year",
        "Answer quality question 1",
        "Enter the name of the service",
    ):
        assert missing in page
    assert "Accept and submit" not in page
    refused = bidder.post(url("check", draft), {"confirm": "on"})
    assert refused.status_code == 400
    draft.refresh_from_db()
    assert draft.status == m.BidStatus.DRAFT
