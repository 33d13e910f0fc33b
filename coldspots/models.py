"""What the board records against a cold spot: notes and actions, by remit, LCPA and level."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from areas.models import Area, Region
from providers.models import Level

# Plain numbers, so that models do not import the analysis (params imports providers only).
DEFAULT_MIN_PROVIDERS = 3
DEFAULT_MAX_NEAREST_MINUTES = 30
MINUTES_RANGE = (5, 180)


class BoardAction(models.Model):
    class Remit(models.TextChoices):
        LEVEL_3 = "level_3", "Level 3"
        LEVEL_2 = "level_2", "Level 2"
        SEMH = "semh", "SEMH"
        SEND = "send", "SEND"
        SKILLS = "skills", "Skills (employer–provider ownership)"

    class Status(models.TextChoices):
        NOTED = "noted", "Noted"
        PLANNED = "planned", "Action planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    remit = models.CharField(max_length=20, choices=Remit.choices)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="board_actions", verbose_name="LCPA"
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="board_actions",
        help_text="A particular small area, if the note is about one.",
    )
    level = models.CharField(max_length=1, choices=Level.choices, blank=True)
    academic_year = models.CharField(max_length=7, blank=True)
    note = models.TextField()
    action = models.TextField(blank=True, help_text="What the board will do.")
    owner = models.CharField(max_length=200, blank=True)
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_remit_display()} – {self.region}: {self.note[:60]}"


class TravelMode(models.TextChoices):
    PUBLIC_TRANSPORT = "pt", "Public transport"
    CAR = "car", "Car"
    WALK = "walk", "Walking"


class TravelTimeQuerySet(models.QuerySet):
    def for_mode(self, mode: str):
        return self.filter(mode=mode)


class TravelTime(models.Model):
    """An imported journey time from a small area to a site (e.g. from r5py or DfT tables).

    Where a pair has one, the analysis uses it instead of the distance estimate.
    """

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="travel_times")
    site = models.ForeignKey(
        "providers.Site", on_delete=models.CASCADE, related_name="travel_times"
    )
    mode = models.CharField(max_length=4, choices=TravelMode.choices)
    minutes = models.FloatField(help_text="Door-to-door journey time in minutes.")
    source = models.CharField(max_length=200, help_text="File or tool the time comes from.")
    imported_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = TravelTimeQuerySet.as_manager()

    class Meta:
        ordering = ["area", "site", "mode"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "site", "mode"], name="one_travel_time_per_pair_and_mode"
            ),
        ]

    def __str__(self):
        return f"{self.area_id} → {self.site_id} by {self.mode}: {self.minutes:g} min"


class DataVersion(models.Model):
    """A counter bumped whenever data the analysis reads changes (see coldspots.signals).

    Cached results are keyed on it, so every process sees a save or delete at once.
    """

    counter = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"data version {self.counter}"


class ChoiceThresholds(models.Model):
    """The thresholds of the choice rule that officers set (one record; see coldspots.params,
    "The choice rule"). Every change is kept in its history; pages name the values they used."""

    min_providers = models.PositiveSmallIntegerField(
        "N: fewest providers for choice", default=DEFAULT_MIN_PROVIDERS,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="An area has reduced choice at a level with fewer open-access providers than "
                  "this within the travel time.",
    )
    max_nearest_minutes = models.PositiveSmallIntegerField(
        "X: furthest nearest offer (minutes)", default=DEFAULT_MAX_NEAREST_MINUTES,
        validators=[MinValueValidator(MINUTES_RANGE[0]), MaxValueValidator(MINUTES_RANGE[1])],
        help_text="… or when the nearest open-access offer is further than this.",
    )
    changed_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "choice thresholds"
        verbose_name_plural = "choice thresholds"

    def __str__(self):
        return (f"Choice: at least {self.min_providers} providers, nearest within "
                f"{self.max_nearest_minutes} minutes")

    @classmethod
    def current(cls) -> ChoiceThresholds:
        """The record in force (the defaults, unsaved, until an officer saves one)."""
        return cls.objects.order_by("pk").first() or cls()
