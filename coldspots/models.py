"""What the board records against a cold spot: notes and actions, by remit, LCPA and level."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from areas.models import Area, Region
from providers.models import Level
from providers.sectors import canonical_route, canonical_tier1, canonical_tier2, split_lines

# Plain numbers, so that models do not import the analysis (params imports providers only).
DEFAULT_MIN_PROVIDERS = 3
DEFAULT_MAX_NEAREST_MINUTES = 30
MINUTES_RANGE = (5, 180)


class BoardActionQuerySet(models.QuerySet):
    """Board actions by state, place and who may read them."""

    def open(self):
        """Not done yet (noted, planned or in progress)."""
        return self.exclude(status__in=BoardAction.CLOSED_STATUSES)

    def closed(self):
        return self.filter(status__in=BoardAction.CLOSED_STATUSES)

    def overdue(self, today: date):
        """Open actions whose due date has passed (due before `today`)."""
        return self.open().filter(due__lt=today)

    def due_by(self, day: date):
        """Actions due on or before `day` (actions with no due date are left out)."""
        return self.filter(due__lte=day)

    def for_remit(self, remit: str):
        return self.filter(remit=remit)

    def for_region(self, region):
        """Actions for one LCPA, given as a Region or its slug."""
        if isinstance(region, str):
            return self.filter(region__slug=region)
        return self.filter(region=region)

    def for_area(self, area):
        return self.filter(area=area)

    def visible_to(self, user):
        """The actions `user` may read, as the permission rules decide (accounts/rules.py).

        The rules look only at an action's remit and LCPA, so each (remit, LCPA) pair among
        these actions is asked once, not each action: the answer stays with the rules, and the
        cost with the number of pairs (at most remits × LCPAs), not of actions.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        allowed = models.Q(pk__in=[])
        for remit, region_id in self.values_list("remit", "region_id").distinct().order_by():
            probe = BoardAction(remit=remit, region_id=region_id)
            if user.has_perm("coldspots.view_boardaction", probe):
                allowed |= models.Q(remit=remit, region_id=region_id)
        return self.filter(allowed)

    def changeable_by(self, user):
        """The actions `user` may change (so may attach a saved scenario to), asked of the
        rules once per (remit, LCPA) pair, as visible_to does."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        allowed = models.Q(pk__in=[])
        for remit, region_id in self.values_list("remit", "region_id").distinct().order_by():
            probe = BoardAction(remit=remit, region_id=region_id)
            if user.has_perm("coldspots.change_boardaction", probe):
                allowed |= models.Q(remit=remit, region_id=region_id)
        return self.filter(allowed)

    def in_reading_order(self):
        """Open first, soonest due first (no due date last), then the newest."""
        return self.order_by(
            models.Case(
                models.When(status__in=BoardAction.CLOSED_STATUSES, then=1), default=0,
                output_field=models.IntegerField(),
            ),
            models.F("due").asc(nulls_last=True),
            "-created_at",
        )


class BoardAction(models.Model):
    """What the board will do about a cold spot: for a remit and LCPA, optionally one level,
    small area or provider. "What" is `action` (what the board will do); `note` holds what was
    found and anything else worth keeping. An action is open until its status is done."""

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

    CLOSED_STATUSES = (Status.DONE,)

    remit = models.CharField(max_length=20, choices=Remit.choices)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="board_actions", verbose_name="LCPA"
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="board_actions",
        verbose_name="small area", help_text="A particular small area, if the action is about one.",
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="board_actions",
        help_text="A particular provider, if the action is about one.",
    )
    level = models.CharField(max_length=1, choices=Level.choices, blank=True)
    academic_year = models.CharField(max_length=7, blank=True)
    note = models.TextField("notes", blank=True, help_text="What was found, and anything else "
                            "worth keeping with the action.")
    action = models.TextField("what the board will do", blank=True)
    owner = models.CharField(max_length=200, blank=True)
    due = models.DateField("due date", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = BoardActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_remit_display()} – {self.region}: {self.summary[:60]}"

    @property
    def summary(self) -> str:
        """What the action is, in one line: what the board will do, or else its notes."""
        return " ".join((self.action or self.note).split())

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due is not None and self.due < today

    def clean(self):
        errors = {}
        if not (self.action or "").strip() and not (self.note or "").strip():
            errors["action"] = "Enter what the board will do, or a note."
        if self.area_id and self.region_id and self.area.region_id != self.region_id:
            errors["area"] = "Choose a small area in the LCPA of the action."
        if errors:
            raise ValidationError(errors)


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


LSIP_SOURCE = (
    "Kent & Medway Local Skills Improvement Plan 2023 (Kent Invicta Chamber of Commerce, approved "
    "by the Secretary of State August 2023) and its Progress Report 2025, which names five "
    "priority sectors: https://kentemployerskillsplan.org/kent-medway-lsip-2023/"
)


class PrioritySector(models.Model):
    """A sector the county's skills offer is measured against (the Local Skills Improvement
    Plan's priorities, kept by officers). Which provision counts for it is said by the sector
    subject areas and T Level routes it covers (names from providers.sectors), one a line."""

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower first on reports.")
    ssa_areas = models.TextField(
        "sector subject areas", blank=True,
        help_text="One a line: tier-1 areas (e.g. Construction, Planning and the Built "
                  "Environment) or tier-2 areas (e.g. Health and Social Care). Courses and "
                  "apprenticeship standards in these areas count for the sector.",
    )
    tlevel_routes = models.TextField(
        "T Level routes", blank=True,
        help_text="One a line (e.g. Construction; Health and science). T Levels on these "
                  "routes count for the sector.",
    )
    source_note = models.CharField(
        max_length=300, blank=True,
        help_text="Where the priority comes from. The seeded sectors are the Kent & Medway "
                  "Local Skills Improvement Plan's five priority sectors (LSIP 2023, Progress "
                  "Report 2025, kentemployerskillsplan.org); which areas and routes each covers "
                  "is the project's reading, for officers to correct.",
    )
    changed_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def area_list(self) -> list[str]:
        return split_lines(self.ssa_areas)

    def route_list(self) -> list[str]:
        return split_lines(self.tlevel_routes)

    def clean(self):
        errors = {}
        areas, routes = split_lines(self.ssa_areas), split_lines(self.tlevel_routes)
        unknown = [a for a in areas if not (canonical_tier1(a) or canonical_tier2(a))]
        if unknown:
            errors["ssa_areas"] = ("Not a sector subject area: " + "; ".join(unknown)
                                   + ". Use the names on apprenticeship standards.")
        bad_routes = [r for r in routes if not canonical_route(r)]
        if bad_routes:
            errors["tlevel_routes"] = "Not a T Level route: " + "; ".join(bad_routes) + "."
        if not areas and not routes and "ssa_areas" not in errors:
            errors["ssa_areas"] = "Give at least one sector subject area or T Level route."
        if errors:
            raise ValidationError(errors)
        # Stored in the published spelling, so that matching never depends on case.
        self.ssa_areas = "\n".join(canonical_tier1(a) or canonical_tier2(a) for a in areas)
        self.tlevel_routes = "\n".join(canonical_route(r) for r in routes)


class SavedScenarioQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def for_action(self, action):
        return self.filter(board_action=action)


class SavedScenario(models.Model):
    """A what-if scenario kept with a name: the page's parameters (year, minutes, mode) and the
    changes as coldspots.scenarios.change_items gives them. It holds no results: opening it
    runs the scenario again on the data of the day (and the page says if a change no longer
    fits). Board members attach one to an action of theirs (board_action)."""

    name = models.CharField(max_length=120)
    params = models.JSONField(default=dict, help_text="year, minutes and mode of the analysis.")
    changes = models.JSONField(default=list, help_text="The changes, as parse_changes reads them.")
    board_action = models.ForeignKey(
        BoardAction, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="saved_scenarios", help_text="The board action it informs, if any.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = SavedScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name
