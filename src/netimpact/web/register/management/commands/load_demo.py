"""`manage load_demo [--seed N]`: replace the stored demo with the demo city for a seed, and its logins.

Running it twice gives the same database: the city replaces the previous demo whole (save_demo_city) and
the demo logins are created or reset in place. It refuses to touch a register that is not the demo.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from netimpact.domain.demo_city import DEFAULT_SEED, build_demo_city
from netimpact.web.accounts.demo import create_demo_users
from netimpact.web.bidding.demo import save_open_demo_exercise
from netimpact.web.commissioning.store import ExerciseError, save_demo_city
from netimpact.web.confirmation.demo import invite_demo_partners
from netimpact.web.panel.demo import seat_demo_panel
from netimpact.web.register.store import RegisterError

Login = tuple[str, str, str]  # (role label, username, password)

FICTIONAL_NOTICE = "The organisations are FICTIONAL: generated for the demo on Bristol's real wards."


def load_demo(seed: int = DEFAULT_SEED) -> list[Login]:
    """Store the demo city for `seed` and one login per role, all or nothing; return the logins."""
    city = build_demo_city(seed)
    with transaction.atomic():
        save_demo_city(city)
        # A second exercise, open for bids, so the bidder portal can be tried (netimpact.web.bidding).
        save_open_demo_exercise()
        logins = list(create_demo_users(city.exercise.id, city.bids))
        # Each named partner's confirmation link, answered to match the demo's claim states.
        invite_demo_partners(city.exercise.id)
        seat_demo_panel(city.exercise.id)  # panel1 and panel2 sit on the demo exercise's panel
        return logins


def describe_logins(logins: list[Login]) -> list[str]:
    """One aligned line per login: username, password, then the role (labels can be long)."""
    width_user = max((len(user) for _, user, _ in logins), default=0)
    width_password = max((len(password) for _, _, password in logins), default=0)
    return [
        f"  {user:<{width_user}}  {password:<{width_password}}  {role}" for role, user, password in logins
    ]


def logins_heading(site: str = "") -> str:
    return f"Sign in at {site.rstrip('/')}{reverse('accounts:login')} as (username, password, role):"


class Command(BaseCommand):
    help = "Load the fictional demo city, its two commissioning exercises and one login per role."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"the demo city's seed (default {DEFAULT_SEED})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            logins = load_demo(options["seed"])
        except (RegisterError, ExerciseError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Loaded the demo city (seed {options['seed']}). {FICTIONAL_NOTICE}")
        self.stdout.write(logins_heading())
        for line in describe_logins(logins):
            self.stdout.write(line)
