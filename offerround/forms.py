"""The round's forms: opening a round, one offer, an officer's review, the bulk upload.

GOV.UK classes are set here (this app imports nothing from offermap: see design.md)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from areas.validators import validate_academic_year
from offerround.models import OfferRound, SubmittedOffer
from providers.models import Provider, Site

MAX_NOTE = 2000


def govuk(form: forms.BaseForm, widths: dict[str, str] | None = None) -> forms.BaseForm:
    """GOV.UK Frontend classes on each widget and the hint named by aria-describedby; after
    validation (call again) the error classes and the error message too."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "govuk-checkboxes__input"
        elif isinstance(widget, forms.Select):
            css = "govuk-select"
        elif isinstance(widget, forms.Textarea):
            css = "govuk-textarea"
        elif isinstance(widget, forms.ClearableFileInput):
            css = "govuk-file-upload"
        else:
            css = "govuk-input"
        error = form.is_bound and name in form.errors
        widget.attrs["class"] = " ".join(filter(None, (
            css, (widths or {}).get(name), f"{css}--error" if error else "")))
        described = [f"id_{name}-hint"] if field.help_text else []
        if error:
            described.append(f"id_{name}-error")
        if described:
            widget.attrs["aria-describedby"] = " ".join(described)
    return form


def error_links(form: forms.BaseForm, first_field: str) -> list[dict]:
    """The GOV.UK error summary's items, each linking to its field (form-wide ones to the
    first field)."""
    return [
        {"message": errors[0],
         "anchor": f"id_{first_field if name == '__all__' else name}"}
        for name, errors in form.errors.items()
    ]


class OpenRoundForm(forms.Form):
    academic_year = forms.CharField(
        label="Academic year", max_length=7, help_text="For example, 2026/27.",
        validators=[validate_academic_year],
    )
    deadline = forms.DateField(
        label="Deadline for providers", input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="For example, 31/03/2027.",
        error_messages={"invalid": "Enter the deadline as a date, for example 31/03/2027."},
    )

    def clean_academic_year(self):
        year = self.cleaned_data["academic_year"].strip()
        if OfferRound.objects.filter(academic_year=year).exists():
            raise ValidationError(f"A round for {year} has already been opened.")
        return year


class OfferForm(forms.ModelForm):
    """One offer as the provider will run it; the site list holds only the provider's sites."""

    class Meta:
        model = SubmittedOffer
        fields = ["title", "level", "qualification_type", "subject", "tlevel_route", "site",
                  "places", "min_english_grade", "min_maths_grade", "min_gcse_passes",
                  "ehcp_required"]
        labels = {"title": "Course title", "qualification_type": "Type of qualification",
                  "places": "Places"}
        help_texts = {
            "subject": "For example, Chemistry, Engineering, or an apprenticeship standard.",
            "tlevel_route": "Only for a T Level, for example Digital.",
            "site": "Leave as the main site if it is taught there.",
            "places": "How many learners can start it. Leave empty if you do not know.",
            "min_english_grade": "A GCSE grade from 1 to 9; leave empty if none is needed.",
            "min_maths_grade": "A GCSE grade from 1 to 9; leave empty if none is needed.",
        }

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.submission = submission
        self.fields["site"].queryset = Site.objects.filter(provider=submission.provider)
        self.fields["site"].empty_label = "Main site"
        self.fields["level"].choices = [("", "Choose a level"), *self.fields["level"].choices[1:]]
        self.fields["qualification_type"].choices = [
            ("", "Choose a type"), *self.fields["qualification_type"].choices[1:]]
        for name in ("places", "min_english_grade", "min_maths_grade", "min_gcse_passes"):
            # GOV.UK asks for text inputs with a numeric keyboard, not type=number (which
            # drops what it cannot read, so the person is never told).
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        govuk(self, self.WIDTHS)

    WIDTHS = {"places": "govuk-input--width-5", "min_english_grade": "govuk-input--width-2",
              "min_maths_grade": "govuk-input--width-2", "min_gcse_passes": "govuk-input--width-2"}



class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[("accept", "Accept: these become the year's offers"),
                 ("return", "Return to the provider for changes")],
        error_messages={"required": "Choose whether to accept or return the submission."},
    )
    note = forms.CharField(
        label="Note to the provider", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_NOTE, help_text="Needed when you return it: say what to change.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", "Say what the provider should change.")
        return data


class RoundStateForm(forms.Form):
    """Close or reopen a round (the button says which)."""

    change = forms.ChoiceField(choices=[("close", "Close the round"),
                                        ("reopen", "Reopen the round")],
                               error_messages={"required": "Choose to close or reopen the round.",
                                               "invalid_choice": "Choose to close or reopen "
                                                                 "the round."})


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, provider):
        # Two providers can share a name (a school and its sixth form): the URN tells them apart.
        return f"{provider.name} (URN {provider.urn})" if provider.urn else provider.name


class AddProviderForm(forms.Form):
    """One open provider the round has no submission for."""

    provider = ProviderChoiceField(
        queryset=Provider.objects.none(), label="Provider", empty_label="Choose a provider",
        help_text="Open providers that are not yet in this round.",
        error_messages={"required": "Choose the provider to add.",
                        "invalid_choice": "Choose an open provider that is not yet in the "
                                          "round."},
    )

    def __init__(self, *args, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = eligible


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="The file you downloaded, edited.")
