"""Districts, small areas (LSOA 2011) and LCPAs: from the public boundary, centroid, IMD and LCPA
composition files to the fixture's records (kentdata.fixture.geography loads them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely
from django.utils.text import slugify
from shapely.geometry import Point, shape

from areas.importers.geometry import (
    REGION_SIMPLIFY_DEGREES,
    lon_lat_to_easting_northing,
    read_feature_collection,
    simplify,
    to_geojson_geometry,
    union_of,
    write_feature_collection,
)
from areas.importers.validation import (
    DISTRICT_CODE_RE,
    LSOA11_CODE_RE,
    WARD_CODE_RE,
    FrameCheck,
    ImportFileError,
    RowProblem,
    raise_if_problems,
    read_csv_checked,
)

KENT_LA_CODE = "886"
MEDWAY_LA_CODE = "887"
MEDWAY_DISTRICT_CODE = "E06000035"
KENT_DISTRICT_CODES = tuple(f"E07000{n}" for n in range(105, 117))
ALL_DISTRICT_CODES = (*KENT_DISTRICT_CODES, MEDWAY_DISTRICT_CODE)

# Kent's published list of LCPAs, in its order; the codes are the project's own.
LCPA_NAMES = (
    "Ashford",
    "Canterbury, Faversham and Thanet",
    "Folkestone and Hythe",
    "Dover, Deal and Sandwich",
    "Sittingbourne and Sheppey",
    "Maidstone and Malling",
    "West Kent",
    "North Kent",
)
LCPA_CODES = {name: f"LCPA{i:02d}" for i, name in enumerate(LCPA_NAMES, start=1)}
BOUNDARY_VINTAGE = "LSOA 2011 (generalised); 2013 wards in Swale, Tonbridge & Malling, Sevenoaks"

LSOA_SIMPLIFY_DEGREES = 0.00008  # about 6–9 m: keeps shapes, drops most vertices
DISTRICT_SIMPLIFY_DEGREES = 0.0004

DISTRICTS_FILE = "districts.geojson"
REGIONS_FILE = "regions.geojson"
AREAS_FILE = "areas.csv"
AREA_BOUNDARIES_FILE = "area_boundaries.geojson"

AREA_COLUMNS = [
    "code", "name", "district_code", "ward_code", "region_code", "latitude", "longitude",
    "easting", "northing", "imd_decile", "imd_education_decile",
]


@dataclass
class GeographyExtract:
    districts: list[dict]
    regions: list[dict]
    areas: pd.DataFrame
    area_boundaries: list[dict]
    polygons: dict  # LSOA code → full-resolution shapely polygon, for locating points


def features_frame(features: list[dict], props: list[str]) -> pd.DataFrame:
    rows = [{p: (f.get("properties") or {}).get(p) for p in props} for f in features]
    frame = pd.DataFrame(rows, columns=props)
    frame["_line"] = range(1, len(frame) + 1)
    return frame


def read_lsoa_polygons(source: Path) -> tuple[pd.DataFrame, dict]:
    """Every LSOA polygon, with the district named by its file."""
    frames, geoms, checks = [], {}, []
    for district_code in ALL_DISTRICT_CODES:
        path = source / "boundaries" / "lsoa_by_lad" / f"{district_code}.json"
        features = read_feature_collection(path)
        frame = features_frame(features, ["LSOA11CD", "LSOA11NM"])
        check = FrameCheck(frame, f"boundaries/lsoa_by_lad/{path.name}", line_label="feature")
        check.matches("LSOA11CD", LSOA11_CODE_RE, what="an LSOA 2011 code such as E01023994")
        check.required("LSOA11NM")
        for number, feature in enumerate(features, start=1):
            geometry = feature.get("geometry")
            if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
                check.add(number, "geometry", "missing or not a polygon")
                continue
            geoms[(feature.get("properties") or {}).get("LSOA11CD")] = shape(geometry)
        frame["district_code"] = district_code
        frames.append(frame)
        checks.append(check)
    raise_if_problems(*checks)
    lsoas = pd.concat(frames, ignore_index=True)
    dup = FrameCheck(lsoas, "boundaries/lsoa_by_lad/*.json", line_label="feature")
    dup.unique("LSOA11CD")
    raise_if_problems(dup)
    return lsoas.rename(columns={"LSOA11CD": "code", "LSOA11NM": "name"}), geoms


def _read_centroids(source: Path) -> pd.DataFrame:
    path = source / "lsoa11_centroids_kent_medway.csv"
    frame, check = read_csv_checked(path, ["lsoa11cd", "longitude", "latitude"])
    raise_if_problems(check)
    check.matches("lsoa11cd", LSOA11_CODE_RE, what="an LSOA 2011 code")
    check.lat_lon("latitude", "longitude")
    check.unique("lsoa11cd")
    raise_if_problems(check)
    frame["latitude"] = frame["latitude"].astype(float)
    frame["longitude"] = frame["longitude"].astype(float)
    return frame.rename(columns={"lsoa11cd": "code"})[["code", "latitude", "longitude"]]


def _read_imd(source: Path) -> pd.DataFrame:
    path = source / "imd2019_lsoa11_kent_medway.csv"
    decile = "index_of_multiple_deprivation_imd_decile"
    education = "education_skills_and_training_decile"
    frame, check = read_csv_checked(path, ["lsoa11_code", decile, education])
    raise_if_problems(check)
    check.matches("lsoa11_code", LSOA11_CODE_RE, what="an LSOA 2011 code")
    check.numeric(decile, low=1, high=10)
    check.numeric(education, low=1, high=10)
    check.unique("lsoa11_code")
    raise_if_problems(check)
    return pd.DataFrame(
        {
            "code": frame["lsoa11_code"],
            "imd_decile": frame[decile].astype(float).astype(int),
            "imd_education_decile": frame[education].astype(float).astype(int),
        }
    )


def _read_composition(source: Path) -> pd.DataFrame:
    path = source / "lcpa" / "lcpa_composition_provisional.csv"
    columns = ["district_code", "ward_code", "lcpa"]
    frame, check = read_csv_checked(path, columns)
    raise_if_problems(check)
    check.matches("district_code", DISTRICT_CODE_RE, what="a district code such as E07000105")
    check.references("district_code", KENT_DISTRICT_CODES, "Kent district")
    check.matches("ward_code", rf"{WARD_CODE_RE}|^\*$", what="a 2013 ward code or *")
    check.references("lcpa", LCPA_NAMES, "LCPA")
    check.unique("district_code", "ward_code")
    raise_if_problems(check)
    return frame


def _ward_of_centroids(source: Path, district_code: str, points: pd.DataFrame) -> pd.Series:
    """The 2013 ward whose polygon contains each LSOA centroid (nearest ward if none does)."""
    path = source / "boundaries" / "wards_by_lad" / f"{district_code}.json"
    features = read_feature_collection(path)
    codes = [f["properties"]["WD13CD"] for f in features]
    polygons = [shape(f["geometry"]) for f in features]
    tree = shapely.STRtree(polygons)
    result = {}
    for row in points.itertuples():
        point = Point(row.longitude, row.latitude)
        hits = [i for i in tree.query(point, predicate="within") if polygons[i].contains(point)]
        if not hits:
            hits = [int(tree.nearest(point))]
        result[row.code] = codes[hits[0]]
    return points["code"].map(result)


def build_geography(source: Path) -> GeographyExtract:
    """Read the public geography files and return the compact extract for the fixture."""
    source = Path(source)
    lsoas, lsoa_geoms = read_lsoa_polygons(source)
    centroids = _read_centroids(source)
    imd = _read_imd(source)
    composition = _read_composition(source)

    areas = lsoas.merge(centroids, on="code", how="left").merge(imd, on="code", how="left")
    problems = [
        RowProblem("lsoa11_centroids_kent_medway.csv", None, "lsoa11cd", f"no centroid for {code}")
        for code in areas.loc[areas["latitude"].isna(), "code"]
    ] + [
        RowProblem("imd2019_lsoa11_kent_medway.csv", None, "lsoa11_code", f"no IMD row for {code}")
        for code in areas.loc[areas["imd_decile"].isna(), "code"]
    ]
    if problems:
        raise ImportFileError(problems)
    easting, northing = lon_lat_to_easting_northing(
        areas["longitude"].to_numpy(), areas["latitude"].to_numpy()
    )
    areas["easting"] = easting.round(0)
    areas["northing"] = northing.round(0)

    # LCPA: whole districts first, then ward by ward in the three split districts.
    whole = composition[composition["ward_code"] == "*"].set_index("district_code")["lcpa"]
    by_ward = composition[composition["ward_code"] != "*"]
    areas["ward_code"] = ""
    areas["region_name"] = areas["district_code"].map(whole)
    for district_code, wards in by_ward.groupby("district_code"):
        in_district = areas["district_code"] == district_code
        ward_codes = _ward_of_centroids(source, district_code, areas.loc[in_district])
        areas.loc[in_district, "ward_code"] = ward_codes.to_numpy()
        areas.loc[in_district, "region_name"] = ward_codes.map(
            wards.set_index("ward_code")["lcpa"]
        ).to_numpy()
    kent = areas["district_code"].isin(KENT_DISTRICT_CODES)
    unassigned = areas[kent & areas["region_name"].isna()]
    if len(unassigned):
        raise ImportFileError(
            RowProblem(
                "lcpa/lcpa_composition_provisional.csv", None, "ward_code",
                f"LSOA {row.code} (ward {row.ward_code}) is in no LCPA",
            )
            for row in unassigned.itertuples()
        )
    areas["region_code"] = areas["region_name"].map(LCPA_CODES).fillna("")

    area_boundaries = [
        {
            "type": "Feature",
            "properties": {"code": code},
            "geometry": to_geojson_geometry(simplify(lsoa_geoms[code], LSOA_SIMPLIFY_DEGREES)),
        }
        for code in areas["code"]
    ]

    regions = []
    for name in LCPA_NAMES:
        codes = areas.loc[areas["region_name"] == name, "code"]
        outline = union_of([lsoa_geoms[c] for c in codes], REGION_SIMPLIFY_DEGREES)
        regions.append(
            {
                "type": "Feature",
                "properties": {
                    "code": LCPA_CODES[name],
                    "name": name,
                    "slug": slugify(name),
                    "boundary_vintage": BOUNDARY_VINTAGE,
                    "provisional": True,
                    "lsoa_count": len(codes),
                },
                "geometry": to_geojson_geometry(outline),
            }
        )

    districts = _build_districts(source)
    areas = areas.sort_values("code")[AREA_COLUMNS].reset_index(drop=True)
    return GeographyExtract(districts, regions, areas, area_boundaries, lsoa_geoms)


def _build_districts(source: Path) -> list[dict]:
    path = source / "kent_medway_lad2013_from_martinjc_topo.geojson"
    features = read_feature_collection(path)
    frame = features_frame(features, ["LAD13CD", "LAD13NM", "current_name"])
    check = FrameCheck(frame, path.name, line_label="feature")
    check.matches("LAD13CD", DISTRICT_CODE_RE, what="a district code")
    check.references("LAD13CD", ALL_DISTRICT_CODES, "Kent or Medway district")
    check.unique("LAD13CD")
    raise_if_problems(check)
    out = []
    for feature in sorted(features, key=lambda f: f["properties"]["LAD13CD"]):
        props = feature["properties"]
        code = props["LAD13CD"]
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": props.get("current_name") or props["LAD13NM"],
                    "la_code": MEDWAY_LA_CODE if code == MEDWAY_DISTRICT_CODE else KENT_LA_CODE,
                },
                "geometry": to_geojson_geometry(
                    simplify(shape(feature["geometry"]), DISTRICT_SIMPLIFY_DEGREES)
                ),
            }
        )
    return out


def write_geography(extract: GeographyExtract, out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    write_feature_collection(out_dir / DISTRICTS_FILE, extract.districts)
    write_feature_collection(out_dir / REGIONS_FILE, extract.regions)
    extract.areas.to_csv(out_dir / AREAS_FILE, index=False)
    write_feature_collection(out_dir / AREA_BOUNDARIES_FILE, extract.area_boundaries)
    return [out_dir / name for name in (DISTRICTS_FILE, REGIONS_FILE, AREAS_FILE,
                                        AREA_BOUNDARIES_FILE)]
