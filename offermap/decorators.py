"""View decorators shared by the page modules (offermap.views, offermap.action_views)."""

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def read_only(view):
    """GET and HEAD only (uptime probes use HEAD): any other method gets 405. These views
    change nothing, so there is no form to protect from forgery; exempting them lets a POST or
    PUT get 405 rather than the CSRF check's 403."""
    return csrf_exempt(require_safe(view))
