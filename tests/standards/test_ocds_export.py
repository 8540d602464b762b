"""The OCDS export of the demo exercise: valid for libcoveocds (offline, zero findings), and saying what the
exercise and its bids say: prices, published weights, parties, net impact, closing time, award."""

from __future__ import annotations

import copy
import csv
import filecmp
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from netimpact.domain.closing import closes_at
from netimpact.domain.vocabulary import OrgKind
from netimpact.standards import ocds_export
from netimpact.standards.export_validation import (
    NETIMPACT_EXTENSION_DIR,
    OCDS_EXTENSIONS_DIR,
    OCDS_SCHEMA_DIR,
    validate_ocds,
)
from netimpact.standards.ocds_export import AwardDecision, OcdsExportError, release_package

from .exports_support import (
    EXTENSION_URL,
    award_to,
    city,
    evaluation,
    offline,
    publication,
    require_shared_data,
)

__all__ = ["city", "evaluation", "offline"]  # fixtures


@pytest.fixture(scope="module")
def full(city, evaluation) -> dict[str, Any]:
    """The demo exercise after its award: tender, bids with net impact, the award."""
    return release_package(
        city.ecosystem,
        city.exercise,
        city.bids,
        publication(),
        evaluation=evaluation,
        award=award_to("demo-bid-national"),
    )


def release(package: dict[str, Any]) -> dict[str, Any]:
    [only] = package["releases"]
    return only


# ------------------------------------------------------------------------------- the official validator


def test_the_demo_release_package_has_no_finding_from_libcoveocds(full, offline):
    report = validate_ocds(full)

    assert report.problems == []
    # libcoveocds really read every extension the package names, ours included, and their codelists.
    read = {e["url"]: e for e in report.raw["extensions"]["extensions"]}
    assert set(read) == set(full["extensions"])
    assert all(not e["failed_codelists"] for e in read.values())
    assert report.raw["version_used"] == "1.1"


def test_the_tender_only_and_the_not_yet_evaluated_packages_are_valid_too(city, offline):
    tender_only = release_package(city.ecosystem, city.exercise, None, publication())
    before_evaluation = release_package(city.ecosystem, city.exercise, city.bids, publication())

    assert validate_ocds(tender_only).problems == []
    assert validate_ocds(before_evaluation).problems == []


def test_libcoveocds_reports_what_is_wrong_so_a_clean_report_means_something(full, offline):
    broken = copy.deepcopy(full)
    bad = release(broken)
    bad["bids"]["details"][0]["netImpact"]["median"] = "a lot"
    bad["bids"]["details"][0]["status"] = "winning"
    bad["bids"]["details"][0]["claims"][0]["evidenceState"] = "probably"
    bad["tender"]["madeUpField"] = 1
    no_ocid = copy.deepcopy(full)
    del release(no_ocid)["ocid"]

    problems = validate_ocds(broken).problems

    assert validate_ocds(no_ocid).problems == ["releases/0: 'ocid' is missing but required (value '')"]
    assert any("netImpact/median" in p and "not a number" in p for p in problems)
    assert any("bids/details/status" in p and "winning" in p for p in problems)
    assert any("evidenceState" in p and "probably" in p for p in problems)
    assert any("madeUpField" in p for p in problems)


def test_without_our_extension_its_fields_are_fields_no_schema_declares(full, offline):
    """The netimpact extension is what declares netImpact, claims and VCSE status."""
    stripped = copy.deepcopy(full)
    stripped["extensions"] = [url for url in stripped["extensions"] if url != EXTENSION_URL]

    problems = validate_ocds(stripped).problems

    assert any(p.endswith("/netImpact") for p in problems)
    assert any(p.endswith("/claims") for p in problems)
    assert any(p.endswith("/vcse") for p in problems)


# ------------------------------------------------------------------------------- meaning, field by field


