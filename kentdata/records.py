"""The fixture's provider files and their columns: the record shapes that the build writes and the
load checks. A source module's pure function returns rows with these keys.

A provider is keyed by its URN, or, when it has none (an independent training provider), by its
UKPRN: sites and courses then leave provider_urn blank and give provider_ukprn. Years are academic
years ("2023/24"); blank first_year means "before the data begins", blank last_year "still
running". granularity is site | provider | district (district_code then names the district).
"""

PROVIDERS_FILE = "providers.csv"
SITES_FILE = "sites.csv"
COURSES_FILE = "courses.csv"
ENROLMENTS_FILE = "enrolments.csv"

PROVIDER_COLUMNS = [
    "urn", "ukprn", "name", "kind", "admissions_policy", "specialist_send", "out_of_county",
    "la_code", "status", "establishment_type", "age_low", "age_high", "source", "former_urns",
    "first_year", "last_year", "successor_urn",
]
SITE_COLUMNS = [
    "provider_urn", "provider_ukprn", "name", "postcode", "latitude", "longitude", "easting",
    "northing", "area_code", "is_main", "location_basis", "source",
]
COURSE_COLUMNS = [
    "provider_urn", "provider_ukprn", "site_name", "academic_year", "title", "level",
    "qualification_type", "subject", "tlevel_route", "learners", "ehcp_required", "source",
    "record_label", "source_key", "source_year", "granularity", "district_code", "learners_measure",
    "learners_published", "recorded_name", "recorded_urn",
]
ENROLMENT_COLUMNS = [
    "provider_urn", "academic_year", "students_16_18", "high_needs_students", "measure", "source",
]
