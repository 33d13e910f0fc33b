"""A source's last year carried into later shown years (kentdata.vintage)."""

from kentdata.vintage import carried_forward


def _record(year, level="1", urn="100001"):
    return {"provider_urn": urn, "provider_ukprn": "", "site_name": "Main", "academic_year": year,
            "level": level, "learners": 40, "source": f"published {year}",
            "record_label": "published", "source_year": year, "learners_published": ""}


def test_only_the_last_year_is_carried_and_only_into_later_shown_years():
    """2022/23 records stand in for 2023/24 and 2024/25; 2021/22 and earlier shown years get
    nothing; each copy is derived, learners unknown, vintage 2022/23, with the given text."""
    records = [_record("2021/22"), _record("2022/23"), _record("2022/23", level="2")]
    copies = carried_forward(
        records, ["2016/17", "2022/23", "2024/25", "2023/24", "2021/22"],
        lambda record, year: f"{record['source']} shown for {year}",
    )
    assert [(c["academic_year"], c["level"]) for c in copies] == [
        ("2023/24", "1"), ("2023/24", "2"), ("2024/25", "1"), ("2024/25", "2")]
    assert {c["source_year"] for c in copies} == {"2022/23"}
    assert {c["record_label"] for c in copies} == {"derived"}
    assert {c["learners"] for c in copies} == {None}
    assert copies[0]["source"] == "published 2022/23 shown for 2023/24"
    assert records[1]["academic_year"] == "2022/23"  # the originals are left as they were


def test_a_provider_that_no_longer_runs_gets_no_copy_and_no_records_give_none():
    """runs_in leaves out copies for years a provider did not run; an empty source gives []."""
    records = [_record("2022/23", urn="100001"), _record("2022/23", urn="100002")]
    copies = carried_forward(records, ["2023/24"], lambda r, y: "x",
                             runs_in=lambda record, year: record["provider_urn"] != "100002")
    assert [c["provider_urn"] for c in copies] == ["100001"]
    assert carried_forward([], ["2023/24"], lambda r, y: "x") == []


def test_same_records_give_the_same_copies():
    """Deterministic: the same input gives equal output, whatever order the years come in."""
    records = [_record("2022/23"), _record("2022/23", level="3")]
    first = carried_forward(records, ["2024/25", "2023/24"], lambda r, y: y)
    second = carried_forward(records, ["2023/24", "2024/25", "2023/24"], lambda r, y: y)
    assert first == second
