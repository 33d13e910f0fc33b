"""Charts drawn on the server as SVG, each with its data table and a text alternative.

How to put a chart on a page or in a report section
---------------------------------------------------
1. Build it with one of the builders below from `coldspots.results.Results` (they read the
   analysis' own figures; nothing is calculated a second time)::

       from offermap import charts
       chart = charts.change_chart(results, highlight="ashford")
       chart = charts.minutes_chart(results, highlight="ashford", levels=("3",))
       chart = charts.guarantee_chart(results, highlight="ashford")
       chart = charts.guarantee_parts_chart(results, "ashford")

   `key` (a builder argument, default the chart's kind) names the chart on its page: the ids of
   its title, description and patterns are made from it, so two charts on one page need
   different keys. Its table (`chart.table`, an `offermap.report_parts.ReportTable`) has the
   same key, so that a report's CSV download of that table is `<key>.csv`.
2. Render it with ``{% include "charts/chart.html" with chart=chart %}``. That draws the figure
   (an <svg role="img"> with <title> and <desc>, named by aria-labelledby), an HTML legend that
   shows exactly the fills drawn, the notes, and the data table (a GOV.UK table in a <details>,
   opened in print). No JavaScript. For a report, append the chart to `ReportSection.charts`
   and include the template in the section's loop.
3. Styles are in static/css/site.css ("Charts"); the SVG's fills are patterns, not colour
   alone, and every bar carries its value as text, so it reads in greyscale and in print.

Safety: the template is autoescaped and every piece of text (LCPA names, provider names) is
written by the template, never joined into markup here; this module only works out numbers
(positions and sizes) and plain strings.

A `Chart` holds the figures (categories × series, with a text for each value) and works out its
drawing (`chart.drawing`): positions of labels and bars in a fixed 400-unit-wide viewBox that
scales with the page. Kinds: "bars" (grouped horizontal bars from a zero line, negative values
to its left; a series may have an `upper` value drawn as a line from the bar's end, e.g. the
90th percentile beyond the median) and "stacked" (one bar per category split into its
series' shares of 1). A value that is None or NaN draws no bar and is written "no data".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.text import slugify

from coldspots import analysis
from coldspots.analysis import KENT
from coldspots.guarantee import COMPONENT_LABELS
from coldspots.params import MODE_LABELS
from offermap import maps
from offermap.report_parts import ReportTable

LEVEL_SHORT = {"E": "Entry", "1": "L1", "2": "L2", "3": "L3"}
LEVEL_NAMES = {"E": "Entry level", "1": "Level 1", "2": "Level 2", "3": "Level 3"}
NO_DATA_TEXT = "no data"

# Fills, in the order series take them: each differs from the others in pattern as well as in
# shade, so that they stay apart in greyscale and in print.
PATTERNS = ("solid", "hatch", "dots", "light", "cross")
# A level has the same fill in every chart.
LEVEL_PATTERNS = {"3": "solid", "2": "hatch", "1": "dots", "E": "light"}

# The drawing's units (SVG user units: pixels at the chart's natural width).
WIDTH = 400
FONT = 16
CHAR_WIDTH = 8.2  # a character of Arial at the values' 15px, generously: room for labels
LABEL_HEIGHT = 22
BAR_HEIGHT = 16
BAR_GAP = 5
GROUP_GAP = 14
TEXT_GAP = 6


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _number(value) -> float | None:
    return None if _missing(value) else float(value)


def _wrap(parts: list[str], joiner: str) -> list[str]:
    """The parts joined into as few lines as fit the chart's width (a part is never split)."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1] + joiner + part) * CHAR_WIDTH <= WIDTH:
            lines[-1] += joiner + part
        else:
            lines.append(part)
    return lines


def value_text(value, unit: str, short: str = "") -> str:
    """A value as written on a chart: "L3: +4", "23%", "18 min", "no data"."""
    prefix = f"{short}: " if short else ""
    if _missing(value):
        return prefix + NO_DATA_TEXT
    value = float(value)
    if unit == "share":
        return prefix + maps.format_share(value)
    if unit == "minutes":
        return prefix + f"{value:.0f} min"
    if unit == "change":
        return prefix + ("no change" if value == 0 else f"{value:+,.0f}")
    return prefix + f"{value:,.0f}"


