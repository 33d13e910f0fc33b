"""Operational middleware: database faults answered with 503, and caching headers.

`DatabaseUnavailableMiddleware` turns a lost database into a clear, short-lived 503 instead of a
500 and a traceback per request. Pages that need no database (the accessibility statement) keep
working, and since Django opens a connection on the next query, the site recovers on its own when
the database is back: nothing here remembers the failure except the log throttle.

`PrivateCachingMiddleware` keeps shared caches (a proxy, a CDN) from storing a page that carries a
per-response CSP nonce or belongs to a signed-in user.
"""

import logging
import threading
import time

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

logger = logging.getLogger("kent_offer.database")

# Django wraps driver errors in its own classes inside ORM calls; raw psycopg (or sqlite3) errors
# can still escape from code that talks to the driver directly, so both are caught.
DATABASE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError,
                   psycopg.InterfaceError)

# How long a browser (or an uptime probe) is asked to wait before trying again: a PostgreSQL
# restart or fail-over takes seconds, not minutes.
RETRY_AFTER_SECONDS = 30

# One log line per kind of failure per this many seconds, however many requests fail.
LOG_INTERVAL_SECONDS = 60


class FailureLog:
    """Logs the first failure of each kind, then at most one line per interval with a count."""

    def __init__(self, interval: float = LOG_INTERVAL_SECONDS):
        self.interval = interval
        self._lock = threading.Lock()
        self._last_logged: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def failed(self, kind: str, detail: str) -> None:
        now = time.monotonic()
        with self._lock:
            last = self._last_logged.get(kind)
            if last is not None and now - last < self.interval:
                self._suppressed[kind] = self._suppressed.get(kind, 0) + 1
                return
            self._last_logged[kind] = now
            suppressed = self._suppressed.pop(kind, 0)
        more = f" ({suppressed} more since the last report)" if suppressed else ""
        logger.error("Database unavailable, answering 503: %s: %s%s", kind, detail, more)

    def reset(self) -> None:
        with self._lock:
            self._last_logged.clear()
            self._suppressed.clear()


failure_log = FailureLog()


def _failure_kind(error: Exception) -> tuple[str, str]:
    """A stable kind (the error class) and its first line, without the full traceback."""
    cause = error.__cause__ or error
    detail = (str(cause).strip().splitlines() or [""])[0]
    return type(cause).__name__, detail[:200]


def service_unavailable() -> HttpResponse:
    """The GOV.UK 'service unavailable' page, rendered from a template that touches no database
    and needs no request (so no session, user or nonce is looked up)."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True, private=True)
    # Django logs every 5xx response at ERROR; the failure log has already said it once.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 (not 500) while the database cannot be reached. It must sit outside every
    middleware that could use the database, and its `process_exception` sees errors from views
    (including the transaction ATOMIC_REQUESTS opens around them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as error:  # raised by a middleware, not a view
            return self._unavailable(error)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return self._unavailable(exception)
        return None

    def _unavailable(self, error: Exception) -> HttpResponse:
        failure_log.failed(*_failure_kind(error))
        return service_unavailable()


class PrivateCachingMiddleware:
    """`Cache-Control: private, no-store` on every response a shared cache must not keep: one
    with this response's CSP nonce (replayed, the nonce would be known in advance), one for a
    signed-in user (a session cookie was sent or set), or one that varies on the cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._is_private(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _is_private(request, response) -> bool:
        if isinstance(getattr(request, "_csp_nonce", None), str):
            return True
        session_cookie = settings.SESSION_COOKIE_NAME
        if session_cookie in request.COOKIES or session_cookie in response.cookies:
            return True
        if settings.CSRF_COOKIE_NAME in response.cookies:
            return True
        vary = response.get("Vary", "")
        return "cookie" in vary.lower()
