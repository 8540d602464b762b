"""`netimpact demo --no-serve` and `manage load_demo`: the demo loads, says how to sign in, and a second
run leaves the same database."""

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from netimpact.cli import main
from netimpact.domain.demo_city import build_demo_city
from netimpact.web.bidding.demo import OPEN_EXERCISE_ID
from netimpact.web.commissioning.store import exercise_keys, load_exercise
from netimpact.web.register.management.commands import load_demo as load_demo_command
from netimpact.web.register.store import load_ecosystem

pytestmark = pytest.mark.django_db(transaction=True)

DATA_APPS = ("register", "commissioning", "accounts")


def database_contents() -> dict[str, object]:
    """Every row of our tables, without the primary keys a reload is free to change."""
    contents: dict[str, object] = {}
    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.attname for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation
            ]
            fields = [f for f in fields if f not in ("saved_at", "last_login", "date_joined", "password")]
            contents[model._meta.label] = sorted(map(repr, model.objects.values_list(*fields)))
    contents["ecosystem"] = load_ecosystem()
    # The open demo exercise's bids are sealed (and it has none): compare the closed one's in full.
    contents["exercises"] = [load_exercise(key) for key in exercise_keys() if key != OPEN_EXERCISE_ID]
    return contents


@pytest.mark.slow
def test_demo_loads_prints_the_logins_and_a_second_run_changes_nothing(capsys):
    assert main(["demo", "--no-serve"]) == 0
    first = database_contents()
    printed = capsys.readouterr().out

    assert main(["demo", "--no-serve"]) == 0
    second = database_contents()

    assert "http://127.0.0.1:8000/" in printed
    assert "The organisations are FICTIONAL" in printed
    assert second == first
    city = build_demo_city(2026)
    assert first["ecosystem"] == city.ecosystem
    assert first["exercises"] == [(city.exercise, city.bids)]
    assert exercise_keys() == [city.exercise.id, OPEN_EXERCISE_ID]  # and one open for bids
    users = apps.get_model("accounts", "User").objects.all()
    assert {u.role for u in users} >= {"officer", "panel", "bidder", "partner"}
    bidders = {bid.bidder for bid in city.bids}
    assert {u.organisation.org_id for u in users if u.role == "bidder"} == bidders  # re-linked after reload
    for user in users:  # every printed login works
        password = next(
            line.split()[1] for line in printed.splitlines() if line.split()[:1] == [user.username]
        )
        assert authenticate(username=user.username, password=password) == user


def test_load_demo_takes_a_seed(capsys):
    call_command("load_demo", seed=7)

    assert load_ecosystem() == build_demo_city(7).ecosystem
    assert "FICTIONAL" in capsys.readouterr().out


def test_a_failure_creating_the_logins_leaves_the_previous_demo(monkeypatch):
    call_command("load_demo", seed=7)
    before = database_contents()

    def refuse(exercise_key, bids):
        raise RuntimeError("accounts unavailable")

    monkeypatch.setattr(load_demo_command, "create_demo_users", refuse)
    with pytest.raises(RuntimeError, match="accounts unavailable"):
        call_command("load_demo", seed=2026)

    assert database_contents() == before
