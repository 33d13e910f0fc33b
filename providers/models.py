"""Supply: providers, their sites, and the courses (offers) they run in each academic year."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from areas.models import Area, District, Region
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
    # Written when an officer accepts a provider's submission in the yearly offer round
    # (offerround): the provider's own statement of what it will run, dated by last_confirmed.
    CONFIRMED = "confirmed", "Confirmed by provider"


def running_in_year_q(academic_year: str, prefix: str = "") -> models.Q:
    """Q for providers that ran in `academic_year`: within their first and last year, and, when
    no last year is recorded, open today (an officer may close a provider without giving a
    year; it is then taken as closed in every year, as before years were recorded)."""
    first, last, status = f"{prefix}first_year", f"{prefix}last_year", f"{prefix}status"
    return (
        (models.Q(**{first: ""}) | models.Q(**{f"{first}__lte": academic_year}))
        & (
            models.Q(**{f"{last}__gte": academic_year})
            | models.Q(**{last: "", status: "open"})
        )
    )


class ProviderQuerySet(models.QuerySet):
    def running_in(self, academic_year: str):
        """Providers that ran in the academic year (closed ones included for their years)."""
        return self.filter(running_in_year_q(academic_year))


def ran_in_year(first_year: str, last_year: str, status: str, academic_year: str) -> bool:
    """Plain-Python twin of running_in_year_q, for frames and pages (years compare as text:
    "2015/16" < "2016/17")."""
    if first_year and first_year > academic_year:
        return False
    if last_year:
        return last_year >= academic_year
    return status == "open"


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
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN,
        help_text="Open or closed today. Which years it ran is given by the first and last year.",
    )
    first_year = models.CharField(
        max_length=7, blank=True, validators=[validate_academic_year],
        help_text="First academic year it ran, e.g. 2017/18 (empty: before the data begins).",
    )
    last_year = models.CharField(
        max_length=7, blank=True, validators=[validate_academic_year],
        help_text="Last academic year it ran (empty: still running).",
    )
    successor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="predecessors",
        help_text="Today's provider that took over from this one (GIAS links).",
    )
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    objects = ProviderQuerySet.as_manager()

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
        """Sites of providers open today."""
        return self.filter(provider__status=Provider.Status.OPEN)

    def running_in(self, academic_year: str):
        """Sites of providers that ran in the academic year."""
        return self.filter(running_in_year_q(academic_year, prefix="provider__"))


class LocationBasis(models.TextChoices):
    ADDRESS = "address", "Address or its postcode"
    SMALL_AREA = "small_area", "Centre of the postcode's small area (postcode withdrawn)"
    # Approximate points for college campuses whose own postcode no stored source gives.
    STREET = "street", "A postcode on the same street (approximate)"
    SECTOR = "sector", "Centre of the postcode sector (approximate)"


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
    location_basis = models.CharField(
        max_length=20, choices=LocationBasis.choices, default=LocationBasis.ADDRESS,
        help_text="How the point was found; only 'address' is the site's own address.",
    )
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
        """Offers running in their year: not withdrawn, at a provider that ran that year (a
        closed provider's offers count in the years it ran)."""
        courses = self.filter(withdrawn=False).filter(
            models.Q(provider__first_year="")
            | models.Q(provider__first_year__lte=models.F("academic_year"))
        )
        return courses.filter(
            models.Q(provider__last_year__gte=models.F("academic_year"))
            | models.Q(provider__last_year="", provider__status=Provider.Status.OPEN)
        )

    def published(self):
        return self.filter(record_label=RecordLabel.PUBLISHED)

    def coverage(self):
        """Rows for providers.coverage: records and providers per year, source, vintage and kind
        of provider."""
        return (
            self.values("academic_year", "source_key", "source_year",
                        kind=models.F("provider__kind"))
            .annotate(records=models.Count("id"),
                      providers=models.Count("provider", distinct=True))
            .order_by("academic_year", "source_key", "source_year", "kind")
        )


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
        FE_EDUCATION_TRAINING = "fe_education_training", "FE education and training (all ages)"

    class Granularity(models.TextChoices):
        SITE = "site", "At this site"
        PROVIDER = "provider", "Provider-wide figure, shown at its sites"
        DISTRICT = "district", "District-level (not a fact about a site)"

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
        QualificationType.FE_EDUCATION_TRAINING: {Level.ENTRY, Level.ONE, Level.TWO, Level.THREE},
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
    source_key = models.CharField(
        max_length=40, blank=True,
        help_text="Short name of the source, e.g. ks5, tlevels_2021 (empty: entered by hand).",
    )
    source_year = models.CharField(
        "source vintage", max_length=7, blank=True, validators=[validate_academic_year],
        help_text="Academic year of the source's data (may be earlier than the offer's year).",
    )
    record_label = models.CharField(
        max_length=20, choices=RecordLabel.choices, default=RecordLabel.PUBLISHED
    )
    granularity = models.CharField(
        max_length=10, choices=Granularity.choices, default=Granularity.SITE,
        help_text="What the record is a fact about: the site, the whole provider, or a district.",
    )
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="courses",
        help_text="For district-level records: the district the figure is for.",
    )
    learners_measure = models.CharField(
        max_length=80, blank=True,
        help_text="What learners counts, e.g. students completing 16–18 study.",
    )
    learners_published = models.CharField(
        max_length=20, blank=True,
        help_text="The count as the source shows it when it rounds or hides it (low, c, SUPP).",
    )
    recorded_name = models.CharField(
        max_length=200, blank=True,
        help_text="The institution's name in the source that year, if not the provider's name.",
    )
    recorded_urn = models.PositiveIntegerField(
        null=True, blank=True, help_text="The institution's URN in the source that year.",
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


class NoOfferConfirmation(models.Model):
    """A provider confirmed that it runs no post-16 offer in a year (in the yearly offer round it
    withdrew every offer, and an officer accepted that). Such a provider has no Course record of
    the year to carry the "confirmed" label, so this row says it: the year's coverage counts the
    provider as confirmed (coldspots.frames reads these; nothing here knows about the round)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE,
                                 related_name="no_offer_confirmations")
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    confirmed_on = models.DateField()
    source = models.CharField(max_length=200, blank=True,
                              help_text="Where the confirmation came from, e.g. the round.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["academic_year", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "academic_year"],
                                    name="one_no_offer_confirmation_per_provider_and_year"),
        ]

    def __str__(self):
        return f"{self.provider}: no offer in {self.academic_year}"


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
        "16–18 students",
        help_text="Students at the institution: 16–18 headcount (DfE TPUP1618) or, from the "
        "16–19 allocations, funded students.",
    )
    high_needs_students = models.PositiveIntegerField(
        null=True, blank=True, help_text="High-needs students (16–19 allocations); empty unknown.",
    )
    measure = models.CharField(
        max_length=80, blank=True,
        help_text="What the figure counts, e.g. 16–18 students (performance tables).",
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


class ApprenticeshipStartsQuerySet(models.QuerySet):
    def in_year(self, academic_year: str):
        return self.filter(academic_year=academic_year)

    def delivered_in(self, district: District):
        return self.filter(basis=ApprenticeshipStarts.Basis.DELIVERY_DISTRICT, district=district)

    def final(self):
        return self.filter(provisional=False)

    def provisional(self):
        return self.filter(provisional=True)

    def coverage(self):
        """Rows for providers.coverage, like CourseQuerySet.coverage (district-level records)."""
        return (
            self.values("academic_year", kind=models.F("provider__kind"))
            .annotate(records=models.Count("id"),
                      providers=models.Count("provider_ukprn", distinct=True),
                      source_key=models.Value("apprenticeships"),
                      source_year=models.F("academic_year"))
            .order_by("academic_year", "kind")
        )


class ApprenticeshipStarts(models.Model):
    """Apprenticeship starts by provider and district (or South East) in a year: a district-level
    record, never a fact about a site."""

    class Basis(models.TextChoices):
        DELIVERY_DISTRICT = "delivery_district", "Delivery district"
        LEARNER_HOME_DISTRICT = "learner_home_district", "Learner's home district"
        SOUTH_EAST_DELIVERY = "south_east_delivery", "Delivered in the South East"

    class ApprenticeshipLevel(models.TextChoices):
        ALL = "", "All levels"
        INTERMEDIATE = "2", "Intermediate (Level 2)"
        ADVANCED = "3", "Advanced (Level 3)"
        HIGHER = "higher", "Higher"

    class AgeGroup(models.TextChoices):
        ALL = "", "All ages"
        UNDER_19 = "under_19", "Under 19"
        AGED_19_24 = "19_24", "19–24"
        AGED_25_PLUS = "25_plus", "25 and over"

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, null=True, blank=True,
        related_name="apprenticeship_starts",
    )
    provider_ukprn = models.PositiveIntegerField(
        null=True, blank=True, help_text="As published (some 2021/22 rows have none)."
    )
    provider_name = models.CharField(max_length=200, help_text="As published that year.")
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    provisional = models.BooleanField(default=False, help_text="Part-year provisional figures.")
    basis = models.CharField(max_length=30, choices=Basis.choices)
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, null=True, blank=True,
        related_name="apprenticeship_starts", help_text="Empty for South East delivery.",
    )
    level = models.CharField(max_length=10, blank=True, choices=ApprenticeshipLevel.choices)
    age_group = models.CharField(max_length=10, blank=True, choices=AgeGroup.choices)
    starts = models.PositiveIntegerField(
        help_text="Unrounded as in the file; pages round as the source publishes (nearest 10, "
        "1–4 shown as low)."
    )
    source = models.CharField(max_length=200)

    objects = ApprenticeshipStartsQuerySet.as_manager()

    class Meta:
        ordering = ["academic_year", "provider_name"]
        verbose_name_plural = "apprenticeship starts"
        constraints = [
            models.UniqueConstraint(
                fields=["provider_ukprn", "provider_name", "academic_year", "basis", "district",
                        "level", "age_group"],
                name="one_starts_figure_per_provider_year_basis_district_level_age",
            )
        ]

    def __str__(self):
        return f"{self.provider_name}: {self.starts} starts ({self.academic_year})"


class ApprenticeshipStandard(models.Model):
    """An apprenticeship standard (or legacy framework) at a level, with its sector subject
    area, as the DfE apprenticeships dashboard publishes it."""

    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard"
        FRAMEWORK = "framework", "Framework (legacy)"

    class StandardLevel(models.TextChoices):
        INTERMEDIATE = "2", "Intermediate (Level 2)"
        ADVANCED = "3", "Advanced (Level 3)"

    key = models.CharField(
        max_length=12, unique=True,
        help_text="Stable key from the published kind, name, level and sector areas.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STANDARD)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=1, choices=StandardLevel.choices)
    ssa_tier1 = models.CharField("sector subject area (tier 1)", max_length=100)
    ssa_tier2 = models.CharField("sector subject area (tier 2)", max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "level"]

    def __str__(self):
        return f"{self.name} ({self.get_level_display()})"


class ProviderStandardQuerySet(models.QuerySet):
    def in_year(self, academic_year: str):
        return self.filter(academic_year=academic_year)


class ProviderStandard(models.Model):
    """A provider started apprentices on a standard in a year, somewhere in England: a fact
    about the provider nationally, never about a site or a Kent district. Which Kent districts it
    delivers in comes from its district-level starts (ApprenticeshipStarts); a district's offer
    by sector made from the two is derived."""

    provider = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="apprenticeship_standards",
        help_text="The provider with this UKPRN, if it is one of the map's providers.",
    )
    provider_ukprn = models.PositiveIntegerField("UKPRN")
    provider_name = models.CharField(max_length=200, help_text="As last published.")
    standard = models.ForeignKey(
        ApprenticeshipStandard, on_delete=models.CASCADE, related_name="providers"
    )
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    provisional = models.BooleanField(default=False, help_text="Part-year provisional figures.")
    starts = models.PositiveIntegerField(
        help_text="National starts, unrounded as in the file; pages round as the source "
        "publishes (nearest 10, 1–4 shown as low)."
    )
    enrolments = models.PositiveIntegerField(null=True, blank=True)
    achievements = models.PositiveIntegerField(null=True, blank=True)
    record_label = models.CharField(
        max_length=20, choices=RecordLabel.choices, default=RecordLabel.PUBLISHED
    )
    source = models.CharField(max_length=200)
    history = HistoricalRecords()

    objects = ProviderStandardQuerySet.as_manager()

    class Meta:
        ordering = ["academic_year", "provider_name"]
        verbose_name = "provider's apprenticeship standard (national)"
        verbose_name_plural = "providers' apprenticeship standards (national)"
        constraints = [
            models.UniqueConstraint(
                fields=["provider_ukprn", "standard", "academic_year"],
                name="one_standard_per_provider_and_year",
            )
        ]

    def __str__(self):
        return f"{self.provider_name}: {self.standard} ({self.academic_year})"


# Officers' CSV imports in the admin (providers/import_jobs.py).
from providers.import_jobs import ImportJob  # noqa: E402, F401
