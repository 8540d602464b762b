"""Validation names what is wrong and where; the demo city passes it cleanly."""

import copy
from collections.abc import Callable

import pytest

from netimpact.domain.demo_city import DemoCity, build_demo_city
from netimpact.domain.ecosystem import FinancialYear, FundingTie, ReferralRoute
from netimpact.domain.validation import (
    Problem,
    check_all,
    check_bids,
    check_ecosystem,
    check_exercise,
    errors,
)
from netimpact.domain.vocabulary import ClaimState, EntryPoint, FundingKind, IncomeSource


@pytest.fixture(scope="module")
def pristine() -> DemoCity:
    return build_demo_city()


@pytest.fixture
def city(pristine: DemoCity) -> DemoCity:
    return copy.deepcopy(pristine)


def test_the_demo_city_has_no_problems(pristine: DemoCity) -> None:
    assert check_all(pristine.ecosystem, pristine.exercise, pristine.bids) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_have_no_problems(seed: int) -> None:
    city = build_demo_city(seed)
    assert check_all(city.ecosystem, city.exercise, city.bids) == []


def only(problems: list[Problem], where: str) -> Problem:
    matching = [p for p in problems if where in p.where]
    assert len(matching) == 1, problems
    return matching[0]


def test_a_tie_naming_an_unknown_organisation(city: DemoCity) -> None:
    city.ecosystem.funding.append(FundingTie("t-bad", "GB-LAE-BST", "360G-nobody", FundingKind.GRANT, 1_000))
    problem = only(check_ecosystem(city.ecosystem), "funding tie t-bad")
    assert "recipient '360G-nobody' is not in the register" in problem.what
    assert problem.severity == "error"


def test_a_referral_naming_an_unknown_service(city: DemoCity) -> None:
    city.ecosystem.referrals.append(ReferralRoute("r-bad", "demo-svc-gp", "demo-svc-missing", 10))
    problem = only(check_ecosystem(city.ecosystem), "referral route r-bad")
    assert "to service 'demo-svc-missing'" in problem.what


def test_entry_shares_not_summing_to_one(city: DemoCity) -> None:
    cohort = city.ecosystem.cohorts[0]
    cohort.entry_shares[EntryPoint.GP] += 0.2
    problem = only(check_ecosystem(city.ecosystem), f"cohort {cohort.id}")
    assert "entry shares sum to 1.2" in problem.what


def test_negative_money(city: DemoCity) -> None:
    city.ecosystem.funding[0].amount_per_year = -5
    org = city.ecosystem.organisations[3]
    fy = org.finances[-1]
    org.finances[-1] = FinancialYear(
        fy.year,
        {IncomeSource.DONATIONS: -100.0},
        fy.expenditure,
        fy.free_reserves,
        fy.net_assets,
        fy.admin_costs,
    )
    problems = errors(check_ecosystem(city.ecosystem))
    assert any(
        p.where == f"funding tie {city.ecosystem.funding[0].id}" and "negative" in p.what for p in problems
    )
    assert any(
        p.where == f"organisation {org.id}, financial year {fy.year}" and "income from donations" in p.what
        for p in problems
    )


def test_unknown_ward_codes(city: DemoCity) -> None:
    city.ecosystem.organisations[5].wards.append("E05999999")
    city.ecosystem.services[2].wards.append("W05000001")
    problems = check_ecosystem(city.ecosystem)
    assert any(
        "ward 'E05999999'" in p.what and city.ecosystem.organisations[5].id in p.where for p in problems
    )
    assert any("ward 'W05000001'" in p.what and city.ecosystem.services[2].id in p.where for p in problems)


def test_duplicate_ids(city: DemoCity) -> None:
    city.ecosystem.services.append(copy.deepcopy(city.ecosystem.services[0]))
    problem = only(check_ecosystem(city.ecosystem), f"service {city.ecosystem.services[0].id}")
    assert "used 2 times" in problem.what


def test_ties_beyond_recorded_income_are_a_warning(city: DemoCity) -> None:
    cast = city.cast
    assert cast is not None
    city.ecosystem.funding.append(
        FundingTie("t-extra", "GB-LAE-BST", cast.peer_group, FundingKind.CONTRACT, 50_000)
    )
    problem = only(check_ecosystem(city.ecosystem), f"organisation {cast.peer_group}")
    assert problem.severity == "warning"
    assert "government_contracts" in problem.what and "£88,000" in problem.what


Mutation = Callable[[DemoCity], None]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda c: c.exercise.replaced_streams.append("no-such-tie"), "replaced stream 'no-such-tie'"),
        (lambda c: c.exercise.cohorts.append("no-such-cohort"), "cohort 'no-such-cohort'"),
        (lambda c: setattr(c.exercise, "commissioner", "GB-LAE-XXX"), "commissioner 'GB-LAE-XXX'"),
        (lambda c: setattr(c.exercise.criteria, "net_impact", 0.05), "below the 10% minimum"),
        (lambda c: setattr(c.exercise.quality_questions[0], "weight", 0.5), "quality question weights"),
        (lambda c: setattr(c.exercise, "budget_per_year", 0), "budget per year must be positive"),
    ],
)
def test_exercise_problems(city: DemoCity, mutate: Mutation, expected: str) -> None:
    mutate(city)
    problems = check_exercise(city.ecosystem, city.exercise)
    assert any(expected in p.what for p in problems), problems


def test_a_social_value_weight_under_ten_percent_is_a_warning_not_an_error(city: DemoCity) -> None:
    city.exercise.criteria.net_impact, city.exercise.criteria.quality = 0.05, 0.65
    problems = check_exercise(city.ecosystem, city.exercise)
    assert [p.severity for p in problems if "10% minimum" in p.what] == ["warning"]
    assert not [p for p in problems if p.severity == "error"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda c: setattr(c.bids[0].subcontracts[0], "partner", "360G-ghost"),
            "subcontract partner '360G-ghost'",
        ),
        (
            lambda c: setattr(c.bids[1].partnerships[0], "partner_service", "svc-ghost"),
            "partner service 'svc-ghost'",
        ),
        (lambda c: setattr(c.bids[2], "quality_score", 1.2), "quality score must lie in 0..1"),
        (lambda c: setattr(c.bids[0], "exercise", "other"), "is for exercise 'other'"),
        (lambda c: setattr(c.bids[1].subcontracts[0], "amount_per_year", -1), "must not be negative"),
        (lambda c: setattr(c.bids[1].commitments[0], "state", ClaimState.DISPUTED), "names no partner"),
    ],
)
def test_bid_problems(city: DemoCity, mutate: Mutation, expected: str) -> None:
    mutate(city)
    problems = check_bids(city.ecosystem, city.exercise, city.bids)
    assert any(expected in p.what for p in problems), problems


def test_problem_reads_as_where_then_what() -> None:
    assert str(Problem("service s1", "capacity per year must not be negative, got -1")) == (
        "service s1: capacity per year must not be negative, got -1"
    )
