"""Cut small slices of the real public files into tests/data/source (same layout as shared/data).

Run from the project root: .venv/bin/python tests/data/make_slices.py [../shared/data]
The slices keep the published formats (headers, quirks and all) so that the importers' tests run
the real readers on real rows.
"""

import csv
import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import Point, mapping, shape

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
OUT = Path(__file__).parent / "source"

# Establishments that exercise each rule (see tests/kentdata/test_providers_build.py).
URNS = {
    "130728",  # EKC Group: FE, merged predecessor Canterbury College, T Level campuses
    "140987",  # The Leigh UTC: T Levels 2020 and 2021
    "118789",  # Tunbridge Wells Girls' Grammar School: selective, same URN since 2017
    "144015",  # The Charles Dickens School: academy successor of 118910
    "146624",  # Goodwin Academy: two-step successor chain 136300 → 144497 → 146624
    "150934", "150935",  # split of Oasis Academy Isle of Sheppey (135721)
    "134820",  # PGW Partnership (Medway): GIAS gives 0,0
    "133001",  # Dorton College: Kent-maintained, sited in Bromley
    "144785",  # Liberty College: special post-16 institution
    "118993",  # Helen Allison School: independent special school to 19
    "135466",  # Enterprise Learning Alliance: PRU
    "133807",  # University of Kent: higher education, left out
    "118254",  # Crockenhill Primary School: primary, left out
    "130726",  # MidKent College (Medway): T Level location
    "130430",  # London South East Colleges (Bromley): neighbour FE near Kent
    "130825",  # Brooklands College (Surrey): neighbour FE far from Kent, left out
    "148712",  # The North School: 142053 reaches it by name and place (no GIAS link)
    "136417",  # Tonbridge Grammar School: IB, no A Levels (other academic offer, enrolment)
}
OLD_URNS = {"118910", "136300", "144497", "135721", "130730", "130733", "118930", "118832",
            "142053"}
# 16–19 allocations rows (named, no URN): matched by name, and one that matches no provider.
ALLOCATION_NAMES = {"Tunbridge Wells Girls' Grammar School", "Tonbridge Grammar School",
                    "EKC Group", "Hadlow College", "Liberty College", "Astor College (A "
                    "Specialist College for the Arts)"}
# Slices cut by hand for their own tests (tests/kentdata/test_apprenticeships.py): kept as they are.
KEPT = {"apprenticeships"}
EXTRA_POSTCODES = {"ME12 3JQ", "CT1 3AJ", "TN11 0AL", "ME5 0LE", "CT19 4ED", "ME7 1FN",
                   "CT20 2TZ", "CT16 1DH", "CT1 3AQ", "CT10 1PN", "DA1 5TF"}


def write_csv(frame: pd.DataFrame, relative: str) -> None:
    path = OUT / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)


def read(relative: str) -> pd.DataFrame:
    return pd.read_csv(SOURCE / relative, dtype=str, keep_default_na=False)


