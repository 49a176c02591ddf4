"""A total of 20 to 100 places a person or a team in one of the four relationship stages."""

from dataclasses import replace

import pytest

from accord.alignment.stages import NEXT_STEPS, Stage, stage_for


@pytest.mark.parametrize(
    ("total", "stage"),
    [
        (20, Stage.UNDEFINED),
        (39, Stage.UNDEFINED),
        (40, Stage.DEFINED),
        (59, Stage.DEFINED),
        (60, Stage.ALIGNED),
        (79, Stage.ALIGNED),
        (80, Stage.INTEGRATED),
        (100, Stage.INTEGRATED),
    ],
)
def test_each_total_falls_in_its_stage(total, stage):
    assert stage_for(total) == stage


def test_a_mean_just_under_a_boundary_stays_in_the_lower_stage():
    assert stage_for(59.5) == Stage.DEFINED


@pytest.mark.parametrize("total", [19, 101])
def test_a_total_off_the_questionnaire_scale_is_refused(total):
    with pytest.raises(ValueError, match="between 20 and 100"):
        stage_for(total)


def test_every_stage_has_next_steps_from_the_documents():
    titles = {step.title for steps in NEXT_STEPS.values() for step in steps}

    assert titles == {
        "Hold regular joint meetings and keep a contact directory",
        "Start job shadowing and name a liaison",
        "Sit the two teams together",
        "Split Marketing into upstream and downstream",
        "Share revenue goals and rewards",
    }
    assert [s.title for s in NEXT_STEPS[Stage.UNDEFINED]] == [
        "Hold regular joint meetings and keep a contact directory"
    ]


def test_a_step_links_to_the_first_page_that_exists_and_to_nothing_when_none_does():
    step = NEXT_STEPS[Stage.UNDEFINED][0]

    assert replace(step, url_names=("no:such", "metrics:dashboard")).url == "/dashboard/"
    assert replace(step, url_names=("no:such",)).url is None


def test_the_steps_link_to_the_meetings_the_people_page_and_the_goals():
    links = {step.title: step.url for steps in NEXT_STEPS.values() for step in steps}

    assert links["Hold regular joint meetings and keep a contact directory"] == "/meetings/"
    assert links["Start job shadowing and name a liaison"] == "/goals/people/"
    assert links["Share revenue goals and rewards"] == "/goals/"
