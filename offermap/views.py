"""Thin function views: read the request, call coldspots and offermap.maps, render a template."""

import functools
import re
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlencode

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q, Sum
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from areas.models import Area, CohortFigure, Postcode
from areas.validators import POSTCODE_RE, normalise_postcode
from coldspots import analysis
from coldspots.analysis import KENT
from coldspots.guarantee import CANNOT_CONFIRM, COMPONENT_LABELS, MET, NO_DATA, NOT_MET
from coldspots.models import TravelTime
from coldspots.params import MINUTES_CHOICES, MODE_ASSUMPTIONS, MODE_LABELS, AnalysisParams
from coldspots.results import compute, data_version, load_inputs, point_check
from kent_offer.decorators import read_only
from offermap import action_views, charts, links, maps, presenters
from offermap.forms import ACCESS_CHOICES, AnalysisForm, CheckForm, MapForm, error_summary
from offermap.options import LCPA_SORTS, PAGE_SIZE, PROVIDER_SORTS
from offermap.page_cache import cache_anonymous_page
from offermap.presenters import LEVEL_LABELS
from offermap.report_parts import learner_count
from offermap.reports import REMITS
from offermap.sources import SOURCES
from providers.coverage import YEARS_WITHOUT_PERFORMANCE_TABLES, coverage_table, vintages_for_year
from providers.models import ApprenticeshipStarts, Course, Level, Provider, RecordLabel, Site
from providers.spreadsheets import spreadsheet_safe

MAP_CACHE_SECONDS = 60 * 60


# Where each map-page parameter is set, so that an error message can link to it.
FIELD_ANCHORS = {
    "year": "filter-year", "level": "filter-level-E", "type": "filter-type-a_level",
    "subject": "filter-subject", "provider_kind": "filter-kind-school_sixth_form",
    "lcpa": "filter-lcpa", "minutes": "filter-minutes-30", "mode": "filter-mode-pt",
    "measure": "filter-measure-cold_share", "cold_areas": "filter-cold-areas",
    "sort": "provider-table-heading", "page": "provider-table-heading",
    "lcpa_sort": "lcpa-table-heading", "include": "filter-include-selective",
}


@read_only
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
    coverage_rows = [*Course.objects.coverage(), *ApprenticeshipStarts.objects.coverage()]
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
            "years_without_tables": sorted(YEARS_WITHOUT_PERFORMANCE_TABLES.items()),
            "coverage": coverage_table(coverage_rows, dict(Provider.Kind.choices)),
            "sources": SOURCES,
            "estimate_methods": estimate_methods,
            "travel_modes": [
                {"label": MODE_LABELS[mode], **vars(assumptions)}
                for mode, assumptions in MODE_ASSUMPTIONS.items()
            ],
            "travel_matrix_rows": TravelTime.objects.count(),
            "rule": presenters.rule_summary(compute(AnalysisForm().params)),
        },
    )


# No transaction (ATOMIC_REQUESTS would open a connection; read_only leaves it out): the
# statement needs no database, so it is still served while the database is down.
@read_only
def accessibility(request):
    return render(request, "offermap/accessibility.html")


@read_only
def provider_detail(request, urn: int):
    provider = get_object_or_404(Provider.objects.select_related("successor"), urn=urn)
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
    enrolments = list(provider.enrolments.order_by("-academic_year"))
    return render(
        request,
        "offermap/provider.html",
        {"provider": provider, "sites": sites, "years": list(years.values()),
         "enrolments": enrolments},
    )


# ---------------------------------------------------------------------------------------------
# The map page, its fragment and downloads


def _analysis_request(query):
    """(params, results, inputs, options, errors) for GET data; never raises on bad input."""
    version = data_version()
    inputs = load_inputs(version)
    form = MapForm(query, inputs.regions["region_slug"], version=version)
    results = compute(form.params, version)
    return form.params, results, inputs, form.options, dict(form.problems)


def _map_document(results, inputs, options, provider_markers, lcpa_table):
    """The map as data (for json_script), its legend bands and the number of small areas
    drawn, cached on the data version and request."""
    key = ":".join((
        "offermap:map", results.data_version, results.params.cache_key(), options.cache_key(),
    ))
    cached = cache.get(key)
    if cached is not None:
        return cached
    regions, bands = presenters.shaded_regions(inputs.regions, lcpa_table, options.measure,
                                               results.data_version)
    measure_label = maps.MEASURES[options.measure].label
    features = maps.region_features(
        regions, measure_label=measure_label, focus=options.lcpa, link_for=_lcpa_url
    )
    focus = [f for f in features if f["properties"]["focus"]] or None
    cold_features, cold_area_count = None, 0
    if options.cold_areas:
        cold = presenters.cold_area_rows(results, inputs.areas, options.lcpa)
        boundaries = dict(
            Area.objects.filter(code__in=list(cold["area_code"])).values_list("code", "boundary")
        )
        cold = cold.assign(boundary=[boundaries.get(code) for code in cold["area_code"]])
        cold_features = maps.area_features(cold)
        cold_area_count = len(cold)
    document = maps.map_document(
        features,
        provider_markers,
        cold_features,
        measure_label=measure_label,
        bands=bands,
        tiles_url=settings.MAP_TILES_URL,
        tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
        focus_features=focus,
        labels=presenters.map_labels(inputs.regions, inputs.areas, results.data_version),
    )
    value = (document, bands, cold_area_count)
    cache.set(key, value, MAP_CACHE_SECONDS)
    return value


