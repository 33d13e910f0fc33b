"""django-axes, keyed on the username at an address, with a wider limit per address.

Five failures for one username from one address lock that pair: somebody elsewhere cannot lock
an officer out by guessing at their username. An address that fails AXES_ADDRESS_FAILURE_LIMIT
times in the cool-off period, whatever the usernames, is locked too: one address cannot try
unlimited usernames.

The address is read behind TRUSTED_PROXY_COUNT proxies (client_ip_address). django-ipware's
proxy count is not used: it expects the proxies' own addresses inside X-Forwarded-For, so behind
one TLS proxy it either ignores the header (every officer shares the proxy's address) or takes a
value the client typed.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_ip_address(request) -> str | None:
    """The client's address: the one the outermost trusted proxy saw and appended.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N
    trusted proxies the N-th entry from the right is the client's; anything to its left was sent
    by the client and is ignored. With no trusted proxy, REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    ]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # not through every proxy: only the connection's address can be trusted
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_failures(request, ip_address: str | None) -> int:
    """Failures from one address, for every username, in the current cool-off period."""
    if not ip_address:
        return 0
    recent = AccessAttempt.objects.filter(ip_address=ip_address)
    if settings.AXES_COOLOFF_TIME is not None:
        recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


class UserAtAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        # axes compares this one number with AXES_FAILURE_LIMIT both to refuse a sign-in and to
        # show the lockout page, so an address over its own limit counts as a full lockout.
        failures = super().get_failures(request, credentials)
        ip_address = getattr(request, "axes_ip_address", None) or client_ip_address(request)
        if address_failures(request, ip_address) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
