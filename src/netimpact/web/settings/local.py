"""Development and the demo: DEBUG on, a throwaway key, loopback only."""

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, VAR_DIR

DEBUG = True
SECRET_KEY = SECRET_KEY or "local-development-only-not-a-secret"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]

# The embedded SQLite database lives in VAR_DIR: SQLite creates the file but not its folder, so a fresh
# clone's `./run demo` would stop at "unable to open database file" without this.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# runserver serves static files from the app folders; WhiteNoise finds them there too, without a collect.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
