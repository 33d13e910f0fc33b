"""The one boundary between the database and the analysis: ORM rows in, DataFrames out.

Nothing else in coldspots reads the ORM (except the data-version counter in signals.py and the
travel-time import). Each function documents its columns; analysis.py, guarantee.py and
scenarios.py work only on these frames, so a test can hand-build them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from areas.models import Area, CohortFigure, Region
from coldspots.analysis import Inputs
from coldspots.models import TravelTime
from providers.models import Course, Enrolment, NoOfferConfirmation, Site, ran_in_year

AREA_COLUMNS = [
    "area_code", "area_name", "district_code", "district_name", "in_kent", "region_slug",
    "region_name", "easting", "northing", "latitude", "longitude", "cohort_16_17", "cohort_16",
    "ehcp_16_17", "cohort_year", "ehcp_year", "cohort_is_estimate", "imd_decile",
]
SITE_COLUMNS = [
    "site_id", "site_name", "provider_id", "provider_urn", "provider_name", "provider_kind",
    "specialist_send", "out_of_county", "provider_open", "is_main", "easting", "northing",
    "latitude", "longitude", "postcode", "area_code", "region_slug", "provider_first_year",
    "provider_last_year", "provider_status", "admissions_policy",
]
OFFER_COLUMNS = [
    "course_id", "site_id", "provider_id", "provider_kind", "academic_year", "title", "level",
    "qualification_type", "subject", "tlevel_route", "learners", "places", "min_english_grade",
    "min_maths_grade", "ehcp_required", "record_label", "withdrawn", "provider_open",
    "source_key", "source_year",
]


def _latest_area_figures(measure: str, year: str | None) -> tuple[dict[int, float], str, bool]:
    figures = CohortFigure.objects.for_areas().measure(measure)
    if year is None:
        year = figures.order_by("-academic_year").values_list("academic_year", flat=True).first()
    if year is None:
        return {}, "", False
    rows = list(figures.in_year(year).values_list("area_id", "value", "is_estimate"))
    return {area: value for area, value, _ in rows}, year, any(est for *_, est in rows)


def areas_frame(cohort_year: str | None = None) -> pd.DataFrame:
    """One row per small area (Kent and Medway).

    Columns: area_code, area_name, district_code, district_name, in_kent (bool), region_slug and
    region_name (None outside Kent / when unassigned), easting, northing, latitude, longitude,
    cohort_16_17 (float, NaN when no figure), cohort_16 (16-year-olds, NaN when no figure),
    ehcp_16_17 (float, NaN when no figure), cohort_year (the academic year of the population
    figures: `cohort_year` if given, else the latest with small-area figures), ehcp_year (the
    same for the EHCP figures, which may be a different year), cohort_is_estimate (bool: any of
    the area figures is an estimate), imd_decile (float, NaN unknown).
    """
    population, year, population_estimate = _latest_area_figures(
        CohortFigure.Measure.POPULATION_16_17, cohort_year
    )
    # Each measure comes from its latest year with small-area figures (the sources differ:
    # population from the census-based share-out, EHCP from the caseload tables).
    sixteen, _, sixteen_estimate = _latest_area_figures(
        CohortFigure.Measure.POPULATION_16, cohort_year
    )
    ehcp, ehcp_year, ehcp_estimate = _latest_area_figures(
        CohortFigure.Measure.EHCP_16_17, cohort_year
    )
    rows = Area.objects.values_list(
        "id", "code", "name", "district__code", "district__name", "district__la_code",
        "region__slug", "region__name", "easting", "northing", "latitude", "longitude",
        "imd_decile",
    )
    records = [
        {
            "area_code": code, "area_name": name, "district_code": district_code,
            "district_name": district_name, "in_kent": la_code == "886",
            "region_slug": region_slug, "region_name": region_name,
            "easting": easting, "northing": northing, "latitude": lat, "longitude": lon,
            "cohort_16_17": population.get(pk, np.nan), "cohort_16": sixteen.get(pk, np.nan),
            "ehcp_16_17": ehcp.get(pk, np.nan), "cohort_year": year or "",
            "ehcp_year": ehcp_year or "",
            "cohort_is_estimate": population_estimate or sixteen_estimate or ehcp_estimate,
            "imd_decile": np.nan if imd is None else float(imd),
        }
        for (pk, code, name, district_code, district_name, la_code, region_slug, region_name,
             easting, northing, lat, lon, imd) in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=AREA_COLUMNS)
    return frame.astype({"cohort_16_17": float, "cohort_16": float, "ehcp_16_17": float,
                         "easting": float, "northing": float, "in_kent": bool})


def sites_frame() -> pd.DataFrame:
    """One row per site.

    Columns: site_id, site_name, provider_id, provider_urn (Int64, NA when none), provider_name,
    provider_kind, specialist_send (bool), out_of_county (bool), provider_open (bool), is_main,
    easting, northing, latitude, longitude, postcode, area_code (None outside the areas),
    region_slug (None outside Kent's LCPAs), admissions_policy ("selective", "non_selective",
    "not_applicable").
    """
    rows = Site.objects.values_list(
        "id", "name", "provider_id", "provider__urn", "provider__name", "provider__kind",
        "provider__specialist_send", "provider__out_of_county", "provider__status", "is_main",
        "easting", "northing", "latitude", "longitude", "postcode", "area__code",
        "area__region__slug", "provider__first_year", "provider__last_year", "provider__status",
        "provider__admissions_policy",
    ).order_by("id")
    records = [
        (*row[:8], row[8] == "open", *row[9:]) for row in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=SITE_COLUMNS)
    return frame.astype({"site_id": np.int64, "provider_id": np.int64, "provider_urn": "Int64",
                         "easting": float, "northing": float, "specialist_send": bool,
                         "out_of_county": bool, "provider_open": bool, "is_main": bool})


def offers_frame(years: list[str] | None = None) -> pd.DataFrame:
    """One row per Course (optionally only in `years`), placed at a site.

    Columns: course_id, site_id (the course's site, or the provider's main site when the course
    names none; courses of a provider with no site are left out), provider_id, provider_kind,
    academic_year, title, level ("E", "1", "2", "3"), qualification_type, subject,
    tlevel_route, learners (float, NaN = unknown, not zero), places (float, NaN unknown),
    min_english_grade, min_maths_grade (float, NaN = no requirement), ehcp_required (bool),
    record_label, withdrawn (bool), provider_open (bool), source_key and source_year (which
    source the record comes from and the vintage of its data: what coldspots.coverage reads).
    """
    courses = Course.objects.all()
    if years:
        courses = courses.filter(academic_year__in=years)
    main_site: dict[int, int] = {}
    for site_id, provider_id in Site.objects.order_by("-is_main", "id").values_list(
        "id", "provider_id"
    ):
        main_site.setdefault(provider_id, site_id)
    rows = courses.values_list(
        "id", "site_id", "provider_id", "provider__kind", "academic_year", "title", "level",
        "qualification_type", "subject", "tlevel_route", "learners", "places",
        "min_english_grade", "min_maths_grade", "ehcp_required", "record_label", "withdrawn",
        "provider__status", "provider__first_year", "provider__last_year", "source_key",
        "source_year",
    ).order_by("id")
    records = []
    for row in rows:
        site_id = row[1] if row[1] is not None else main_site.get(row[2])
        if site_id is None:
            continue
        # Open means: the provider ran in the offer's year (a closed one counts in its years).
        running = ran_in_year(row[18], row[19], row[17], row[4])
        records.append((row[0], site_id, *row[2:17], running, row[20], row[21]))
    frame = pd.DataFrame.from_records(records, columns=OFFER_COLUMNS)
    return frame.astype({
        "course_id": np.int64, "site_id": np.int64, "provider_id": np.int64, "learners": float,
        "places": float, "min_english_grade": float, "min_maths_grade": float,
        "ehcp_required": bool, "withdrawn": bool, "provider_open": bool,
    })


def regions_frame() -> pd.DataFrame:
    """One row per LCPA: region_slug, region_name, region_code, provisional (bool), boundary
    (GeoJSON dict or None), boundary_vintage."""
    rows = Region.objects.values_list(
        "slug", "name", "code", "provisional", "boundary", "boundary_vintage"
    ).order_by("name")
    return pd.DataFrame.from_records(
        list(rows),
        columns=["region_slug", "region_name", "region_code", "provisional", "boundary",
                 "boundary_vintage"],
    )


def travel_matrix_frame(mode: str | None = None) -> pd.DataFrame:
    """Imported journey times: area_code, site_id, mode, minutes (all modes unless `mode`)."""
    rows = TravelTime.objects.all()
    if mode:
        rows = rows.for_mode(mode)
    frame = pd.DataFrame.from_records(
        list(rows.values_list("area__code", "site_id", "mode", "minutes")),
        columns=["area_code", "site_id", "mode", "minutes"],
    )
    return frame.astype({"site_id": np.int64, "minutes": float})


def enrolments_frame() -> pd.DataFrame:
    """16–18 headcounts (DfE TPUP1618) and 2019/20 allocations: provider_id, academic_year,
    students_16_18 (float), measure (what the figure counts)."""
    frame = pd.DataFrame.from_records(
        list(Enrolment.objects.values_list("provider_id", "academic_year", "students_16_18",
                                           "measure")),
        columns=["provider_id", "academic_year", "students_16_18", "measure"],
    )
    return frame.astype({"provider_id": np.int64, "students_16_18": float})


def load_inputs() -> Inputs:
    """Every frame the analysis needs, read once: areas, sites, offers (all years), regions, the
    imported travel-time matrix (all modes) and the 16–18 headcounts."""
    return Inputs(
        areas=areas_frame(),
        sites=sites_frame(),
        offers=offers_frame(),
        regions=regions_frame(),
        matrix=travel_matrix_frame(),
        enrolments=enrolments_frame(),
        apprenticeships=apprenticeships_frame(),
        provider_standards=provider_standards_frame(),
        apprenticeship_delivery=apprenticeship_delivery_frame(),
        priority_sectors=priority_sectors_frame(),
        no_offer=no_offer_frame(),
    )


def no_offer_frame() -> pd.DataFrame:
    """Providers that confirmed they run no offer in a year: provider_id, academic_year."""
    frame = pd.DataFrame.from_records(
        list(NoOfferConfirmation.objects.values_list("provider_id", "academic_year")
             .order_by("pk")),
        columns=["provider_id", "academic_year"])
    return frame.astype({"provider_id": np.int64})


def apprenticeships_frame() -> pd.DataFrame:
    """District-level apprenticeship supply for every year (providers.apprenticeships
    .district_supply: district_code, academic_year, providers, providers_l2, providers_l3, ...)."""
    from providers.apprenticeships import district_supply, starts_frame

    return district_supply(starts_frame())


def provider_standards_frame() -> pd.DataFrame:
    """Which standards each provider started apprentices on, per year (national): provider_ukprn
    (text), academic_year, standard_key, name, level, ssa_tier1, ssa_tier2, starts."""
    from providers.models import ProviderStandard

    columns = ["provider_ukprn", "academic_year", "standard_key", "name", "level", "ssa_tier1",
               "ssa_tier2", "starts"]
    rows = ProviderStandard.objects.values_list(
        "provider_ukprn", "academic_year", "standard__key", "standard__name", "standard__level",
        "standard__ssa_tier1", "standard__ssa_tier2", "starts").order_by("id")
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    frame["provider_ukprn"] = frame["provider_ukprn"].astype(str)
    return frame.astype({"starts": np.int64})


def apprenticeship_delivery_frame() -> pd.DataFrame:
    """Apprenticeship starts per provider, delivery district and year (district-level):
    provider_ukprn (text, "" when none), academic_year, district_code, starts, under_19 (the
    provider's South East starts that year include under-19s)."""
    from providers.models import ApprenticeshipStarts

    rows = ApprenticeshipStarts.objects.filter(
        basis=ApprenticeshipStarts.Basis.DELIVERY_DISTRICT).values_list(
        "provider_ukprn", "academic_year", "district__code", "starts").order_by("id")
    # UKPRNs as the text of the whole number (a column with a missing UKPRN would turn them
    # into floats, "10029426.0", and match nothing).
    records = [("" if ukprn is None else str(ukprn), year, code or "", starts)
               for ukprn, year, code, starts in rows]
    frame = pd.DataFrame.from_records(
        records, columns=["provider_ukprn", "academic_year", "district_code", "starts"])
    young = set(ApprenticeshipStarts.objects.filter(
        basis=ApprenticeshipStarts.Basis.SOUTH_EAST_DELIVERY,
        age_group=ApprenticeshipStarts.AgeGroup.UNDER_19, starts__gt=0,
    ).values_list("provider_ukprn", "academic_year"))
    frame["under_19"] = [(int(u), y) in young if u else False
                         for u, y in zip(frame["provider_ukprn"], frame["academic_year"],
                                         strict=True)]
    return frame.astype({"starts": np.int64, "under_19": bool})


def priority_sectors_frame() -> pd.DataFrame:
    """The officers' priority sectors (coldspots.skills.sectors_frame: name, order, areas,
    routes)."""
    from coldspots.models import PrioritySector
    from coldspots.skills import sectors_frame

    return sectors_frame([(s.name, s.order, s.area_list(), s.route_list())
                          for s in PrioritySector.objects.all()])
