"""The Django admin, open only to commissioning officers with staff access.

accounts.admin_apps.OfficersAdminConfig replaces "django.contrib.admin" in INSTALLED_APPS, so
`admin.site` (which the other apps register with) is this site: the role check then holds inside the
admin itself, and every admin view carries the StaffOfficer access rule the middleware reads.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver

from .access import StaffOfficer, with_access_rule
from .models import Role


class OfficersAdminSite(admin.AdminSite):
    site_header = "netimpact administration"
    site_title = "netimpact administration"
    index_title = "Register, exercises and accounts"

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(super().has_permission(request) and getattr(user, "role", None) == Role.OFFICER)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return with_access_rule(super().get_urls(), StaffOfficer)