def _lcpa_rows(results, params):
    """presenters.lcpa_rows for the request, cached with the results it is read from (on the
    data version and the analysis parameters): the map page of every LCPA, each LCPA page and
    the downloads share one copy."""
    key = ":".join(("offermap:lcpa-rows", results.data_version, params.cache_key()))
    rows = cache.get(key)
    if rows is None:
        rows = presenters.lcpa_rows(results, analysis.measured_levels(params))
        cache.set(key, rows, MAP_CACHE_SECONDS)
    return rows


def _travel_text(params: AnalysisParams) -> str:
    return f"{params.minutes} minutes by {MODE_LABELS[params.mode]}"


def _travel_choices(params: AnalysisParams) -> dict:
    """(value, label) pairs for the travel time and mode fields, including an unlisted time
    that the request asked for."""
    return {
        "minutes": [(m, f"{m} minutes") for m in sorted({*MINUTES_CHOICES, params.minutes})],
        "modes": [(mode, label[:1].upper() + label[1:]) for mode, label in MODE_LABELS.items()],
    }


@functools.lru_cache(maxsize=8192)
def _provider_url(urn) -> str:
    # Kept: reverse() per marker was a tenth of a map page's cache miss.
    return reverse("offermap:provider", args=[int(urn)])


def _lcpa_url(slug) -> str | None:
    return None if slug == KENT else reverse("offermap:lcpa", args=[slug])


def _view_tables(results, inputs, params, options, place: str) -> dict:
    """The map page's figures and tables for one view, cached like the analysis they come from
    (on the data version, the analysis parameters and the LCPA in view)."""
    key = ":".join((
        "offermap:tables", results.data_version, params.cache_key(), options.lcpa,
    ))
    tables = cache.get(key)
    if tables is None:
        offers = presenters.selected_offers(results, options.lcpa)
        providers = presenters.provider_rows(inputs, offers)
        tables = {
            "lcpa_table": _lcpa_rows(results, params),
            "providers": providers,
            "markers": presenters.marker_rows(providers, _provider_url),
            "headline": presenters.headline(results, offers, options.lcpa, place),
            "sites_without_offers": presenters.sites_without_offers(
                inputs, results.year, options.lcpa
            ),
            "subjects": presenters.subject_choices(inputs, results.year),
        }
        cache.set(key, tables, MAP_CACHE_SECONDS)
    return tables


