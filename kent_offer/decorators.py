"""View decorators shared by the apps' page modules (offermap, offerround): here in the project
package so that apps which may not import each other can all use them."""

from django.db import transaction
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def read_only(view):
    """GET and HEAD only (uptime probes use HEAD): any other method gets 405. These views
    change nothing, so there is no form to protect from forgery; exempting them lets a POST or
    PUT get 405 rather than the CSRF check's 403.

    They also run outside ATOMIC_REQUESTS (settings: every other view is one transaction):
    a page that only reads gains nothing from a transaction around it, and without one a
    PostgreSQL connection is not held "idle in transaction" while the page renders, and a
    shared-cache write (the database cache) commits on its own. `read_only` marks the view, so
    that a test can find every such view and check it writes nothing."""
    wrapped = transaction.non_atomic_requests(csrf_exempt(require_safe(view)))
    wrapped.read_only = True
    return wrapped
