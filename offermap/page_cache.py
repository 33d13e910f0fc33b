"""Finished pages and downloads for anonymous visitors, cached on the data version and the
request, so that a warm hit costs one query and a copy instead of unpickling the analysis and
rendering a 200 KB template (issue 14: warm p95 ≤ 500 ms with 20 users on 2 workers).

Only what every anonymous visitor would be sent for the same address is kept:

- the request carries no session or messages cookie (so there is no signed-in user, and no
  flashed message to show and consume; a signed-in visitor's page — open board actions, the
  actions panel — is never stored or served from here);
- the response is a plain 200 that used no CSRF token (a page with a form token is per visitor)
  and set no cookie.

The per-response CSP nonce is never stored: the body is kept split at the nonce, and a replay
joins the parts with this response's own nonce (so the CSP header, and the `private, no-store`
that kent_offer.middleware adds for it, are as they would have been). Keys name the data
version (coldspots.signals), the view, the host, the path, the raw query string and the htmx
headers the views read; the shared cache's prefix names the code version (kent_offer.caching).
Open board actions are only shown to signed-in users, whose pages are never cached, so
recording one needs no invalidation here.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse

from coldspots.results import data_version, request_version

PAGE_CACHE_SECONDS = 60 * 60

# The request headers a cached view reads (django-htmx): the fragment and the history restore
# are other answers for the same address.
VARY_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_HISTORY_RESTORE_REQUEST")


def _anonymous(request) -> bool:
    """No session cookie: the user is anonymous without reading the session. No messages
    cookie: no message waits to be shown."""
    cookies = request.COOKIES
    return (settings.SESSION_COOKIE_NAME not in cookies
            and CookieStorage.cookie_name not in cookies)


def page_key(request, view_name: str, version: str) -> str:
    # The host and scheme too, though no cached page names them today: a page that one day
    # builds an absolute address stays right.
    parts = [view_name, version, request.scheme, request.get_host(), request.path,
             request.META.get("QUERY_STRING", ""),
             *(request.META.get(name, "") for name in VARY_HEADERS)]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"offermap:page:{version}:{digest}"


def _nonce(request) -> str | None:
    """This response's CSP nonce if the view put one in the page (django-csp makes it on first
    use and keeps it on the request)."""
    nonce = getattr(request, "_csp_nonce", None)
    return nonce if isinstance(nonce, str) else None


def _storable(request, response) -> bool:
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(response, "_csp_exempt", False))


def _frozen(request, response) -> dict:
    nonce = _nonce(request)
    body = bytes(response.content)
    return {
        # The body split at the nonce; a body without one is a single part.
        "parts": body.split(nonce.encode()) if nonce else [body],
        "nonce": nonce is not None,
        "headers": list(response.items()),
        # Reading request.user reads the session, and SessionMiddleware then adds
        # `Vary: Cookie`: a replay touches it too, so the headers are the same.
        "session_read": bool(getattr(getattr(request, "session", None), "accessed", False)),
    }


def _replayed(request, frozen: dict) -> HttpResponse:
    parts = frozen["parts"]
    body = str(request.csp_nonce).encode().join(parts) if frozen["nonce"] else parts[0]
    response = HttpResponse(body)
    for name, value in frozen["headers"]:
        response[name] = value
    if frozen["session_read"]:
        request.user.is_authenticated  # noqa: B018 (the read is the point; see _frozen)
    response.from_page_cache = True  # for tests and profiling
    return response


def cache_anonymous_page(view):
    """Serve `view`'s answer for anonymous visitors from the cache (see the module)."""
    name = f"{view.__module__}.{view.__name__}"

    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not _anonymous(request):
            return view(request, *args, **kwargs)
        version = data_version()
        key = page_key(request, name, version)
        frozen = cache.get(key)
        if frozen is not None:
            return _replayed(request, frozen)
        # The view reads the same version (one query per request); these views write nothing.
        token = request_version.set(version)
        try:
            response = view(request, *args, **kwargs)
        finally:
            request_version.reset(token)
        if request.method == "GET" and _storable(request, response):
            cache.set(key, _frozen(request, response), PAGE_CACHE_SECONDS)
        return response

    return cached_view
