"""WSGI entry point for production servers (gunicorn netimpact.web.wsgi). Defaults to production settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netimpact.web.settings.production")

application = get_wsgi_application()
