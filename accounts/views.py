from django.conf import settings
from django.contrib.auth import views as auth_views

from accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    """The sign-in page in the site's own style; the admin's sign-in comes here too."""

    template_name = "accounts/sign_in.html"
    form_class = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["session_hours"] = settings.SESSION_COOKIE_AGE // 3600
        return context


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires) and return to the map."""

    http_method_names = ["post", "options"]
