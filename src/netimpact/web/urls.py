"""The site's URLs. Every view declares an access rule (netimpact.web.accounts.access); the middleware
refuses any that does not, and tests/web_pages/test_access_rules.py checks them all."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("netimpact.web.register.urls")),
    path("accounts/", include("netimpact.web.accounts.urls")),
    # admin.site is accounts.admin_site.OfficersAdminSite: every admin view is for staff officers only.
    path("admin/", admin.site.urls),
    # --- Commissioning (exercises, bids, partner confirmation, panel scoring): a later issue adds
    # --- path("exercises/", include("netimpact.web.commissioning.urls")) here.
    # Partner confirmation (netimpact.web.confirmation): confirm/<token>/ for partners, and
    # exercises/<key>/claims/ for officers; before commissioning's exercises/ so its routes come first.
    path("", include("netimpact.web.confirmation.urls")),
    # Open data (netimpact.web.exports): /open-data/... and an exercise's OCDS release for officers.
    path("", include("netimpact.web.exports.urls")),
    path("exercises/", include("netimpact.web.commissioning.urls")),
    # Evaluation jobs with progress, the decision report (page and PDF), recording the award decision.
    path("exercises/<str:key>/", include("netimpact.web.decisions.urls")),
    # An exercise's audit trail (netimpact.web.audit): every recorded event about it, newest first.
    path("exercises/<str:key>/history/", include("netimpact.web.audit.urls")),
    # The evaluation panel (netimpact.web.panel): declarations, members' scores, moderation and locking.
    path("exercises/<str:key>/panel/", include("netimpact.web.panel.urls")),
    # Open data into the register (netimpact.web.imports): officers only.
    path("imports/", include("netimpact.web.imports.urls")),
    # The bidder portal (netimpact.web.bidding): a bidder's own bids, drafts and submissions.
    path("bids/", include("netimpact.web.bidding.urls")),
]

# Errors use Django's default handlers, which render templates/403.html, 404.html and 500.html.
