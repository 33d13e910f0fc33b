"""The fixture's provider files and their columns: the record shapes that the build writes and the
load checks. A source module's pure function returns rows with these keys."""

PROVIDERS_FILE = "providers.csv"
SITES_FILE = "sites.csv"
COURSES_FILE = "courses.csv"
ENROLMENTS_FILE = "enrolments.csv"

PROVIDER_COLUMNS = [
    "urn", "ukprn", "name", "kind", "admissions_policy", "specialist_send", "out_of_county",
    "la_code", "status", "establishment_type", "age_low", "age_high", "source", "former_urns",
]
SITE_COLUMNS = [
    "provider_urn", "name", "postcode", "latitude", "longitude", "easting", "northing",
    "area_code", "is_main", "source",
]
COURSE_COLUMNS = [
    "provider_urn", "site_name", "academic_year", "title", "level", "qualification_type",
    "subject", "tlevel_route", "learners", "ehcp_required", "source", "record_label",
]
ENROLMENT_COLUMNS = ["provider_urn", "academic_year", "students_16_18", "source"]
