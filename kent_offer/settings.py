"""Settings for the Kent post-16 offer map, read from the environment.

Every deployment sets DATABASE_URL (PostgreSQL through psycopg 3), SECRET_KEY and ALLOWED_HOSTS.
With no DATABASE_URL the app runs on an embedded SQLite file so that one command starts it on a
fresh machine; with DEBUG on and no SECRET_KEY a development-only key is used.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from kent_offer.caching import code_version, shared_caches

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; missing file is fine

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "areas",
    "providers",
    "kentdata",
    "coldspots",
    "offermap",
    # The yearly offer round (imports areas, providers, accounts; nothing imports it).
    "offerround",
    # Beside the others: roles, sign-in and object rules (imports areas, providers, coldspots).
    "accounts",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Object-level permissions (a champion's remit, an LCPA lead's own LCPA): accounts/rules.py.
    "rules.permissions.ObjectPermissionBackend",
]

ROOT_URLCONF = "kent_offer.urls"
WSGI_APPLICATION = "kent_offer.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }

FIXTURES_DIR = Path(env.str("KENT_FIXTURES_DIR", default=str(BASE_DIR / "fixtures")))

# Base map tiles are off by default so that the map works with no network; set a URL template
# (e.g. an internal tile server) to show a base map under the data layers.
MAP_TILES_URL = env.str("MAP_TILES_URL", default="")
MAP_TILES_ATTRIBUTION = env.str("MAP_TILES_ATTRIBUTION", default="")

# Sign-in and roles (accounts/). The map and its pages are public unless MAP_REQUIRES_SIGN_IN;
# the admin always needs sign-in.
MAP_REQUIRES_SIGN_IN = env.bool("MAP_REQUIRES_SIGN_IN", default=False)
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "offermap:map"
LOGOUT_REDIRECT_URL = "offermap:map"
# A session lasts one working day at most, and ends when the browser closes.
SESSION_COOKIE_AGE = 9 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sign-in lockout (accounts/lockout.py): five failures for one username from one address lock
# that pair for an hour; AXES_ADDRESS_FAILURE_LIMIT failures from one address, whatever the
# usernames, lock the address. Behind TRUSTED_PROXY_COUNT proxies (the TLS proxy: 1) the client
# address is read from X-Forwarded-For as the outermost trusted proxy wrote it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
AXES_HANDLER = "accounts.lockout.UserAtAddressHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_address"

# Optional single sign-on (OpenID Connect, e.g. Entra ID) with mozilla-django-oidc: on only when
# OIDC_RP_CLIENT_ID is set; local accounts work either way. See the README.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "mozilla_django_oidc.auth.OIDCAuthenticationBackend")

# Background work (a large admin import) runs as a django-tasks task stored in the database;
# `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Files with more rows than this are checked and imported by the worker, not in the request.
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=2000)
# Uploads of checks not confirmed within this many hours are removed (the result stays).
IMPORT_PREVIEW_HOURS = 24
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"  # never served: uploads are read by the import only

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Import and export obey the model's permissions (import: add, and the project's admins also ask
# for change; export: view). Formula cells are made text by the project's own CSV format
# (providers.spreadsheets), not IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT, which only drops a
# leading "=" (losing it) and leaves +, -, @, tab and CR.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Content Security Policy: nothing from another host; scripts only with this response's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],  # Leaflet sets inline styles on map panes
        "img-src": [SELF, "data:"] + ([MAP_TILES_URL.split("/{")[0]] if MAP_TILES_URL else []),
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False

# HSTS preload binds every subdomain of the council's domain for years: the domain's owners decide
# that, not this app, so `check --deploy` is not asked to nag about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Replace Django's own console handler, which would print every line a second time.
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Operations (issue 14): connections, database faults, caching headers, the shared cache ---
# Persistent PostgreSQL connections, checked before reuse so that a restarted server costs one
# reconnect, not an error. SQLite opens a file, which costs nothing, so it keeps none.
_ON_POSTGRESQL = DATABASES["default"]["ENGINE"].endswith("postgresql")
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "CONN_MAX_AGE", default=60 if _ON_POSTGRESQL else 0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Outside everything that can touch the database: a lost database answers 503 (see the module),
# and pages with a nonce or for a signed-in user are never kept by a shared cache.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "kent_offer.middleware.PrivateCachingMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("kent_offer.middleware.PrivateCachingMiddleware") + 1,
    "kent_offer.middleware.DatabaseUnavailableMiddleware",
)

# One cache for every worker: Redis when REDIS_URL is set, else a table in the database
# (`createcachetable`, run by prepare_site), so that no extra service is needed.
CACHES = shared_caches(env.str("REDIS_URL", default=""), key_prefix=code_version(BASE_DIR))

# Where collectstatic puts the hashed, compressed files whitenoise serves.
STATIC_ROOT = env.path("STATIC_ROOT", default=str(STATIC_ROOT))

# backup_database / restore_database (operations/ imports none of the project's apps).
INSTALLED_APPS.append("operations")

# E-mail (offer round reminders). In development they are printed to the console; a real
# server sets EMAIL_HOST and the others to the council's SMTP relay.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="offer-map@localhost")
