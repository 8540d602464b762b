"""Matching across sources on real same-name cases; the review queue; merges recorded and undone exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netimpact.web.imports import merging
from netimpact.web.imports.importing import import_bytes, import_path
from netimpact.web.imports.models import MatchReview, OrganisationMerge
from netimpact.web.register import models as m

pytestmark = pytest.mark.django_db


def _org(org_id: str) -> m.Organisation:
    return m.Organisation.objects.get(identifiers__value=org_id)


def test_two_charities_sharing_a_name_and_postcode_stay_two(shared: Path) -> None:
    """Real case in the A B Charitable Trust file: "Carriers of Hope" is GB-CHC-1140583 and GB-CHC-1180105
    (the charity re-registered), both at CV3 2PP; likewise "Comfrey Project" and "Migrants Organise"."""
    import_path("360giving", shared / "360giving/a-b-charitable-trust.json", actor_label="test")
    for a, b in (
        ("GB-CHC-1140583", "GB-CHC-1180105"),
        ("GB-CHC-1093365", "GB-CHC-1175224"),
        ("GB-CHC-1077116", "GB-CHC-1077166"),
        ("GB-SC-SC030193", "GB-SC-SC047423"),
    ):
        first, second = _org(a), _org(b)
        assert first.pk != second.pk
        assert first.postcode == second.postcode
        with pytest.raises(merging.MergeRefused, match="different"):
            merging.merge(first, second, user=None)


def test_same_name_and_postcode_without_a_clash_is_one_organisation(shared: Path) -> None:
    """Real case: the A B Charitable Trust names the University of Oxford both by a 360G- id and by
    GB-COH-06402143, at OX1 2JD: one organisation with both Org-IDs."""
    import_path("360giving", shared / "360giving/a-b-charitable-trust.json", actor_label="test")
    assert _org("360G-ABCT-ORG:0010X00004GNB1f") == _org("GB-COH-06402143")


def test_same_name_with_a_missing_postcode_goes_to_the_review_queue(shared: Path) -> None:
    """Real case: Drake Music is 360G-trafford-drake_music in Trafford's grants (no postcode) and
    GB-CHC-1034374 at E1 6LA in the Andrew Lloyd Webber Foundation's."""
    import_path("360giving", shared / "360giving/andrew-lloyd-webber-foundation.json", actor_label="test")
    run = import_path(
        "360giving", shared / "360giving/trafford_council_voluntary_sector_grants.json", actor_label="test"
    )
    review = MatchReview.objects.get(incoming__org_id="360G-trafford-drake_music")
    assert review.existing == _org("GB-CHC-1034374")
    assert "postcode missing" in review.reason
    assert review.import_run == run
    assert run.counts["match to review"]["created"] >= 1
    # Importing again finds both by Org-ID: no new review.
    import_path(
        "360giving", shared / "360giving/trafford_council_voluntary_sector_grants.json", actor_label="test"
    )
    assert MatchReview.objects.filter(incoming__org_id="360G-trafford-drake_music").count() == 1


def _drake(shared: Path) -> MatchReview:
    import_path("360giving", shared / "360giving/andrew-lloyd-webber-foundation.json", actor_label="test")
    import_path(
        "360giving", shared / "360giving/trafford_council_voluntary_sector_grants.json", actor_label="test"
    )
    return MatchReview.objects.get(incoming__org_id="360G-trafford-drake_music")


def _state(org_ids: list[str]) -> dict:
    state = {}
    for org_id in org_ids:
        org = m.Organisation.objects.get(org_id=org_id)
        state[org_id] = {
            "pk": org.pk,
            "fields": (org.name, org.kind, org.postcode, org.staff, org.volunteers),
            "ids": sorted(org.identifiers.values_list("value", flat=True)),
            "received": sorted(org.funding_received.values_list("key", flat=True)),
            "given": sorted(org.funding_given.values_list("key", flat=True)),
            "wards": sorted(org.wards.values_list("code", flat=True)),
        }
    return state


def test_merge_moves_everything_and_unmerge_restores_both(shared: Path) -> None:
    review = _drake(shared)
    incoming, existing = review.incoming, review.existing
    ward = m.Ward.objects.create(code="E05010885", name="Ashley")
    incoming.wards.add(ward)
    before = _state([incoming.org_id, existing.org_id])
    record = merging.merge(existing, incoming, user=None, review=review)
    review.refresh_from_db()
    assert review.status == MatchReview.Status.MERGED
    assert not m.Organisation.objects.filter(org_id="360G-trafford-drake_music").exists()
    kept = m.Organisation.objects.get(org_id="GB-CHC-1034374")
    assert "360G-trafford-drake_music" in kept.identifiers.values_list("value", flat=True)
    assert set(before["360G-trafford-drake_music"]["received"]) <= set(
        kept.funding_received.values_list("key", flat=True)
    )
    assert kept.wards.filter(code="E05010885").exists()
    # Importing the Trafford file again now finds Drake Music by its 360G id on the merged organisation.
    again = import_path(
        "360giving", shared / "360giving/trafford_council_voluntary_sector_grants.json", actor_label="test"
    )
    assert again.counts["organisation"]["created"] == 0 and again.counts["funding tie"]["updated"] == 0
    merging.unmerge(record, user=None)
    assert _state([incoming.org_id, existing.org_id]) == before
    review.refresh_from_db()
    assert review.status == MatchReview.Status.OPEN and review.incoming.org_id == "360G-trafford-drake_music"
    record.refresh_from_db()
    assert record.undone_at is not None
    with pytest.raises(merging.MergeRefused):
        merging.unmerge(record, user=None)


def test_merge_refuses_overlapping_accounts(shared: Path) -> None:
    import_path("ccew", shared / "ccew", actor_label="test")
    charity = m.Organisation.objects.get(org_id="GB-CHC-207237")
    other = m.Organisation.objects.create(org_id="360G-x-copy", name=charity.name, kind="local_vcse")
    m.FinancialYear.objects.create(
        organisation=other, year=2022, expenditure=1, free_reserves=1, net_assets=1
    )
    with pytest.raises(merging.MergeRefused, match="2022"):
        merging.merge(charity, other, user=None)
    assert OrganisationMerge.objects.count() == 0


def test_near_identical_names_at_one_postcode_are_queued() -> None:
    def grant(number: int, org_id: str, name: str) -> dict:
        return {
            "id": f"360G-t-{number}",
            "title": "t",
            "description": "d",
            "currency": "GBP",
            "amountAwarded": 10,
            "awardDate": "2024-01-01",
            "recipientOrganization": [{"id": org_id, "name": name, "postalCode": "BS2 9JA"}],
            "fundingOrganization": [{"id": "GB-LAE-BST", "name": "Bristol City Council"}],
        }

    import_bytes(
        "360giving",
        json.dumps({"grants": [grant(1, "GB-CHC-1", "Bristol Refugee Rights")]}).encode(),
        "a.json",
        actor_label="test",
    )
    import_bytes(
        "360giving",
        json.dumps({"grants": [grant(2, "360G-t-brr", "Bristol Refugee Right")]}).encode(),
        "b.json",
        actor_label="test",
    )
    review = MatchReview.objects.get()
    assert "near-identical" in review.reason
    merging.keep_apart(review, user=None)
    assert MatchReview.objects.get().status == MatchReview.Status.KEPT_APART
