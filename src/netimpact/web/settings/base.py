"""Settings shared by every environment. Environment files override; nothing secret lives here."""

import os
from pathlib import Path

import dj_database_url

from netimpact.paths import PROJECT_DIR

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NETIMPACT_VAR_DIR", PROJECT_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    # The admin, open only to commissioning officers with staff access (accounts/admin_site.py).
    "netimpact.web.accounts.admin_apps.OfficersAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "netimpact.web.accounts",
    "netimpact.web.register",
    "netimpact.web.commissioning",
    "netimpact.web.audit",
    "netimpact.web.confirmation",
    "netimpact.web.panel",
    "netimpact.web.exports",
    "netimpact.web.decisions",
    "netimpact.web.imports",
    "netimpact.web.bidding",
]

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "netimpact.web.accounts.middleware.AccessRuleMiddleware",
]

ROOT_URLCONF = "netimpact.web.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "netimpact.web.accounts.context_processors.roles",
                "netimpact.web.register.context_processors.register_notice",
            ],
        },
    },
]

WSGI_APPLICATION = "netimpact.web.wsgi.application"

# SQLite is the embedded default; DATABASE_URL (postgres://...) selects PostgreSQL for real deployments.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'netimpact.sqlite3'}",
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "register:home"
LOGOUT_REDIRECT_URL = "register:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files (bid attachments) live under MEDIA_ROOT/private/, which no URL serves: they are read only
# through views that check who is asking (netimpact.web.bidding.views.download).
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "netimpact@localhost")
# The site's address as people outside reach it: links in emails (e.g. partner confirmation) start with it.
NETIMPACT_SITE_URL = os.environ.get("NETIMPACT_SITE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Evaluations run in a worker thread while the page shows their progress (netimpact.web.decisions.jobs);
# True runs them inside the request instead (tests, and a deployment that wants no threads).
NETIMPACT_EVALUATION_JOBS_INLINE = os.environ.get("NETIMPACT_EVALUATION_JOBS_INLINE", "") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Confirmation links carry their token in the path: the filter writes it as [token] in every log line.
    "filters": {"confirmation_tokens": {"()": "netimpact.web.confirmation.logging.RedactConfirmationTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["confirmation_tokens"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("NETIMPACT_LOG_LEVEL", "INFO")},
    # Django logs request paths here (a 404's "Not Found: /confirm/…/", the development server's request
    # lines): the filter is on the loggers too, since their records may not reach the console handler.
    "loggers": {
        "django.request": {"filters": ["confirmation_tokens"]},
        "django.server": {
            "handlers": ["console"],
            "filters": ["confirmation_tokens"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

# Open-data exports (docs/open-data-exports.md). The defaults are the demo's and are registered nowhere: a
# council publishing for real sets its OCDS ocid prefix (from the Open Contracting Partnership) and its
# 360Giving identifier prefix (from 360Giving), and its own Org-ID as the publisher of the 360Giving file.
NETIMPACT_OCID_PREFIX = os.environ.get("NETIMPACT_OCID_PREFIX", "ocds-xxxxxx")
NETIMPACT_360GIVING_PREFIX = os.environ.get("NETIMPACT_360GIVING_PREFIX", "360G-netimpactdemo")
NETIMPACT_PUBLISHER_ID = os.environ.get("NETIMPACT_PUBLISHER_ID", "")
