from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Kent post-16 offer map: administration"
admin.site.site_title = "Kent post-16 offer map"
admin.site.index_title = "Providers, courses, areas and cohorts"
# The lists have many columns; the side navigation would squeeze them on a laptop screen.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("offermap.urls")),
]
