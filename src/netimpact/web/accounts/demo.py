"""Sign-in accounts for the local demo: one of each role, with fixed passwords printed by `netimpact demo`.

The passwords are fixed and readable on purpose, so a person trying the demo can sign in as each role;
they pass Django's password validators but are public (they are in this file). Never load the demo
accounts into a real deployment: anyone who reads the source can sign in as them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from netimpact.domain.commissioning import Bid
from netimpact.web.register import models as register
from netimpact.web.register.queries import find_organisation

from .models import Role, User

OFFICER_GROUP = "Commissioning officers"
OFFICER_APPS = ("accounts", "register", "commissioning")  # whose models officers curate in the admin

OFFICER = ("officer", "demo-harbour-lantern")
PANEL = (("panel1", "demo-copper-meadow"), ("panel2", "demo-orchard-signal"))
PARTNER = ("partner", "demo-willow-bridge")
BIDDER_PASSWORD = "demo-lapwing-{number:02d}"  # bidder1 -> demo-lapwing-01, ...


@transaction.atomic
def create_demo_users(exercise_key: str | None, bids: Sequence[Bid]) -> list[tuple[str, str, str]]:
    """Create or update the demo accounts; returns (role label, username, password) for each.

    One officer (staff, in the officers' group, so the admin opens), two panel members, one bidder per
    bid (speaking for the bid's lead organisation) and one partner (speaking for an organisation a bid
    names). Running it again updates the same accounts. `exercise_key`, when given, must be the exercise
    every bid belongs to.
    """
    _check_bids(exercise_key, bids)
    accounts: list[tuple[str, str, str]] = []

    username, password = OFFICER
    officer = _account(username, password, Role.OFFICER, None, staff=True)
    officer.groups.set([_officer_group()])
    accounts.append((Role.OFFICER.label, username, password))

    for username, password in PANEL:
        _account(username, password, Role.PANEL, None)
        accounts.append((Role.PANEL.label, username, password))

    for number, bid in enumerate(bids, start=1):
        organisation = _organisation(bid.bidder, f"bid {bid.id} names its bidder")
        username, password = f"bidder{number}", BIDDER_PASSWORD.format(number=number)
        _account(username, password, Role.BIDDER, organisation)
        accounts.append((f"{Role.BIDDER.label} for {organisation.name} ({bid.title})", username, password))

    partner_id = _named_partner(bids)
    if partner_id is not None:
        organisation = _organisation(partner_id, "a bid names it as a partner")
        username, password = PARTNER
        _account(username, password, Role.PARTNER, organisation)
        accounts.append((f"{Role.PARTNER.label}: {organisation.name}", username, password))
    return accounts


def _check_bids(exercise_key: str | None, bids: Iterable[Bid]) -> None:
    if exercise_key is None:
        return
    for bid in bids:
        if bid.exercise != exercise_key:
            raise ValueError(f"bid {bid.id} belongs to exercise {bid.exercise!r}, not {exercise_key!r}")


def _account(
    username: str,
    password: str,
    role: Role,
    organisation: register.Organisation | None,
    *,
    staff: bool = False,
) -> User:
    user = User.objects.filter(username=username).first() or User(username=username)
    user.role = role
    user.organisation = organisation
    user.is_staff = staff
    user.is_superuser = False  # officers get their rights through the group, so the admin shows real limits
    user.is_active = True
    user.email = f"{username}@demo.netimpact.invalid"  # .invalid (RFC 2606): never a real mailbox
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


def _officer_group() -> Group:
    group, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=OFFICER_APPS))
    return group


def _organisation(org_id: str, why: str) -> register.Organisation:
    found = find_organisation(org_id)
    if found is None:
        raise ValueError(
            f"no organisation with Org-ID {org_id!r} in the register ({why}): load the register first"
        )
    return found


def _named_partner(bids: Sequence[Bid]) -> str | None:
    """The first organisation the bids name as a partner that is not itself bidding: a subcontractor
    first, then the owner of a join-up partner service, then the beneficiary of a commitment."""
    bidders = {bid.bidder for bid in bids}
    candidates = [s.partner for bid in bids for s in bid.subcontracts]
    for bid in bids:
        for partnership in bid.partnerships:
            service = register.Service.objects.select_related("organisation").filter(
                key=partnership.partner_service
            )
            candidates += [found.organisation.org_id for found in service]
    candidates += [c.partner for bid in bids for c in bid.commitments if c.partner]
    return next((org_id for org_id in candidates if org_id not in bidders), None)
