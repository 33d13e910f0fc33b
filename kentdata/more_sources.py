"""The sources added on top of the provider build (kentdata.offer): independent training
providers (apprenticeships), the T Level results register, FE outcomes by level and college
campuses. Each source module gives pure functions; this module feeds them the extract built so
far and fills the record fields they leave to the pipeline (source key, vintage, granularity)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kentdata import vintage
from kentdata.offer import ProviderExtract
from kentdata.records import COURSE_COLUMNS, PROVIDER_COLUMNS, SITE_COLUMNS
from kentdata.sources import apprenticeships, campuses, fe_outcomes, ks5, tlevels_register

TLEVEL_REGISTER_KEY = "tlevels_2024"
FE_OUTCOMES_KEY = "fe_outcomes"
SOURCE_LIMIT = 200  # Provider.source max_length
ITP_SOURCE = "DfE apprenticeships provider dashboard 2021/22–2025/26"
FE_LEARNERS_MEASURE = "education and training leavers and completers, all ages (rounded to 10)"


def _shortened(text: str) -> str:
    """A shared copy's source, cut to the field's length (the original record keeps it whole)."""
    return text if len(text) <= SOURCE_LIMIT else text[: SOURCE_LIMIT - 1] + "…"


def _fe_carried_source(record: dict, year: str) -> str:
    ukprn = re.search(r"UKPRN (\d{8})", record["source"])
    return (f"DfE FE outcomes {record['academic_year']}, the latest published, shown for {year}"
            f"{f', UKPRN {ukprn.group(1)}' if ukprn else ''}: {record['title']}")


def _last_years(providers: pd.DataFrame) -> dict[str, str]:
    """URN or UKPRN → the last academic year the provider ran ("" = still running)."""
    last = providers["last_year"].fillna("").astype(str)
    found = {}
    for urn, ukprn, year in zip(providers["urn"], providers["ukprn"], last, strict=True):
        for key in (urn, ukprn):
            if pd.notna(key) and str(key):
                found.setdefault(str(key), year)
    return found


def _runs_in(last_year_of: dict[str, str], record: dict, year: str) -> bool:
    last = last_year_of.get(record["provider_urn"] or record["provider_ukprn"], "")
    return not last or last >= year


def _courses(rows, **defaults) -> pd.DataFrame:
    defaults = {"granularity": "site", "provider_ukprn": "", **defaults}
    frame = pd.DataFrame(rows)
    for column in COURSE_COLUMNS:
        if column not in frame:
            frame[column] = defaults.get(column, "")
        elif column in defaults:
            frame[column] = frame[column].where(frame[column].notna() & (frame[column] != ""),
                                                defaults[column])
    return frame[COURSE_COLUMNS]


def add_more_sources(
    extract: ProviderExtract, source: Path, apprenticeship_table: pd.DataFrame,
    postcode_at: dict[str, tuple[float, float]], area_code_at,
) -> ProviderExtract:
    """The extract with ITP providers, T Level register offers, FE provision by level and
    college campuses (with provision shared across them) added."""
    source = Path(source)
    notes = dict(extract.notes)
    providers, sites, courses = extract.providers, extract.sites, extract.courses

    # Independent training providers (keyed by UKPRN; no URN, no site: district-level only).
    itps = pd.DataFrame(apprenticeships.itp_provider_rows(apprenticeship_table))
    if len(itps):
        itps = itps[~itps["ukprn"].isin(set(providers["ukprn"].dropna().astype(str)))]
        # The district list can outgrow the source field: name how many districts instead.
        too_long = itps["source"].str.len() > SOURCE_LIMIT
        itps.loc[too_long, "source"] = [
            f"{ITP_SOURCE}: apprenticeship starts in {text.count(';') + 1} Kent districts "
            "(district-level)" for text in itps.loc[too_long, "source"]
        ]
        itps = itps.reindex(columns=PROVIDER_COLUMNS)
        for column in ("first_year", "last_year", "successor_urn"):
            itps[column] = ""
        providers = pd.concat([providers, itps], ignore_index=True)

    main_site = dict(
        sites[sites["is_main"].astype(str) == "True"][["provider_urn", "name"]]
        .itertuples(index=False, name=None)
    )

    # T Levels from the results-service register, where the 2021 register has no record.
    covered = set(zip(courses.loc[courses["qualification_type"] == "t_level", "provider_urn"],
                      courses.loc[courses["qualification_type"] == "t_level", "academic_year"],
                      strict=True))
    register = tlevels_register.read_register(source / tlevels_register.REGISTER_FILE)
    rows, register_notes = tlevels_register.register_offers(register, main_site, covered)
    notes["T Level register providers left out"] = register_notes
    added = [_courses(rows, source_key=TLEVEL_REGISTER_KEY)] if rows else []
    if added:
        added[0]["source_year"] = added[0]["academic_year"]

    # FE education and training by level: provider-wide figures, all ages.
    urn_of_ukprn = {
        str(u): (str(n) if pd.notna(n) else "")
        for u, n in zip(providers["ukprn"], providers["urn"], strict=True) if pd.notna(u) and u
    }
    provider_for_ukprn = {
        ukprn: (urn, "" if urn else ukprn, main_site.get(urn, ""))
        for ukprn, urn in urn_of_ukprn.items()
    }
    # A provider with no site (an ITP) has no place for a site-level record: left out here.
    provider_for_ukprn = {k: v for k, v in provider_for_ukprn.items() if v[2]}
    fe_rows = fe_outcomes.fe_offers(
        fe_outcomes.level_records(
            fe_outcomes.read_fe_outcomes(source / fe_outcomes.FE_OUTCOMES_FILE)
        ),
        provider_for_ukprn,
    )
    # FE outcomes end before the latest years the map shows: their last year's records stand
    # in for those years, derived and naming their vintage (kentdata.vintage).
    last_year_of = _last_years(providers)
    fe_rows += vintage.carried_forward(
        fe_rows, ks5.TABLE_YEARS, _fe_carried_source,
        runs_in=lambda record, year: _runs_in(last_year_of, record, year),
    )
    if fe_rows:
        fe = _courses(fe_rows, source_key=FE_OUTCOMES_KEY, granularity="provider",
                      learners_measure=FE_LEARNERS_MEASURE)
        fe["source_year"] = fe["source_year"].fillna("").where(
            fe["source_year"].fillna("") != "", fe["academic_year"])
        added.append(fe)
    courses = pd.concat([courses, *added], ignore_index=True)

    # College campuses, and each college's main-site provision shared across them.
    campus_table = campuses.read_campuses()
    sites_for_campuses = sites.astype({"provider_urn": str})
    new_sites, campus_site, campus_notes = campuses.campus_sites(
        campus_table, sites_for_campuses, postcode_at, area_code_at
    )
    notes["college campuses not placed"] = campus_notes
    in_extract = set(providers["urn"].dropna().astype(str))
    new_sites = [s for s in new_sites if s["provider_urn"] in in_extract]
    if new_sites:
        new = pd.DataFrame(new_sites).reindex(columns=SITE_COLUMNS)
        new["provider_ukprn"] = ""
        sites = pd.concat([sites, new], ignore_index=True)
    shared = campuses.share_across_campuses(courses, campus_table, campus_site, main_site)
    if len(shared):
        shared["granularity"] = "provider"
        shared["source"] = [_shortened(text) for text in shared["source"]]
        # A record published for the campus itself wins over a copy shared out to it.
        key = ["provider_urn", "site_name", "academic_year", "qualification_type", "level",
               "subject"]
        taken = set(courses[key].astype(str).itertuples(index=False, name=None))
        fresh = [tuple(row) not in taken
                 for row in shared[key].astype(str).itertuples(index=False, name=None)]
        courses = pd.concat([courses, shared[fresh]], ignore_index=True)

    courses = courses.sort_values(
        ["provider_urn", "provider_ukprn", "academic_year", "qualification_type", "level",
         "subject", "site_name"], na_position="first",
    ).reset_index(drop=True)
    courses["learners"] = pd.to_numeric(courses["learners"]).astype("Int64")
    sites = sites.sort_values(["provider_urn", "is_main", "name"],
                              ascending=[True, False, True]).reset_index(drop=True)
    providers = providers.sort_values(["urn", "ukprn"], na_position="last").reset_index(drop=True)
    return ProviderExtract(providers, sites, courses, notes, extract.enrolments)
