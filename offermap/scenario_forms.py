"""Forms of the what-if page: the scenario in the URL (`?changes=<JSON>`) and one small GET form
per kind of change that a person adds from lists of the year's records.

The scenario itself is the engine's (coldspots.scenarios): `parse_changes` reads the JSON and
`apply_changes` has the last word on whether the changes fit the data. These forms only add what
a page needs on top: limits on size, ids checked against the year's records with a message a
person can act on, and choices to pick from (so nobody has to know an id).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pandas as pd
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from areas.models import Postcode
from areas.validators import POSTCODE_RE, normalise_postcode
from coldspots.analysis import Inputs
from coldspots.params import LEVELS, MINUTES_RANGE, AnalysisParams
from coldspots.scenarios import (
    AddOffer,
    ChangeTravelLimit,
    CloseOffer,
    CloseProvider,
    CloseSite,
    SetJourneyTime,
    apply_changes,
    parse_changes,
)
from offermap.action_forms import govuk_classes
from providers.models import Course, Level

# A scenario is a handful of changes a person picked; anything far bigger is not one (and would
# make every request recompute the county many times over for nothing).
MAX_CHANGES = 30
MAX_JSON_CHARACTERS = 8_000
MAX_TEXT = 100
# The longest journey check_changes accepts (a day), and a small area's code as typed.
MAX_JOURNEY_MINUTES = 24 * 60
AREA_CODE_RE = re.compile(r"^[EW]0[0-9]{7}$")
TYPE_LABELS = dict(Course.QualificationType.choices)
LEVEL_LABELS = dict(Level.choices)


@dataclass
class ScenarioChoices:
    """What a change may name in the analysed year, as (value, label) lists for the selects and
    as sets for checking ids from a URL.

    providers: providers with an offer running in the year; close_sites: their sites with such
    an offer; offers: the year's running offers, grouped by provider; add_sites: sites of open
    providers, where a new offer may be placed; journey_sites: either kind (a journey time may
    be set to any of them). area_names: every small area's name by
    code; kent_areas: the codes of those in an LCPA (the only ones the comparison shows).
    """

    year: str
    providers: list[tuple[int, str]]
    close_sites: list[tuple[str, list[tuple[int, str]]]]
    offers: list[tuple[str, list[tuple[int, str]]]]
    add_sites: list[tuple[str, list[tuple[int, str]]]]
    journey_sites: list[tuple[str, list[tuple[int, str]]]]
    area_codes: frozenset[str]
    area_names: dict[str, str]
    kent_areas: frozenset[str]

    @classmethod
    def from_inputs(cls, inputs: Inputs, year: str) -> ScenarioChoices:
        sites, offers, areas = inputs.sites, inputs.offers, inputs.areas
        running = offers[(offers["academic_year"] == year)
                         & ~offers["withdrawn"].to_numpy(dtype=bool)]
        site_rows = {row["site_id"]: row for row in sites[
            ["site_id", "site_name", "provider_id", "provider_name", "provider_urn",
             "provider_open"]].to_dict("records")}
        offer_rows = sorted(
            (row for row in running[["course_id", "site_id", "provider_id", "level",
                                     "qualification_type", "title", "subject"]]
             .to_dict("records") if row["site_id"] in site_rows),
            key=lambda row: (site_rows[row["site_id"]]["provider_name"], row["level"],
                             row["qualification_type"], str(row["title"]), row["course_id"]))
        providers = {}
        for row in offer_rows:
            site = site_rows[row["site_id"]]
            providers.setdefault(site["provider_id"], _provider_label(site["provider_name"],
                                                                      site["provider_urn"]))
        running_sites = {row["site_id"] for row in offer_rows}
        return cls(
            year=year,
            providers=sorted(providers.items(), key=lambda item: (item[1], item[0])),
            close_sites=_sites_by_provider(
                [site for site_id, site in site_rows.items() if site_id in running_sites]),
            offers=_grouped([(site_rows[row["site_id"]], int(row["course_id"]),
                              _offer_label(row, site_rows[row["site_id"]]["site_name"]))
                             for row in offer_rows]),
            add_sites=_sites_by_provider(
                [site for site in site_rows.values() if site["provider_open"]]),
            journey_sites=_sites_by_provider(
                [site for site_id, site in site_rows.items()
                 if site["provider_open"] or site_id in running_sites]),
            area_codes=frozenset(areas["area_code"]),
            area_names=dict(zip(areas["area_code"], areas["area_name"].astype(str),
                                strict=True)),
            kent_areas=frozenset(areas.loc[areas["region_slug"].notna(), "area_code"]),
        )

    def ids(self, name: str) -> set[int]:
        """The ids of one list of choices (a field's name: providers, offers, *_sites)."""
        if name == "providers":
            return {value for value, _ in self.providers}
        return {value for _, group in getattr(self, name) for value, _ in group}

    def label(self, name: str, value: int) -> str:
        """The label of a choice (for the list of changes on the page), or a note that the
        year has no such record."""
        unknown = f"number {value} (not in the records of {self.year})"
        if name == "providers":
            return dict(self.providers).get(value, unknown)
        for group, items in getattr(self, name):
            for item, text in items:
                if item == value:
                    if name == "offers" or group.startswith(f"{text} (URN"):
                        return text if name == "offers" else group  # a site named as its provider
                    return f"{text}, {group}"
        return unknown


def _provider_label(name, urn) -> str:
    return f"{name} (URN {int(urn)})" if not pd.isna(urn) else str(name)


def _offer_label(row: dict, site_name: str) -> str:
    kind = TYPE_LABELS.get(row["qualification_type"], row["qualification_type"])
    level = LEVEL_LABELS.get(row["level"], row["level"])
    title = row["title"] if isinstance(row["title"], str) else ""
    title = "" if title in (kind, "") else f": {title}"
    subject = f" ({row['subject']})" if isinstance(row["subject"], str) and row["subject"] \
        else ""
    return f"{level} {kind}{subject}{title}, at {site_name}"


def _grouped(items) -> list[tuple[str, list[tuple[int, str]]]]:
    """(site row, value, label) items, in order, as optgroups named by provider."""
    groups: dict[tuple, list[tuple[int, str]]] = {}
    for site, value, label in items:
        key = (site["provider_id"], _provider_label(site["provider_name"],
                                                    site["provider_urn"]))
        groups.setdefault(key, []).append((value, label))
    return [(label, choices) for (_, label), choices in groups.items()]


def _sites_by_provider(sites: list[dict]) -> list[tuple[str, list[tuple[int, str]]]]:
    ordered = sorted(sites, key=lambda site: (site["provider_name"], site["provider_id"],
                                              site["site_name"], site["site_id"]))
    return _grouped([(site, int(site["site_id"]), str(site["site_name"])) for site in ordered])


def _printable(text: str) -> bool:
    return all(ch.isprintable() for ch in text)


def check_changes(changes: list, choices: ScenarioChoices, inputs: Inputs,
                  params: AnalysisParams) -> list[str]:
    """A message for each change that names nothing in the analysed year or does not fit the
    engine's limits (empty when every change can run)."""
    problems = []
    year = choices.year
    low, high = MINUTES_RANGE
    for number, change in enumerate(changes, start=1):
        where = f"Change {number}"
        if isinstance(change, CloseOffer) and change.course_id not in choices.ids("offers"):
            problems.append(f"{where}: there is no running offer {change.course_id} in {year}.")
        elif isinstance(change, CloseSite) and change.site_id not in choices.ids("close_sites"):
            problems.append(f"{where}: there is no site {change.site_id} with offers in {year}.")
        elif (isinstance(change, CloseProvider)
              and change.provider_id not in choices.ids("providers")):
            problems.append(f"{where}: there is no provider {change.provider_id} with offers in "
                            f"{year}.")
        elif isinstance(change, AddOffer):
            if change.site_id not in choices.ids("add_sites"):
                problems.append(f"{where}: there is no open site {change.site_id} to add an "
                                "offer at.")
            elif change.level not in Course.ALLOWED_LEVELS.get(change.qualification_type,
                                                               set(LEVELS)):
                problems.append(f"{where}: a {TYPE_LABELS[change.qualification_type]} is not "
                                f"offered at {LEVEL_LABELS[change.level]}.")
            elif any(len(text) > MAX_TEXT or not _printable(text)
                     for text in (change.subject, change.title, change.tlevel_route)):
                problems.append(f"{where}: the subject, title and route must be plain text of "
                                f"at most {MAX_TEXT} characters.")
        elif isinstance(change, ChangeTravelLimit) and not (
                low <= change.minutes <= high and change.minutes == int(change.minutes)):
            problems.append(f"{where}: the travel time must be a whole number of minutes from "
                            f"{low} to {high}.")
        elif isinstance(change, SetJourneyTime):
            if change.area_code not in choices.area_codes:
                problems.append(f"{where}: there is no small area {change.area_code[:20]!r}.")
            elif change.site_id not in choices.ids("journey_sites"):
                problems.append(f"{where}: there is no site {change.site_id}.")
            elif change.minutes > MAX_JOURNEY_MINUTES:
                problems.append(f"{where}: a journey time must be at most a day "
                                f"({MAX_JOURNEY_MINUTES} minutes).")
    if not problems:
        # The engine decides last (e.g. an offer added at a site whose provider an earlier
        # change closed).
        for number in range(1, len(changes) + 1):
            try:
                apply_changes(inputs, params, changes[:number])
            except ValueError as error:
                # The engine names the change by its repr first: the page names its number.
                reason = str(error).split("): ", 1)[-1]
                problems.append(f"Change {number}: {reason[:1].lower()}{reason[1:]}")
                break
    return problems


class ScenarioForm(forms.Form):
    """The scenario in the query string: `changes` is a JSON list of changes such as
    [{"change": "close_site", "site_id": 12}]. `cleaned_data["changes"]` is the list of the
    engine's change objects."""

    changes = forms.CharField(required=False, strip=True)

    def __init__(self, data, *, choices: ScenarioChoices, inputs: Inputs,
                 params: AnalysisParams, **kwargs):
        super().__init__(data, **kwargs)
        self.choices, self.inputs, self.params = choices, inputs, params
        self.parsed: list = []

    def clean_changes(self):
        raw = self.cleaned_data.get("changes") or ""
        if not raw:
            return []
        if len(raw) > MAX_JSON_CHARACTERS or not _printable(raw):
            raise ValidationError("The scenario in the address is too long or holds characters "
                                  "that cannot be read. Start again from this page.")
        try:
            items = json.loads(raw)
        except (ValueError, RecursionError):
            raise ValidationError("The scenario in the address could not be read (it is not "
                                  "valid JSON). Start again from this page.") from None
        if not isinstance(items, list):
            raise ValidationError('The scenario must be a list of changes, such as '
                                  '[{"change": "close_site", "site_id": 12}].')
        if len(items) > MAX_CHANGES:
            raise ValidationError(f"A scenario can have at most {MAX_CHANGES} changes.")
        changes, errors = parse_changes(items)
        if not errors:
            self.parsed = changes  # listed (with Remove links) even if they cannot run
            errors = check_changes(changes, self.choices, self.inputs, self.params)
        if errors:
            raise ValidationError(errors)
        return changes


class ListSelect(forms.Select):
    """A select of many records (the year's offers run to hundreds), drawn in Python: Django's
    template-per-option rendering took seconds for the page's lists. Every label and value is
    escaped by format_html, as the template would."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name

        def options(items):
            return format_html_join("", "<option value=\"{}\"{}>{}</option>", (
                (choice, " selected" if str(choice) == chosen else "", label)
                for choice, label in items))

        parts = []
        for group, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group,
                                         options(label)))
            else:
                parts.append(options([(group, label)]))
        # The parts are already escaped (safe strings), so joining them escapes nothing twice.
        return format_html("<select{}>{}</select>", flatatt(final),
                           format_html_join("", "{}", ((part,) for part in parts)))


# ---------------------------------------------------------------------------------------------
# Adding one change: each form is its own GET form on the page, with the scenario so far in a
# hidden field, and gives the change as the engine's dict (see coldspots.scenarios).


class ChangeForm(forms.Form):
    kind = ""
    title = ""

    def __init__(self, data=None, *, choices: ScenarioChoices, **kwargs):
        super().__init__(data, prefix=self.kind, **kwargs)
        self.choices = choices
        self.set_choices()
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = (
                    f"Choose {field.label.lower()} from the list")
                field.error_messages["required"] = f"Choose {field.label.lower()}"
        govuk_classes(self)
        if not self.is_bound:
            self._describe()  # a bound form is described after validation (full_clean)

    def _describe(self) -> None:
        # The prefixed fields' ids are id_<kind>-<name>: the hint and the message name them.
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            described = [f"{auto_id}-hint"] if field.help_text else []
            if self.is_bound and name in self._errors:
                described.append(f"{auto_id}-error")
                css = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{css} {css.split(' ')[0]}--error".strip()
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
            else:
                field.widget.attrs.pop("aria-describedby", None)

    def full_clean(self):
        super().full_clean()
        self._describe()

    def set_choices(self):
        """Fill the selects from the year's records."""

    def item(self) -> dict:
        return {"change": self.kind, **self.cleaned_data}


class CloseProviderForm(ChangeForm):
    kind, title = "close_provider", "Close a provider"
    provider_id = forms.TypedChoiceField(coerce=int, widget=ListSelect, label="The provider",
                                         help_text="Every site and offer of the provider "
                                         "closes.")

    def set_choices(self):
        self.fields["provider_id"].choices = [("", "Choose a provider"),
                                              *self.choices.providers]


class CloseSiteForm(ChangeForm):
    kind, title = "close_site", "Close a site"
    site_id = forms.TypedChoiceField(coerce=int, widget=ListSelect, label="The site",
                                     help_text="Sites are listed under their provider.")

    def set_choices(self):
        self.fields["site_id"].choices = [("", "Choose a site"), *self.choices.close_sites]


class CloseOfferForm(ChangeForm):
    kind, title = "close_offer", "Close an offer"
    course_id = forms.TypedChoiceField(coerce=int, widget=ListSelect, label="The offer",
                                       help_text="Offers running in the year, listed under "
                                       "their provider.")

    def set_choices(self):
        self.fields["course_id"].choices = [("", "Choose an offer"), *self.choices.offers]


class AddOfferForm(ChangeForm):
    kind, title = "add_offer", "Open an offer at a site"
    site_id = forms.TypedChoiceField(coerce=int, widget=ListSelect, label="The site",
                                     help_text="Sites of open providers, listed under their "
                                     "provider.")
    level = forms.ChoiceField(choices=[("", "Choose a level"), *Level.choices], label="Level")
    qualification_type = forms.ChoiceField(
        choices=[("", "Choose a type"), *Course.QualificationType.choices],
        label="Type of qualification")
    subject = forms.CharField(required=False, max_length=MAX_TEXT, label="Subject or sector",
                              help_text="For example Health and social care.")

    def set_choices(self):
        self.fields["site_id"].choices = [("", "Choose a site"), *self.choices.add_sites]
        self.fields["subject"].error_messages["max_length"] = (
            f"Enter a subject of at most {MAX_TEXT} characters")

    def clean_subject(self):
        subject = " ".join(self.cleaned_data.get("subject", "").split())
        if not _printable(subject):
            raise ValidationError("Enter the subject as plain text")
        return subject

    def clean(self):
        data = super().clean()
        level, kind = data.get("level"), data.get("qualification_type")
        if level and kind and level not in Course.ALLOWED_LEVELS.get(kind, set(LEVELS)):
            allowed = ", ".join(LEVEL_LABELS[value] for value in LEVELS
                                if value in Course.ALLOWED_LEVELS[kind])
            self.add_error("level", f"A {TYPE_LABELS[kind]} is offered at {allowed}")
        return data

    def item(self) -> dict:
        item = super().item()
        if not item["subject"]:
            del item["subject"]
        return item


class TravelLimitForm(ChangeForm):
    kind, title = "change_travel_limit", "Change the travel time"
    minutes = forms.IntegerField(min_value=MINUTES_RANGE[0], max_value=MINUTES_RANGE[1],
                                 label="Travel time in minutes",
                                 help_text=f"A whole number from {MINUTES_RANGE[0]} to "
                                 f"{MINUTES_RANGE[1]}.")

    def set_choices(self):
        low, high = MINUTES_RANGE
        message = f"Enter a whole number of minutes from {low} to {high}"
        for key in ("min_value", "max_value", "invalid", "required"):
            self.fields["minutes"].error_messages[key] = message
        self.fields["minutes"].widget.attrs.update(inputmode="numeric")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].widget.attrs["class"] += " govuk-input--width-4"


