"""The matching rules: normalised names and postcodes, and never two charity numbers as one body."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from netimpact.standards import matching
from netimpact.standards.matching import Known, KnownIndex, decide


def test_names_normalise() -> None:
    assert matching.normalise_name("The Bristol Drugs Project Ltd.") == "bristol drugs project"
    assert matching.normalise_name("Bristol Drugs Project LIMITED") == "bristol drugs project"
    assert matching.normalise_name("Age UK Bristol C.I.O.") == "age uk bristol"
    assert matching.normalise_name("Fish & Chips") == matching.normalise_name("Fish and Chips")
    assert matching.normalise_name("St Mungo's") == "st mungos"


def test_postcodes_normalise() -> None:
    assert matching.normalise_postcode("bs1 6qe") == "BS1 6QE"
    assert matching.normalise_postcode("BS16QE") == "BS1 6QE"
    assert matching.normalise_postcode("not a postcode") == ""


@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(name: str) -> None:
    once = matching.normalise_name(name)
    assert matching.normalise_name(once) == once


def _index(*orgs: Known) -> KnownIndex:
    return KnownIndex.of(orgs)


def test_same_name_and_postcode_is_a_match() -> None:
    index = _index(Known(1, "Bristol Drugs Project", "BS1 6QE", frozenset({"GB-CHC-1003197"})))
    assert decide("360G-x-bdp", "The Bristol Drugs Project Ltd", "bs16qe", index) == matching.Decision(
        "match", 1
    )


def test_same_name_other_postcode_goes_to_review() -> None:
    index = _index(Known(1, "Bristol Drugs Project", "BS1 6QE", frozenset({"GB-CHC-1003197"})))
    decision = decide("360G-x-bdp", "Bristol Drugs Project", "BS5 0AA", index)
    assert decision.kind == "new" and decision.review[0][0] == 1
    missing = decide("360G-x-bdp", "Bristol Drugs Project", "", index)
    assert missing.kind == "new" and "missing" in missing.review[0][1]


def test_two_charity_numbers_are_never_one_body_whatever_the_name() -> None:
    # Real case: several registered charities are called "Age UK" + place, and many share names like
    # "The Friends of ..." at one postcode (a school's friends and a church's friends).
    index = _index(Known(1, "Friends of St Peter's", "BS1 6QE", frozenset({"GB-CHC-1000001"})))
    decision = decide("GB-CHC-2000002", "Friends of St Peter's", "BS1 6QE", index)
    assert decision == matching.Decision("new", None, ())


def test_near_identical_name_at_the_same_postcode_goes_to_review() -> None:
    index = _index(Known(1, "Bristol Refugee Rights", "BS2 9JA", frozenset({"GB-CHC-1"})))
    decision = decide("360G-x", "Bristol Refugee Right", "BS2 9JA", index)
    assert decision.kind == "new" and "near-identical" in decision.review[0][1]