def change_text(value, short: str = "") -> str:
    return value_text(value, "change", short)


@dataclass
class Series:
    """One set of values, one per category. `label` is its legend text; `short` prefixes each
    value's label on the chart ("L3: +4"), so a bar is named without the legend; `texts` are
    the values as written (worked out from `values` and the chart's unit when not given);
    `upper` (bars only) a second value per category drawn as a line beyond the bar."""

    key: str
    label: str
    values: list[float | None]
    short: str = ""
    texts: list[str] = field(default_factory=list)
    upper: list[float | None] | None = None
    pattern: str = ""  # one of PATTERNS; default: the next one in order


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    pattern: str  # the <pattern> id it is filled with
    text: str
    text_x: float
    text_y: float
    whisker_x: float | None = None  # where the upper value's line ends

    @property
    def end_x(self) -> float:
        return round(self.x + self.width, 1)

    @property
    def mid_y(self) -> float:
        return round(self.y + self.height / 2, 1)

    @property
    def bottom_y(self) -> float:
        return round(self.y + self.height, 1)


@dataclass
class Group:
    label: str
    label_y: float
    highlight: bool
    bars: list[Bar]
    text: str = ""  # stacked: every segment's value, written under the bar
    text_y: float = 0.0
    lines: list[tuple[str, float]] = field(default_factory=list)  # text as (line, y) to fit
    top: float = 0.0  # where its bars start and end (the zero line is drawn between)
    bottom: float = 0.0


@dataclass
class Drawing:
    width: int
    height: float
    groups: list[Group]
    patterns: list[dict]  # {"id", "kind"}
    legend: list[dict]  # {"pattern" (id) or "whisker": True, "label"}
    zero_x: float  # the zero line's position (drawn when values fall below zero)


