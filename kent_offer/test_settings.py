"""Settings for the test suite: a fast hasher, plain static storage, no HTTPS redirects."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from kent_offer.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
AXES_ENABLED = True
# Serve static files from the app folders (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Each test process keeps its own cache: many tests need no database, yet every test clears the
# cache. The shared caches (database table, Redis) are tested in tests/operations.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kent-offer-tests",
    }
}
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# Uploads (CSV imports) go to a scratch folder, never into the working tree.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="kent-offer-test-media-"))