def main() -> None:
    if OUT.exists():
        for path in OUT.iterdir():
            if path.name in KEPT:
                continue
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    gias_file = "gias-2025-05/gias_open_20250524_kent_medway.csv"
    neighbour_file = (
        "gias-2025-05/gias_open_20250524_neighbour_las_bexley_bromley_esussex_surrey_thurrock.csv"
    )
    gias = read(gias_file)
    neighbours = read(neighbour_file)
    write_csv(gias[gias["urn"].isin(URNS)], gias_file)
    write_csv(neighbours[neighbours["urn"].isin(URNS)], neighbour_file)
    links_file = "gias-2025-05/gias_links_20250422_kent_medway_related.csv"
    links = read(links_file)
    wanted = URNS | OLD_URNS
    write_csv(links[links["URN"].isin(wanted) | links["LinkURN"].isin(wanted)], links_file)

    spine_file = "dfe-performance-tables/kent_medway_england_spine_2017-18.csv"
    spine = read(spine_file)
    spine = spine[spine["URN"].isin(wanted)]
    write_csv(spine, spine_file)
    postcodes = set(spine["POSTCODE"]) | EXTRA_POSTCODES
    recent = [f"dfe-performance-tables/ks5final_{y}_kent_medway_all_columns.csv"
              for y in ("2021-22", "2022-23", "2023-24")]
    for name in [f"dfe-performance-tables/kent_medway_england_ks5final_{year}.csv"
                 for year in ("2015-16", "2016-17")] + recent:
        ks5 = read(name)
        ks5 = ks5[ks5["URN"].isin(wanted) | (ks5["RECTYPE"] == "4")]
        postcodes |= set(ks5["PCODE"])
        write_csv(ks5, name)
    name = "dfe-performance-tables/se_postcodes_ks5_2018-19_with_latlong.csv"
    se = read(name)
    write_csv(se[se["URN"].isin(wanted)], name)
    allocations_file = "esfa-allocations/esfa_16-19_allocations_2019-20_kent_medway.csv"
    allocations = read(allocations_file)
    write_csv(allocations[allocations["Institution Name"].isin(ALLOCATION_NAMES)],
              allocations_file)
    register_file = "tlevel-providers-2024/tlevel_registered_providers_kent_medway_2024-08-23.csv"
    register = read(register_file)
    write_csv(register[register["urn_by_name"].isin(URNS)], register_file)
    fe_file = "fe-outcomes/feo_learners_by_provider_level_age_km_providers_2018-19_to_2022-23.csv"
    fe = read(fe_file)
    ukprns = set(register.loc[register["urn_by_name"].isin(URNS), "ukprn"]) | set(
        allocations.loc[allocations["Institution Name"].isin(ALLOCATION_NAMES), "UKPRN"])
    write_csv(fe[fe["provider_ukprn"].isin(ukprns)], fe_file)

    with open(SOURCE / "tlevel-providers-2021/providers.json", encoding="utf-8") as handle:
        register = json.load(handle)
    keep = {"EKC Group", "The Leigh University Technical College", "Midkent College",
            "Abingdon and Witney College"}
    register["providers"] = [p for p in register["providers"] if p["name"] in keep]
    (OUT / "tlevel-providers-2021").mkdir(parents=True, exist_ok=True)
    with open(OUT / "tlevel-providers-2021/providers.json", "w", encoding="utf-8") as handle:
        json.dump(register, handle, indent=1)
    shutil.copy(SOURCE / "tlevel-providers-2021/qualifications.json",
                OUT / "tlevel-providers-2021/qualifications.json")

    # Small areas: those holding the sites above, two per district, and those of the extra
    # postcodes (a withdrawn postcode is placed at its small area's centre).
    lookup_file = "postcodes/kent_medway_pcd_oa11_lsoa11_msoa11_lad_may22.csv"
    lookup = read(lookup_file)
    fallback_lsoas = set(lookup.loc[lookup["pcds"].isin(EXTRA_POSTCODES), "lsoa11cd"])
    lsoa_files = sorted((SOURCE / "boundaries/lsoa_by_lad").glob("*.json"))
    points = [Point(float(r.longitude), float(r.latitude)) for r in
              pd.concat([gias, neighbours])[lambda f: f["urn"].isin(URNS)].itertuples()]
    points += [
        Point(location["longitude"], location["latitude"])
        for provider in register["providers"] for location in provider["locations"]
    ]
    census = read("census2021_lsoa21_age6_kent_medway.csv")
    changed_2021 = set(census["lsoa21_code"])
    kept_codes, kept_names = set(), set()
    for path in lsoa_files:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = []
        for i, feature in enumerate(data["features"]):
            geom = shape(feature["geometry"])
            props = feature["properties"]
            changed = props["LSOA11CD"] not in changed_2021  # no 2021 LSOA with its code
            if i < 2 or props["LSOA11CD"] in fallback_lsoas or any(
                geom.contains(p) for p in points
            ) or (
                changed and not any(n.startswith(props["LSOA11NM"][:-1]) for n in kept_names)
                and len(features) < 6
            ):
                features.append(feature)
                kept_codes.add(props["LSOA11CD"])
                kept_names.add(props["LSOA11NM"])
        data["features"] = features
        target = OUT / "boundaries/lsoa_by_lad" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data), encoding="utf-8")

    centroids = read("lsoa11_centroids_kent_medway.csv")
    centroids = centroids[centroids["lsoa11cd"].isin(kept_codes)]
    write_csv(centroids, "lsoa11_centroids_kent_medway.csv")
    imd = read("imd2019_lsoa11_kent_medway.csv")
    write_csv(imd[imd["lsoa11_code"].isin(kept_codes)], "imd2019_lsoa11_kent_medway.csv")
    # The unchanged LSOAs, and the 2021 LSOAs made from a kept 2011 LSOA that changed.
    all_2011 = set(imd["lsoa11_code"])
    changed_stems = {
        n[:-1].replace("Shepway", "Folkestone and Hythe")
        for code, n in zip(centroids["lsoa11cd"], centroids["lsoa11nm"], strict=True)
        if code not in changed_2021
    }
    census = census[
        census["lsoa21_code"].isin(kept_codes)
        | (census["lsoa21_name"].str[:-1].isin(changed_stems)
           & ~census["lsoa21_code"].isin(all_2011))
    ]
    write_csv(census, "census2021_lsoa21_age6_kent_medway.csv")

    # Wards of the split districts that hold a kept LSOA's centroid.
    centre = {r.lsoa11cd: Point(float(r.longitude), float(r.latitude))
              for r in centroids.itertuples()}
    for path in sorted((SOURCE / "boundaries/wards_by_lad").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["features"] = [
            f for f in data["features"]
            if any(shape(f["geometry"]).contains(p) for p in centre.values())
        ]
        target = OUT / "boundaries/wards_by_lad" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data), encoding="utf-8")

    districts = json.loads(
        (SOURCE / "kent_medway_lad2013_from_martinjc_topo.geojson").read_text(encoding="utf-8")
    )
    for feature in districts["features"]:
        geom = shape(feature["geometry"]).simplify(0.01, preserve_topology=True)
        feature["geometry"] = mapping(shapely.set_precision(geom, 0.0001))
    (OUT / "kent_medway_lad2013_from_martinjc_topo.geojson").write_text(
        json.dumps(districts), encoding="utf-8"
    )

    shutil.copytree(SOURCE / "lcpa", OUT / "lcpa")
    nccis = "dfe-send-neet/nccis_neet_participation_16-17_kent_medway_se_england_2021-2023.csv"
    (OUT / "dfe-send-neet").mkdir(parents=True, exist_ok=True)
    shutil.copy(SOURCE / nccis, OUT / nccis)
    ehcp = read("dfe-send-neet/ehcp_2025_caseload_kent_medway_england.csv")
    ehcp = ehcp[ehcp["breakdown"].isin(["age 15", "age 16", "age 17", "All EHC plans"])]
    write_csv(ehcp, "dfe-send-neet/ehcp_2025_caseload_kent_medway_england.csv")

    codepoint_file = "postcodes/kent_medway_codepoint_open_2025-05.csv"
    codepoint = read(codepoint_file)
    sample = codepoint.iloc[::5000]
    no_place = codepoint[codepoint["Positional_quality_indicator"] == "90"].head(1)
    keep_rows = codepoint[codepoint["Postcode"].isin(postcodes)]
    write_csv(pd.concat([keep_rows, sample, no_place]).drop_duplicates(), codepoint_file)
    chosen = set(keep_rows["Postcode"]) | set(sample["Postcode"]) | set(no_place["Postcode"])
    chosen |= EXTRA_POSTCODES  # withdrawn ones are in the ONS lookup only
    write_csv(lookup[lookup["pcds"].isin(chosen)], lookup_file)


if __name__ == "__main__":
    main()
