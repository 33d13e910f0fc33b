"""Template filters for the generic report templates (templates/offermap/reports/)."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key], or None when it is missing (a table without a download)."""
    return (mapping or {}).get(key)


@register.filter
def report_cells(table) -> list[list[dict]]:
    """A ReportTable's shown rows (learner counts suppressed) as cells: {value, numeric}."""
    names = [name for name, _ in table.columns]
    return [[{"value": value, "numeric": name in table.numeric_columns}
             for name, value in zip(names, row, strict=True)] for row in table.cells()]
