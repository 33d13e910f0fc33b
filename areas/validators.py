"""Validators shared by every model that holds a place or a year."""

import re

from django.core.exceptions import ValidationError

# Kent, Medway and the neighbouring authorities that Kent learners travel to (Bexley, Bromley,
# East Sussex, Surrey, Thurrock) sit inside this box, with a margin of a few kilometres.
KENT_AND_NEIGHBOURS_LAT = (50.70, 51.75)
KENT_AND_NEIGHBOURS_LON = (-0.90, 1.60)
KENT_AND_NEIGHBOURS_EASTING = (475_000, 660_000)
KENT_AND_NEIGHBOURS_NORTHING = (95_000, 200_000)

ACADEMIC_YEAR_RE = re.compile(r"^(\d{4})/(\d{2})$")
# The Royal Mail format: outward code (area, district) then inward code (sector, unit).
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def validate_academic_year(value: str) -> None:
    match = ACADEMIC_YEAR_RE.match(value or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValidationError(
            "Enter the academic year as 2016/17: the starting year, a slash, and the last two "
            "digits of the following year.",
            code="academic_year",
        )


def normalise_postcode(value: str) -> str:
    """Upper-case a postcode and put one space before the inward code ('ct11qu' -> 'CT1 1QU')."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    if not POSTCODE_RE.match(normalise_postcode(value)):
        raise ValidationError(
            "Enter a full UK postcode, such as CT1 1QU.", code="postcode"
        )


def validate_lat_lon(lat: float | None, lon: float | None) -> dict[str, str]:
    """Return field → message for a point outside Kent and its neighbours (empty if inside)."""
    errors = {}
    if lat is not None and not KENT_AND_NEIGHBOURS_LAT[0] <= lat <= KENT_AND_NEIGHBOURS_LAT[1]:
        errors["latitude"] = (
            f"Latitude {lat} is outside Kent and its neighbours "
            f"({KENT_AND_NEIGHBOURS_LAT[0]} to {KENT_AND_NEIGHBOURS_LAT[1]})."
        )
    if lon is not None and not KENT_AND_NEIGHBOURS_LON[0] <= lon <= KENT_AND_NEIGHBOURS_LON[1]:
        errors["longitude"] = (
            f"Longitude {lon} is outside Kent and its neighbours "
            f"({KENT_AND_NEIGHBOURS_LON[0]} to {KENT_AND_NEIGHBOURS_LON[1]})."
        )
    return errors


def validate_easting_northing(easting: float | None, northing: float | None) -> dict[str, str]:
    """Return field → message for a grid reference outside Kent and its neighbours."""
    errors = {}
    lo, hi = KENT_AND_NEIGHBOURS_EASTING
    if easting is not None and not lo <= easting <= hi:
        errors["easting"] = f"Easting {easting:.0f} is outside Kent and its neighbours ({lo}–{hi})."
    lo, hi = KENT_AND_NEIGHBOURS_NORTHING
    if northing is not None and not lo <= northing <= hi:
        errors["northing"] = (
            f"Northing {northing:.0f} is outside Kent and its neighbours ({lo}–{hi})."
        )
    return errors
