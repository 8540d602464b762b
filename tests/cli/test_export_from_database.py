"""`netimpact export-bundle --from-database`: a stored exercise leaves the database as a valid bundle."""

from __future__ import annotations

import json

import pytest

from netimpact.bundle import read_bundle, write_bundle
from netimpact.cli import main
from netimpact.domain.demo_city import build_demo_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_demo():
    from netimpact.web.commissioning.store import save_demo_city

    city = build_demo_city()
    save_demo_city(city)
    return city


def test_a_stored_exercise_exports_as_the_bundle_of_the_same_city(stored_demo, capsys, tmp_path):
    target = tmp_path / "stored.json"
    argv = ["export-bundle", "--from-database", "--exercise", stored_demo.exercise.id, "-o", str(target)]
    status = main(argv)
    assert status == 0, capsys.readouterr().err
    exported = json.loads(target.read_text(encoding="utf-8"))
    bundle = read_bundle(target)
    assert {b.id for b in bundle.bids} == {b.id for b in stored_demo.bids}
    # The database and the demo give the same document, byte for byte once canonical.
    assert exported == write_bundle(stored_demo.ecosystem, stored_demo.exercise, stored_demo.bids)


def test_an_unknown_exercise_is_named_and_exits_2(stored_demo, capsys):
    status = main(["export-bundle", "--from-database", "--exercise", "no-such-exercise"])
    err = capsys.readouterr().err
    assert status == 2
    assert "no-such-exercise" in err and stored_demo.exercise.id in err
