"""Forms for board actions: recording or editing one, and filtering the list.

Who may record what is never decided here: the forms ask the permission rules
(`user.has_perm`, accounts/rules.py) which remits and LCPAs to offer, and ask again in `clean`
about the action exactly as it would be saved, so a forged POST for another LCPA or remit is
refused like a wrong choice.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError

from areas.models import Area, Region
from coldspots.models import BoardAction
from providers.models import Level, Provider

YEAR_RE = r"^\d{4}/\d{2}$"


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes, drawn by templates/actions/
    _date_input.html from the `date_parts` filter (offermap/templatetags/actions.py)."""

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's messages."""

    widget = DateInputWidget

    def __init__(self, *, label: str, **kwargs):
        self.label_text = label
        fields = [forms.CharField(), forms.CharField(), forms.CharField()]
        super().__init__(fields, require_all_fields=False, label=label, **kwargs)

    def compress(self, data_list):
        parts = [str(part or "").strip() for part in (data_list or [])]
        if not any(parts):
            return None
        if not all(parts):
            missing = [name for name, part in zip(("day", "month", "year"), parts,
                                                  strict=True) if not part]
            raise ValidationError(f"{self.label_text} must include a {' and '.join(missing)}")
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise ValidationError(f"{self.label_text} must be a real date, for example 27 3 2027")
        try:
            return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValidationError(
                f"{self.label_text} must be a real date, for example 27 3 2027"
            ) from None


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class BoardActionForm(forms.ModelForm):
    """Record or edit an action. `user` decides which remits and LCPAs are offered and
    accepted; `region` (an LCPA known from the page or the POST) narrows the small areas."""

    due = DateField(label="Due date", required=False)
    area = AreaChoiceField(queryset=Area.objects.none(), required=False, label="Small area",
                           empty_label="None: the whole LCPA")
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), required=False,
                                      empty_label="None")
    academic_year = forms.RegexField(regex=YEAR_RE, required=False, max_length=7,
                                     label="Academic year",
                                     error_messages={"invalid": "Enter the academic year "
                                                     "like 2024/25"})

    class Meta:
        model = BoardAction
        fields = ["remit", "region", "level", "area", "provider", "academic_year", "action",
                  "note", "owner", "due", "status"]
        labels = {"region": "LCPA", "action": "What the board will do", "note": "Notes",
                  "owner": "Owner", "level": "Level", "status": "Status", "remit": "Remit"}
        help_texts = {"owner": "The person or organisation who will do it."}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.permission = ("coldspots.change_boardaction" if self.instance.pk
                           else "coldspots.add_boardaction")
        remits, regions = allowed_scope(user, self.permission)
        self.fields["remit"].choices = [("", "Choose a remit")] + [
            choice for choice in BoardAction.Remit.choices if choice[0] in remits]
        self.fields["region"].queryset = Region.objects.filter(pk__in=regions).order_by("name")
        self.fields["region"].empty_label = "Choose an LCPA"
        self.fields["level"].choices = [("", "All levels"), *Level.choices]
        self.fields["provider"].queryset = Provider.objects.order_by("name")
        region_id = self._chosen_region_id()
        areas = Area.objects.filter(region__isnull=False).order_by("name")
        if region_id:
            areas = areas.filter(region_id=region_id)
        self.fields["area"].queryset = areas
        self.fields["action"].required = True
        self.fields["action"].error_messages["required"] = "Enter what the board will do"
        self.fields["remit"].error_messages["required"] = "Choose the remit"
        self.fields["remit"].error_messages["invalid_choice"] = (
            "Choose one of the remits you record actions for")
        self.fields["region"].error_messages["required"] = "Choose the LCPA"
        self.fields["region"].error_messages["invalid_choice"] = (
            "Choose one of the LCPAs you record actions for")
        self.fields["area"].error_messages["invalid_choice"] = (
            "Choose a small area in the LCPA of the action")
        for name in ("note", "action"):
            self.fields[name].widget.attrs.update(rows=4, spellcheck="true")
        self.fields["owner"].widget.attrs["spellcheck"] = "false"
        govuk_classes(self, {"academic_year": "govuk-input--width-10",
                             "owner": "govuk-!-width-two-thirds"})

    def _chosen_region_id(self):
        raw = self.data.get("region") if self.is_bound else (
            self.initial.get("region") or self.instance.region_id)
        raw = getattr(raw, "pk", raw)
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean(self):
        data = super().clean()
        remit, region = data.get("remit"), data.get("region")
        if remit and region:
            proposed = BoardAction(remit=remit, region=region)
            if not self.user.has_perm(self.permission, proposed):
                raise ValidationError(
                    "You can record actions only for your own remit or your own LCPA.")
        return data