@dataclass
class Chart:
    """A chart and everything shown with it. `description` is the text alternative (what the
    chart shows and its main finding in a sentence or two); `unit` is "count", "change",
    "share" or "minutes" (how values are written); `highlight` is the category to mark (it is
    also named in its label, e.g. "Ashford (this LCPA)", so the mark is not only bold text);
    `whisker_label` is the legend text for series' upper values; `empty_text` is shown instead
    of the figure when no value is known."""

    key: str
    title: str
    description: str
    kind: str  # "bars" | "stacked"
    categories: list[str]
    series: list[Series]
    unit: str
    table: ReportTable
    highlight: str | None = None
    notes: list[str] = field(default_factory=list)
    whisker_label: str = ""
    empty_text: str = "No figures are recorded for this chart."

    def __post_init__(self):
        self.key = slugify(self.key) or "chart"
        for series in self.series:
            if not series.texts:
                series.texts = [self.value_text(v, series.short) for v in series.values]

    @property
    def title_id(self) -> str:
        return f"chart-{self.key}-title"

    @property
    def desc_id(self) -> str:
        return f"chart-{self.key}-desc"

    @property
    def has_values(self) -> bool:
        return any(not _missing(v) for s in self.series for v in s.values)

    def value_text(self, value, short: str = "") -> str:
        return value_text(value, self.unit, short)

    @cached_property
    def drawing(self) -> Drawing:
        patterns = [{"id": f"chart-{self.key}-fill-{i}",
                     "kind": series.pattern or PATTERNS[i % len(PATTERNS)]}
                    for i, series in enumerate(self.series)]
        if self.kind == "stacked":
            return self._stacked(patterns)
        return self._bars(patterns)

    def _legend(self, patterns) -> list[dict]:
        legend = [{"pattern": p["id"], "kind": p["kind"], "label": s.label}
                  for p, s in zip(patterns, self.series, strict=True)]
        if self.whisker_label and any(s.upper for s in self.series):
            legend.append({"whisker": True, "label": self.whisker_label})
        return legend

    def _bars(self, patterns) -> Drawing:
        values = [_number(v) for s in self.series for v in [*s.values, *(s.upper or [])]]
        known = [v for v in values if v is not None]
        low, high = min([0.0, *known]), max([0.0, *known])
        span = (high - low) or 1.0
        longest = max((len(t) for s in self.series for t in s.texts), default=0)
        room = min(longest * CHAR_WIDTH + TEXT_GAP, WIDTH * 0.55)
        plot = WIDTH - room

        def x_of(value: float) -> float:
            return (value - low) / span * plot

        zero = x_of(0.0)
        y = 4.0
        groups = []
        for i, category in enumerate(self.categories):
            label_y = y + FONT
            y += LABEL_HEIGHT
            bars = []
            for series, pattern in zip(self.series, patterns, strict=True):
                value = _number(series.values[i])
                upper = _number(series.upper[i]) if series.upper else None
                start, end = (zero, zero) if value is None else sorted((zero, x_of(value)))
                whisker = x_of(upper) if upper is not None and value is not None else None
                text_x = max(end, zero, whisker or 0.0) + TEXT_GAP
                bars.append(Bar(
                    x=round(start, 1), y=round(y, 1), width=round(end - start, 1),
                    height=BAR_HEIGHT, pattern=pattern["id"], text=series.texts[i],
                    text_x=round(text_x, 1), text_y=round(y + BAR_HEIGHT - 3, 1),
                    whisker_x=None if whisker is None else round(whisker, 1),
                ))
                y += BAR_HEIGHT + BAR_GAP
            groups.append(Group(category, round(label_y, 1), category == self.highlight, bars,
                                top=round(bars[0].y - 2, 1) if bars else y,
                                bottom=round(y - BAR_GAP + 2, 1)))
            y += GROUP_GAP - BAR_GAP
        return Drawing(WIDTH, round(y, 1), groups, patterns, self._legend(patterns),
                       zero_x=round(zero, 1) if low < 0 else 0.0)

    def _stacked(self, patterns) -> Drawing:
        y = 4.0
        groups = []
        for i, category in enumerate(self.categories):
            label_y = y + FONT
            y += LABEL_HEIGHT
            bars, left = [], 0.0
            for series, pattern in zip(self.series, patterns, strict=True):
                share = _number(series.values[i])
                width = max(0.0, min(share or 0.0, 1.0 - left / WIDTH)) * WIDTH
                bars.append(Bar(x=round(left, 1), y=round(y, 1), width=round(width, 1),
                                height=BAR_HEIGHT + 4, pattern=pattern["id"],
                                text=series.texts[i], text_x=0.0, text_y=0.0))
                left += width
            y += BAR_HEIGHT + 4
            known = any(_number(s.values[i]) is not None for s in self.series)
            parts = [s.texts[i] for s in self.series] if known else [NO_DATA_TEXT]
            lines = _wrap(parts, "; ")
            placed = [(line, round(y + FONT + 2 + n * (FONT + 3), 1))
                      for n, line in enumerate(lines)]
            groups.append(Group(category, round(label_y, 1), category == self.highlight, bars,
                                text="; ".join(parts), text_y=placed[0][1], lines=placed))
            y += len(lines) * (FONT + 3) + 3 + GROUP_GAP
        return Drawing(WIDTH, round(y, 1), groups, patterns, self._legend(patterns),
                       zero_x=0.0)

    def table_cells(self) -> list[list[dict]]:
        """The table's shown rows (learner counts suppressed) as cells for the template:
        {"value", "numeric", "header"}; the first column is the row's header."""
        numeric = self.table.numeric_columns
        rows = []
        for row in self.table.shown_rows():
            rows.append([{"value": row[name], "numeric": name in numeric, "header": i == 0}
                         for i, (name, _) in enumerate(self.table.columns)])
        return rows


# ---------------------------------------------------------------------------------------------
# Builders: pure functions from Results.


def _regions(results) -> list[tuple[str, str]]:
    """(slug, name) of each LCPA in the analysis' order, then Kent."""
    names = results.region_level.drop_duplicates("region_slug")
    pairs = list(zip(names["region_slug"], names["region_name"], strict=True))
    return [p for p in pairs if p[0] != KENT] + [p for p in pairs if p[0] == KENT]


def _category(slug: str, name: str, highlight: str | None) -> str:
    return f"{name} (this LCPA)" if slug == highlight else str(name)


def _round(value, digits: int = 1):
    """A figure for a table: None when unknown; a whole number at 0 digits."""
    if _missing(value):
        return None
    return round(float(value)) if digits == 0 else round(float(value), digits)


def _percent(value):
    return None if _missing(value) else round(float(value) * 100, 1)


