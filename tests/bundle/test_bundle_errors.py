"""A bad bundle is refused with every problem named: where in the document, and what was expected."""

from __future__ import annotations

import json

import pytest

from netimpact.bundle import BundleError, parse_bundle_text, read_bundle, validate_bundle


def problems(document) -> dict[str, str]:
    with pytest.raises(BundleError) as caught:
        read_bundle(document)
    return {issue.path: str(issue) for issue in caught.value.issues}


def test_a_tie_naming_an_unknown_organisation_is_reported_at_its_recipient(small_bundle):
    small_bundle["ecosystem"]["funding"][12]["recipient"] = "GB-CHC-0000000"
    found = problems(small_bundle)
    assert list(found) == ["$.ecosystem.funding[12].recipient"]
    assert "'GB-CHC-0000000' names no organisation" in found["$.ecosystem.funding[12].recipient"]
    assert "expected the id of an organisation in $.ecosystem.organisations" in found[
        "$.ecosystem.funding[12].recipient"]


def test_a_secondary_org_id_is_refused_with_the_primary_named(small_bundle):
    organisation = small_bundle["ecosystem"]["organisations"][5]
    organisation["org_ids"].append("GB-CHC-5555555")
    small_bundle["ecosystem"]["funding"][0]["funder"] = "GB-CHC-5555555"
    found = problems(small_bundle)
    assert f"its primary Org-ID {organisation['id']!r}" in found["$.ecosystem.funding[0].funder"]


def test_a_partnership_naming_an_unknown_service(small_bundle):
    small_bundle["bids"][1]["partnerships"][0]["partner_service"] = "no-such-service"
    found = problems(small_bundle)
    assert "names no service" in found["$.bids[1].partnerships[0].partner_service"]


def test_a_replaced_stream_that_is_not_a_tie(small_bundle):
    small_bundle["exercise"]["replaced_streams"].append("syn-tie-99999999")
    found = problems(small_bundle)
    path = f"$.exercise.replaced_streams[{len(small_bundle['exercise']['replaced_streams']) - 1}]"
    assert "names no funding tie" in found[path]


def test_entry_shares_that_do_not_sum_to_one(small_bundle):
    shares = small_bundle["ecosystem"]["cohorts"][2]["entry_shares"]
    first = next(iter(shares))
    shares[first] += 0.1
    found = problems(small_bundle)
    message = found["$.ecosystem.cohorts[2].entry_shares"]
    assert "entry shares sum to 1.1" in message
    assert "summing to 1 (within 1e-06)" in message


def test_duplicate_ids_name_the_first_use(small_bundle):
    services = small_bundle["ecosystem"]["services"]
    services[7]["id"] = services[3]["id"]
    found = problems(small_bundle)
    assert "(first at $.ecosystem.services[3].id)" in found["$.ecosystem.services[7].id"]


def test_award_weights_must_sum_to_one(small_bundle):
    small_bundle["exercise"]["criteria"]["price"] = 0.5
    found = problems(small_bundle)
    assert "sum to 1.2" in found["$.exercise.criteria"]


def test_a_bid_for_another_exercise(small_bundle):
    small_bundle["bids"][0]["exercise"] = "another"
    assert "is not this bundle's exercise" in problems(small_bundle)["$.bids[0].exercise"]


def test_self_ties_and_self_referrals(small_bundle):
    tie = small_bundle["ecosystem"]["funding"][1]
    tie["recipient"] = tie["funder"]
    route = small_bundle["ecosystem"]["referrals"][1]
    route["to_service"] = route["from_service"]
    found = problems(small_bundle)
    assert "expected a recipient other than the funder" in found["$.ecosystem.funding[1].recipient"]
    assert "expected a service other than the referring one" in found["$.ecosystem.referrals[1].to_service"]


def test_unknown_wards_and_cohorts(small_bundle):
    small_bundle["ecosystem"]["organisations"][2]["wards"] = ["E05999999"]
    small_bundle["bids"][0]["service"]["eligible_cohorts"] = ["nobody"]
    found = problems(small_bundle)
    assert "names no ward" in found["$.ecosystem.organisations[2].wards[0]"]
    assert "names no cohort" in found["$.bids[0].service.eligible_cohorts[0]"]