class JourneyTimeForm(ChangeForm):
    """A journey time from where a person lives to a site (a new bus route, say). People know
    their postcode, not their small area's code: the postcode is looked up as the postcode
    check does and the change names its small area; a code typed as such is taken as it is."""

    kind, title = "set_journey_time", "Set a journey time"
    place = forms.CharField(max_length=20, label="From (postcode or small area code)",
                            help_text="A Kent postcode such as CT1 1QU, or a small area code "
                            "such as E01024099. The journey starts from its small area.")
    site_id = forms.TypedChoiceField(coerce=int, widget=ListSelect, label="To the site",
                                     help_text="Sites are listed under their provider.")
    minutes = forms.IntegerField(min_value=0, max_value=MAX_JOURNEY_MINUTES,
                                 label="Journey time in minutes",
                                 help_text="A whole number from 0 to "
                                 f"{MAX_JOURNEY_MINUTES} (a day), by the way of travel "
                                 "analysed. The site is within reach if this is at most the "
                                 "travel time.")

    def set_choices(self):
        self.fields["site_id"].choices = [("", "Choose a site"), *self.choices.journey_sites]
        message = f"Enter a whole number of minutes from 0 to {MAX_JOURNEY_MINUTES}"
        for key in ("min_value", "max_value", "invalid", "required"):
            self.fields["minutes"].error_messages[key] = message
        self.fields["minutes"].widget.attrs.update(inputmode="numeric")
        self.fields["place"].error_messages.update(
            required="Enter a postcode or a small area code",
            max_length="Enter a full postcode such as CT1 1QU, or a small area code such as "
            "E01024099")
        self.fields["place"].widget.attrs.update(autocomplete="postal-code", spellcheck="false")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site_id"].error_messages.update(
            required="Choose the site the journey goes to",
            invalid_choice="Choose the site the journey goes to from the list")
        self.fields["place"].widget.attrs["class"] += " govuk-input--width-10"
        self.fields["minutes"].widget.attrs["class"] += " govuk-input--width-4"

    def clean_place(self) -> str:
        """The small area's code for what was typed (a message on the field otherwise)."""
        raw = self.cleaned_data["place"]
        if not _printable(raw):
            raise ValidationError("Enter the postcode as plain text, such as CT1 1QU")
        typed = normalise_postcode(raw)
        compact = typed.replace(" ", "")
        if AREA_CODE_RE.match(compact):
            if compact not in self.choices.area_codes:
                raise ValidationError(f"There is no small area {compact} in the data: check "
                                      "the code, or enter a postcode")
            return self._in_kent(compact, compact)
        if not POSTCODE_RE.match(typed):
            raise ValidationError("Enter a full postcode such as CT1 1QU, or a small area code "
                                  "such as E01024099")
        record = Postcode.objects.select_related("area").filter(postcode=typed).first()
        if record is None or record.area is None or record.area.code not in \
                self.choices.area_codes:
            raise ValidationError(f"We could not find {typed}. The data holds postcodes "
                                  "in Kent and Medway: check the postcode, or try one nearby")
        return self._in_kent(record.area.code, typed)

    def _in_kent(self, code: str, typed: str) -> str:
        # The comparison shows Kent's small areas only: a journey from Medway would change
        # nothing on the page, which would read as "no effect" rather than "not measured".
        if code not in self.choices.kent_areas:
            raise ValidationError(f"{typed} is outside Kent’s LCPAs: the scenarios compare "
                                  "Kent’s small areas. Enter a Kent postcode")
        return code

    def item(self) -> dict:
        data = self.cleaned_data
        return {"change": self.kind, "area_code": data["place"], "site_id": data["site_id"],
                "minutes": data["minutes"]}


