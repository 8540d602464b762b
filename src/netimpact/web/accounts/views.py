"""Sign in and sign out: Django's auth views with GOV.UK templates and declared access rules."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from .access import SIGNED_IN, Public, access_rule

login = access_rule(Public)(
    auth_views.LoginView.as_view(template_name="accounts/login.html")
)
# Signing out is a POST (Django refuses GET to stop cross-site sign-outs); only a signed-in person needs it.
logout = access_rule(*SIGNED_IN)(auth_views.LogoutView.as_view())
