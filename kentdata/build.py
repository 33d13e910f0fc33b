"""build_kent_fixtures: read the public files and write the compact Kent extract to fixtures/.

Everything is written to a temporary folder first and moved into place only when every file
passed its checks, so a failed build leaves the old extract untouched.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import shapely

from areas.importers.geometry import easting_northing_to_lon_lat
from kentdata.fixture.apprenticeships import write_apprenticeships
from kentdata.fixture.standards import write_standards
from kentdata.more_sources import add_more_sources
from kentdata.offer import AreaLocator, build_providers
from kentdata.records import (
    COURSES_FILE,
    ENROLMENTS_FILE,
    PROVIDERS_FILE,
    SITES_FILE,
)
from kentdata.sources.apprenticeship_standards import build_standards
from kentdata.sources.apprenticeships import build_apprenticeships
from kentdata.sources.boundaries import (
    ALL_DISTRICT_CODES,
    KENT_DISTRICT_CODES,
    MEDWAY_DISTRICT_CODE,
    build_geography,
    write_geography,
)
from kentdata.sources.cohorts import build_cohorts, write_cohorts
from kentdata.sources.postcodes import (
    build_postcodes,
    read_ons_lookup,
    small_area_of_postcode,
    write_postcodes,
)

# A postcode just outside the generalised LSOA outlines (e.g. reclaimed harbour land) takes the
# nearest LSOA within about 300 m.
POSTCODE_NEAREST_LSOA_DEGREES = 0.003
README_TEMPLATE = Path(__file__).with_name("fixture_readme.md")


@dataclass
class BuildReport:
    files: dict[str, int] = field(default_factory=dict)  # name → bytes
    counts: dict[str, object] = field(default_factory=dict)
    notes: dict[str, list] = field(default_factory=dict)


def build_kent_fixtures(source: Path, out_dir: Path, *, say=print) -> BuildReport:
    source, out_dir = Path(source), Path(out_dir)
    report = BuildReport()
    say(f"Reading the public files in {source}")
    geography = build_geography(source)
    polygons = geography.polygons
    locator = AreaLocator(polygons)
    la_of_district = dict.fromkeys(KENT_DISTRICT_CODES, "886") | {MEDWAY_DISTRICT_CODE: "887"}
    say("  geography read")
    cohorts = build_cohorts(source, geography.areas, la_of_district)
    postcodes = build_postcodes(source, ALL_DISTRICT_CODES)
    # Postcodes newer than the ONS lookup: find their LSOA from the boundaries.
    unplaced = postcodes["lsoa11"] == ""
    lon, lat = easting_northing_to_lon_lat(
        postcodes.loc[unplaced, "easting"].astype(float).to_numpy(),
        postcodes.loc[unplaced, "northing"].astype(float).to_numpy(),
    )
    postcodes.loc[unplaced, "lsoa11"] = [
        locator.code_at(x, y, nearest_within=POSTCODE_NEAREST_LSOA_DEGREES)
        for x, y in zip(lon, lat, strict=True)
    ]
    report.counts["postcodes placed in an LSOA from the boundaries (newer than the ONS lookup)"] = (
        int(unplaced.sum())
    )
    say("  cohorts and postcodes read")
    outline = shapely.union_all([g.buffer(0) for g in polygons.values()])
    kent_codes = set(
        geography.areas.loc[geography.areas["district_code"].isin(KENT_DISTRICT_CODES), "code"]
    )
    areas = geography.areas
    area_centres = dict(zip(
        areas["code"],
        zip(areas["easting"].astype(float), areas["northing"].astype(float), strict=True),
        strict=True,
    ))
    providers = build_providers(
        source, polygons, postcodes, outline, kent_codes,
        small_area_of_postcode=small_area_of_postcode(read_ons_lookup(source)),
        area_centres=area_centres,
    )
    starts, apprenticeship_table = build_apprenticeships(source, set(KENT_DISTRICT_CODES))
    standards, provider_standards = build_standards(source, set(apprenticeship_table["ukprn"]))
    postcode_at = dict(zip(
        postcodes["postcode"],
        zip(postcodes["easting"].astype(float), postcodes["northing"].astype(float), strict=True),
        strict=True,
    ))
    providers = add_more_sources(providers, source, apprenticeship_table, postcode_at,
                                 locator.code_at)
    say("  providers, apprenticeships, T Level register, FE outcomes and campuses read")

    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        written = write_geography(geography, tmp_dir)
        written.append(write_cohorts(cohorts, tmp_dir))
        written.append(write_postcodes(postcodes, tmp_dir))
        providers.providers.to_csv(tmp_dir / PROVIDERS_FILE, index=False)
        providers.sites.to_csv(tmp_dir / SITES_FILE, index=False)
        providers.courses.to_csv(tmp_dir / COURSES_FILE, index=False)
        providers.enrolments.to_csv(tmp_dir / ENROLMENTS_FILE, index=False)
        written += [tmp_dir / PROVIDERS_FILE, tmp_dir / SITES_FILE, tmp_dir / COURSES_FILE,
                    tmp_dir / ENROLMENTS_FILE]
        written += write_apprenticeships(starts, apprenticeship_table, tmp_dir)
        written += write_standards(standards, provider_standards, tmp_dir)
        report.counts.update(_counts(geography, cohorts, postcodes, providers))
        report.notes = providers.notes
        readme = tmp_dir / "README.md"
        readme.write_text(render_readme(report), encoding="utf-8")
        written.append(readme)
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in written:
            shutil.copyfile(path, out_dir / path.name)
            report.files[path.name] = (out_dir / path.name).stat().st_size
    return report


def _counts(geography, cohorts, postcodes, providers) -> dict[str, object]:
    areas = geography.areas
    kent = areas["district_code"].isin(KENT_DISTRICT_CODES)
    p, s, c = providers.providers, providers.sites, providers.courses
    e = providers.enrolments
    return {
        "districts": len(geography.districts),
        "Kent LSOAs": int(kent.sum()),
        "Medway LSOAs": int((~kent).sum()),
        "LCPAs (LSOAs in each)": {
            r["properties"]["name"]: r["properties"]["lsoa_count"] for r in geography.regions
        },
        "cohort figures": len(cohorts),
        "postcodes": len(postcodes),
        "providers by kind (Kent, open)": p[(p["out_of_county"] == False)  # noqa: E712
                                            & (p["status"] == "open")]
        .groupby("kind").size().to_dict(),
        "providers out of county (open)": int(
            ((p["out_of_county"] == True) & (p["status"] == "open")).sum()  # noqa: E712
        ),
        "providers closed (history only)": int((p["status"] == "closed").sum()),
        "sites": len(s),
        "courses by year and type": {
            f"{year} {qtype}": n
            for (year, qtype), n in c.groupby(["academic_year", "qualification_type"]).size()
            .items()
        },
        "enrolments (16–18 students) by year": e.groupby("academic_year").size().to_dict(),
    }


def render_readme(report: BuildReport) -> str:
    counts = report.counts
    template = README_TEMPLATE.read_text(encoding="utf-8")
    lines = [line.rstrip() for line in template.strip("\n").splitlines()]
    body = "\n".join(lines)
    count_lines = []
    for name, value in counts.items():
        if isinstance(value, dict):
            count_lines.append(f"- {name}:")
            count_lines += [f"  - {k}: {v}" for k, v in value.items()]
        else:
            count_lines.append(f"- {name}: {value}")
    note_lines = []
    for name, values in report.notes.items():
        if values:
            unique = dict.fromkeys(str(v) for v in values)  # one mention per record
            note_lines.append(f"- {name}: {', '.join(unique)}")
    body = body.replace("{counts}", "\n".join(count_lines))
    body = body.replace("{notes}", "\n".join(note_lines) or "- none")
    return body + "\n"