class _FrameRecords:
    """A frame's rows as record dicts for a Paginator: only the page shown is converted (all of
    Kent's sites as dicts were a fifth of a map page's cache miss)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, rows: slice) -> list[dict]:
        return self.frame.iloc[rows].to_dict("records")


def _map_context(request, params, results, inputs, options, errors) -> dict:
    query = request.GET
    names = presenters.region_names(inputs.regions)
    place = names.get(options.lcpa, "Kent")
    tables = _view_tables(results, inputs, params, options, place)
    lcpa_table, providers = tables["lcpa_table"], tables["providers"]
    map_document, bands, cold_area_count = _map_document(
        results, inputs, options, tables["markers"], lcpa_table
    )
    # Open board actions are marked per request, outside the cached document (see
    # maps.with_open_actions): recording one leaves the analysis caches alone.
    marks = action_views.open_action_marks(request.user)
    map_document = maps.with_open_actions(map_document, marks["regions"], marks["areas"])

    providers = presenters.sort_frame(providers, options.sort, presenters.PROVIDER_SORT_COLUMNS)
    paginator = Paginator(_FrameRecords(providers), PAGE_SIZE)
    page = paginator.get_page(options.page)
    if options.page > paginator.num_pages:
        errors["page"] = f"There are only {paginator.num_pages} pages: showing the last one."

    notices = []
    if results.year not in results.years_available:
        available = ", ".join(results.years_available) or "none"
        notices.append(
            f"No course data is recorded for {results.year}. Years with data: {available}."
        )
    records_text = presenters.recorded_types_text(results)
    for level in presenters.unmeasured_levels(results):
        notices.append(
            f"{LEVEL_LABELS[level]} is not fully recorded in {results.year}"
            + (" (no offer recorded for these filters)" if level in results.no_data_levels
               else " (some records, but no source that covers every provider)")
            + ": its areas show “partial data”, never no or reduced choice."
        )
    measure = maps.MEASURES[options.measure]
    return {
        "params": params,
        "results": results,
        "options": options,
        "errors": errors,
        "error_links": error_summary(errors, FIELD_ANCHORS),
        "rule": presenters.rule_summary(results),
        "access_choices": ACCESS_CHOICES,
        "notices": notices,
        "records_text": records_text,
        "place": place,
        "measure": measure,
        "headline": tables["headline"],
        "sites_without_offers": tables["sites_without_offers"],
        "map": map_document,
        "bands": bands,
        "cold_area_count": cold_area_count,
        "lcpa_table": [
            {**row, "open_actions": marks["regions"].get(row["region_name"], {}).get("count", 0)}
            for row in presenters.sort_lcpa_rows(lcpa_table, options.lcpa_sort).to_dict("records")
        ],
        "action_marks": marks,
        "page": page,
        "page_links": links.page_links(query, page),
        "provider_sort": links.sort_links(query, options.sort, PROVIDER_SORTS, "sort"),
        "lcpa_sort": links.sort_links(query, options.lcpa_sort, LCPA_SORTS, "lcpa_sort"),
        "download_query": links.query_string(query, page=None, sort=None, lcpa_sort=None),
        "share_url": links.shareable_url(request.path, query),
        "year_notes": sorted(YEARS_WITHOUT_PERFORMANCE_TABLES.items()),
        # From the cached offers frame: naming the year's sources costs no query (each
        # distinct source and vintage once: every offer as a dict was a tenth of a miss).
        "year_sources": vintages_for_year(
            inputs.offers.reindex(columns=["academic_year", "source_key", "source_year"])
            .fillna("").drop_duplicates().to_dict("records"),
            results.year,
        ),
        "choices": {
            "years": list(reversed(results.years_available)) or [results.year],
            "levels": Level.choices,
            "types": Course.QualificationType.choices,
            "kinds": Provider.Kind.choices,
            "subjects": tables["subjects"],
            "lcpas": list(names.items()),
            **_travel_choices(params),
            "measures": [(item.key, item.label) for item in maps.MEASURES.values()],
        },
        "selected_subject": params.subjects[0] if params.subjects else "",
        "view_title": _view_title(params, results, options, place),
        "travel_text": _travel_text(params),
    }


def _view_title(params, results, options, place) -> str:
    levels = presenters._levels_text(analysis.measured_levels(params))
    levels = "all levels" if levels == "any level" else levels
    return (
        f"{place}, {levels}, {results.year}, {params.minutes} minutes by "
        f"{MODE_LABELS[params.mode]}"
    )


@read_only
@cache_anonymous_page
@vary_on_headers("HX-Request")
def map_view(request):
    params, results, inputs, options, errors = _analysis_request(request.GET)
    context = _map_context(request, params, results, inputs, options, errors)
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "offermap/map.html#fragment", context)
        # The address bar gets the shareable link without the form's empty fields.
        response["HX-Push-Url"] = links.shareable_url(request.path, request.GET)
        return response
    return render(request, "offermap/map.html", context)


def _bad_request(errors: dict[str, str]) -> HttpResponseBadRequest:
    lines = [f"{name}: {message}" for name, message in errors.items()]
    return HttpResponseBadRequest(
        "These parameters could not be used:\n" + "\n".join(lines) + "\n",
        content_type="text/plain; charset=utf-8",
    )


def _download_name(results, options, suffix: str) -> str:
    place = options.lcpa or "kent"
    return f"kent-offer-{place}-{results.year.replace('/', '-')}-{suffix}"


def _csv_response(table: pd.DataFrame, filename: str) -> HttpResponse:
    """The table as a CSV attachment: the one CSV writer of the pages (map, LCPA and report
    downloads). Every text cell is safe to open in a spreadsheet; a missing value (None, NaN)
    is an empty cell; a whole number is written as one ("2", not "2.0").

    pandas stores an integer column with a gap as floats (2 becomes 2.0), so a float column
    whose known values are all whole is written as integers. An object column keeps its values
    as given: a report's rows hold what its page shows (a share rounded to 0.1 stays "100.0").
    Learner counts are shown (1 to 5 as "c") by the table's builder, before they get here."""
    columns = []
    for position in range(table.shape[1]):
        column = table.iloc[:, position]
        if pd.api.types.is_float_dtype(column.dtype):
            known = column.dropna()
            if (known == known.round()).all() and known.abs().lt(2**53).all():
                column = column.astype("Int64")
        elif not pd.api.types.is_numeric_dtype(column.dtype):
            # Not Series.map: it would infer a dtype again and widen [None, 4] to [NaN, 4.0].
            column = pd.Series([spreadsheet_safe(value) for value in column], index=table.index,
                               dtype=object)
        columns.append(column)
    header = [str(name) for name in table.columns]
    table = pd.concat(columns, axis=1, ignore_index=True) if columns else table
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    table.to_csv(response, index=False, header=header)
    return response


def _cached_download(name: str, results, params, options, build) -> HttpResponse:
    """The download `build()` makes, cached like the pages (on the data version, the analysis
    parameters and every page option, since they name the LCPA and the sort order): the
    body and its two headers, so a cached answer is identical to a fresh one."""
    key = ":".join(("offermap:download", name, results.data_version, params.cache_key(),
                    options.cache_key(), options.sort, options.lcpa_sort))
    cached = cache.get(key)
    if cached is None:
        response = build()
        cached = (response.content, response["Content-Type"], response["Content-Disposition"])
        cache.set(key, cached, MAP_CACHE_SECONDS)
    content, content_type, disposition = cached
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = disposition
    return response


@read_only
@cache_anonymous_page
def download_lcpas_csv(request):
    """The LCPA table of the current view, as CSV (numbers unformatted, with the text shown)."""
    params, results, _inputs, options, errors = _analysis_request(request.GET)
    if errors:
        return _bad_request(errors)
    return _cached_download("lcpas.csv", results, params, options,
                            lambda: _lcpas_csv(params, results, options))


