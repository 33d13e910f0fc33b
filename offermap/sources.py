"""The public sources behind the map, for the "About the data" page (from shared/data/README.md)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    name: str
    gives: str
    vintage: str
    licence: str


OGL = "Open Government Licence v3.0"
BOUNDARY_LICENCE = "CC-BY 4.0 (martinjc/UK-GeoJSON), contains OS data"

SOURCES = (
    Source(
        "Get Information About Schools (GIAS), open establishments",
        "Schools, colleges and special schools in Kent, Medway and the neighbouring authorities: "
        "URN, name, type, phase, location.",
        "24 May 2025",
        OGL,
    ),
    Source(
        "GIAS links",
        "Predecessor and successor links that match older URNs to today's academies.",
        "April 2025",
        OGL,
    ),
    Source(
        "DfE school spine",
        "Which schools have a sixth form, age range, and selective or non-selective admissions.",
        "2017/18",
        OGL,
    ),
    Source(
        "DfE 16–18 performance tables (KS5)",
        "Students per qualification family at each institution (A level, applied general, tech "
        "level, technical certificate, Level 2 vocational); suppressed entries are held as "
        "unknown.",
        "2015/16 and 2016/17",
        OGL,
    ),
    Source(
        "DfE KS5 institutions with locations",
        "Latitude and longitude of post-16 institutions, and a grammar-school flag.",
        "2018/19",
        OGL,
    ),
    Source(
        "ESFA T Level provider register",
        "T Level providers, their delivery locations and the T Levels they offer, by delivery "
        "year.",
        "February 2021",
        "MIT (ESFA repository)",
    ),
    Source(
        "LSOA and MSOA 2011 boundaries, 2013 wards and districts",
        "The small areas the map measures reach from, and the shapes of districts and LCPAs.",
        "2011 (LSOA, MSOA), 2013 (wards, districts)",
        BOUNDARY_LICENCE,
    ),
    Source(
        "LSOA 2011 centroids",
        "The point each small area's journeys are measured from (geometric, not "
        "population-weighted).",
        "2011",
        OGL,
    ),
    Source(
        "Census 2021 usual residents by age",
        "Residents per small area in six age bands: used to share the county's 16–17 cohort out "
        "to small areas (an estimate).",
        "2021",
        OGL,
    ),
    Source(
        "English Indices of Deprivation 2019",
        "Deprivation deciles per small area, including the education domain.",
        "2019",
        OGL,
    ),
    Source(
        "DfE NEET and participation (NCCIS)",
        "16–17 cohort, NEET, not known, participation and EHCP share by local authority.",
        "2021 to 2023",
        OGL,
    ),
    Source(
        "DfE Education, Health and Care plans",
        "EHCP caseload by local authority, age and placement.",
        "2018/19 to 2024/25 (published 2025)",
        OGL,
    ),
    Source(
        "OS Code-Point Open",
        "Postcode locations for the postcode check.",
        "May 2025",
        "OS OpenData (OGL); contains Royal Mail data",
    ),
    Source(
        "ONS postcode to output area lookup",
        "Which small area each postcode is in.",
        "May 2022",
        OGL,
    ),
    Source(
        "LCPA composition (provisional)",
        "Which district, or for Swale, Tonbridge and Malling and Sevenoaks which ward, belongs to "
        "which of the eight LCPAs: a reading of Kent's published LCPA names, not an official list.",
        "Provisional",
        "Compiled for this service",
    ),
)
