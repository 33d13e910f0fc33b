"""Providers, sites, courses and enrolments from the fixture into the database (idempotent
upserts)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from areas.importers.upsert import UpsertCount, upsert
from areas.importers.validation import (
    ACADEMIC_YEAR_RE,
    LA_CODE_RE,
    POSTCODE_RE,
    URN_RE,
    raise_if_problems,
    read_csv_checked,
)
from providers.importers.build import (
    COURSE_COLUMNS,
    ENROLMENT_COLUMNS,
    PROVIDER_COLUMNS,
    SITE_COLUMNS,
)

PROVIDERS_FILE = "providers.csv"
SITES_FILE = "sites.csv"
COURSES_FILE = "courses.csv"
ENROLMENTS_FILE = "enrolments.csv"
BOOLEAN_TEXT = ["True", "False"]


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _int_or_none(value):
    return None if value is None or pd.isna(value) or value == "" else int(float(value))


def read_fixture_providers(fixtures_dir: Path) -> pd.DataFrame:
    from providers.models import Provider

    frame, check = read_csv_checked(Path(fixtures_dir) / PROVIDERS_FILE, PROVIDER_COLUMNS)
    raise_if_problems(check)
    check.matches("urn", URN_RE, what="a six-digit URN")
    check.matches("ukprn", r"^\d{8}$", allow_blank=True, what="an eight-digit UKPRN")
    check.required("name")
    check.one_of("kind", Provider.Kind.values)
    check.one_of("admissions_policy", Provider.AdmissionsPolicy.values)
    check.one_of("status", Provider.Status.values)
    check.one_of("specialist_send", BOOLEAN_TEXT)
    check.one_of("out_of_county", BOOLEAN_TEXT)
    check.matches("la_code", LA_CODE_RE, what="a three-digit LA number")
    check.numeric("age_low", allow_blank=True, low=0, high=30)
    check.numeric("age_high", allow_blank=True, low=0, high=30)
    check.fits(Provider)
    check.unique("urn")
    check.frame = frame[frame["ukprn"].notna()]
    check.unique("ukprn")
    check.frame = frame
    raise_if_problems(check)
    return frame


def read_fixture_sites(fixtures_dir: Path, provider_urns, area_codes) -> pd.DataFrame:
    from providers.models import Site

    frame, check = read_csv_checked(Path(fixtures_dir) / SITES_FILE, SITE_COLUMNS)
    raise_if_problems(check)
    check.references("provider_urn", provider_urns, "provider URN")
    check.required("name")
    check.matches("postcode", POSTCODE_RE, allow_blank=True, what="a postcode such as CT1 1QU")
    check.lat_lon("latitude", "longitude")
    check.easting_northing("easting", "northing")
    check.references("area_code", area_codes, "small area", allow_blank=True)
    check.one_of("is_main", BOOLEAN_TEXT)
    check.fits(Site)
    check.unique("provider_urn", "name")
    raise_if_problems(check)
    return frame


def read_fixture_courses(fixtures_dir: Path, site_keys: set[tuple[str, str]]) -> pd.DataFrame:
    from providers.models import Course, Level, RecordLabel

    frame, check = read_csv_checked(Path(fixtures_dir) / COURSES_FILE, COURSE_COLUMNS)
    raise_if_problems(check)
    check.matches("academic_year", ACADEMIC_YEAR_RE, what="an academic year such as 2016/17")
    check.required("title", "source")
    check.one_of("level", Level.values)
    check.one_of("qualification_type", Course.QualificationType.values)
    check.one_of("record_label", RecordLabel.values)
    check.one_of("ehcp_required", BOOLEAN_TEXT)
    check.numeric("learners", allow_blank=True, low=0)
    check.fits(Course)
    known = pd.Series(
        [(u, s) in site_keys for u, s in zip(frame["provider_urn"], frame["site_name"],
                                            strict=True)],
        index=frame.index,
    )
    check.flag(~known, "site_name", lambda v: f"no site {v!r} for this provider in {SITES_FILE}")
    allowed = Course.ALLOWED_LEVELS
    wrong_level = pd.Series(
        [
            bool(allowed.get(t)) and level not in allowed[t]
            for t, level in zip(frame["qualification_type"], frame["level"], strict=True)
        ],
        index=frame.index,
    )
    check.flag(wrong_level, "level", lambda v: f"level {v!r} does not fit the qualification type")
    check.unique("provider_urn", "site_name", "academic_year", "qualification_type", "level",
                 "subject")
    raise_if_problems(check)
    return frame


def read_fixture_enrolments(fixtures_dir: Path, provider_urns) -> pd.DataFrame:
    from providers.models import Enrolment

    frame, check = read_csv_checked(Path(fixtures_dir) / ENROLMENTS_FILE, ENROLMENT_COLUMNS)
    raise_if_problems(check)
    check.references("provider_urn", provider_urns, "provider URN")
    check.matches("academic_year", ACADEMIC_YEAR_RE, what="an academic year such as 2016/17")
    check.matches("students_16_18", r"^\d+$", what="a whole number of students (0 or more)")
    check.required("source")
    check.fits(Enrolment)
    check.unique("provider_urn", "academic_year")
    raise_if_problems(check)
    return frame


def load_providers(fixtures_dir: Path, *, progress_file=None) -> dict[str, UpsertCount]:
    """Upsert providers, sites, courses and enrolments. Call inside a transaction, after the
    small areas."""
    from areas.models import Area
    from providers.models import Course, Enrolment, Provider, Site

    area_ids = dict(Area.objects.values_list("code", "pk"))
    providers = read_fixture_providers(fixtures_dir)
    sites = read_fixture_sites(fixtures_dir, set(providers["urn"]), area_ids)
    courses = read_fixture_courses(
        fixtures_dir, set(zip(sites["provider_urn"], sites["name"], strict=True))
    )
    enrolments = read_fixture_enrolments(fixtures_dir, set(providers["urn"]))
    counts: dict[str, UpsertCount] = {}

    rows = [
        {
            "urn": int(r.urn),
            "ukprn": _int_or_none(r.ukprn),
            "name": r.name,
            "kind": r.kind,
            "admissions_policy": r.admissions_policy,
            "specialist_send": r.specialist_send == "True",
            "out_of_county": r.out_of_county == "True",
            "la_code": r.la_code,
            "status": r.status,
            "establishment_type": _text(r.establishment_type),
            "age_low": _int_or_none(r.age_low),
            "age_high": _int_or_none(r.age_high),
            "source": _text(r.source),
        }
        for r in providers.itertuples()
    ]
    counts["providers"], provider_by_key = upsert(
        Provider, rows, key=lambda r: (r["urn"],), existing=Provider.objects.filter(
            urn__in=[r["urn"] for r in rows]
        ),
        existing_key=lambda p: (p.urn,), label="providers", progress_file=progress_file,
    )
    provider_id = {urn: obj.pk for (urn,), obj in provider_by_key.items()}

    rows = [
        {
            "provider_id": provider_id[int(r.provider_urn)],
            "name": r.name,
            "postcode": _text(r.postcode),
            "latitude": float(r.latitude),
            "longitude": float(r.longitude),
            "easting": float(r.easting),
            "northing": float(r.northing),
            "area_id": area_ids.get(r.area_code) if isinstance(r.area_code, str) else None,
            "is_main": r.is_main == "True",
            "source": _text(r.source),
        }
        for r in sites.itertuples()
    ]
    counts["sites"], site_by_key = upsert(
        Site, rows, key=lambda r: (r["provider_id"], r["name"]),
        existing=Site.objects.filter(provider_id__in=provider_id.values()),
        existing_key=lambda s: (s.provider_id, s.name), label="sites",
        progress_file=progress_file,
    )

    rows = []
    for r in courses.itertuples():
        pid = provider_id[int(r.provider_urn)]
        rows.append(
            {
                "provider_id": pid,
                "site_id": site_by_key[(pid, r.site_name)].pk,
                "academic_year": r.academic_year,
                "title": r.title,
                "level": r.level,
                "qualification_type": r.qualification_type,
                "subject": _text(r.subject),
                "tlevel_route": _text(r.tlevel_route),
                "learners": _int_or_none(r.learners),
                "ehcp_required": r.ehcp_required == "True",
                "source": _text(r.source),
                "record_label": r.record_label,
            }
        )

    def course_key(row):
        return (row["provider_id"], row["site_id"], row["academic_year"],
                row["qualification_type"], row["level"], row["subject"])

    counts["courses"], _ = upsert(
        Course, rows, key=course_key,
        existing=Course.objects.filter(provider_id__in=provider_id.values()),
        existing_key=lambda c: (c.provider_id, c.site_id, c.academic_year,
                                c.qualification_type, c.level, c.subject),
        label="courses", progress_file=progress_file,
    )

    rows = [
        {
            "provider_id": provider_id[int(r.provider_urn)],
            "academic_year": r.academic_year,
            "students_16_18": int(r.students_16_18),
            "source": _text(r.source),
        }
        for r in enrolments.itertuples()
    ]
    counts["enrolments"], _ = upsert(
        Enrolment, rows, key=lambda r: (r["provider_id"], r["academic_year"]),
        existing=Enrolment.objects.filter(provider_id__in=provider_id.values()),
        existing_key=lambda e: (e.provider_id, e.academic_year), label="enrolments",
        progress_file=progress_file,
    )
    return counts