def govuk_classes(form, widths: dict[str, str] | None = None) -> None:
    """GOV.UK Frontend classes on each widget, the hint named by aria-describedby."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, DateInputWidget):
            continue
        if isinstance(widget, forms.Select):
            css = "govuk-select"
        elif isinstance(widget, forms.Textarea):
            css = "govuk-textarea"
        else:
            css = "govuk-input"
        widget.attrs["class"] = " ".join(filter(None, (css, (widths or {}).get(name))))
        if field.help_text:
            widget.attrs["aria-describedby"] = f"id_{name}-hint"


def mark_invalid(form) -> None:
    """After validation: the GOV.UK error class on each field in error, and its message named
    by aria-describedby."""
    for name in form.errors:
        if name not in form.fields or isinstance(form.fields[name].widget, DateInputWidget):
            continue
        attrs = form.fields[name].widget.attrs
        css = attrs.get("class", "").split(" ")[0]
        attrs["class"] = f"{attrs.get('class', '')} {css}--error".strip()
        described = [part for part in (attrs.get("aria-describedby", ""),
                                       f"id_{name}-error") if part]
        attrs["aria-describedby"] = " ".join(described)


def allowed_scope(user, permission: str) -> tuple[set[str], set[int]]:
    """(remits, LCPA ids) that `user` may record or edit actions for, asked of the rules for
    every pair; a remit or LCPA is offered when at least one pair with it is allowed (the form's
    clean checks the pair actually chosen)."""
    remits: set[str] = set()
    regions: set[int] = set()
    for region_id in Region.objects.values_list("pk", flat=True):
        for remit in BoardAction.Remit.values:
            if user.has_perm(permission, BoardAction(remit=remit, region_id=region_id)):
                remits.add(remit)
                regions.add(region_id)
    return remits, regions


STATUS_FILTERS = [
    ("", "Any status"),
    ("open", "Open (not done)"),
    *BoardAction.Status.choices,
]
DUE_FILTERS = [
    ("", "Any due date"),
    ("overdue", "Overdue (open, due date passed)"),
    ("next_30", "Due in the next 30 days"),
    ("none", "No due date"),
]


class ActionFilterForm(forms.Form):
    """The list's GET filters. Bad values never raise: each is reported and left out."""

    status = forms.ChoiceField(choices=STATUS_FILTERS, required=False, label="Status")
    remit = forms.ChoiceField(choices=[("", "Any remit"), *BoardAction.Remit.choices],
                              required=False, label="Remit")
    lcpa = forms.ChoiceField(choices=[], required=False, label="LCPA")
    due = forms.ChoiceField(choices=DUE_FILTERS, required=False, label="Due")
    due_by = DateField(label="Due on or before", required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["lcpa"].choices = [
            ("", "Any LCPA"), *Region.objects.order_by("name").values_list("slug", "name")]
        for name in ("status", "remit", "lcpa", "due"):
            self.fields[name].error_messages["invalid_choice"] = (
                f"Choose a {self.fields[name].label.lower()} from the list")
            self.fields[name].widget.attrs.update({"class": "govuk-select",
                                                   "id": f"filter-{name}"})

    def filters(self) -> dict:
        """The filters that could be read (an invalid one is left out, and is in `errors`)."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items()
                if value not in (None, "")}

    def apply(self, actions, today: datetime.date):
        chosen = self.filters()
        status = chosen.get("status")
        if status == "open":
            actions = actions.open()
        elif status:
            actions = actions.filter(status=status)
        if chosen.get("remit"):
            actions = actions.for_remit(chosen["remit"])
        if chosen.get("lcpa"):
            actions = actions.for_region(chosen["lcpa"])
        due = chosen.get("due")
        if due == "overdue":
            actions = actions.overdue(today)
        elif due == "next_30":
            actions = actions.filter(due__gte=today, due__lte=today + datetime.timedelta(30))
        elif due == "none":
            actions = actions.filter(due__isnull=True)
        if chosen.get("due_by"):
            actions = actions.due_by(chosen["due_by"])
        return actions