def test_each_bid_value_is_its_price_over_the_term_and_value_per_year_its_price(city, full):
    term = city.exercise.term_years
    details = {d["id"]: d for d in release(full)["bids"]["details"]}

    assert set(details) == {b.id for b in city.bids}
    for bid in city.bids:
        assert details[bid.id]["valuePerYear"] == {"amount": bid.price_per_year, "currency": "GBP"}
        assert details[bid.id]["value"] == {"amount": bid.price_per_year * term, "currency": "GBP"}
        assert details[bid.id]["tenderers"][0]["id"] == bid.bidder


def test_award_criteria_weights_are_the_published_ones_and_sum_to_one(city, full):
    criteria = city.exercise.criteria
    [lot] = release(full)["tender"]["lots"]
    rows = lot["awardCriteria"]["criteria"]
    weight = {r["name"]: r["numbers"][0]["number"] for r in rows}
    assert all(r["numbers"][0]["weight"] == "decimalExact" for r in rows)

    assert sum(weight.values()) == pytest.approx(1.0, abs=1e-9)
    assert weight["Price"] == pytest.approx(criteria.price)
    assert weight["Net impact on the city's ecosystem"] == pytest.approx(criteria.net_impact)
    questions = [r for r in rows if r["name"].startswith("Quality: ")]
    assert len(questions) == len(city.exercise.quality_questions)
    assert sum(r["numbers"][0]["number"] for r in questions) == pytest.approx(criteria.quality)
    for question in city.exercise.quality_questions:
        assert weight[f"Quality: {question.text}"] == pytest.approx(criteria.quality * question.weight)
    assert release(full)["tender"]["awardCriteria"] == "ratedCriteria"
    assert (
        "price 30%, quality 50%, net impact on the city's ecosystem 20%"
        in release(full)["tender"]["awardCriteriaDetails"]
    )