def test_schema_problems_are_translated_into_paths_and_expectations(small_bundle):
    small_bundle["ecosystem"]["funding"][3]["amount_per_year"] = "a lot"
    small_bundle["ecosystem"]["funding"][4]["kind"] = "loan"
    small_bundle["ecosystem"]["funding"][5]["start"] = "2026-13-01"
    del small_bundle["ecosystem"]["services"][0]["needs"]
    small_bundle["ecosystem"]["organisations"][1]["colour"] = "blue"
    small_bundle["ecosystem"]["wards"][0]["code"] = "Ashley"
    small_bundle["ecosystem"]["cohorts"][0]["entry_shares"]["pub"] = 0.0
    small_bundle["bids"][0]["subcontracts"][0]["amount_per_year"] = -5
    small_bundle["bids"][0]["commitments"][0]["partner"] = 7
    found = problems(small_bundle)
    assert found["$.ecosystem.funding[3].amount_per_year"].startswith(
        '$.ecosystem.funding[3].amount_per_year: "a lot" (a string); expected a number')
    assert "expected one of grant, contract, subcontract" in found["$.ecosystem.funding[4].kind"]
    assert "expected a date in ISO 8601 form, YYYY-MM-DD" in found["$.ecosystem.funding[5].start"]
    assert "missing; expected a value for required field 'needs'" in found["$.ecosystem.services[0].needs"]
    assert "unknown field 'colour'" in found["$.ecosystem.organisations[1].colour"]
    assert "expected a value matching ^[EWSN][0-9]{8}$ (ONS GSS ward code" in found[
        "$.ecosystem.wards[0].code"]
    assert 'unknown key "pub"' in found["$.ecosystem.cohorts[0].entry_shares.pub"]
    assert "expected a number at least 0" in found["$.bids[0].subcontracts[0].amount_per_year"]
    assert "expected a string" in found["$.bids[0].commitments[0].partner"]


def test_schema_and_reference_problems_are_reported_together(small_bundle):
    small_bundle["ecosystem"]["funding"][0]["amount_per_year"] = None
    small_bundle["ecosystem"]["funding"][1]["funder"] = "GB-CHC-1"
    found = problems(small_bundle)
    assert set(found) == {"$.ecosystem.funding[0].amount_per_year", "$.ecosystem.funding[1].funder"}


def test_the_error_lists_every_problem_in_its_message(small_bundle):
    small_bundle["ecosystem"]["funding"][0]["recipient"] = "x1"
    small_bundle["ecosystem"]["funding"][1]["recipient"] = "x2"
    with pytest.raises(BundleError) as caught:
        read_bundle(small_bundle)
    text = str(caught.value)
    assert text.startswith("2 problems:")
    assert "$.ecosystem.funding[0].recipient" in text and "$.ecosystem.funding[1].recipient" in text


def test_another_format_version_is_refused(small_bundle):
    small_bundle["netimpact_bundle"] = "2.0"
    assert 'expected "1.0"' in problems(small_bundle)["$.netimpact_bundle"]


def test_not_an_object_at_all():
    issues = validate_bundle([1, 2, 3])
    assert [i.path for i in issues] == ["$"]
    assert "expected an object" in str(issues[0])


def test_bad_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "netimpact_bundle": "1.0",\n  "ecosystem": {,\n}', encoding="utf-8")
    with pytest.raises(BundleError) as caught:
        read_bundle(path)
    (issue,) = caught.value.issues
    assert issue.path == "line 3, column 17"
    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)


def test_nan_and_repeated_keys_are_refused():
    with pytest.raises(BundleError, match="NaN is not a JSON number"):
        parse_bundle_text('{"a": NaN}')
    with pytest.raises(BundleError, match="the key 'a' appears twice"):
        parse_bundle_text('{"a": 1, "a": 2}')


def test_a_missing_file_raises_the_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_bundle(tmp_path / "absent.json")


def test_issues_serialise_for_machines(small_bundle):
    small_bundle["ecosystem"]["funding"][0]["recipient"] = "x1"
    with pytest.raises(BundleError) as caught:
        read_bundle(small_bundle)
    assert json.loads(json.dumps([i.to_dict() for i in caught.value.issues])) == [{
        "path": "$.ecosystem.funding[0].recipient",
        "problem": "'x1' names no organisation",
        "expected": "the id of an organisation in $.ecosystem.organisations",
    }]


def test_parameter_overrides_must_name_engine_parameters_within_range(small_bundle):
    small_bundle["parameters"] = {"t_adj": 9.0, "p_unconfirmed": 0.4, "tadj": 1.0}
    small_bundle["exercise"]["parameters"] = {"discount_rate": -0.1}
    found = problems(small_bundle)
    assert set(found) == {"$.parameters.t_adj", "$.parameters.tadj", "$.exercise.parameters.discount_rate"}
    assert "9.0 years is out of range; expected a value in [0, 5] years" in found["$.parameters.t_adj"]
    assert "'tadj' names no engine parameter; expected one of" in found["$.parameters.tadj"]


def test_problems_come_in_document_order_by_section(small_bundle):
    small_bundle["bids"][0]["price_per_year"] = "cheap"
    small_bundle["exercise"]["replaced_streams"].append("no-tie")
    small_bundle["ecosystem"]["funding"][0]["recipient"] = "x1"
    small_bundle["ecosystem"]["funding"][1]["kind"] = "loan"
    paths = [issue.path for issue in validate_bundle(small_bundle)]
    sections = [path.split(".")[1].split("[")[0] for path in paths]
    assert sections == ["ecosystem", "ecosystem", "exercise", "bids"]
