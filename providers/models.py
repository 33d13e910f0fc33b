"""Supply: providers, their sites, and the courses (offers) they run in each academic year."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from areas.models import Area, Region
from areas.validators import (
    normalise_postcode,
    validate_academic_year,
    validate_easting_northing,
    validate_lat_lon,
    validate_postcode,
)


class Level(models.TextChoices):
    """Regulated Qualifications Framework levels in scope (higher education is out of scope)."""

    ENTRY = "E", "Entry level"
    ONE = "1", "Level 1"
    TWO = "2", "Level 2"
    THREE = "3", "Level 3"


class RecordLabel(models.TextChoices):
    """Whether a record is a published fact or something the project made."""

    PUBLISHED = "published", "Published fact"
    DERIVED = "derived", "Derived from another fact"
    ILLUSTRATIVE = "illustrative", "Illustrative (not a fact)"


class Provider(models.Model):
    class Kind(models.TextChoices):
        SCHOOL_SIXTH_FORM = "school_sixth_form", "School sixth form"
        FE_COLLEGE = "fe_college", "FE college"
        SIXTH_FORM_COLLEGE = "sixth_form_college", "Sixth-form college"
        UTC = "utc", "University technical college"
        INDEPENDENT_TRAINING_PROVIDER = "itp", "Independent training provider"
        SPECIAL_SCHOOL = "special_school", "Special school"
        SPECIALIST_POST16 = "specialist_post16", "Specialist post-16 institution"
        ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision / PRU"
        INDEPENDENT_SCHOOL = "independent_school", "Independent school"

    class AdmissionsPolicy(models.TextChoices):
        SELECTIVE = "selective", "Selective"
        NON_SELECTIVE = "non_selective", "Non-selective"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    urn = models.PositiveIntegerField(
        "URN", unique=True, null=True, blank=True, help_text="Unique reference number (GIAS)."
    )
    ukprn = models.PositiveIntegerField(
        "UKPRN", unique=True, null=True, blank=True, help_text="UK provider reference number."
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    admissions_policy = models.CharField(
        max_length=20, choices=AdmissionsPolicy.choices, default=AdmissionsPolicy.NOT_APPLICABLE
    )
    specialist_send = models.BooleanField(
        "specialist SEND", default=False, help_text="Provision designed for learners with SEND."
    )
    out_of_county = models.BooleanField(
        default=False, help_text="Outside Kent (e.g. Medway) but used by Kent learners."
    )
    la_code = models.CharField("LA code", max_length=3, blank=True)
    establishment_type = models.CharField(
        max_length=100, blank=True, help_text="Type as published (GIAS or performance tables)."
    )
    age_low = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Lowest statutory age (DfE school spine)."
    )
    age_high = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Highest statutory age (DfE school spine)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.urn is None and self.ukprn is None:
            raise ValidationError("A provider needs a URN or a UKPRN so that it can be matched.")


class SiteQuerySet(models.QuerySet):
    def in_region(self, region: Region):
        return self.filter(area__region=region)

    def active(self):
        return self.filter(provider__status=Provider.Status.OPEN)


class Site(models.Model):
    """A place where a provider teaches: a school, a college campus, a training centre."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    latitude = models.FloatField()
    longitude = models.FloatField()
    easting = models.FloatField(help_text="British National Grid (metres).")
    northing = models.FloatField(help_text="British National Grid (metres).")
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sites",
        help_text="The small area the site falls in (empty outside Kent and Medway).",
    )
    is_main = models.BooleanField(default=True, help_text="The provider's main site.")
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "name"]

    def __str__(self):
        return self.name if self.name == self.provider.name else f"{self.provider}: {self.name}"

    def clean(self):
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)
        errors = validate_lat_lon(self.latitude, self.longitude)
        errors |= validate_easting_northing(self.easting, self.northing)
        if errors:
            raise ValidationError(errors)


class CourseQuerySet(models.QuerySet):
    def at_level(self, *levels: str):
        return self.filter(level__in=levels)

    def in_year(self, academic_year: str):
        return self.filter(academic_year=academic_year)

    def in_region(self, region: Region):
        return self.filter(site__area__region=region)

    def of_type(self, *qualification_types: str):
        return self.filter(qualification_type__in=qualification_types)

    def active(self):
        """Offers still running: not withdrawn, at an open provider."""
        return self.filter(withdrawn=False, provider__status=Provider.Status.OPEN)

    def published(self):
        return self.filter(record_label=RecordLabel.PUBLISHED)


