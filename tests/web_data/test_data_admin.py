"""Every register and commissioning table has a working admin: list, search, filters and change page."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from netimpact.web.commissioning.models import (
    Bid,
    BidAnswer,
    BidAttachment,
    CriteriaChange,
    EvaluationRun,
    Exercise,
    PartnerContact,
    QualityQuestion,
)
from netimpact.web.commissioning.store import save_exercise
from netimpact.web.register.store import save_ecosystem

pytestmark = pytest.mark.django_db

OUR_MODELS = [
    *apps.get_app_config("register").get_models(),
    *apps.get_app_config("commissioning").get_models(),
]


@pytest.fixture
def officer_client(client, django_user_model, city):
    save_ecosystem(city.ecosystem)
    save_exercise(city.exercise, city.bids)
    officer = django_user_model.objects.create_superuser("officer", "o@example.org", "pw", role="officer")
    # One stored evaluation run (its content is the evaluation page's business, tests/web_evaluation).
    EvaluationRun.objects.create(
        exercise=Exercise.objects.get(key=city.exercise.id),
        seed=0,
        draws=100,
        parameter_set="defaults",
        parameter_version="test",
        netimpact_version="test",
        inputs_hash="sha256:test",
        result={},
        run_by=officer,
        seconds_taken=0.5,
    )
    # And one change to published criteria (made on the set-up pages, tests/web_setup).
    CriteriaChange.objects.create(
        exercise=Exercise.objects.get(key=city.exercise.id),
        changed_by=officer,
        reason="Clarification answered",
        before={"price_weight": 0.3},
        after={"price_weight": 0.2},
    )
    # And what the bidder portal adds to a bid: an answer, a partner contact and a file.
    bid = Bid.objects.filter(exercise__key=city.exercise.id).order_by("pk").first()
    question = QualityQuestion.objects.filter(exercise=bid.exercise).first()
    BidAnswer.objects.create(bid=bid, question=question, text="Ashley first")
    PartnerContact.objects.create(bid=bid, organisation=bid.bidder, name="Ashley", email="a@example.org")
    BidAttachment.objects.create(
        bid=bid,
        file="private/bids/test.pdf",
        name="plan.pdf",
        size=9,
        content_type="application/pdf",
        uploaded_at=bid.exercise.closes_at,
    )
    client.force_login(officer)
    return client


def test_every_table_is_in_the_admin():
    assert [model.__name__ for model in OUR_MODELS if model not in admin.site._registry] == []


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model.__name__)
def test_list_search_and_change_pages_open(officer_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    assert officer_client.get(changelist).status_code == 200
    assert officer_client.get(changelist, {"q": "Ashley"}).status_code == 200
    first = model.objects.order_by("pk").first()
    assert first is not None, f"the test city stores no {opts.verbose_name}"
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
    assert officer_client.get(change).status_code == 200


def test_organisations_are_found_by_any_org_id_and_filtered_by_kind_and_ward(officer_client):
    url = reverse("admin:register_organisation_changelist")

    by_secondary_id = officer_client.get(url, {"q": "GB-COH-01000001"})
    faith_groups = officer_client.get(url, {"kind__exact": "faith_group"})
    ward = apps.get_model("register", "Ward").objects.get(code="E05010885")
    in_ashley = officer_client.get(url, {"wards__id__exact": ward.pk})

    assert list(by_secondary_id.context["cl"].result_list.values_list("org_id", flat=True)) == [
        "360G-netimpactdemo-0001"
    ]
    assert [o.org_id for o in faith_groups.context["cl"].result_list] == ["360G-netimpactdemo-0002"]
    assert [o.org_id for o in in_ashley.context["cl"].result_list] == ["360G-netimpactdemo-0001"]


def test_an_organisation_page_carries_its_identifiers_finances_and_services(officer_client):
    organisation = apps.get_model("register", "Organisation").objects.get(org_id="360G-netimpactdemo-0001")

    page = officer_client.get(reverse("admin:register_organisation_change", args=[organisation.pk]))

    text = page.content.decode()
    assert "GB-CHC-1000001" in text and "GB-COH-01000001" in text
    assert "Recovery café" in text and "St Agnes hall" in text
    assert 'name="finances-0-year" value="2024"' in text


def test_an_exercise_page_carries_its_questions_and_bids(officer_client):
    exercise = apps.get_model("commissioning", "Exercise").objects.get(key="ex-drugs-2026")

    page = officer_client.get(reverse("admin:commissioning_exercise_change", args=[exercise.pk]))

    text = page.content.decode()
    assert "How will you join up?" in text
    assert "Ashley-led partnership" in text and "National model" in text
