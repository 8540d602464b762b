"""Sign in and sign out: Django's auth views with GOV.UK templates and declared access rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from .access import SIGNED_IN, Public, access_rule


class SignOutView(auth_views.LogoutView):
    """Django's sign-out, then a confirmation on the next page (a sign-out with no word looks broken)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


login = access_rule(Public)(auth_views.LoginView.as_view(template_name="accounts/login.html"))
# Signing out is a POST (Django refuses GET to stop cross-site sign-outs); only a signed-in person needs it.
logout = access_rule(*SIGNED_IN)(SignOutView.as_view())
