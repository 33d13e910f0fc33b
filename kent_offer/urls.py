from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import SignInView

admin.site.site_header = "Kent post-16 offer map: administration"
admin.site.site_title = "Kent post-16 offer map"
admin.site.index_title = "Providers, courses, areas and cohorts"
# The lists have many columns; the side navigation would squeeze them on a laptop screen.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    # The admin's own sign-in page is replaced by the site's (same form, django-axes and all).
    path("admin/login/", SignInView.as_view(next_page="admin:index"), name="admin_sign_in"),
    path("admin/", admin.site.urls),
    path("account/", include("accounts.urls")),
    path("offer-round/", include("offerround.urls")),
    path("", include("offermap.urls")),
]
if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))
