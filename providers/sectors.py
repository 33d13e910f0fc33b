"""Sector vocabulary (no ORM): sector subject areas (SSA) and T Level routes.

Sector subject areas are Ofqual's / the DfE's classification of qualifications and apprenticeship
standards (tier 1 is the broad area, tier 2 the subject within it), as the apprenticeships
dashboard publishes them. T Level routes are the Institute for Apprenticeships and Technical
Education's occupational routes that have T Levels.

A course records a subject and, for a T Level, a route. Which sector a course is in is read from
them here (`course_sector`): a subject that is an SSA name (tier 1 or 2), else the route's usual
tier-1 area (ROUTE_SSA, the project's reading of which area each route's T Levels sit in).
"""

from __future__ import annotations

SSA_TIER1 = (
    "Health, Public Services and Care",
    "Science and Mathematics",
    "Agriculture, Horticulture and Animal Care",
    "Engineering and Manufacturing Technologies",
    "Construction, Planning and the Built Environment",
    "Digital Technology",
    "Retail and Commercial Enterprise",
    "Leisure, Travel and Tourism",
    "Arts, Media and Publishing",
    "History, Philosophy and Theology",
    "Social Sciences",
    "Languages, Literature and Culture",
    "Education and Training",
    "Preparation for Life and Work",
    "Business, Administration and Law",
)

# Tier 2 → tier 1, as published with the standards (only the tier-2 areas that have standards).
SSA_TIER2 = {
    "Agriculture": "Agriculture, Horticulture and Animal Care",
    "Animal Care and Veterinary Science": "Agriculture, Horticulture and Animal Care",
    "Environmental Conservation": "Agriculture, Horticulture and Animal Care",
    "Horticulture and Forestry": "Agriculture, Horticulture and Animal Care",
    "Crafts, Creative Arts and Design": "Arts, Media and Publishing",
    "Media and Communication": "Arts, Media and Publishing",
    "Publishing and Information Services": "Arts, Media and Publishing",
    "Performing Arts": "Arts, Media and Publishing",
    "Accounting and Finance": "Business, Administration and Law",
    "Administration": "Business, Administration and Law",
    "Business Management": "Business, Administration and Law",
    "Law and Legal Services": "Business, Administration and Law",
    "Marketing and Sales": "Business, Administration and Law",
    "Architecture": "Construction, Planning and the Built Environment",
    "Building and Construction": "Construction, Planning and the Built Environment",
    "Urban, Rural and Regional Planning": "Construction, Planning and the Built Environment",
    "Digital technology (practitioners)": "Digital Technology",
    "Digital technology (users)": "Digital Technology",
    "Direct Learning Support": "Education and Training",
    "Teaching and Lecturing": "Education and Training",
    "Engineering": "Engineering and Manufacturing Technologies",
    "Manufacturing Technologies": "Engineering and Manufacturing Technologies",
    "Transportation Operations and Maintenance": "Engineering and Manufacturing Technologies",
    "Child Development and Well Being": "Health, Public Services and Care",
    "Health and Social Care": "Health, Public Services and Care",
    "Medicine and Dentistry": "Health, Public Services and Care",
    "Nursing and Subjects and Vocations Allied to Medicine": "Health, Public Services and Care",
    "Public Services": "Health, Public Services and Care",
    "Sport, Leisure and Recreation": "Leisure, Travel and Tourism",
    "Travel and Tourism": "Leisure, Travel and Tourism",
    "Hospitality and Catering": "Retail and Commercial Enterprise",
    "Retailing and Wholesaling": "Retail and Commercial Enterprise",
    "Service Enterprises": "Retail and Commercial Enterprise",
    "Warehousing and Distribution": "Retail and Commercial Enterprise",
    "Mathematics and Statistics": "Science and Mathematics",
    "Science": "Science and Mathematics",
    "Economics": "Social Sciences",
    "Sociology and Social Policy": "Social Sciences",
}

# The T Level routes, with the tier-1 area their T Levels sit in (Health and science holds the
# Science T Level too, and Education and childcare is early years: a route is broader than one
# area, so pages say "route" beside the area).
ROUTE_SSA = {
    "Agriculture, environmental and animal care": "Agriculture, Horticulture and Animal Care",
    "Business and administration": "Business, Administration and Law",
    "Catering": "Retail and Commercial Enterprise",
    "Construction": "Construction, Planning and the Built Environment",
    "Creative and design": "Arts, Media and Publishing",
    "Digital": "Digital Technology",
    "Education and childcare": "Health, Public Services and Care",
    "Engineering and manufacturing": "Engineering and Manufacturing Technologies",
    "Hair and beauty": "Retail and Commercial Enterprise",
    "Health and science": "Health, Public Services and Care",
    "Legal, finance and accounting": "Business, Administration and Law",
}
TLEVEL_ROUTES = tuple(ROUTE_SSA)

_TIER1_BY_FOLDED = {name.casefold(): name for name in SSA_TIER1}
_TIER2_BY_FOLDED = {name.casefold(): name for name in SSA_TIER2}
_ROUTE_BY_FOLDED = {name.casefold(): name for name in ROUTE_SSA}


def canonical_tier1(text: str) -> str:
    """The tier-1 area named by `text` (any case), or ""."""
    return _TIER1_BY_FOLDED.get((text or "").strip().casefold(), "")


def canonical_tier2(text: str) -> str:
    """The tier-2 area named by `text` (any case), or ""."""
    return _TIER2_BY_FOLDED.get((text or "").strip().casefold(), "")


def canonical_route(text: str) -> str:
    """The T Level route named by `text` (any case), or ""."""
    return _ROUTE_BY_FOLDED.get((text or "").strip().casefold(), "")


def course_sector(subject: str, route: str) -> tuple[str, str]:
    """(tier-1 area, tier-2 area) a course is in, from its subject or T Level route; ("", "")
    when neither names a sector (the data then records no sector, which is not "none")."""
    tier2 = canonical_tier2(subject)
    if tier2:
        return SSA_TIER2[tier2], tier2
    tier1 = canonical_tier1(subject)
    if tier1:
        return tier1, ""
    found = canonical_route(route)
    if found:
        return ROUTE_SSA[found], ""
    return "", ""


def split_lines(text: str) -> list[str]:
    """The non-blank lines of an officer's list (one name a line), stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
