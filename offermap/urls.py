from django.urls import path

from offermap import action_views, report_views, scenario_views, views

app_name = "offermap"

urlpatterns = [
    path("", views.map_view, name="map"),
    path("download/lcpas.csv", views.download_lcpas_csv, name="download_lcpas_csv"),
    path("download/providers.csv", views.download_providers_csv, name="download_providers_csv"),
    path("download/cold-spots.csv", views.download_cold_areas_csv, name="download_cold_areas_csv"),
    path("download/map.geojson", views.download_geojson, name="download_geojson"),
    path("lcpa/<slug:slug>/", views.lcpa_profile, name="lcpa"),
    path("lcpa/<slug:slug>/download/map.geojson", views.lcpa_download_geojson,
         name="lcpa_download_geojson"),
    path("lcpa/<slug:slug>/download/<slug:table>.csv", views.lcpa_download_csv,
         name="lcpa_download_csv"),
    path("providers/<int:urn>/", views.provider_detail, name="provider"),
    path("guarantee/", views.guarantee_check, name="guarantee"),
    path("about/data/", views.about_data, name="about_data"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # Board actions; before any /reports/<remit>/ pattern, so "actions" is never read as a remit.
    path("reports/actions/", action_views.action_list, name="actions"),
    path("reports/actions/actions.csv", action_views.download_actions_csv,
         name="download_actions_csv"),
    path("reports/actions/new/", action_views.record_action, name="action_new"),
    path("reports/actions/<int:pk>/", action_views.action_detail, name="action"),
    path("reports/actions/<int:pk>/edit/", action_views.edit_action, name="action_edit"),
    # What-if scenarios; like the actions, before any /reports/<remit>/ pattern, so that
    # "scenarios" is never read as a remit.
    path("reports/scenarios/", scenario_views.scenario_page, name="scenarios"),
    path("reports/scenarios/difference.csv", scenario_views.scenario_csv, name="scenario_csv"),
    path("reports/scenarios/save/", scenario_views.save_scenario, name="scenario_save"),
    path("reports/scenarios/saved/<int:pk>/", scenario_views.saved_scenario,
         name="saved_scenario"),
    # Board champions' reports: after every fixed reports/... pattern (actions, scenarios).
    path("reports/", report_views.report_index, name="reports"),
    path("reports/<slug:remit>/", report_views.report, name="report"),
    path("reports/<slug:remit>/download/<slug:table>.csv", report_views.report_download_csv,
         name="report_download_csv"),
    path("reports/<slug:remit>/<slug:lcpa>/", report_views.report, name="report_lcpa"),
    path("reports/<slug:remit>/<slug:lcpa>/download/<slug:table>.csv",
         report_views.report_download_csv, name="report_lcpa_download_csv"),
]
