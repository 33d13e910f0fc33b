"""Thin function views: read the request, call coldspots and offermap.maps, render a template."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from areas.models import Area, CohortFigure, Postcode
from coldspots.models import TravelTime
from coldspots.params import MODE_ASSUMPTIONS, MODE_LABELS
from offermap.sources import SOURCES
from providers.models import Course, Level, Provider, RecordLabel, Site


@require_GET
def about_data(request):
    counts = {
        "providers": Provider.objects.count(),
        "out_of_county": Provider.objects.filter(out_of_county=True).count(),
        "sites": Site.objects.count(),
        "areas": Area.objects.count(),
        "cohort_figures": CohortFigure.objects.count(),
        "cohort_estimates": CohortFigure.objects.filter(is_estimate=True).count(),
        "postcodes": Postcode.objects.count(),
    }
    labels = dict(RecordLabel.choices)
    courses_by_label = [
        {"label": labels.get(row["record_label"], row["record_label"]), "count": row["n"]}
        for row in Course.objects.values("record_label").annotate(n=Count("id"))
        .order_by("record_label")
    ]
    years = list(
        Course.objects.order_by("academic_year").values_list("academic_year", flat=True).distinct()
    )
    measures = dict(CohortFigure.Measure.choices)
    estimate_methods = [
        {
            "label": measures.get(row["measure"], row["measure"]),
            "source": row["source"],
            "vintage": row["vintage"],
            "method": row["method"],
            "count": row["n"],
        }
        for row in CohortFigure.objects.filter(is_estimate=True)
        .values("measure", "source", "vintage", "method")
        .annotate(n=Count("id"))
        .order_by("measure", "source")
    ]
    return render(
        request,
        "offermap/about_data.html",
        {
            "counts": counts,
            "courses_by_label": courses_by_label,
            "years": years,
            "sources": SOURCES,
            "estimate_methods": estimate_methods,
            "travel_modes": [
                {"label": MODE_LABELS[mode], **vars(assumptions)}
                for mode, assumptions in MODE_ASSUMPTIONS.items()
            ],
            "travel_matrix_rows": TravelTime.objects.count(),
        },
    )


@require_GET
def accessibility(request):
    return render(request, "offermap/accessibility.html")


@require_GET
def provider_detail(request, urn: int):
    provider = get_object_or_404(Provider, urn=urn)
    sites = list(provider.sites.select_related("area__region", "area__district"))
    courses = list(provider.courses.select_related("site").order_by(
        "-academic_year", "level", "qualification_type", "title"
    ))
    level_labels = dict(Level.choices)
    years: dict[str, dict] = {}
    for course in courses:
        year = years.setdefault(
            course.academic_year, {"year": course.academic_year, "courses": [], "by_level": {}}
        )
        year["courses"].append(course)
        label = level_labels[course.level]
        year["by_level"][label] = year["by_level"].get(label, 0) + 1
    return render(
        request,
        "offermap/provider.html",
        {"provider": provider, "sites": sites, "years": list(years.values())},
    )


# Temporary placeholders while the map pages are wired to coldspots (replaced below in later steps).
@require_GET
def map_view(request):
    return render(request, "offermap/about_data.html", {"sources": SOURCES, "counts": {}})


download_lcpas_csv = download_providers_csv = download_geojson = map_view
guarantee_check = map_view


@require_GET
def lcpa_profile(request, slug):
    return map_view(request)
