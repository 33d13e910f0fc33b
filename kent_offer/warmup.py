"""Warm a web process before it takes traffic, so that its first visitor does not wait 1–2 s.

Two steps, because gunicorn forks workers from a preloaded master:
- `import_everything()` in the master: the URLconf and through it the views, pandas, geopandas and
  the analysis, imported once and shared by every worker (copy-on-write);
- `request_pages()` in each worker: the map page served through the WSGI application in-process
  (no socket), which fills the worker's template and travel-time caches and the shared cache.
"""

import io
import logging
import sys

from django.conf import settings
from django.db import connections

logger = logging.getLogger("kent_offer.warmup")

WARM_PATHS = ("/",)


def import_everything() -> None:
    """Import every view (and so the analysis) now, then drop any database connection, which a
    forked worker must not share with the master."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the import is the point)
    connections.close_all()


def _host() -> str:
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".")
    return "localhost"


def request_pages(application, paths=WARM_PATHS) -> dict[str, int]:
    """GET each path through `application` as a visitor over HTTPS would; the status codes by
    path. Never raises: a worker that cannot warm up still serves (and a database that is down
    answers 503, logged once by the middleware)."""
    statuses = {}
    host = _host()
    for path in paths:
        captured = {}

        def start_response(status, headers, exc_info=None, captured=captured):
            captured["status"] = int(status.split()[0])

        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
            "SERVER_NAME": host, "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host, "HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0), "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        try:
            body = application(environ, start_response)
            try:
                for _chunk in body:
                    pass
            finally:
                getattr(body, "close", lambda: None)()
        except Exception:  # a failed warm-up must not stop the worker
            logger.exception("Warm-up of %s failed", path)
            continue
        statuses[path] = captured.get("status", 0)
    logger.info("Warmed up: %s", ", ".join(f"{p} {s}" for p, s in statuses.items()))
    return statuses
