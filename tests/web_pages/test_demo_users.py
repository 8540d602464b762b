"""The demo's sign-in accounts: one per role, linked to the right organisations, safe to create twice."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib.auth.password_validation import validate_password
from django.test import Client
from django.urls import reverse

from netimpact.web.accounts.demo import create_demo_users
from netimpact.web.accounts.models import Role, User


def test_one_account_per_role_and_per_bid(demo_register, db):
    accounts = create_demo_users(demo_register.exercise.id, demo_register.bids)

    roles = [User.objects.get(username=username).role for _, username, _ in accounts]
    assert roles.count(Role.OFFICER) == 1
    assert roles.count(Role.PANEL) == 2
    assert roles.count(Role.BIDDER) == len(demo_register.bids)
    assert roles.count(Role.PARTNER) == 1
    assert len({username for _, username, _ in accounts}) == len(accounts)


def test_bidders_and_the_partner_speak_for_the_organisations_the_bids_name(demo_register, db):
    bids = demo_register.bids
    accounts = create_demo_users(demo_register.exercise.id, bids)
    users = {username: User.objects.get(username=username) for _, username, _ in accounts}

    bidders = [u for u in users.values() if u.role == Role.BIDDER]
    assert sorted(u.organisation.org_id for u in bidders) == sorted(bid.bidder for bid in bids)
    partner = next(u for u in users.values() if u.role == Role.PARTNER)
    named = {s.partner for bid in bids for s in bid.subcontracts}
    assert partner.organisation.org_id in named
    assert partner.organisation.org_id not in {bid.bidder for bid in bids}
    assert all(u.organisation is None for u in users.values() if u.role in (Role.OFFICER, Role.PANEL))


def test_passwords_pass_the_validators_and_sign_in(demo_register, db):
    for label, username, password in create_demo_users(demo_register.exercise.id, demo_register.bids):
        user = User.objects.get(username=username)
        validate_password(password, user)
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": username, "password": password})
        assert response.status_code == 302, label


def test_only_the_officer_opens_the_admin(demo_register, db):
    accounts = create_demo_users(demo_register.exercise.id, demo_register.bids)

    for _, username, password in accounts:
        client = Client()
        assert client.login(username=username, password=password)
        expected = 200 if username == "officer" else 403
        assert client.get(reverse("admin:index")).status_code == expected, username
    officer = Client()
    officer.login(username="officer", password=dict((u, p) for _, u, p in accounts)["officer"])
    # Rights come through the officers' group, not superuser status: the register's tables open.
    assert officer.get(reverse("admin:register_organisation_changelist")).status_code == 200
    assert not User.objects.get(username="officer").is_superuser


def test_running_it_again_updates_the_same_accounts(demo_register, db):
    first = create_demo_users(demo_register.exercise.id, demo_register.bids)
    User.objects.filter(username="panel1").update(role=Role.BIDDER, is_staff=True)
    count = User.objects.count()

    second = create_demo_users(demo_register.exercise.id, demo_register.bids)

    assert second == first
    assert User.objects.count() == count
    panel1 = User.objects.get(username="panel1")
    assert panel1.role == Role.PANEL and not panel1.is_staff


def test_bids_from_another_exercise_are_refused(demo_register, db):
    stray = dataclasses.replace(demo_register.bids[0], exercise="another-exercise")

    with pytest.raises(ValueError, match="belongs to exercise 'another-exercise'"):
        create_demo_users(demo_register.exercise.id, [stray])


def test_a_bidder_missing_from_the_register_is_named(demo_register, db):
    stray = dataclasses.replace(demo_register.bids[0], bidder="GB-COH-99999999")

    with pytest.raises(ValueError, match="GB-COH-99999999"):
        create_demo_users(None, [stray])


def test_reloading_the_demo_city_keeps_the_accounts_and_relinks_them(demo_register, db):
    from netimpact.web.commissioning.store import save_demo_city

    create_demo_users(demo_register.exercise.id, demo_register.bids)
    save_demo_city(demo_register)  # the register's organisations are replaced: links fall to None

    assert User.objects.get(username="bidder1").organisation is None
    create_demo_users(demo_register.exercise.id, demo_register.bids)
    assert User.objects.get(username="bidder1").organisation.org_id == demo_register.bids[0].bidder
