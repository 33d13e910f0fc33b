"""Whether the public pages need sign-in: settings.MAP_REQUIRES_SIGN_IN.

The admin always needs sign-in (it checks for itself). With the setting on, every other page,
fragment and download sends an anonymous visitor to the sign-in page, except the pages that must
stay open: signing in and out, and the accessibility statement.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

ALWAYS_OPEN = {
    "accounts:sign_in",
    "admin_sign_in",
    "accounts:sign_out",
    "offermap:accessibility",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "oidc_logout",
}


class SignInRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MAP_REQUIRES_SIGN_IN or request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.namespace == "admin" or match.view_name in ALWAYS_OPEN:
            return None
        return redirect_to_login(request.get_full_path())
