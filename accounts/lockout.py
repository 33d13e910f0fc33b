"""django-axes, keyed on the username at an address, with a wider limit per address.

Five failures for one username from one address lock that pair: somebody elsewhere cannot lock
an officer out by guessing at their username. An address that fails AXES_ADDRESS_FAILURE_LIMIT
times in the cool-off period, whatever the usernames, is locked too: one address cannot try
unlimited usernames. The address is read by django-ipware behind AXES_IPWARE_PROXY_COUNT
trusted proxies (TRUSTED_PROXY_COUNT), so a client cannot choose it with X-Forwarded-For.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(ip_address: str | None) -> int:
    """Failures from one address, for every username, in the current cool-off period."""
    if not ip_address:
        return 0
    recent = AccessAttempt.objects.filter(ip_address=ip_address)
    if settings.AXES_COOLOFF_TIME is not None:
        recent = recent.filter(attempt_time__gte=get_cool_off_threshold())
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


class UserAtAddressHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
        return address_failures(ip_address) >= settings.AXES_ADDRESS_FAILURE_LIMIT
