"""Tests: fast hashing, mail kept in memory, static files served without a manifest."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the app folders through the finders (nothing is collected for tests); WhiteNoise
# would otherwise warn on every request that STATIC_ROOT does not exist.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Evaluation jobs run inside the request, so a test sees the finished run at once; the decisions browser
# test turns this off to watch the progress of a real background job.
NETIMPACT_EVALUATION_JOBS_INLINE = True
