"""The yearly offer round: an officer opens a round for an academic year, each provider's contact
confirms, changes or withdraws last year's offers and adds new ones, and an officer accepts the
submission, which then becomes that year's Course records (offerround.services).

Imports providers, areas and accounts; nothing in providers, coldspots or offermap imports this
app's models (the confirmed records are ordinary Course rows with their own label).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from areas.validators import validate_academic_year
from providers.models import Course, Level, Provider, Site


def year_before(academic_year: str) -> str:
    """"2026/27" -> "2025/26"."""
    start = int(academic_year[:4]) - 1
    return f"{start}/{(start + 1) % 100:02d}"


class OfferRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    academic_year = models.CharField(
        max_length=7, unique=True, validators=[validate_academic_year],
        help_text="The year whose offer providers confirm, e.g. 2026/27.",
    )
    deadline = models.DateField(help_text="The date by which providers should submit.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    # Set when an officer closes the round (contacts can then no longer change or submit) and
    # cleared when it is reopened; who did each is in the history.
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-academic_year"]

    def __str__(self):
        return f"Offer round {self.academic_year}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class SubmissionQuerySet(models.QuerySet):
    def for_providers(self, provider_ids):
        return self.filter(provider_id__in=provider_ids)

    def not_submitted(self):
        """Submissions still with the provider: not started, in progress or returned."""
        return self.filter(state__in=Submission.EDITABLE_STATES)


class Submission(models.Model):
    """One provider's answer to one round."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for changes"

    # While with the provider, the contact may change it; once submitted it waits for an officer.
    EDITABLE_STATES = (State.NOT_STARTED, State.IN_PROGRESS, State.RETURNED)

    round = models.ForeignKey(OfferRound, on_delete=models.CASCADE, related_name="submissions")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE,
                                 related_name="offer_submissions")
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_STARTED)
    based_on_year = models.CharField(
        max_length=20, blank=True,
        help_text="The year (or span of years, e.g. 2023/24 to 2024/25: each type's latest) of "
        "the records the offers were pre-filled from (empty: none found).",
    )
    note = models.TextField(
        blank=True, max_length=2000,
        help_text="The officer's note when returning or accepting the submission.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["round", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "provider"],
                                    name="one_submission_per_round_and_provider"),
        ]

    def __str__(self):
        return f"{self.provider} – {self.round}"

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES and self.round.is_open


class SubmittedOffer(models.Model):
    """One offer in a submission: pre-filled from last year's record (`previous`) or new."""

    class Action(models.TextChoices):
        PENDING = "", "Not yet answered"
        CONFIRM = "confirm", "Confirmed unchanged"
        EDIT = "edit", "Changed"
        WITHDRAW = "withdraw", "Withdrawn"
        NEW = "new", "New offer"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="offers")
    previous = models.ForeignKey(
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Last year's record this offer was pre-filled from (empty: a new offer).",
    )
    action = models.CharField(max_length=10, choices=Action.choices, blank=True)
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Where it is taught; empty means the provider's main site.",
    )
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=1, choices=Level.choices)
    qualification_type = models.CharField(max_length=40, choices=Course.QualificationType.choices)
    subject = models.CharField(
        "subject, sector or apprenticeship standard", max_length=200, blank=True,
    )
    tlevel_route = models.CharField("T Level route", max_length=100, blank=True)
    places = models.PositiveIntegerField(null=True, blank=True,
                                         validators=[MaxValueValidator(100_000)])
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "title", "pk"]

    def __str__(self):
        return f"{self.title} ({self.get_level_display()})"

    # The fields that make up the offer itself, compared with last year's record by the diff.
    OFFER_FIELDS = ("site_id", "title", "level", "qualification_type", "subject", "tlevel_route",
                    "places", "min_english_grade", "min_maths_grade", "min_gcse_passes",
                    "ehcp_required")

    def clean(self):
        # The same rules as a Course record (levels a type is offered at, supported internships,
        # the site's provider), so an accepted offer always makes a valid record.
        provider_id = self.submission.provider_id if self.submission_id else None
        course = Course(provider_id=provider_id, site=self.site, level=self.level,
                        qualification_type=self.qualification_type,
                        ehcp_required=self.ehcp_required)
        try:
            course.clean()
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        if self.tlevel_route and self.qualification_type != Course.QualificationType.T_LEVEL:
            raise ValidationError({"tlevel_route": "Only a T Level has a route."})