def _lcpas_csv(params, results, options) -> HttpResponse:
    table = _lcpa_rows(results, params)
    table = presenters.sort_lcpa_rows(table, options.lcpa_sort)
    table.insert(0, "academic_year", results.year)
    table.insert(1, "travel", _travel_text(params))
    table.insert(2, "travel_method", results.travel_method_label)
    table["cohort_is_estimate"] = results.cohort_is_estimate
    return _csv_response(table, _download_name(results, options, "lcpas.csv"))


@read_only
@cache_anonymous_page
def download_providers_csv(request):
    """Every provider site in the current view (all pages), as CSV."""
    params, results, inputs, options, errors = _analysis_request(request.GET)
    if errors:
        return _bad_request(errors)
    return _cached_download("providers.csv", results, params, options,
                            lambda: _providers_csv(results, inputs, options))


def _providers_csv(results, inputs, options) -> HttpResponse:
    offers = presenters.selected_offers(results, options.lcpa)
    rows = presenters.provider_rows(inputs, offers)
    rows = presenters.sort_frame(rows, options.sort, presenters.PROVIDER_SORT_COLUMNS)
    # Sorted on the real counts first, as the page is; then 1 to 5 published as "c", as the
    # page shows them.
    rows = rows.assign(learners=_suppressed(rows["learners"]))
    rows.insert(0, "academic_year", results.year)
    return _csv_response(rows, _download_name(results, options, "providers.csv"))


@read_only
@cache_anonymous_page
def download_cold_areas_csv(request):
    """Every small area and level that is a cold spot in the current view, as CSV."""
    params, results, inputs, options, errors = _analysis_request(request.GET)
    if errors:
        return _bad_request(errors)
    return _cached_download("cold-spots.csv", results, params, options,
                            lambda: _cold_areas_csv(params, results, inputs, options))


def _cold_areas_csv(params, results, inputs, options) -> HttpResponse:
    table = presenters.cold_area_table(results, inputs.areas, options.lcpa)
    table.insert(0, "academic_year", results.year)
    table.insert(1, "travel", _travel_text(params))
    table.insert(2, "travel_method", results.travel_method_label)
    return _csv_response(table, _download_name(results, options, "cold-spots.csv"))


@read_only
@cache_anonymous_page
def download_geojson(request):
    """The current view as GeoJSON: LCPAs with every measure, and provider sites as points."""
    params, results, inputs, options, errors = _analysis_request(request.GET)
    if errors:
        return _bad_request(errors)
    return _cached_download("map.geojson", results, params, options,
                            lambda: _view_geojson(params, results, inputs, options))


def _view_geojson(params, results, inputs, options) -> HttpResponse:
    table = _lcpa_rows(results, params)
    regions, _ = presenters.shaded_regions(inputs.regions, table, options.measure,
                                           results.data_version)
    offers = presenters.selected_offers(results, options.lcpa)
    rows = presenters.provider_rows(inputs, offers)
    collection = presenters.view_geojson(regions, table, rows, results, params)
    response = JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(results, options, "map.geojson")}"'
    )
    return response


def _lcpa_map(inputs, slug: str, markers, table, inputs_version: str = ""):
    """A small map of one LCPA among its neighbours, shaded by cold-spot share: (the map as
    data, its legend bands)."""
    regions, bands = presenters.shaded_regions(inputs.regions, table, "cold_share",
                                               inputs_version)
    measure_label = maps.MEASURES["cold_share"].label
    features = maps.region_features(
        regions, measure_label=measure_label, focus=slug, link_for=_lcpa_url
    )
    focus = [f for f in features if f["properties"]["focus"]]
    document = maps.map_document(
        features, markers, measure_label=measure_label, bands=bands,
        tiles_url=settings.MAP_TILES_URL, tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
        focus_features=focus,
        labels=presenters.map_labels(inputs.regions, inputs.areas, inputs_version),
    )
    return document, bands


def _cohort_figures(slug: str) -> list[dict]:
    """The LCPA's cohort figures by measure and year: LCPA-level figures as published, and
    small-area counts added up (shares are not added), each with its source and estimate flag."""
    measures = dict(CohortFigure.Measure.choices)
    rows = (
        CohortFigure.objects.filter(
            Q(region__slug=slug)
            | (Q(area__region__slug=slug) & ~Q(measure__endswith="_share"))
        )
        .values("geography", "measure", "academic_year", "source", "vintage", "is_estimate")
        .annotate(total=Sum("value"), figures=Count("id"))
        .order_by("measure", "-academic_year", "geography")
    )
    return [
        {**row, "label": measures.get(row["measure"], row["measure"]),
         "is_share": row["measure"].endswith("_share")}
        for row in rows
    ]


# Pairs of duplicated small offers listed on an LCPA page; the download has them all.
DUPLICATION_SHOWN = 50


