"""T Level results register, FE outcomes by level and college campuses: the source modules'
records against the raw files (independent pandas references)."""

from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings

from kentdata.sources import campuses, fe_outcomes, tlevels_register

RAW = Path(settings.BASE_DIR).parent / "shared" / "data"


@pytest.fixture(scope="module")
def register():
    return tlevels_register.read_register(RAW / tlevels_register.REGISTER_FILE)


@pytest.mark.parametrize("la", ["886", "887"])
def test_registered_providers_per_year_match_the_register_dates(register, la):
    """Providers registered by the start of each year (first seen by 30 September) per LA equal a
    count straight from the raw file's dates."""
    raw = pd.read_csv(RAW / tlevels_register.REGISTER_FILE, dtype=str)
    raw = raw[raw["km_la_code"] == la]
    by_year = tlevels_register.registered_by_year(register[register["km_la_code"] == la])
    for start in range(2020, 2025):
        expected = int((raw["first_seen_in_seed_file"] <= f"{start}-09-30").sum())
        assert len(by_year.get(f"{start}/{(start + 1) % 100:02d}", set())) == expected


def test_kent_register_counts_by_year(register):
    """Kent (LA 886): 2 registered providers in 2020/21 and 2021/22, 3 in 2022/23, 15 in 2023/24
    and 17 in 2024/25 (the raw file's 17 Kent rows)."""
    by_year = tlevels_register.registered_by_year(register[register["km_la_code"] == "886"])
    counts = {year: len(urns) for year, urns in sorted(by_year.items())}
    raw = pd.read_csv(RAW / tlevels_register.REGISTER_FILE, dtype=str)
    assert counts["2024/25"] == int((raw["km_la_code"] == "886").sum()) == 17
    assert counts == {"2020/21": 2, "2021/22": 2, "2022/23": 3, "2023/24": 15, "2024/25": 17}


def test_register_offers_say_route_not_recorded_and_skip_years_the_2021_register_has(register):
    """One 'route not recorded' offer per registered provider and year, none where the 2021
    register already gives T Levels for that provider and year."""
    main_site = dict.fromkeys(register["urn_by_name"], "Main")
    covered = {("140987", "2020/21"), ("140987", "2021/22")}
    rows, notes = tlevels_register.register_offers(register, main_site, covered)
    assert notes == []
    leigh = [r["academic_year"] for r in rows if r["provider_urn"] == "140987"]
    assert leigh == ["2022/23", "2023/24", "2024/25"]
    assert {r["title"] for r in rows} == {"T Levels (route not recorded)"}
    assert all(r["tlevel_route"] == "" and r["learners"] is None for r in rows)
    expected = sum(len(u) for u in tlevels_register.registered_by_year(register).values()) - 2
    assert len(rows) == expected


@pytest.fixture(scope="module")
def fe_raw():
    return pd.read_csv(RAW / fe_outcomes.FE_OUTCOMES_FILE, dtype=str, keep_default_na=False)


def test_fe_level_records_equal_the_raw_education_and_training_totals(fe_raw):
    """Every provider, year and level group with leavers is one record with the published
    number; 'c' gives learners unknown."""
    records = fe_outcomes.level_records(fe_outcomes.read_fe_outcomes(
        RAW / fe_outcomes.FE_OUTCOMES_FILE))
    raw = fe_raw[(fe_raw["provision"] == "Education & Training")
                 & (fe_raw["level_of_learning"] == "Total")
                 & fe_raw["level_of_learning_group"].isin(fe_outcomes.LEVEL_GROUPS)]
    assert len(records) == len(raw)
    suppressed = int((raw["number_of_learners"] == "c").sum())
    assert int(records["learners"].isna().sum()) == suppressed
    total = raw.loc[raw["number_of_learners"] != "c", "number_of_learners"].astype(float).sum()
    assert records["learners"].sum() == total
    ekc = records[(records["provider_ukprn"] == "10006570")
                  & (records["academic_year"] == "2022/23")].set_index("level")["learners"]
    expected = raw[(raw["provider_ukprn"] == "10006570") & (raw["time_period"] == "2022/23")]
    expected = expected.set_index("level_of_learning_group")["number_of_learners"].astype(float)
    assert ekc.to_dict() == {
        "1": expected["Below Level 2 (excluding Essential Skills)"],
        "2": expected["Level 2 (excluding Essential Skills)"],
        "3": expected["Level 3"],
    }


def test_fe_offers_only_for_providers_in_the_extract_and_label_all_ages(fe_raw):
    """Offers are made only for known UKPRNs, of the FE education and training type, all ages."""
    records = fe_outcomes.level_records(fe_outcomes.read_fe_outcomes(
        RAW / fe_outcomes.FE_OUTCOMES_FILE))
    rows = fe_outcomes.fe_offers(records, {"10004721": ("130725", "10004721", "North Kent")})
    assert {r["provider_urn"] for r in rows} == {"130725"}
    assert len(rows) == int((records["provider_ukprn"] == "10004721").sum())
    assert all(r["qualification_type"] == "fe_education_training" and "all ages" in r["title"]
               for r in rows)


@pytest.fixture(scope="module")
def codepoint():
    frame = pd.read_csv(RAW / "postcodes" / "kent_medway_codepoint_open_2025-05.csv", dtype=str)
    return frame