def change_chart(results, highlight: str | None = None, levels: tuple[str, ...] | None = None,
                 key: str = "change") -> Chart:
    """The change in the number of offers from the compared year to the year, by LCPA and
    level (Results.year_on_year: offers_change), with offers and learners in both years in the
    table (learners suppressed from 1 to 5). Kent, the sum of the LCPAs, is in the table but
    not drawn: its bars would dwarf every LCPA's."""
    levels = levels or analysis.measured_levels(results.params)
    yoy = results.year_on_year
    before, now = results.compare_year, results.year
    regions = _regions(results)
    drawn = [(slug, name) for slug, name in regions if slug != KENT]
    index = {(row.region_slug, row.level): row for row in yoy.itertuples(index=False)}
    partial = _unmeasured(results, levels)
    series = []
    for level in levels:
        if level in partial:
            continue
        values = [_number(getattr(index.get((slug, level)), "offers_change", None))
                  for slug, _ in drawn]
        series.append(Series(level, LEVEL_NAMES[level], values, short=LEVEL_SHORT[level],
                             pattern=LEVEL_PATTERNS[level]))
    rows = []
    for slug, name in regions:
        for level in levels:
            row = index.get((slug, level))
            rows.append({
                "lcpa": _category(slug, name, highlight), "level": LEVEL_NAMES[level],
                "offers_from": _round(getattr(row, "offers_from", None), 0),
                "offers_to": _round(getattr(row, "offers_to", None), 0),
                "offers_change": _round(getattr(row, "offers_change", None), 0),
                "learners_from": _round(getattr(row, "learners_from", None), 0),
                "learners_to": _round(getattr(row, "learners_to", None), 0),
            })
    earlier = before or "the previous year"
    table = ReportTable(
        key=key, caption=f"Offers and learners at sites in each LCPA, {earlier} and {now}",
        columns=[("lcpa", "LCPA"), ("level", "Level"), ("offers_from", f"Offers {earlier}"),
                 ("offers_to", f"Offers {now}"), ("offers_change", "Change in offers"),
                 ("learners_from", f"Learners {earlier}"), ("learners_to", f"Learners {now}")],
        rows=rows, learner_columns=frozenset({"learners_from", "learners_to"}),
        numeric_columns=frozenset({"offers_from", "offers_to", "offers_change",
                                   "learners_from", "learners_to"}),
        notes=["Learners are those recorded on the offers (students completing 16–18 study in "
               "the performance tables); c: 1 to 5 learners, not shown to protect individuals.",
               "“No data recorded”: no offer at that level is recorded in that year anywhere in "
               "Kent, so there is no count to compare."],
    )
    kent = [(LEVEL_SHORT[level], getattr(index.get((KENT, level)), "offers_change", None))
            for level in levels if level not in partial]
    notes = [("Kent as a whole: " + ", ".join(
        change_text(v, short) for short, v in kent) + ".") if before is not None and kent
        else ""]
    if partial:
        notes.append(f"Not drawn, as not fully recorded in {now} (partial data): "
                     f"{', '.join(LEVEL_NAMES[level] for level in partial)}; their counts are "
                     "in the table.")
    chart = Chart(
        key=key, title=f"Change in the number of offers, {earlier} to {now}, by LCPA and level",
        description="", kind="bars", categories=[_category(s, n, highlight) for s, n in drawn],
        series=series, unit="change", table=table, highlight=_highlight(drawn, highlight),
        notes=[note for note in notes if note],
        empty_text=(f"No earlier year than {now} has offers recorded, so there is no change to "
                    "show." if before is None else
                    f"No offers are recorded at these levels in both {before} and {now}."),
    )
    chart.description = _bars_description(
        chart, f"Horizontal bars: the change in the number of offers at sites in each LCPA from "
        f"{earlier} to {now}, one bar per level; a bar to the left of the line is a fall.")
    return chart