def _lcpa_sections(results, inputs, params, slug: str) -> dict:
    """Every section of an LCPA profile, cached on the data version, parameters and LCPA."""
    key = ":".join(("offermap:lcpa", results.data_version, params.cache_key(), slug))
    sections = cache.get(key)
    if sections is not None:
        return sections
    table = _lcpa_rows(results, params)
    offers = presenters.selected_offers(results, slug)
    markers = presenters.marker_rows(presenters.provider_rows(inputs, offers), _provider_url)
    map_document, bands = _lcpa_map(inputs, slug, markers, table, results.data_version)
    small = results.small_sixth_forms
    sections = {
        "summary": presenters.lcpa_summary_row(table, slug),
        "kent": presenters.lcpa_summary_row(table, KENT),
        "compare": presenters.sort_lcpa_rows(table, "lcpa").to_dict("records"),
        "levels": presenters.level_comparison(results, slug),
        "offers_by_type": presenters.offers_by_level_and_type(
            inputs, params, results.year, results.compare_year, slug
        ),
        "sites": presenters.sites_in_region(inputs, offers, slug, results.year).to_dict("records"),
        "guarantee": presenters.guarantee_components(results, slug),
        # Capped: at four times Kent's providers the full list alone is over 400 KB of HTML
        # (issue 14); the CSV download lists every pair.
        "duplication": presenters.duplication_in_region(results, slug, DUPLICATION_SHOWN),
        "duplication_total": presenters.duplication_count(results, slug),
        # Learner numbers as they may be shown: 1 to 5 is "c".
        "small_sixth_forms": [
            {**row, "learners_shown": learner_count(row["learners"])}
            for row in small.loc[small["region_slug"] == slug].to_dict("records")
        ] if len(small) else [],
        "send": presenters.send_summary(results, slug),
        "cold_areas": presenters.cold_area_table(results, inputs.areas, slug).to_dict("records"),
        "cohort_figures": _cohort_figures(slug),
        "map": map_document,
        "bands": bands,
        "charts": _lcpa_charts(results, slug),
    }
    cache.set(key, sections, MAP_CACHE_SECONDS)
    return sections


def _lcpa_charts(results, slug: str) -> dict:
    """The LCPA page's charts (offermap.charts), this LCPA marked in each."""
    return {
        "change": charts.change_chart(results, slug),
        "minutes": charts.minutes_chart(results, slug),
        "guarantee": charts.guarantee_chart(results, slug, key="guarantee-by-lcpa"),
    }


@read_only
@cache_anonymous_page
def lcpa_profile(request, slug):
    version = data_version()
    form = AnalysisForm(request.GET, version=version)
    params, errors = form.params, form.problems
    results = compute(params, version)
    inputs = load_inputs(results.data_version)
    regions = inputs.regions.set_index("region_slug")
    if slug not in regions.index:
        raise Http404("No LCPA has that name.")
    context = {
        **_lcpa_sections(results, inputs, params, slug),
        "slug": slug,
        "region": regions.loc[slug],
        "params": params,
        "results": results,
        "errors": errors,
        "error_links": error_summary(errors, {}, "lcpa-form"),
        "rule": presenters.rule_summary(results),
        "travel_text": _travel_text(params),
        "actions_panel": action_views.actions_panel(request, region=slug, year=results.year),
        "choices": {
            "years": [(year, year) for year in
                      list(reversed(results.years_available)) or [results.year]],
            **_travel_choices(params),
        },
        "downloads": _lcpa_download_links(slug, request.GET, errors),
        # The board champions' reports for this LCPA, for the same year and travel time.
        "reports": [(remit.title, reverse("offermap:report_lcpa", args=[remit.slug, slug])
                     + "?" + urlencode({"year": results.year, "minutes": params.minutes,
                                        "mode": params.mode}))
                    for remit in REMITS.values()],
    }
    return render(request, "offermap/lcpa.html", context)


# ---------------------------------------------------------------------------------------------
# The LCPA page's downloads: each of its tables as CSV, its map layers as GeoJSON


def _lcpa_download_links(slug: str, query, errors) -> dict[str, str]:
    """The URL of each download of the LCPA page, for the same year and travel time (a
    parameter the page could not use is left out, so the download uses its default too)."""
    kept = links.query_string(query, **dict.fromkeys(errors))
    suffix = f"?{kept}" if kept else ""
    urls = {name.replace("-", "_"): reverse("offermap:lcpa_download_csv", args=[slug, name])
            + suffix for name in LCPA_TABLES}
    urls["geojson"] = reverse("offermap:lcpa_download_geojson", args=[slug]) + suffix
    return urls


def _suppressed(column) -> list:
    """A learner-count column as it may be published: 1 to 5 is "c"."""
    return [learner_count(value) for value in column]


def _lcpa_choice_table(results, inputs, slug, sections):
    """Choice by level: the LCPA's region_level rows (shares 0–1) beside Kent's, and its rank."""
    frame = results.region_level
    here = frame.loc[frame["region_slug"] == slug].set_index("level")
    kent = frame.loc[frame["region_slug"] == KENT].set_index("level")
    ranks = {row["level"]: row["rank"] for row in sections["levels"]}
    rows = []
    for level in here.index:
        row = here.loc[level]
        rows.append({
            "level": LEVEL_LABELS[level], "measured": bool(row["measured"]),
            "no_choice_share": row["no_choice_share"],
            "reduced_choice_share": row["reduced_choice_share"],
            "kent_no_choice_share": kent["no_choice_share"].get(level),
            "kent_reduced_choice_share": kent["reduced_choice_share"].get(level),
            "cold_areas": int(row["cold_areas"]), "areas": int(row["areas"]),
            "rank_among_lcpas": ranks.get(LEVEL_LABELS[level]),
            "mean_open_access_providers_within_reach": row["mean_providers"],
            "median_minutes_to_nearest": row["median_minutes"],
            "p90_minutes_to_nearest": row["p90_minutes"],
            "kent_median_minutes_to_nearest": kent["median_minutes"].get(level),
            "min_providers": results.params.min_providers,
            "max_nearest_minutes": results.params.max_nearest_minutes,
        })
    return pd.DataFrame(rows)


