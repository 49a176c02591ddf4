import pytest

from accord.scoring import DocumentError, check_document
from accord.scoring.tests.test_engine import document


def refusal(**changes) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        document(**changes)
    return caught.value.problems


def test_a_rule_on_an_unknown_field_is_refused_with_its_path():
    problems = refusal(fit_rules=[{"name": "Rich", "field": "revenue", "min": 1, "points": 5}])
    assert problems[0].startswith("fit_rules.0.field: unknown field 'revenue'")


def test_a_negative_half_life_is_refused():
    problems = refusal(engagement={"half_life_days": -3, "kinds": {}})
    assert problems == ["engagement.half_life_days: Input should be greater than 0"]


def test_overlapping_grade_bands_are_refused():
    bands = [
        {"grade": "A", "min": 50},
        {"grade": "B", "min": 30, "max": 60},
        {"grade": "C", "max": 29},
    ]
    assert refusal(grades=bands) == ["grades: grade bands B and A overlap"]


def test_two_grade_bands_open_below_are_refused_as_overlapping():
    bands = [{"grade": "A", "max": 100}, {"grade": "B", "max": 20}, {"grade": "C"}]
    assert refusal(grades=bands)[0].startswith("grades: grade bands")


def test_a_gap_between_grade_bands_is_refused():
    bands = [{"grade": "A", "min": 50}, {"grade": "B", "max": 40}]
    assert refusal(grades=bands) == ["grades: no grade for fit points 41 to 49"]


def test_a_misspelt_setting_and_a_bad_condition_are_both_listed():
    problems = refusal(
        threshold={"min_total": 50, "min_grad": "A"},
        fit_rules=[{"name": "Big", "field": "employee_count", "in": ["many"], "points": 5}],
    )
    assert "threshold.min_grad: unknown field" in problems
    assert "fit_rules.0: a rule on employee_count needs exactly one of: min/max" in problems


def test_an_unknown_touchpoint_type_and_a_broken_pattern_are_refused():
    problems = refusal(
        engagement={"half_life_days": 10, "kinds": {"tweet": {"points": 1}}},
        disqualifiers={"student_title_pattern": "stud(ent"},
    )
    assert any(p.startswith("engagement.kinds.tweet") for p in problems)
    assert any(
        p.startswith("disqualifiers.student_title_pattern: not a valid regular") for p in problems
    )


def test_a_document_round_trips_through_json():
    doc = document()
    assert check_document(doc.model_dump_json(by_alias=True)) == doc
