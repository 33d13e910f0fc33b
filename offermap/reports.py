"""The board champions' reports: one per remit, Kent-wide or for one LCPA.

Each remit names a builder by dotted path, so that a remit's module is imported only when its
report is opened and adding a remit is one line in REMITS. The builder interface, which every
remit's module keeps:

    def sections(results, inputs, slug: str | None) -> list[ReportSection]

`results` is coldspots.results.Results for the request, `inputs` the frames it was computed
from; slug None asks for the Kent-wide report (tables with one row per LCPA), else the report
for that LCPA. Table keys (and chart keys, whose tables download too) are unique within a
report and URL-safe: they name the CSV download `<key>.csv`. Builders only shape figures that
Results holds; they never calculate a measure a second time.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from coldspots.models import BoardAction
from offermap.report_parts import ReportSection, ReportTable


@dataclass(frozen=True)
class Remit:
    """A champion's remit: `slug` is its URL name ("level-3"), `builder` the dotted path of its
    sections function, `action_remit` the BoardAction.Remit value its board actions carry, and
    `level` the level its actions are recorded at by default ("" for none)."""

    slug: str
    title: str
    description: str
    builder: str
    action_remit: str
    level: str = ""


REMITS: dict[str, Remit] = {remit.slug: remit for remit in (
    Remit("level-3", "Level 3",
          "Choice at Level 3 by type (A Levels, T Levels, applied general, tech levels, advanced "
          "apprenticeships); areas with no or reduced choice; small sixth forms and duplicated "
          "small offers; non-selective schools with a narrow Level 3 offer.",
          "offermap.report_level3.sections", BoardAction.Remit.LEVEL_3, "3"),
    Remit("level-2", "Level 2",
          "The gap analysis at Level 2 and below per LCPA; change since the previous year by "
          "source; young people with no Level 2 pathway within reach, also for a learner "
          "without grade 4 in English and maths.",
          "offermap.report_level2.sections", BoardAction.Remit.LEVEL_2, "2"),
    Remit("semh", "SEMH",
          "Alternative provision by LCPA, the areas with none within reach, and AP reach.",
          "offermap.report_semh.sections", BoardAction.Remit.SEMH),
    Remit("send", "SEND",
          "Specialist post-16 provision and supported internships by LCPA, distance to learn "
          "for learners with an EHCP, and local choice.",
          "offermap.report_send.sections", BoardAction.Remit.SEND),
    Remit("skills", "Skills",
          "The offer by sector subject area and T Level route per LCPA, apprenticeship "
          "standards included, against the priority sectors officers keep, with sectors that "
          "have no provision within reach.",
          "offermap.report_skills.sections", BoardAction.Remit.SKILLS),
)}


def builder_for(remit: Remit):
    """The remit's sections function, imported from its dotted path."""
    module_name, _, function_name = remit.builder.rpartition(".")
    return getattr(importlib.import_module(module_name), function_name)


def build_report(remit: Remit, results, inputs, slug: str | None) -> list[ReportSection]:
    """The remit's sections for Kent (slug None) or one LCPA."""
    return builder_for(remit)(results, inputs, slug)


def report_tables(sections: list[ReportSection]) -> dict[str, ReportTable]:
    """Every table of a report by key: the sections' own and their charts' (a chart's table
    has the chart's key), in page order."""
    tables: dict[str, ReportTable] = {}
    for section in sections:
        for table in [*section.tables, *(chart.table for chart in section.charts)]:
            if table.key in tables:
                raise ValueError(f"Two tables of one report have the key {table.key!r}.")
            tables[table.key] = table
    return tables