def _lcpa_guarantee_table(results, inputs, slug, sections):
    """The guarantee: each part's share here and in Kent (0–1), with its source."""
    frame = results.guarantee_regions.set_index("region_slug")
    sources = {item["label"]: item["source"] for item in sections["guarantee"]["sources"]}
    rows = [{"part": label,
             "share": frame.loc[slug, f"{name}_share"] if slug in frame.index else None,
             "kent_share": frame.loc[KENT, f"{name}_share"] if KENT in frame.index else None,
             "source": sources.get(label, "")}
            for name, label in COMPONENT_LABELS.items()]
    for column, label in (("met_share", "The whole guarantee: met"),
                          ("not_met_share", "The whole guarantee: not met"),
                          ("cannot_confirm_share", "The whole guarantee: cannot be confirmed")):
        rows.append({"part": label,
                     "share": frame.loc[slug, column] if slug in frame.index else None,
                     "kent_share": frame.loc[KENT, column] if KENT in frame.index else None,
                     "source": ""})
    return pd.DataFrame(rows)


def _lcpa_duplication_table(results, inputs, slug, sections):
    """Collaboration candidates with one of the pair in the LCPA; learners 1 to 5 are "c"."""
    pairs = results.duplication
    columns = ["level", "qualification_type", "subject", "provider_a", "site_a", "learners_a",
               "provider_b", "site_b", "learners_b", "same_lcpa", "minutes_apart"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    mine = pairs.loc[(pairs["region_slug_a"] == slug) | (pairs["region_slug_b"] == slug)]
    return pd.DataFrame({
        "level": [LEVEL_LABELS.get(level, level) for level in mine["level"]],
        "qualification_type": [presenters.TYPE_LABELS.get(t, t)
                               for t in mine["qualification_type"]],
        "subject": mine["subject"].to_numpy(),
        "provider_a": mine["provider_name_a"].to_numpy(),
        "site_a": mine["site_name_a"].to_numpy(),
        "learners_a": _suppressed(mine["learners_a"]),
        "provider_b": mine["provider_name_b"].to_numpy(),
        "site_b": mine["site_name_b"].to_numpy(),
        "learners_b": _suppressed(mine["learners_b"]),
        "same_lcpa": mine["same_lcpa"].to_numpy(dtype=bool),
        "minutes_apart": mine["minutes_apart"].astype(float).round(1).to_numpy(),
    }, columns=columns)


def _lcpa_small_sixth_forms_table(results, inputs, slug, sections):
    """Small school sixth forms in the LCPA; the size 1 to 5 is "c"."""
    rows = pd.DataFrame(sections["small_sixth_forms"], columns=[
        "provider_name", "provider_urn", "learners", "size_source", "size_year", "size_measure",
        "offers"])
    return rows.assign(learners=_suppressed(rows["learners"]),
                       small_sixth_form_limit=results.params.small_sixth_form)


def _chart_table(name):
    def build(results, inputs, slug, sections):
        table = sections["charts"][name].table
        return pd.DataFrame(table.shown_rows(), columns=[field for field, _ in table.columns])
    build.__doc__ = f"The {name} chart's table (offermap.charts), learners suppressed."
    return build


def _lcpa_offers_table(results, inputs, slug, sections) -> pd.DataFrame:
    """The offers by level and type, the earlier year's derived and confirmed counts beside
    its offers, each year in its column names."""
    before = results.compare_year or "previous_year"
    rows = [{**row, f"derived_{before}": (row["previous_record"] or {}).get("derived"),
             f"confirmed_offers_{before}": (row["previous_record"] or {}).get(
                 "confirmed_offers")}
            for row in sections["offers_by_type"]]
    return pd.DataFrame(rows, columns=[
        "level", "type", "offers", "derived", "confirmed_offers", "confirmed_first",
        "confirmed_last", "previous", f"derived_{before}", f"confirmed_offers_{before}",
        "change"]).rename(columns={"offers": f"offers_{results.year}",
                                   "previous": f"offers_{before}"})


# Each table of the LCPA page, by its download name: a function (results, inputs, slug,
# sections) -> DataFrame, built from what the page shows. Where a table counts offers,
# derived(_offers) counts the derived records among them and confirmed_offers those their
# provider confirmed in the offer round, confirmed_first and confirmed_last the days (ISO
# dates, empty when none) an officer accepted them.
LCPA_TABLES = {
    "choice-by-level": _lcpa_choice_table,
    "cold-spots": lambda results, inputs, slug, sections: presenters.cold_area_table(
        results, inputs.areas, slug),
    "offers-by-type": _lcpa_offers_table,
    "guarantee": _lcpa_guarantee_table,
    "duplication": _lcpa_duplication_table,
    "small-sixth-forms": _lcpa_small_sixth_forms_table,
    "providers": lambda results, inputs, slug, sections: pd.DataFrame(
        sections["sites"], columns=["provider_name", "provider_urn", "site_name", "kind",
                                    "offers", "derived_offers", "confirmed_offers",
                                    "confirmed_first", "confirmed_last"]),
    "cohort-figures": lambda results, inputs, slug, sections: pd.DataFrame(
        sections["cohort_figures"], columns=["label", "academic_year", "total", "geography",
                                             "figures", "source", "vintage", "is_estimate"]
    ).rename(columns={"label": "measure", "academic_year": "figure_year", "total": "value",
                      "figures": "figures_added"}),
    "lcpas": lambda results, inputs, slug, sections: pd.DataFrame(sections["compare"]),
    "change": _chart_table("change"),
    "minutes": _chart_table("minutes"),
    "guarantee-by-lcpa": _chart_table("guarantee"),
}


def _lcpa_request(request, slug):
    """(params, results, inputs, sections, errors) for an LCPA download; Http404 for an unknown
    LCPA."""
    version = data_version()
    form = AnalysisForm(request.GET, version=version)
    results = compute(form.params, version)
    inputs = load_inputs(results.data_version)
    if slug not in set(inputs.regions["region_slug"]):
        raise Http404("No LCPA has that name.")
    sections = _lcpa_sections(results, inputs, form.params, slug)
    return form.params, results, inputs, sections, dict(form.problems)


def _lcpa_file_name(slug: str, results, suffix: str) -> str:
    return f"kent-offer-{slug}-{results.year.replace('/', '-')}-{suffix}"


@read_only
@cache_anonymous_page
def lcpa_download_csv(request, slug, table):
    """One table of the LCPA page as CSV, for the page's year and travel time."""
    if table not in LCPA_TABLES:
        raise Http404("The LCPA page has no table of that name.")
    params, results, inputs, sections, errors = _lcpa_request(request, slug)
    if errors:
        return _bad_request(errors)
    return _cached_lcpa_download(f"{table}.csv", slug, results, params, lambda: _lcpa_csv(
        table, slug, params, results, inputs, sections))


def _cached_lcpa_download(name: str, slug: str, results, params, build) -> HttpResponse:
    """An LCPA page's download, cached like the page (data version, parameters, LCPA)."""
    return _cached_download(f"lcpa:{slug}:{name}", results, params, SimpleNamespace(
        cache_key=lambda: "", sort="", lcpa_sort=""), build)


def _lcpa_csv(table, slug, params, results, inputs, sections) -> HttpResponse:
    frame = LCPA_TABLES[table](results, inputs, slug, sections)
    frame.insert(0, "page_lcpa", presenters.region_names(inputs.regions)[slug])
    frame.insert(1, "academic_year", results.year)
    frame.insert(2, "travel", _travel_text(params))
    return _csv_response(frame, _lcpa_file_name(slug, results, f"{table}.csv"))


@read_only
@cache_anonymous_page
def lcpa_download_geojson(request, slug):
    """The LCPA page's map layers as GeoJSON: every LCPA with its measures (as the map shades
    them) and the provider sites in this LCPA with offers in the year."""
    params, results, inputs, _sections, errors = _lcpa_request(request, slug)
    if errors:
        return _bad_request(errors)
    return _cached_lcpa_download("map.geojson", slug, results, params,
                                 lambda: _lcpa_geojson(slug, params, results, inputs))


def _lcpa_geojson(slug, params, results, inputs) -> HttpResponse:
    table = _lcpa_rows(results, params)
    regions, _ = presenters.shaded_regions(inputs.regions, table, "cold_share",
                                           results.data_version)
    offers = presenters.selected_offers(results, slug)
    rows = presenters.provider_rows(inputs, offers)
    collection = presenters.view_geojson(regions, table, rows, results, params)
    collection["properties"]["lcpa"] = slug
    response = JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    response["Content-Disposition"] = (
        f'attachment; filename="{_lcpa_file_name(slug, results, "map.geojson")}"')
    return response


SECTOR_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])$")
DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