CHANGE_FORMS = {form.kind: form for form in (CloseProviderForm, CloseSiteForm, CloseOfferForm,
                                             AddOfferForm, TravelLimitForm, JourneyTimeForm)}


class SaveScenarioForm(forms.Form):
    """Save the scenario on the page with a name, optionally attached to a board action the
    person may change (the choices are asked of the permission rules, so a forged POST naming
    another LCPA's action is refused like a wrong choice)."""

    name = forms.CharField(max_length=120, label="Name of the scenario",
                           help_text="For example: Close the Sheppey campus, 2023/24.")
    board_action = forms.ModelChoiceField(queryset=None, required=False,
                                          label="Attach it to a board action",
                                          empty_label="None")

    def __init__(self, *args, user, **kwargs):
        from coldspots.models import BoardAction

        super().__init__(*args, **kwargs)
        self.fields["board_action"].queryset = (
            BoardAction.objects.select_related("region").changeable_by(user)
            .in_reading_order())
        self.fields["board_action"].label_from_instance = lambda action: (
            f"{action.get_remit_display()}, {action.region.name}: {action.summary[:80]}")
        self.fields["board_action"].error_messages["invalid_choice"] = (
            "Choose one of the board actions you may change")
        self.fields["name"].error_messages.update(
            required="Enter a name for the scenario",
            max_length="Enter a name of at most 120 characters")
        govuk_classes(self, {"name": "govuk-!-width-two-thirds"})

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name or not _printable(name):
            raise ValidationError("Enter the name as plain text")
        return name