class Course(models.Model):
    """One offer: a qualification type (and subject or route) at a level, at a site, in a year."""

    class QualificationType(models.TextChoices):
        A_LEVEL = "a_level", "A Level"
        T_LEVEL = "t_level", "T Level"
        APPLIED_GENERAL = "applied_general", "Applied general"
        TECH_LEVEL = "tech_level", "Tech level"
        TECHNICAL_CERTIFICATE = "technical_certificate", "Technical certificate"
        L2_VOCATIONAL = "l2_vocational", "Level 2 vocational"
        GCSE_RESIT = "gcse_resit", "GCSE resit"
        STUDY_PROGRAMME_L1_ENTRY = "study_programme_l1_entry", "Level 1 / Entry study programme"
        SUPPORTED_INTERNSHIP = "supported_internship", "Supported internship"
        APPRENTICESHIP_INTERMEDIATE = "apprenticeship_intermediate", "Intermediate apprenticeship"
        APPRENTICESHIP_ADVANCED = "apprenticeship_advanced", "Advanced apprenticeship"
        SEND_POST16 = "send_post16", "SEND post-16 programme"
        ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"
        OTHER_ACADEMIC = "other_academic", "Other academic (e.g. IB, Pre-U)"

    # The levels each qualification type may be offered at; a type missing here has no rule.
    ALLOWED_LEVELS = {
        QualificationType.A_LEVEL: {Level.THREE},
        QualificationType.T_LEVEL: {Level.THREE},
        QualificationType.APPLIED_GENERAL: {Level.THREE},
        QualificationType.TECH_LEVEL: {Level.THREE},
        QualificationType.TECHNICAL_CERTIFICATE: {Level.TWO},
        QualificationType.L2_VOCATIONAL: {Level.TWO},
        QualificationType.GCSE_RESIT: {Level.TWO, Level.ONE},
        QualificationType.STUDY_PROGRAMME_L1_ENTRY: {Level.ONE, Level.ENTRY},
        QualificationType.SUPPORTED_INTERNSHIP: {Level.ENTRY, Level.ONE},
        QualificationType.APPRENTICESHIP_INTERMEDIATE: {Level.TWO},
        QualificationType.APPRENTICESHIP_ADVANCED: {Level.THREE},
        QualificationType.SEND_POST16: {Level.ENTRY, Level.ONE},
        QualificationType.OTHER_ACADEMIC: {Level.THREE},
    }

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="courses")
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="courses", null=True, blank=True,
        help_text="Where it is taught; empty means the provider's main site.",
    )
    academic_year = models.CharField(
        max_length=7, validators=[validate_academic_year], help_text="e.g. 2016/17."
    )
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=1, choices=Level.choices)
    qualification_type = models.CharField(max_length=40, choices=QualificationType.choices)
    subject = models.CharField(
        "subject or sector", max_length=200, blank=True,
        help_text="Empty when the source records only the qualification family.",
    )
    tlevel_route = models.CharField("T Level route", max_length=100, blank=True)
    places = models.PositiveIntegerField(null=True, blank=True, help_text="Empty means unknown.")
    learners = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty means unknown (e.g. suppressed), not zero."
    )
    min_english_grade = models.PositiveSmallIntegerField(
        "minimum GCSE English grade", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    min_maths_grade = models.PositiveSmallIntegerField(
        "minimum GCSE maths grade", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    min_gcse_passes = models.PositiveSmallIntegerField(
        "minimum number of GCSE passes", null=True, blank=True,
        validators=[MaxValueValidator(15)],
    )
    ehcp_required = models.BooleanField("EHCP required", default=False)
    withdrawn = models.BooleanField(default=False, help_text="No longer offered.")
    source = models.CharField(max_length=200, help_text="Where this record comes from.")
    record_label = models.CharField(
        max_length=20, choices=RecordLabel.choices, default=RecordLabel.PUBLISHED
    )
    last_confirmed = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["academic_year", "level", "title"]
        indexes = [models.Index(fields=["academic_year", "level"])]

    def __str__(self):
        return f"{self.title} ({self.get_level_display()}, {self.academic_year})"

    def clean(self):
        errors = {}
        allowed = self.ALLOWED_LEVELS.get(self.qualification_type)
        if allowed and self.level and self.level not in allowed:
            levels = " or ".join(sorted(Level(level).label for level in allowed))
            errors["level"] = (
                f"{self.QualificationType(self.qualification_type).label} is offered at "
                f"{levels}, not {Level(self.level).label}."
            )
        if self.qualification_type == self.QualificationType.SUPPORTED_INTERNSHIP and not (
            self.ehcp_required
        ):
            errors["ehcp_required"] = "A supported internship is for young people with an EHCP."
        if self.site_id and self.provider_id and self.site.provider_id != self.provider_id:
            errors["site"] = "The site belongs to another provider."
        if errors:
            raise ValidationError(errors)


class EnrolmentQuerySet(models.QuerySet):
    def in_year(self, academic_year: str):
        return self.filter(academic_year=academic_year)


class Enrolment(models.Model):
    """How many 16–18 students an institution has in an academic year (DfE TPUP1618).

    This is the institution's 16–18 headcount, the figure the DfE's reference of about 200
    students for a viable sixth form is about. It is not the sum of its courses' learners: those
    count only students at the end of 16–18 study in each qualification family, so they
    undercount a sixth form (and miss families the tables do not split out, such as the IB).
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="enrolments")
    academic_year = models.CharField(
        max_length=7, validators=[validate_academic_year], help_text="e.g. 2016/17."
    )
    students_16_18 = models.PositiveIntegerField(
        "16–18 students", help_text="Number of 16–18 students at the institution (DfE TPUP1618)."
    )
    source = models.CharField(max_length=200, help_text="Where this figure comes from.")
    history = HistoricalRecords()

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["academic_year", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "academic_year"], name="one_enrolment_per_provider_and_year"
            )
        ]

    def __str__(self):
        return f"{self.provider}: {self.students_16_18} students aged 16–18 ({self.academic_year})"


# Officers' CSV imports in the admin (providers/import_jobs.py).
from providers.import_jobs import ImportJob  # noqa: E402, F401