@dataclass(frozen=True)
class Place:
    """Where a check is for: a postcode, or the centroid of a sector's or district's postcodes."""

    label: str  # "CT1 1QU", "postcode sector TN29 9", "postcode district ME12"
    kind: str  # "postcode" | "sector" | "district"
    easting: float
    northing: float
    area_name: str
    region_slug: str
    region_name: str
    latitude: float
    longitude: float
    postcodes: int = 1
    district_code: str = ""  # where the guarantee's district-level apprenticeship part is read


def _place_for_prefix(prefix: str, kind: str) -> tuple[Place | None, str]:
    """A sector or district: the centroid of its postcodes, in the LCPA most of them are in."""
    rows = Postcode.objects.filter(postcode__startswith=prefix)
    centre = rows.aggregate(easting=Avg("easting"), northing=Avg("northing"),
                            latitude=Avg("latitude"), longitude=Avg("longitude"), n=Count("id"))
    label = f"postcode {kind} {prefix.strip()}"
    if not centre["n"]:
        return None, (f"We could not find any postcode in {prefix.strip()}. This check holds "
                      "Kent and Medway postcodes: check what you typed.")
    top = (rows.values("area__name", "area__region__slug", "area__region__name",
                       "area__district__la_code", "area__district__code")
           .annotate(n=Count("id")).order_by("-n", "area__name").first())
    if not top["area__region__slug"] or top["area__district__la_code"] != "886":
        return None, (f"Most of {label} is outside Kent’s LCPAs. This check is for young "
                      "people who live in Kent; try a Kent postcode.")
    return Place(label, kind, centre["easting"], centre["northing"], top["area__name"],
                 top["area__region__slug"], top["area__region__name"], centre["latitude"],
                 centre["longitude"], centre["n"], top["area__district__code"]), ""