def minutes_chart(results, highlight: str | None = None, levels: tuple[str, ...] | None = None,
                  key: str = "minutes") -> Chart:
    """Minutes to the nearest counted option by LCPA and measured level (Results.region_level:
    median_minutes as the bar, p90_minutes as the line beyond it). Levels that are not measured
    in the year (partial data) are left out and named in a note."""
    levels = levels or analysis.measured_levels(results.params)
    frame = results.region_level
    index = {(row.region_slug, row.level): row for row in frame.itertuples(index=False)}
    unmeasured = _unmeasured(results, levels)
    measured = [level for level in levels if level not in unmeasured]
    regions = _regions(results)
    series = []
    for level in measured:
        rows = [index.get((slug, level)) for slug, _ in regions]
        medians = [_number(getattr(r, "median_minutes", None)) for r in rows]
        p90s = [_number(getattr(r, "p90_minutes", None)) for r in rows]
        texts = [
            f"{LEVEL_SHORT[level]}: {NO_DATA_TEXT}" if m is None else
            f"{LEVEL_SHORT[level]}: {m:.0f} min" + (f", {p:.0f}" if p is not None else "")
            for m, p in zip(medians, p90s, strict=True)
        ]
        series.append(Series(level, LEVEL_NAMES[level], medians, short=LEVEL_SHORT[level],
                             texts=texts, upper=p90s, pattern=LEVEL_PATTERNS[level]))
    table_rows = []
    for slug, name in regions:
        row = {"lcpa": _category(slug, name, highlight)}
        for level in measured:
            here = index.get((slug, level))
            row[f"median_minutes_{level}"] = _round(getattr(here, "median_minutes", None), 0)
            row[f"p90_minutes_{level}"] = _round(getattr(here, "p90_minutes", None), 0)
        table_rows.append(row)
    columns = [("lcpa", "LCPA")]
    for level in measured:
        columns += [(f"median_minutes_{level}", f"{LEVEL_NAMES[level]}: typical journey"),
                    (f"p90_minutes_{level}", f"{LEVEL_NAMES[level]}: 9 in 10 within")]
    params = results.params
    table = ReportTable(
        key=key,
        caption=f"Minutes to the nearest open-access option, {results.year}, by "
                f"{maps_mode(params)}",
        columns=columns, rows=table_rows if measured else [],
        numeric_columns=frozenset(name for name, _ in columns[1:]),
        notes=["Minutes. Typical journey: the median; both are weighted by the 16–17 year olds "
               "(estimate) of each small area, and the journey is to the nearest counted "
               f"provider, whether or not it is within {params.minutes} minutes.",
               f"Journey times: {results.travel_method_label}."],
        empty_text="No level is fully recorded in this year, so no journey time is shown.",
    )
    left_out = [LEVEL_NAMES[level] for level in levels if level not in measured]
    notes = [f"Not shown (partial data in {results.year}): {', '.join(left_out)}."] if (
        left_out) else []
    chart = Chart(
        key=key, title=f"Minutes to the nearest option, {results.year}, by LCPA and level",
        description="", kind="bars", categories=[_category(s, n, highlight) for s, n in regions],
        series=series, unit="minutes", table=table, highlight=_highlight(regions, highlight),
        notes=["Each bar is the typical journey (median); its line runs on to the time within "
               "which 9 in 10 young people reach one. The figures after each level are those "
               "two times.", *notes],
        whisker_label="9 in 10 within (line)",
        empty_text="No level is fully recorded in this year, so no journey time is shown.",
    )
    chart.description = _bars_description(
        chart, f"Horizontal bars: for each LCPA and level, the typical journey in minutes "
        f"({maps_mode(params)}) to the nearest open-access option, with a line to the time "
        "within which 9 in 10 reach one.")
    return chart