def _references(value: Any, key: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every OrganizationReference in a release: {id, name} objects under the keys that hold them."""
    found: list[tuple[str, dict[str, Any]]] = []
    holders = {"buyer", "procuringEntity", "tenderers", "suppliers", "partner"}
    if isinstance(value, dict):
        if key in holders:
            found.append((key, value))
        for child_key, child in value.items():
            if child_key != "parties":
                found.extend(_references(child, child_key))
    elif isinstance(value, list):
        for item in value:
            found.extend(_references(item, key))
    return found


def test_every_party_referenced_exists_once_with_the_same_name(full):
    current = release(full)
    parties = {p["id"]: p for p in current["parties"]}
    references = _references(current)

    assert len(parties) == len(current["parties"])
    assert len(references) > 10
    for holder, reference in references:
        assert reference["id"] in parties, f"{holder} names {reference['id']}, which is not in parties"
        assert reference["name"] == parties[reference["id"]]["name"]
    # And no party is there for nothing.
    assert {p for p in parties} == {r["id"] for _, r in references}


def test_parties_have_their_roles_scale_and_vcse_status(city, full):
    parties = {p["id"]: p for p in release(full)["parties"]}
    council = parties[city.exercise.commissioner]
    assert {"buyer", "procuringEntity"} <= set(council["roles"])
    assert council["identifier"] == {"scheme": "GB-LAE", "id": "BST", "legalName": council["name"]}
    assert council["details"]["scale"] is None  # a council is not an enterprise
    for bid in city.bids:
        party = parties[bid.bidder]
        organisation = city.ecosystem.organisation(bid.bidder)
        assert "tenderer" in party["roles"]
        assert party["details"]["vcse"] is organisation.kind.is_local_ecosystem
        assert party["details"]["organisationKind"] == organisation.kind.value
        assert party["details"]["scale"] == ocds_export.organisation_scale(organisation)
    assert (
        "supplier"
        in parties[
            city.ecosystem.organisation(next(b.bidder for b in city.bids if b.id == "demo-bid-national")).id
        ]["roles"]
    )
    partners = [p for p in parties.values() if "namedPartner" in p["roles"]]
    assert partners, "the consortium bid names partners"


def test_net_impact_is_the_evaluation_s_median_interval_and_components(city, evaluation, full):
    details = {d["id"]: d for d in release(full)["bids"]["details"]}
    for result in evaluation.result["bids"]:
        written = details[result["bid"]]["netImpact"]
        assert written["median"] == result["net_impact"]["median"]
        assert written["interval90"] == {
            "low": result["net_impact"]["low"],
            "high": result["net_impact"]["high"],
        }
        assert (
            written["components"]["costOfFallingThrough"]["median"]
            == (result["components"]["cost_of_falling_through"]["median"])
        )
        assert written["awardScore"] == evaluation.result["ranking"]["award_score_median"][result["bid"]]
    run = release(full)["bids"]["netImpactEvaluation"]
    assert run["draws"] == 200 and run["seed"] == 0 and run["inputsHash"] == "sha256:test"


def test_claims_carry_their_evidence_state(city, full):
    details = {d["id"]: d for d in release(full)["bids"]["details"]}
    for bid in city.bids:
        claims = details[bid.id].get("claims", [])
        states = [c["evidenceState"] for c in claims]
        expected = (
            [s.state.value for s in bid.subcontracts]
            + [p.state.value for p in bid.partnerships]
            + [c.state.value for c in bid.commitments]
        )
        assert states == expected
        assert len({c["id"] for c in claims}) == len(claims)


def test_bid_statistics_count_the_bids_and_their_values(city, full):
    statistics = {s["measure"]: s for s in release(full)["bids"]["statistics"]}
    totals = [b.price_per_year * city.exercise.term_years for b in city.bids]

    assert statistics["bids"]["value"] == len(city.bids)
    assert statistics["bidders"]["value"] == len({b.bidder for b in city.bids})
    assert statistics["lowestValidBidValue"]["value"] == min(totals)
    assert statistics["highestValidBidValue"]["value"] == max(totals)
    assert statistics["lowestValidBidValue"]["currency"] == "GBP"
    assert len({s["id"] for s in release(full)["bids"]["statistics"]}) == len(statistics)


def test_the_tender_closes_at_noon_uk_time_on_the_deadline(city, full):
    assert city.exercise.deadline == date(2026, 2, 27)
    assert release(full)["tender"]["tenderPeriod"] == {
        "startDate": "2026-01-16T09:00:00Z",
        "endDate": "2026-02-27T12:00:00Z",  # noon GMT
    }


def test_the_domain_closing_rule_is_the_web_clock_s(settings):
    from netimpact.web import clock

    for day in (date(2026, 2, 27), date(2026, 7, 1), date(2026, 3, 29), date(2026, 10, 25)):
        assert closes_at(day) == clock.closes_at(day)
    assert closes_at(date(2026, 7, 1)) == datetime(2026, 7, 1, 11, tzinfo=UTC)  # noon BST


def test_the_award_names_the_winning_bid_its_supplier_and_value(city, full):
    [award] = release(full)["awards"]
    winner = next(b for b in city.bids if b.id == "demo-bid-national")

    assert award["relatedBids"] == [winner.id]
    assert award["suppliers"][0]["id"] == winner.bidder
    assert award["value"]["amount"] == winner.price_per_year * city.exercise.term_years
    assert award["status"] == "pending" and award["date"] == "2026-03-12T15:00:00Z"
    assert release(full)["tag"] == ["tender", "award"]
    assert release(full)["date"] == "2026-03-12T15:00:00Z"  # the latest event: the award


def test_a_decision_to_make_no_award_makes_the_tender_unsuccessful(city, evaluation, offline):
    package = release_package(
        city.ecosystem,
        city.exercise,
        city.bids,
        publication(),
        evaluation=evaluation,
        award=AwardDecision(bid=None, date=datetime(2026, 3, 12, tzinfo=UTC)),
    )

    assert release(package)["tender"]["status"] == "unsuccessful"
    assert "awards" not in release(package)
    assert validate_ocds(package).problems == []


def test_the_tender_only_release_says_nothing_of_any_bid(city):
    package = release_package(city.ecosystem, city.exercise, None, publication())
    text = json.dumps(package)

    assert "bids" not in release(package)
    assert "tenderers" not in release(package)["tender"]
    assert [p["id"] for p in release(package)["parties"]] == [city.exercise.commissioner]
    for bid in city.bids:
        assert bid.id not in text and bid.bidder not in text


def test_an_evaluation_or_award_without_the_bids_is_refused(city, evaluation):
    with pytest.raises(OcdsExportError, match="only be written with the bids"):
        release_package(city.ecosystem, city.exercise, None, publication(), evaluation=evaluation)


def test_an_award_to_a_bid_that_is_not_there_is_refused(city):
    with pytest.raises(OcdsExportError, match="not one of the exercise's bids"):
        release_package(
            city.ecosystem, city.exercise, city.bids, publication(), award=award_to("no-such-bid")
        )


def test_the_ocid_uses_the_configured_prefix_and_a_malformed_one_is_refused(city):
    package = release_package(city.ecosystem, city.exercise, None, publication(ocid_prefix="ocds-abc123"))
    assert release(package)["ocid"] == f"ocds-abc123-{city.exercise.id}"
    with pytest.raises(OcdsExportError, match="ocds-xxxxxx"):
        release_package(city.ecosystem, city.exercise, None, publication(ocid_prefix="OCDS-not-one"))


def test_the_release_id_changes_exactly_when_the_content_does(city):
    first = release(release_package(city.ecosystem, city.exercise, city.bids, publication()))
    again = release(
        release_package(
            city.ecosystem, city.exercise, city.bids, publication(published=datetime(2027, 1, 1, tzinfo=UTC))
        )
    )
    awarded = release(
        release_package(
            city.ecosystem, city.exercise, city.bids, publication(), award=award_to("demo-bid-regional")
        )
    )

    assert first["id"] == again["id"]  # published later, same release
    assert awarded["id"] != first["id"]
    assert first["id"].startswith(f"{first['ocid']}-tender-")


# --------------------------------------------------------------------------------- the extension itself


def test_our_extension_s_codelists_match_the_code_lists_in_the_code():
    metadata = json.loads((NETIMPACT_EXTENSION_DIR / "extension.json").read_text())
    schema = json.loads((NETIMPACT_EXTENSION_DIR / "release-schema.json").read_text())
    for name in metadata["codelists"]:
        assert (NETIMPACT_EXTENSION_DIR / "codelists" / name).is_file()
    kinds = _codes("organisationKind.csv")
    assert kinds == [k.value for k in OrgKind]
    enum = schema["definitions"]["Organization"]["properties"]["details"]["properties"]["organisationKind"][
        "enum"
    ]
    assert enum == [*kinds, None]
    claim = schema["definitions"]["EcosystemClaim"]["properties"]
    assert claim["evidenceState"]["enum"] == [*_codes("evidenceState.csv"), None]
    assert claim["type"]["enum"] == [*_codes("claimType.csv"), None]


def _codes(name: str) -> list[str]:
    with (NETIMPACT_EXTENSION_DIR / "codelists" / name).open(encoding="utf-8") as stream:
        return [row["Code"] for row in csv.DictReader(stream)]


def test_the_vendored_schema_and_extensions_are_the_official_files_unchanged():
    shared = require_shared_data()
    official = shared / "ocds"
    for path in OCDS_SCHEMA_DIR.rglob("*"):
        if path.is_file():
            assert filecmp.cmp(
                path, official / "schema-1.1" / path.relative_to(OCDS_SCHEMA_DIR), shallow=False
            )
    for path in OCDS_EXTENSIONS_DIR.rglob("*"):
        if path.is_file() and path.name != "SOURCES.md":
            assert filecmp.cmp(
                path, official / "extensions" / path.relative_to(OCDS_EXTENSIONS_DIR), shallow=False
            )
    assert {p.name for p in OCDS_EXTENSIONS_DIR.iterdir() if p.is_dir()} == set(
        ocds_export.OFFICIAL_EXTENSIONS
    )
