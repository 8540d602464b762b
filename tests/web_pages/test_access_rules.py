"""Every view declares who may use it; the middleware refuses everyone else, and any view with no rule."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import get_resolver, include, path, reverse

from netimpact.web.accounts.access import (
    SIGNED_IN,
    Officer,
    Panel,
    Public,
    StaffOfficer,
    access_rule,
    every_url_pattern,
    rule_of,
)
from netimpact.web.accounts.admin_site import OfficersAdminSite
from netimpact.web.accounts.models import Role, User

# ----------------------------------------------------------------------------- every URL has a rule


def test_every_url_pattern_declares_an_access_rule():
    patterns = list(every_url_pattern(get_resolver().url_patterns))
    without_rule = [route for route, pattern in patterns if rule_of(pattern.callback) is None]

    assert without_rule == []
    # The walk really reached the admin, the accounts and the register.
    routes = [route for route, _ in patterns]
    assert any(r.startswith("admin/") for r in routes)
    assert "accounts/sign-in/" in routes
    assert "organisations/<str:org_id>/" in routes


def test_every_admin_view_is_for_staff_officers_only():
    admin_rules = {
        route: rule_of(pattern.callback)
        for route, pattern in every_url_pattern(get_resolver().url_patterns)
        if route.startswith("admin/")
    }

    assert len(admin_rules) > 20  # the index, login, and each registered model's pages
    assert {rule.audiences for rule in admin_rules.values()} == {(StaffOfficer,)}


def test_register_pages_are_public_and_signing_out_needs_a_session():
    urls = dict(every_url_pattern(get_resolver().url_patterns))

    register_routes = [r for r, p in urls.items() if p.callback.__module__ == "netimpact.web.register.views"]
    assert len(register_routes) >= 9  # home, four lists, four record pages
    assert all(rule_of(urls[r].callback).is_public for r in register_routes)
    assert rule_of(urls["accounts/sign-in/"].callback).is_public
    assert rule_of(urls["accounts/sign-out/"].callback).audiences == SIGNED_IN


def test_a_rule_needs_an_audience():
    with pytest.raises(ValueError, match="at least one audience"):
        access_rule()


# --------------------------------------------------------------- the middleware, on views of our own


def _no_rule_view(request):
    return HttpResponse("should never be seen")


@access_rule(Officer)
def _officers_view(request):
    return HttpResponse("officers only")


@access_rule(Officer, Panel)
def _officers_and_panel_view(request):
    return HttpResponse("officers and panel")


@access_rule(Public)
def _public_view(request):
    return HttpResponse("everyone")


# Our test views, then the real site (its templates reverse the register's and the accounts' URLs).
urlpatterns = [
    path("test/no-rule/", _no_rule_view),
    path("test/officers/", _officers_view),
    path("test/officers-and-panel/", _officers_and_panel_view),
    path("test/public/", _public_view),
    path("", include("netimpact.web.urls")),
]


def _user(role: Role, **flags) -> User:
    return User.objects.create_user(
        f"{role.value}-{len(flags)}", password="demo-testing-pass", role=role, **flags
    )


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.urls(__name__)
class TestMiddleware:
    def test_a_view_with_no_rule_is_refused_to_everyone(self):
        officer = _user(Role.OFFICER, is_staff=True, is_superuser=True)

        assert _client(None).get("/test/no-rule/").status_code == 403
        assert _client(officer).get("/test/no-rule/").status_code == 403

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = _client(None).get("/test/officers/?x=1")

        assert response.status_code == 302
        assert response["Location"] == "/accounts/sign-in/?next=/test/officers/%3Fx%3D1"

    @pytest.mark.parametrize(
        ("role", "officers", "officers_and_panel", "public"),
        [
            (Role.OFFICER, 200, 200, 200),
            (Role.PANEL, 403, 200, 200),
            (Role.BIDDER, 403, 403, 200),
            (Role.PARTNER, 403, 403, 200),
        ],
    )
    def test_each_role_is_admitted_only_where_its_rule_says(self, role, officers, officers_and_panel, public):
        client = _client(_user(role))

        assert client.get("/test/officers/").status_code == officers
        assert client.get("/test/officers-and-panel/").status_code == officers_and_panel
        assert client.get("/test/public/").status_code == public

    def test_an_inactive_officer_is_refused(self):
        officer = _user(Role.OFFICER)
        client = _client(officer)
        User.objects.filter(pk=officer.pk).update(is_active=False)

        assert client.get("/test/officers/").status_code != 200


# ------------------------------------------------------------------------------------ the real admin


@pytest.mark.django_db
class TestAdmin:
    def test_anonymous_visitors_go_to_the_one_sign_in_page(self):
        for url in ("/admin/", "/admin/login/", "/admin/register/organisation/"):
            response = Client().get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login") + "?next=")

    @pytest.mark.parametrize(
        "user_flags",
        [
            {"role": Role.PANEL},
            {"role": Role.BIDDER},
            {"role": Role.PARTNER},
            {"role": Role.OFFICER},  # an officer without staff access
            {"role": Role.PANEL, "is_staff": True},  # staff, but not an officer
            {"role": Role.BIDDER, "is_staff": True, "is_superuser": True},  # even a superuser needs the role
        ],
        ids=["panel", "bidder", "partner", "officer-not-staff", "staff-panel", "superuser-bidder"],
    )
    def test_only_staff_officers_open_the_admin(self, user_flags):
        user = User.objects.create_user("someone", password="demo-testing-pass", **user_flags)

        assert _client(user).get("/admin/").status_code == 403
        assert _client(user).get("/admin/register/organisation/").status_code == 403

    def test_a_staff_officer_opens_the_admin(self):
        officer = User.objects.create_user(
            "officer", password="demo-testing-pass", role=Role.OFFICER, is_staff=True, is_superuser=True
        )

        assert _client(officer).get("/admin/").status_code == 200
        assert _client(officer).get("/admin/accounts/user/").status_code == 200

    def test_the_admin_site_itself_checks_the_role(self):
        # Defence in depth: even with the middleware out of the way, the site refuses a staff non-officer.
        request = RequestFactory().get("/admin/")
        request.user = User(username="p", role=Role.PANEL, is_staff=True, is_active=True)
        officer_request = RequestFactory().get("/admin/")
        officer_request.user = User(username="o", role=Role.OFFICER, is_staff=True, is_active=True)

        assert OfficersAdminSite().has_permission(request) is False
        assert OfficersAdminSite().has_permission(officer_request) is True


# ------------------------------------------------------------------------------- signing in and out


@pytest.mark.django_db
class TestSignInAndOut:
    def test_signing_in_shows_the_role_in_the_header(self):
        User.objects.create_user("pat", password="demo-testing-pass", role=Role.PANEL)
        client = Client()

        response = client.post(
            reverse("accounts:login"), {"username": "pat", "password": "demo-testing-pass"}, follow=True
        )

        assert response.redirect_chain[-1][0] == reverse("register:home")
        assert "Signed in as <strong>pat</strong>" in response.text
        assert "Panel member" in response.text

    def test_a_wrong_password_gives_the_error_summary(self):
        User.objects.create_user("pat", password="demo-testing-pass", role=Role.PANEL)

        response = Client().post(reverse("accounts:login"), {"username": "pat", "password": "wrong"})

        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        assert "<title>Error: Sign in" in response.text
        assert "_auth_user_id" not in Client().session

    def test_signing_out_is_a_post_for_a_signed_in_person(self):
        user = User.objects.create_user("pat", password="demo-testing-pass", role=Role.BIDDER)
        client = _client(user)

        anonymous = Client().post(reverse("accounts:logout"))
        signed_out = client.post(reverse("accounts:logout"))

        assert anonymous.status_code == 302 and "sign-in" in anonymous["Location"]
        assert signed_out.status_code == 302 and signed_out["Location"] == reverse("register:home")
        assert "_auth_user_id" not in client.session
        home = client.get(signed_out["Location"]).text
        assert "You have signed out." in home and "Viewing as the public" in home

    def test_a_refused_page_is_the_govuk_403(self):
        user = User.objects.create_user("pat", password="demo-testing-pass", role=Role.PANEL)

        response = _client(user).get("/admin/")

        assert response.status_code == 403
        assert "You cannot open this page" in response.text
        assert "Commissioning officer with staff access" in response.text
        assert 'class="govuk-generic-header"' in response.text