def test_every_campus_with_a_cited_postcode_is_placed_in_code_point(codepoint):
    """Each campus postcode exists in Code-Point Open; each campus cites a page."""
    facts = campuses.read_campuses()
    known = set(codepoint.iloc[:, 0].str.upper())
    by_postcode = campuses.placed(facts)
    by_postcode = by_postcode[by_postcode["located_by"] != "sector"]
    assert set(by_postcode["postcode"]) <= known
    assert facts["source_url"].str.startswith("http").all()


def _postcode_points(codepoint):
    return {row[0]: (float(row[2]), float(row[3])) for row in codepoint.itertuples(index=False)}


def test_colleges_become_several_sites_and_share_their_records_across_campuses(codepoint):
    """EKC Group and North Kent College each stand at several places, and a college record at the
    main site is copied, derived and with learners unknown, to its other campuses of that year."""
    facts = campuses.read_campuses()
    sites = pd.DataFrame(
        [("130728", "EKC Group", 639267.0, 167278.0), ("130725", "North Kent College",
                                                        553180.0, 172667.0)],
        columns=["provider_urn", "name", "easting", "northing"],
    )
    new, names, notes = campuses.campus_sites(facts, sites, _postcode_points(codepoint),
                                              lambda lon, lat: "")
    assert names[("130728", "Broadstairs College")] == "EKC Group"  # the main site, reused
    points = {}
    for row in new:
        points.setdefault(row["provider_urn"], set()).add((row["easting"], row["northing"]))
    assert len(points["130728"]) >= 3 and len(points["130725"]) >= 2
    assert any("Gravesend campus" in note for note in notes)  # listed, not invented
    courses = pd.DataFrame(
        [("130725", "North Kent College", "2019/20", 100, "published", "ks5"),
         ("130725", "North Kent College", "2021/22", 200, "published", "ks5")],
        columns=["provider_urn", "site_name", "academic_year", "learners", "record_label",
                 "source"],
    )
    main = {"130725": "North Kent College", "130728": "EKC Group"}
    copies = campuses.share_across_campuses(courses, facts, names, main)
    assert set(copies["academic_year"]) == {"2021/22"}  # Tonbridge and Hadlow from 2020/21
    assert set(copies["site_name"]) == {"North Kent College: Tonbridge campus",
                                        "North Kent College: Hadlow campus"}
    assert copies["learners"].isna().all() and (copies["record_label"] == "derived").all()
    assert copies["source"].str.contains("shared across campuses").all()


def test_closed_colleges_pass_their_campuses_to_successors_from_2020_21():
    """Hadlow College passes to North Kent College; WKAC to North Kent College and EKC Group."""
    successors = campuses.successor_campuses(campuses.read_campuses())
    assert successors["130733"] == [("130725", "Hadlow campus", "2020/21")]
    assert sorted(successors["130727"]) == [("130725", "Tonbridge campus", "2020/21"),
                                            ("130728", "Ashford College", "2020/21")]


def test_a_campus_without_its_own_postcode_is_placed_approximately_and_says_so(codepoint):
    """A campus located by a street neighbour's postcode or by its postcode sector is labelled
    with that basis, carries no postcode of its own, and a sector campus stands at the mean of
    the sector's Code-Point postcodes (computed here independently)."""
    facts = campuses.read_campuses()
    sites = pd.DataFrame(columns=["provider_urn", "name", "easting", "northing"])
    new, _, _ = campuses.campus_sites(facts, sites, _postcode_points(codepoint),
                                      lambda lon, lat: "")
    by_name = {row["name"]: row for row in new}
    sheppey = by_name["EKC Group: Sheppey College"]
    in_sector = codepoint[codepoint.iloc[:, 0].str.match(r"^ME12 1[A-Z]{2}$")]
    assert len(in_sector) > 0
    assert sheppey["easting"] == pytest.approx(in_sector.iloc[:, 2].astype(float).mean(), abs=0.5)
    assert sheppey["northing"] == pytest.approx(in_sector.iloc[:, 3].astype(float).mean(),
                                                abs=0.5)
    assert (sheppey["location_basis"], sheppey["postcode"]) == ("sector", "")
    assert "approximate" in sheppey["source"]
    ashford = by_name["EKC Group: Ashford College"]
    tn23_1pd = codepoint[codepoint.iloc[:, 0] == "TN23 1PD"].iloc[0]
    assert (ashford["easting"], ashford["northing"]) == (float(tn23_1pd.iloc[2]),
                                                         float(tn23_1pd.iloc[3]))
    assert (ashford["location_basis"], ashford["postcode"]) == ("street", "")
    assert by_name["MidKent College: Maidstone campus"]["location_basis"] == "street"
    placed_by_postcode = [row for row in new if row["location_basis"] == "address"]
    assert placed_by_postcode and all(row["postcode"] for row in placed_by_postcode)


def test_a_sector_campus_needs_a_sector_and_a_postcode_campus_a_postcode(tmp_path):
    """located_by is checked against what the postcode column holds."""
    facts = campuses.read_campuses()
    bad = facts.copy()
    bad.loc[bad["campus"] == "Sheppey College", "located_by"] = "postcode"
    path = tmp_path / "campuses.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(Exception, match="postcode"):
        campuses.read_campuses(path)
