"""The questionnaire: twenty statements in our own words covering every theme of the issue."""

from accord.alignment.statements import SCALE, statements_of


def test_twenty_statements_each_with_its_own_key_and_theme():
    statements = statements_of()

    assert len(statements) == 20
    assert len({s.key for s in statements}) == 20
    assert [s.number for s in statements] == list(range(1, 21))
    assert {s.theme for s in statements} == {
        "Shared goals and metrics",
        "Common lead definition",
        "Communication and meetings",
        "Joint planning",
        "Shared data",
        "Feedback on campaigns",
        "Role clarity",
        "Rewards",
        "Culture",
    }


def test_the_scale_runs_from_strongly_disagree_to_strongly_agree():
    assert SCALE[1] == "Strongly disagree"
    assert SCALE[5] == "Strongly agree"
    assert list(SCALE) == [1, 2, 3, 4, 5]
