"""Open-data downloads on the site: who may have which file, and when; each file valid for its standard."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from netimpact.standards.export_validation import (
    NETIMPACT_EXTENSION_DIR,
    validate_hsds_services,
    validate_ocds,
    validate_threesixtygiving,
)
from netimpact.web.commissioning import models as m
from netimpact.web.exports import sources
from standards.exports_support import offline

__all__ = ["offline"]  # fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise(demo_register) -> m.Exercise:
    return m.Exercise.objects.get(key=demo_register.exercise.id)


def _json(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return json.loads(response.content)


# ----------------------------------------------------------------------------------- public downloads


def test_anyone_can_download_the_register_as_open_referral_uk(signed_in, demo_register, offline):
    page = _json(signed_in("public").get(reverse("exports:hsds")))
    assert page["total_items"] == len(demo_register.ecosystem.services)
    assert validate_hsds_services(page) == []
    assert page["contents"][0]["organization"]["uri"].startswith("http://testserver/organisations/")


def test_anyone_can_download_the_grants_as_360giving(signed_in, demo_register):
    package = _json(signed_in("public").get(reverse("exports:threesixtygiving")))
    assert validate_threesixtygiving(package) == []
    assert package["publisher"] == {"name": "Bristol City Council (demo record)", "identifier": "GB-LAE-BST"}
    assert all(g["id"].startswith("360G-netimpactdemo-") for g in package["grants"])


def test_anyone_can_download_a_published_tender_which_holds_nothing_of_the_bids(
    signed_in, exercise, demo_register, clock, offline
):
    clock.set(exercise.closes_at - timedelta(days=1))  # even while bids are sealed
    response = signed_in("public").get(reverse("exports:ocds_tender", args=[exercise.key]))
    package = _json(response)
    [release] = package["releases"]

    assert validate_ocds(package).problems == []
    assert "bids" not in release and "tenderers" not in release["tender"]
    assert all(b.id not in response.content.decode() for b in demo_register.bids)
    assert package["uri"] == f"http://testserver/open-data/exercises/{exercise.key}/ocds-tender.json"
    assert package["extensions"][-1] == "http://testserver/open-data/ocds/extensions/netimpact/extension.json"


def test_a_draft_exercise_has_no_public_tender(signed_in, exercise):
    m.Exercise.objects.filter(pk=exercise.pk).update(status=m.ExerciseStatus.DRAFT)
    assert signed_in("public").get(reverse("exports:ocds_tender", args=[exercise.key])).status_code == 404
    assert signed_in("officer").get(reverse("exports:ocds_release", args=[exercise.key])).status_code == 404


def test_the_extension_files_every_package_names_are_served(signed_in):
    client = signed_in("public")
    response = client.get(reverse("exports:ocds_extension", args=["extension.json"]))
    assert response.status_code == 200
    assert response.content == (NETIMPACT_EXTENSION_DIR / "extension.json").read_bytes()
    for name in json.loads(response.content)["codelists"]:
        assert client.get(reverse("exports:ocds_extension", args=[f"codelists/{name}"])).status_code == 200
    assert client.get(reverse("exports:ocds_extension", args=["release-schema.json"])).status_code == 200
    assert client.get(reverse("exports:ocds_extension", args=["../ocds_export.py"])).status_code == 404


def test_the_open_data_page_links_every_download(signed_in, exercise):
    page = signed_in("public").get(reverse("exports:open_data")).content.decode()
    for url in (
        reverse("exports:hsds"),
        reverse("exports:threesixtygiving"),
        reverse("exports:ocds_tender", args=[exercise.key]),
    ):
        assert f'href="{url}"' in page
    assert reverse("exports:ocds_release", args=[exercise.key]) not in page
    home = signed_in("public").get(reverse("register:home")).content.decode()
    assert f'href="{reverse("exports:open_data")}"' in home


# ------------------------------------------------------------------------- the full release: officers


def test_an_officer_downloads_the_full_release_after_the_deadline_with_the_latest_evaluation(
    signed_in, exercise, demo_register, clock, offline
):
    from netimpact.web.commissioning.evaluation import run_evaluation

    clock.set(exercise.closes_at + timedelta(days=3))
    received = exercise.closes_at - timedelta(days=1, hours=3)
    m.Bid.objects.filter(key=demo_register.bids[0].id).update(submitted_at=received)
    run = run_evaluation(exercise.key, draws=100, seed=7)
    package = _json(signed_in("officer").get(reverse("exports:ocds_release", args=[exercise.key])))
    [release] = package["releases"]

    assert validate_ocds(package).problems == []
    details = {d["id"]: d for d in release["bids"]["details"]}
    assert set(details) == {b.id for b in demo_register.bids}
    for bid in demo_register.bids:
        assert details[bid.id]["valuePerYear"]["amount"] == bid.price_per_year
        result = next(b for b in run.result["bids"] if b["bid"] == bid.id)
        assert details[bid.id]["netImpact"]["median"] == result["net_impact"]["median"]
    assert details[demo_register.bids[0].id]["date"] == "2026-02-26T09:00:00Z"  # when it was received
    assert release["bids"]["netImpactEvaluation"]["seed"] == 7
    assert release["bids"]["netImpactEvaluation"]["inputsHash"] == run.inputs_hash
    assert "awards" not in release  # no decision is recorded here


def test_before_the_deadline_even_an_officer_is_refused_the_full_release(signed_in, exercise, clock):
    clock.set(exercise.closes_at - timedelta(seconds=1))
    response = signed_in("officer").get(reverse("exports:ocds_release", args=[exercise.key]))
    assert response.status_code == 403
    assert "sealed until 27 February 2026 at 12:00 UK time" in response.content.decode()
    clock.set(exercise.closes_at)
    assert signed_in("officer").get(reverse("exports:ocds_release", args=[exercise.key])).status_code == 200


@pytest.mark.parametrize("role", ["panel", "bidder", "partner"])
def test_other_roles_are_refused_the_full_release(role, signed_in, exercise, clock):
    clock.set(exercise.closes_at + timedelta(days=1))
    response = signed_in(role).get(reverse("exports:ocds_release", args=[exercise.key]))
    assert response.status_code == 403


def test_someone_not_signed_in_is_sent_to_sign_in(signed_in, exercise):
    response = signed_in("public").get(reverse("exports:ocds_release", args=[exercise.key]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_exercise_page_offers_the_full_release_to_officers_only_and_only_after_the_deadline(
    signed_in, exercise, clock
):
    release_url = reverse("exports:ocds_release", args=[exercise.key])
    page_url = reverse("commissioning:exercise", args=[exercise.key])
    clock.set(exercise.closes_at - timedelta(hours=1))
    before = signed_in("officer").get(page_url).content.decode()
    assert release_url not in before
    assert "after bids close at 12:00 UK time on 27 February 2026" in before
    clock.set(exercise.closes_at + timedelta(hours=1))
    assert f'href="{release_url}"' in signed_in("officer").get(page_url).content.decode()
    panel = signed_in("panel").get(page_url).content.decode()
    assert release_url not in panel
    assert f'href="{reverse("exports:ocds_tender", args=[exercise.key])}"' in panel


def test_no_award_is_written_while_no_decisions_app_records_one(exercise):
    assert sources.award_decision(exercise) is None
