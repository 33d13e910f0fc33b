"""The board champions' report pages and their CSV downloads (thin views over offermap.reports).

A report is for one year, travel time and mode (ReportForm); its figures come from the cached
Results of the analysis, shaped by the remit's builder. Bad parameters get the GOV.UK error
summary and a 400 (a download: a plain-text 400), never a page of figures for something else.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from coldspots.params import MINUTES_CHOICES, MODE_LABELS
from coldspots.results import compute, data_version, load_inputs
from kent_offer.decorators import read_only
from offermap import action_views, links, presenters
from offermap.forms import default_params, error_summary
from offermap.report_parts import NO_DATA
from offermap.reports import REMITS, build_report, report_tables
from offermap.sources import SOURCES
from offermap.views import _bad_request, _csv_response, _travel_text

DEFAULT_MINUTES = 60


class ReportForm(forms.Form):
    """A report's year, travel time and mode: empty values take the defaults (the latest year,
    60 minutes, public transport); anything else not on the lists is an error."""

    year = forms.ChoiceField(label="Academic year", required=False)
    minutes = forms.TypedChoiceField(
        label="Travel time", required=False, coerce=int, empty_value=None,
        choices=[(m, f"{m} minutes") for m in MINUTES_CHOICES],
        error_messages={"invalid_choice": "Choose a travel time of "
                        + ", ".join(str(m) for m in MINUTES_CHOICES) + " minutes."})
    mode = forms.ChoiceField(
        label="Travelling by", required=False,
        choices=[(mode, label[:1].upper() + label[1:]) for mode, label in MODE_LABELS.items()],
        error_messages={"invalid_choice": "Choose public transport, car or walking."})

    def __init__(self, data, years: list[str], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [(year, year) for year in reversed(years)]
        self.fields["year"].error_messages["invalid_choice"] = (
            "Choose an academic year that has offers recorded: " + ", ".join(years) + ".")

    def params(self, version: str):
        """The analysis parameters: the officers' thresholds with this form's values."""
        data = self.cleaned_data
        return dataclasses.replace(
            default_params(version), year=data.get("year") or None,
            minutes=data.get("minutes") or DEFAULT_MINUTES, mode=data.get("mode") or "pt")


FIELD_IDS = {"year": "report-year", "minutes": "report-minutes", "mode": "report-mode"}


def _remit_or_404(remit_slug: str):
    remit = REMITS.get(remit_slug)
    if remit is None:
        raise Http404("No report has that name.")
    return remit


def _request(request, remit_slug: str, lcpa: str | None):
    """(remit, form, results or None, inputs, region name) for a report request; Http404 for an
    unknown remit or LCPA. results is None when the form is not valid."""
    remit = _remit_or_404(remit_slug)
    version = data_version()
    inputs = load_inputs(version)
    names = presenters.region_names(inputs.regions)
    if lcpa is not None and lcpa not in names:
        raise Http404("No LCPA has that name.")
    form = ReportForm(request.GET, years=list(inputs.years()))
    results = compute(form.params(version), version) if form.is_valid() else None
    return remit, form, results, inputs, names.get(lcpa) if lcpa else None


def _fields(form, selected: dict) -> list[dict]:
    """The form's selects as the template draws them: each option with whether it is chosen
    (the value the report used; after an error, the default)."""
    fields = []
    for name, field in form.fields.items():
        chosen = str(selected.get(name, ""))
        fields.append({
            "name": name, "label": field.label,
            "errors": " ".join(form.errors.get(name, [])),
            "options": [(str(value), text, str(value) == chosen)
                        for value, text in field.choices],
        })
    return fields


def _problems(form) -> dict[str, str]:
    return {name: " ".join(messages) for name, messages in form.errors.items()}


@read_only
def report_index(request):
    inputs = load_inputs()
    regions = list(zip(inputs.regions["region_slug"], inputs.regions["region_name"],
                       strict=True))
    return render(request, "offermap/reports/index.html", {
        "remits": REMITS.values(), "regions": regions})


def _parameters(results) -> dict:
    params = results.params
    return {
        "year": results.year,
        "compare_year": results.compare_year,
        "travel": _travel_text(params),
        "travel_method": results.travel_method_label,
        "min_providers": params.min_providers,
        "max_nearest_minutes": params.max_nearest_minutes,
        "small_learners": params.small_learners,
        "small_sixth_form": params.small_sixth_form,
        "duplication_minutes": params.duplication_minutes,
        "cohort_year": results.cohort_year,
        "cohort_is_estimate": results.cohort_is_estimate,
        "recorded": presenters.recorded_types_text(results),
        "rule": presenters.rule_summary(results),
        "data_version": results.data_version,
    }


@read_only
def report(request, remit, lcpa=None):
    remit, form, results, inputs, region_name = _request(request, remit, lcpa)
    context = {
        "remit": remit, "lcpa": lcpa, "region_name": region_name, "form": form,
        "field_ids": FIELD_IDS, "no_data": NO_DATA, "sources": SOURCES,
        "generated": timezone.localtime(),
        "regions": list(zip(inputs.regions["region_slug"], inputs.regions["region_name"],
                            strict=True)),
    }
    if results is None:
        problems = _problems(form)
        context["error_links"] = error_summary(
            problems, {name: FIELD_IDS.get(name, "report-form") for name in problems},
            "report-form")
        context["fields"] = _fields(form, {"minutes": DEFAULT_MINUTES, "mode": "pt"})
        return render(request, "offermap/reports/report.html", context, status=400)
    sections = build_report(remit, results, inputs, lcpa)
    query = links.query_string(request.GET)
    suffix = f"?{query}" if query else ""
    downloads = {
        key: (reverse("offermap:report_lcpa_download_csv", args=[remit.slug, lcpa, key])
              if lcpa else reverse("offermap:report_download_csv", args=[remit.slug, key]))
        + suffix for key in report_tables(sections)}
    context.update({
        "results": results, "sections": sections, "downloads": downloads,
        "parameters": _parameters(results),
        "fields": _fields(form, {"year": results.year, "minutes": results.params.minutes,
                                 "mode": results.params.mode}),
        "actions_panel": action_views.actions_panel(
            request, remit=remit.action_remit, region=lcpa, level=remit.level or None,
            year=results.year),
    })
    return render(request, "offermap/reports/report.html", context)


def csv_rows(table, results, region_name: str | None) -> tuple[list[str], list[list]]:
    """A report table as its CSV holds it: (header, rows) — the shown rows (learners 1 to 5 as
    "c"), one column per field, after the report's LCPA, year, travel time and how many of the
    year's expected providers confirmed their offer in the offer round (the page's parameters
    block says the same; a file read on its own must not pass published records for
    confirmed ones). Values are written as the page writes them (a whole number stays whole;
    missing is empty)."""
    cover = results.coverage
    lead = {"academic_year": results.year, "travel": _travel_text(results.params),
            "providers_confirmed_offer": cover.confirmed_providers,
            "providers_expected": cover.expected_providers}
    if region_name:
        lead = {"report_lcpa": region_name, **lead}
    header = [*lead, *(name for name, _ in table.columns)]
    rows = [[*lead.values(), *cells] for cells in table.cells()]
    return header, rows


@read_only
def report_download_csv(request, remit, table, lcpa=None):
    """One table of a report as CSV (formula-safe), for the report's year and travel time."""
    remit, form, results, inputs, region_name = _request(request, remit, lcpa)
    if results is None:
        return _bad_request(_problems(form))
    tables = report_tables(build_report(remit, results, inputs, lcpa))
    if table not in tables:
        raise Http404("The report has no table of that name.")
    header, rows = csv_rows(tables[table], results, region_name)
    name = (f"kent-offer-{remit.slug}-{lcpa or 'kent'}-{results.year.replace('/', '-')}-"
            f"{table}.csv")
    # Object columns: each cell is written as the page shows it (no pandas widening to floats).
    return _csv_response(pd.DataFrame(rows, columns=header, dtype=object), name)
