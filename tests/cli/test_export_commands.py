"""`netimpact export ocds|hsds|360giving`: from the demo city, a bundle or the database, checked by the
official tools with --validate, offline."""

from __future__ import annotations

import json

import pytest

from netimpact.cli import main
from netimpact.standards.export_validation import validate_hsds_services, validate_ocds
from standards.exports_support import offline

__all__ = ["offline"]  # fixture


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("standard", ["ocds", "hsds", "360giving"])
def test_each_export_of_the_demo_city_is_valid(standard, capsys, tmp_path, offline):
    target = tmp_path / f"{standard}.json"
    status, _, err = run(
        capsys, "export", standard, "--validate", "-o", str(target), "--published", "2026-03-20"
    )
    assert status == 0, err
    assert "netimpact: valid against" in err
    assert json.loads(target.read_text(encoding="utf-8"))


def test_ocds_from_a_bundle_with_its_evaluation_and_an_award(demo_bundle, capsys, tmp_path, offline):
    evaluation = tmp_path / "evaluation.json"
    status, out, err = run(capsys, "evaluate", str(demo_bundle), "--json", "--draws", "100")
    assert status == 0, err
    evaluation.write_text(out, encoding="utf-8")

    status, out, err = run(
        capsys,
        "export",
        "ocds",
        str(demo_bundle),
        "--evaluation",
        str(evaluation),
        "--award",
        "demo-bid-regional",
        "--award-date",
        "2026-03-12",
        "--ocid-prefix",
        "ocds-abc123",
        "--site-url",
        "https://council.example",
    )
    assert status == 0, err
    package = json.loads(out)
    [release] = package["releases"]
    assert release["ocid"] == "ocds-abc123-demo-exercise-integrated-drug-alcohol"
    assert release["awards"][0]["relatedBids"] == ["demo-bid-regional"]
    assert all("netImpact" in d for d in release["bids"]["details"])
    assert (
        package["extensions"][-1]
        == "https://council.example/open-data/ocds/extensions/netimpact/extension.json"
    )
    assert validate_ocds(package, netimpact_extension_url=package["extensions"][-1]).problems == []


def test_hsds_to_stdout_is_the_page_of_services(capsys, offline):
    status, out, err = run(capsys, "export", "hsds")
    assert status == 0, err
    assert validate_hsds_services(json.loads(out)) == []


def test_360giving_says_which_grants_it_left_out(capsys):
    status, _, err = run(capsys, "export", "360giving")
    assert status == 0
    assert "grant(s) left out because the register holds no start date" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "hsds", "--exercise", "x"], "--exercise applies to ocds, not hsds"),
        (["export", "ocds", "--from-database"], "needs --exercise KEY"),
        (["export", "ocds", "--award", "demo-bid-regional"], "--award needs --award-date"),
        (["export", "ocds", "--tender-only", "--award", "b", "--award-date", "2026-03-01"], "--tender-only"),
        (["export", "ocds", "--ocid-prefix", "OCDS-bad"], "is not of the form ocds-xxxxxx"),
        (
            ["export", "ocds", "--award", "no-such-bid", "--award-date", "2026-03-01"],
            "not one of the exercise's bids",
        ),
        (["export", "360giving", "--funder", "GB-NOBODY"], "records no grants from GB-NOBODY"),
        (["export", "ocds", "no-such-bundle.json"], "no such bundle file"),
    ],
)
def test_wrong_input_is_named_and_exits_2(argv, message, capsys):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert message in err
    assert out == ""


@pytest.mark.django_db
def test_ocds_from_the_database_is_refused_before_the_deadline_unless_tender_only(
    demo_register, clock, capsys
):
    from netimpact.web.commissioning import models as m

    exercise = m.Exercise.objects.get(key=demo_register.exercise.id)
    clock.set(exercise.closes_at.replace(hour=9))

    status, _, err = run(capsys, "export", "ocds", "--from-database", "--exercise", exercise.key)
    assert status == 2
    assert "sealed until 27 February 2026 at 12:00 UK time" in err and "--tender-only" in err

    status, out, err = run(
        capsys, "export", "ocds", "--from-database", "--exercise", exercise.key, "--tender-only"
    )
    assert status == 0, err
    assert "bids" not in json.loads(out)["releases"][0]


@pytest.mark.django_db
def test_every_standard_from_the_database_is_valid_after_the_deadline(demo_register, clock, capsys, offline):
    from netimpact.web.commissioning import models as m

    exercise = m.Exercise.objects.get(key=demo_register.exercise.id)
    clock.set(exercise.closes_at)
    for argv in (["ocds", "--exercise", exercise.key], ["hsds"], ["360giving"]):
        status, out, err = run(capsys, "export", *argv, "--from-database", "--validate")
        assert status == 0, err
    status, out, _ = run(capsys, "export", "ocds", "--exercise", exercise.key, "--from-database")
    [release] = json.loads(out)["releases"]
    assert {d["id"] for d in release["bids"]["details"]} == {b.id for b in demo_register.bids}
    assert (
        release["tender"]["tenderPeriod"]["startDate"] == "2026-01-16T09:00:00Z"
    )  # published six weeks before
