"""The diff of a submission against last year's records (pure function, no database)."""

from offerround.diff import ADDED, CHANGED, UNANSWERED, UNCHANGED, WITHDRAWN, compare

BLANK = {"subject": "", "tlevel_route": "", "site_id": 1, "min_english_grade": None,
         "min_maths_grade": None, "min_gcse_passes": None, "ehcp_required": False}


def record(title, places, **extra):
    return {**BLANK, "title": title, "level": "3", "qualification_type": "a_level",
            "places": places, **extra}


def test_each_kind_of_change_and_places_up_and_down():
    """Added, changed (with the fields and the places change), withdrawn, unchanged and
    unanswered are told apart; places up and down are counted on kept offers only."""
    previous = {1: record("Biology", 20), 2: record("Chemistry", 30), 3: record("Physics", 10),
                4: record("History", 25), 5: record("Latin", 8)}
    offers = [
        {"previous_id": 1, "action": "confirm", **record("Biology", 20)},
        {"previous_id": 2, "action": "edit", **record("Chemistry", 24, min_maths_grade=6)},
        {"previous_id": 3, "action": "withdraw", **record("Physics", 10)},
        {"previous_id": 4, "action": "edit", **record("History", 40)},
        {"previous_id": 5, "action": "", **record("Latin", 8)},
        {"previous_id": None, "action": "new", **record("Digital", 16,
                                                        qualification_type="t_level")},
    ]
    result = compare(offers, previous)
    kinds = {line.title: line.kind for line in result.lines}
    assert kinds == {"Biology": UNCHANGED, "Chemistry": CHANGED, "Physics": WITHDRAWN,
                     "History": CHANGED, "Latin": UNANSWERED, "Digital": ADDED}
    chemistry = next(line for line in result.lines if line.title == "Chemistry")
    assert set(chemistry.changes) == {("Places", 30, 24), ("Minimum maths grade", None, 6)}
    assert chemistry.places_change == -6
    assert next(line for line in result.lines if line.title == "Physics").places_change == -10
    assert result.summary == {"added": 1, "changed": 2, "withdrawn": 1, "unchanged": 1,
                              "unanswered": 1, "places_up": 1, "places_down": 1}
    assert [line.kind for line in result.lines][:1] == [ADDED]  # new offers first


def test_an_edit_that_changes_nothing_is_unchanged_and_unknown_places_stay_unknown():
    """Pressing "change" without changing anything is no change; an unknown places figure on
    either side gives no places change (not zero, not a fall)."""
    previous = {1: record("Art", None), 2: record("Music", 12)}
    offers = [{"previous_id": 1, "action": "edit", **record("Art", 15)},
              {"previous_id": 2, "action": "edit", **record("Music", 12)}]
    result = compare(offers, previous)
    art = next(line for line in result.lines if line.title == "Art")
    assert art.kind == CHANGED and art.places_change is None
    assert next(line for line in result.lines if line.title == "Music").kind == UNCHANGED
    assert result.places_up == result.places_down == 0
