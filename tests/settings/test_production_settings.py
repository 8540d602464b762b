"""Production settings refuse to start when they would be unsafe. Each case imports the settings in a
fresh interpreter, exactly as a server would, with only the environment given here."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GOOD_KEY = "k" * 64
IMPORT = "import netimpact.web.settings.production as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"


def start_production(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(environment)
    return subprocess.run([sys.executable, "-c", IMPORT], env=env, capture_output=True, text=True, timeout=60)


def test_production_starts_with_a_real_key_and_hosts_and_is_hardened():
    result = start_production(DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="commissioning.example.gov.uk")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "example.gov.uk"}, "DJANGO_SECRET_KEY is missing"),
        ({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "example.gov.uk"}, "too short"),
        (
            {
                "DJANGO_SECRET_KEY": "local-development-only-not-a-secret" * 3,
                "DJANGO_ALLOWED_HOSTS": "x.gov.uk",
            },
            "a default",
        ),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-" + GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "x.gov.uk"},
            "a default",
        ),
        (
            {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "x.gov.uk", "DJANGO_DEBUG": "true"},
            "DEBUG",
        ),
        ({"DJANGO_SECRET_KEY": GOOD_KEY}, "DJANGO_ALLOWED_HOSTS is empty"),
    ],
)
def test_production_refuses_to_start_unsafely(environment, message):
    result = start_production(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


DATABASE = "from django.conf import settings as s; import django; print(s.DATABASES['default']['ENGINE'])"


@pytest.mark.parametrize(
    ("database_url", "engine"),
    [
        ("", "django.db.backends.sqlite3"),
        ("postgres://netimpact@127.0.0.1:5432/ni", "django.db.backends.postgresql"),
    ],
)
def test_database_url_selects_postgresql_and_sqlite_is_the_default(database_url, engine, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="netimpact.web.settings.local", NETIMPACT_VAR_DIR=str(tmp_path))
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-c", DATABASE], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == engine