def guarantee_chart(results, highlight: str | None = None, key: str = "guarantee") -> Chart:
    """The Young Person's Guarantee by LCPA: met, not met and cannot be confirmed, as shares
    of the cohort side by side (Results.guarantee_regions)."""
    frame = results.guarantee_regions.set_index("region_slug")
    regions = _regions(results)
    parts = (("met_share", "Met"), ("not_met_share", "Not met"),
             ("cannot_confirm_share", "Cannot be confirmed"))
    series = [
        Series(column, label, [
            _number(frame.loc[slug, column]) if slug in frame.index and column in frame else None
            for slug, _ in regions], short=label)
        for column, label in parts
    ]
    rows = [
        {"lcpa": _category(slug, name, highlight),
         **{column: _percent(frame.loc[slug, column]) if slug in frame.index else None
            for column, _ in parts}}
        for slug, name in regions
    ]
    table = ReportTable(
        key=key, caption=f"Young Person’s Guarantee by LCPA, {results.year} (% of the cohort)",
        columns=[("lcpa", "LCPA"), *[(column, f"{label} (%)") for column, label in parts]],
        rows=rows, numeric_columns=frozenset(column for column, _ in parts),
        notes=["Shares of the 16-year-olds (estimate) of each LCPA; the three add up to 100%. "
               "“Cannot be confirmed”: the parts with data are within reach, but no data is "
               "recorded for the rest."],
    )
    chart = Chart(
        key=key, title=f"Young Person’s Guarantee by LCPA, {results.year}",
        description="", kind="stacked",
        categories=[_category(s, n, highlight) for s, n in regions], series=series,
        unit="share", table=table, highlight=_highlight(regions, highlight),
    )
    worst = max(((v, c) for c, v in zip(chart.categories, series[1].values, strict=True)
                 if v is not None), default=None)
    finding = (f" The largest share not met is in {worst[1]} ({maps.format_share(worst[0])})."
               if worst else "")
    chart.description = (
        "Stacked bars, one per LCPA and one for Kent: the share of young people for whom the "
        "guarantee is met, not met, or cannot be confirmed, written under each bar."
        + finding + " The figures are in the table that follows.")
    return chart


def guarantee_parts_chart(results, slug: str, key: str = "guarantee-parts") -> Chart:
    """Each part of the guarantee: the share of the LCPA's cohort (and Kent's) that can reach
    it (Results.guarantee_regions: <part>_share; no data where no area can check the part)."""
    frame = results.guarantee_regions.set_index("region_slug")
    names = dict(_regions(results))
    name = str(names.get(slug, slug))
    places = [(slug, name), (KENT, "Kent")]
    series = [
        Series(place, label, [
            _number(frame.loc[place, f"{part}_share"])
            if place in frame.index and f"{part}_share" in frame else None
            for part in COMPONENT_LABELS], short=label if len(label) <= 14 else "This LCPA")
        for place, label in places
    ]
    rows = [
        {"part": label,
         **{place: (_percent(frame.loc[place, f"{part}_share"])
                    if place in frame.index and f"{part}_share" in frame else None)
            for place, _ in places}}
        for part, label in COMPONENT_LABELS.items()
    ]
    table = ReportTable(
        key=key, caption=f"Share of young people who can reach each part of the guarantee, "
                         f"{results.year} (%)",
        columns=[("part", "Part of the guarantee"), (slug, f"{name} (%)"), (KENT, "Kent (%)")],
        rows=rows, numeric_columns=frozenset({slug, KENT}),
        notes=["“No data recorded”: no source records the part completely for the year."],
    )
    chart = Chart(
        key=key, title=f"Parts of the guarantee within reach, {name} and Kent, {results.year}",
        description="", kind="bars", categories=list(COMPONENT_LABELS.values()),
        series=series, unit="share", table=table,
    )
    chart.description = _bars_description(
        chart, f"Horizontal bars: for each part of the Young Person’s Guarantee, the share of "
        f"young people in {name} (first bar) and in Kent (second bar) who can reach it.")
    return chart


def _unmeasured(results, levels) -> list[str]:
    """The levels with no verdict in the year (Results.region_level: measured is false)."""
    frame = results.region_level
    measured = frame.groupby("level", sort=False)["measured"].any()
    return [level for level in levels if level in measured.index and not measured[level]]


def _highlight(regions, slug: str | None) -> str | None:
    names = dict(regions)
    return _category(slug, names[slug], slug) if slug in names else None


def maps_mode(params) -> str:
    return MODE_LABELS[params.mode]


def _bars_description(chart: Chart, what: str) -> str:
    """The text alternative: what is drawn, the lowest and highest value, and where the rest
    is."""
    known = [(v, c, s.label) for s in chart.series
             for c, v in zip(chart.categories, s.values, strict=True) if not _missing(v)]
    if not known:
        return f"{what} {chart.empty_text}"
    low, high = min(known), max(known)
    return (f"{what} Lowest: {low[1]}, {low[2]}, {chart.value_text(low[0])}. Highest: "
            f"{high[1]}, {high[2]}, {chart.value_text(high[0])}. Every figure is in the table "
            "that follows.")
