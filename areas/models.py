"""Geography and demand: LCPAs, districts, small areas (LSOAs) and learner cohort figures."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from areas.validators import (
    validate_academic_year,
    validate_easting_northing,
    validate_lat_lon,
)

KENT_LA_CODE = "886"
MEDWAY_LA_CODE = "887"


class Region(models.Model):
    """A Local Collaborative Partnership Area (LCPA): one of Kent's eight post-16 planning areas.

    No official list of the districts and wards in each LCPA is published, so the composition (and
    with it the boundary) is provisional data that officers may correct.
    """

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON geometry (WGS84): the union of its areas."
    )
    boundary_vintage = models.CharField(
        max_length=100, blank=True, help_text="The geography the boundary is built from."
    )
    provisional = models.BooleanField(
        default=True, help_text="The composition is a reading of published names, not official."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "LCPA"
        verbose_name_plural = "LCPAs"

    def __str__(self):
        return self.name


class District(models.Model):
    """A local authority district (the 12 Kent districts, and Medway as a unitary neighbour)."""

    code = models.CharField(max_length=9, unique=True, help_text="ONS code, e.g. E07000105.")
    name = models.CharField(max_length=100)
    la_code = models.CharField(
        max_length=3, help_text="DfE local authority number: 886 Kent, 887 Medway."
    )
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (WGS84).")
    history = HistoricalRecords(excluded_fields=["boundary"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def in_kent(self) -> bool:
        return self.la_code == KENT_LA_CODE


class AreaQuerySet(models.QuerySet):
    def in_kent(self):
        return self.filter(district__la_code=KENT_LA_CODE)

    def in_region(self, region):
        return self.filter(region=region)


class Area(models.Model):
    """A small area (LSOA 2011): the unit at which reach and cold spots are measured."""

    code = models.CharField(max_length=9, unique=True, help_text="LSOA 2011 code, e.g. E01023994.")
    name = models.CharField(max_length=100)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="areas")
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="areas",
        verbose_name="LCPA",
        help_text="Empty for areas outside Kent (e.g. Medway).",
    )
    ward_code = models.CharField(
        max_length=9, blank=True,
        help_text="2013 electoral ward holding the centroid; set where a district is split "
        "between LCPAs by ward.",
    )
    latitude = models.FloatField(help_text="Centroid, WGS84.")
    longitude = models.FloatField(help_text="Centroid, WGS84.")
    easting = models.FloatField(help_text="Centroid, British National Grid (metres).")
    northing = models.FloatField(help_text="Centroid, British National Grid (metres).")
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (WGS84).")
    imd_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="IMD 2019 decile, 1 = most deprived 10% in England."
    )
    imd_education_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="IMD 2019 education, skills and training domain decile."
    )
    history = HistoricalRecords()

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "small area (LSOA)"
        verbose_name_plural = "small areas (LSOAs)"

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        errors = validate_lat_lon(self.latitude, self.longitude)
        errors |= validate_easting_northing(self.easting, self.northing)
        for field in ("imd_decile", "imd_education_decile"):
            value = getattr(self, field)
            if value is not None and not 1 <= value <= 10:
                errors[field] = "A decile is a whole number from 1 to 10."
        if errors:
            raise ValidationError(errors)


class CohortQuerySet(models.QuerySet):
    def in_year(self, academic_year: str):
        return self.filter(academic_year=academic_year)

    def measure(self, measure: str):
        return self.filter(measure=measure)

    def for_areas(self):
        return self.filter(geography=CohortFigure.Geography.AREA)


class CohortFigure(models.Model):
    """One learner-cohort figure for one geography and academic year, with where it came from."""

    class Geography(models.TextChoices):
        AREA = "area", "Small area (LSOA)"
        REGION = "region", "LCPA"
        LA = "la", "Local authority"

    class Measure(models.TextChoices):
        POPULATION_16_17 = "population_16_17", "16–17 year olds"
        POPULATION_16 = "population_16", "16 year olds"
        EHCP_16_17 = "ehcp_16_17", "16–17 year olds with an EHCP"
        EHCP_AGE_16 = "ehcp_age_16", "EHCPs, age 16"
        EHCP_AGE_17 = "ehcp_age_17", "EHCPs, age 17"
        EHCP_SHARE = "ehcp_share", "Share of 16–17 year olds with an EHCP (%)"
        NEET_16_17 = "neet_16_17", "16–17 year olds NEET"
        NEET_SHARE = "neet_share", "Share of 16–17 year olds NEET (%)"
        NOT_KNOWN_SHARE = "not_known_share", "Share of 16–17 year olds not known (%)"
        PARTICIPATION_SHARE = "participation_share", "Share of 16–17 year olds participating (%)"

    geography = models.CharField(max_length=10, choices=Geography.choices)
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, null=True, blank=True, related_name="cohort_figures"
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="cohort_figures"
    )
    la_code = models.CharField(max_length=3, blank=True, help_text="For LA-level figures.")
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    measure = models.CharField(max_length=30, choices=Measure.choices)
    value = models.FloatField()
    source = models.CharField(max_length=200, help_text="Publication the figure comes from.")
    vintage = models.CharField(max_length=50, blank=True, help_text="Edition of the source.")
    is_estimate = models.BooleanField(
        default=False, help_text="Estimated (e.g. shared out from a larger area), not published."
    )
    method = models.TextField(blank=True, help_text="How an estimate was made.")
    history = HistoricalRecords()

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["academic_year", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["geography", "area", "region", "la_code", "academic_year", "measure"],
                name="one_figure_per_geography_year_measure",
            ),
        ]

    def __str__(self):
        label = "estimate" if self.is_estimate else "published"
        return f"{self.get_measure_display()} {self.academic_year}: {self.value:g} ({label})"

    @property
    def place(self):
        return self.area or self.region or f"LA {self.la_code}"

    def clean(self):
        errors = {}
        needed = {
            self.Geography.AREA: ("area", self.area_id),
            self.Geography.REGION: ("region", self.region_id),
            self.Geography.LA: ("la_code", self.la_code),
        }
        if self.geography in needed:
            field, value = needed[self.geography]
            if not value:
                errors[field] = f"A {self.get_geography_display()} figure needs its {field}."
        if self.value is not None and self.value < 0:
            errors["value"] = "A cohort figure cannot be negative."
        if self.measure and self.measure.endswith("_share") and self.value and self.value > 100:
            errors["value"] = "A share is a percentage from 0 to 100."
        if errors:
            raise ValidationError(errors)


class Postcode(models.Model):
    """A Kent or Medway postcode with its grid reference and small area, for the postcode check."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Normalised, e.g. CT1 1QU.")
    latitude = models.FloatField()
    longitude = models.FloatField()
    easting = models.FloatField()
    northing = models.FloatField()
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="postcodes"
    )
    district_code = models.CharField(max_length=9, blank=True)
    # An officer's override of a postcode's small area is in its history, with who and why.
    history = HistoricalRecords()

    class Meta:
        ordering = ["postcode"]

    def __str__(self):
        return self.postcode
