"""`date_parts`: the day, month and year boxes of a GOV.UK date input, from a bound DateField
(offermap.action_forms), each with its name, id, value and width."""

import datetime

from django import template

register = template.Library()

PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))


@register.filter
def date_parts(bound_field) -> list[dict]:
    value = bound_field.value()
    if isinstance(value, datetime.date):
        values = [value.day, value.month, value.year]
    elif isinstance(value, list | tuple):
        values = list(value) + [""] * (3 - len(value))
    else:
        values = ["", "", ""]
    return [
        {"name": f"{bound_field.html_name}_{index}", "id": f"{bound_field.auto_id}_{index}",
         "label": label, "width": width, "value": "" if values[index] is None else values[index],
         "key": key}
        for index, (key, label, width) in enumerate(PARTS)
    ]