def _find_place(raw: str) -> tuple[Place | None, str, str]:
    """(place, normalised text, message) for what the user typed: a full postcode, a postcode
    sector (TN29 9) or a district (ME12); the message says what is wrong, or is empty."""
    if not raw:
        return None, "", ("Enter a postcode. You can also enter a postcode sector (TN29 9) or "
                          "a district (ME12).")
    text = " ".join(raw.upper().split())
    if len(raw) > 12:
        return None, text[:12], "Enter a full postcode such as CT1 1QU, a sector or a district."
    if SECTOR_RE.match(text):
        place, message = _place_for_prefix(text, "sector")
        return place, text, message
    if DISTRICT_RE.match(text):
        place, message = _place_for_prefix(text + " ", "district")
        return place, text, message
    record, normalised, message = _find_postcode(raw)
    if record is None:
        return None, normalised, message
    return Place(normalised, "postcode", record.easting, record.northing, record.area.name,
                 record.area.region.slug, record.area.region.name, record.latitude,
                 record.longitude, 1, record.area.district.code), normalised, ""


def _find_postcode(raw: str) -> tuple[Postcode | None, str, str]:
    """(postcode record, normalised postcode, message) for what the user typed; the message
    says what is wrong, or is empty when the postcode is in Kent."""
    if not raw:
        return None, "", "Enter a postcode."
    normalised = normalise_postcode(raw)
    if len(raw) > 12 or not POSTCODE_RE.match(normalised):
        return None, normalised, (
            "Enter a full postcode such as CT1 1QU, a postcode sector such as TN29 9, or a "
            "district such as ME12.")
    record = (
        Postcode.objects.select_related("area__region", "area__district")
        .filter(postcode=normalised)
        .first()
    )
    if record is None:
        return None, normalised, (
            f"We could not find {normalised}. This check holds postcodes in Kent and Medway: "
            "check the postcode, or try one nearby."
        )
    if record.area is None or not record.area.district.in_kent or record.area.region is None:
        where = f"is in {record.area.district.name}, " if record.area else "is "
        return None, normalised, (
            f"{normalised} {where}outside Kent’s LCPAs. This check is for young people who live "
            "in Kent; try a Kent postcode."
        )
    return record, normalised, ""


@read_only
@cache_anonymous_page
def guarantee_check(request):
    form = CheckForm(request.GET)
    params, errors = form.params, form.problems
    inputs = load_inputs()
    years = inputs.years()
    raw, checked = form.place, form.checked
    place, normalised, postcode_error = _find_place(raw) if checked else (None, "", "")
    if checked and form.place_has_control_characters:
        place, postcode_error = None, (
            "Enter a full postcode such as CT1 1QU, a postcode sector such as TN29 9, or a "
            "district such as ME12.")
    outcome = None
    if place is not None:
        outcome = point_check(place.easting, place.northing, params, place.district_code)
        for part in outcome["components"]:
            for option in part["options"]:
                option["level_label"] = LEVEL_LABELS.get(option["level"], option["level"])
        for level in outcome["levels"]:
            level["label"] = LEVEL_LABELS[level["level"]]
            level["state_label"] = presenters.choice.STATE_LABELS[level["state"]]
    no_data_labels = ", ".join(
        COMPONENT_LABELS[name] for name in (outcome or {}).get("no_data_components", [])
    )
    problems = dict(errors)
    context = {
        "params": params,
        "errors": errors,
        "error_links": ([{"message": postcode_error, "anchor": "postcode"}]
                        if postcode_error else [])
        + error_summary(problems, {name: f"guarantee-{name}" for name in problems}),
        "checked": checked,
        # The form shows the year the result is for: the one asked for, or the default.
        "year_used": outcome["year"] if outcome else (
            params.year or analysis.default_year(inputs.offers)
        ),
        "no_data_labels": no_data_labels,
        "verdicts": {"met": MET, "not_met": NOT_MET, "cannot_confirm": CANNOT_CONFIRM},
        "postcode": raw[:20],
        "normalised": normalised,
        "postcode_error": postcode_error,
        "place": place,
        "outcome": outcome,
        "rule": presenters.rule_summary(SimpleNamespace(
            params=params, coverage=outcome["coverage"])) if outcome else None,
        "nearest_map": presenters.nearest_options_map(
            place, outcome, _provider_url, settings.MAP_TILES_URL,
            settings.MAP_TILES_ATTRIBUTION) if outcome else None,
        "travel_text": _travel_text(params),
        "choices": {
            "years": list(reversed(years)),
            "grades": range(9, 0, -1),
            **_travel_choices(params),
        },
        "statuses": {"met": MET, "not_met": NOT_MET, "no_data": NO_DATA},
    }
    return render(request, "offermap/guarantee.html", context)
