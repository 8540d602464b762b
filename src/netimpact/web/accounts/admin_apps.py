"""The admin app for INSTALLED_APPS. Kept apart from apps.py (Django picks one AppConfig per module)
and from admin_site.py (which imports models, not allowed while the app registry loads)."""

from django.contrib.admin.apps import AdminConfig


class OfficersAdminConfig(AdminConfig):
    """The admin app, with the site that admits only staff commissioning officers as `admin.site`."""

    default_site = "netimpact.web.accounts.admin_site.OfficersAdminSite"
