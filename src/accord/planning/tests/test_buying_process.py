"""The buying process from awareness to advocacy: a default plan the heads change."""

import pytest
from django.core.exceptions import ValidationError

from accord.planning.models import BuyingStage, BuyingStep, PlanningEvent
from accord.planning.selectors import get_buying_process
from accord.planning.services import NotAllowed, check_stage_plan, do_edit_stage

EDIT = {
    "owner": "downstream_marketing",
    "tactics": "Customer stories\n\nReferral offers\n",
    "metric": "evangelists",
    "lifecycle_stages": ["evangelist", "customer"],
}


def test_without_edits_the_default_plan_covers_every_funnel_stage_once(db):
    stages = get_buying_process()
    assert [s.step for s in stages] == [
        "awareness",
        "consideration",
        "preference",
        "purchase",
        "loyalty",
        "advocacy",
    ]
    assert [s.get_owner_display() for s in stages[:3]] == [
        "Upstream marketing",
        "Downstream marketing",
        "Downstream marketing",
    ]
    assert {s.owner for s in stages[3:]} == {"sales"}
    covered = [life for s in stages for life in s.lifecycle_stages]
    assert covered == ["subscriber", "lead", "mql", "sal", "sql", "opportunity", "customer",
                       "evangelist"]  # fmt: skip
    assert all(len(s.tactic_list) == 3 for s in stages)


@pytest.mark.parametrize("head", ["marketing_head", "sales_head"])
def test_a_head_changes_a_stage_and_the_others_keep_the_default(head, request):
    user = request.getfixturevalue(head)
    do_edit_stage(user, BuyingStep.ADVOCACY, check_stage_plan(EDIT))
    stages = get_buying_process()
    advocacy = stages[-1]
    assert advocacy.tactic_list == ["Customer stories", "Referral offers"]
    assert advocacy.lifecycle_stages == ["customer", "evangelist"]  # in funnel order
    assert advocacy.edited_by == user
    assert BuyingStage.objects.count() == 1
    assert stages[0].get_owner_display() == "Upstream marketing"
    assert PlanningEvent.objects.get().actor == user


@pytest.mark.parametrize("who", ["marketer", "rep"])
def test_only_heads_change_the_buying_process(who, request):
    with pytest.raises(NotAllowed):
        do_edit_stage(request.getfixturevalue(who), BuyingStep.AWARENESS, check_stage_plan(EDIT))


def test_a_stage_without_tactics_or_with_an_unknown_lifecycle_stage_is_refused(marketing_head):
    bad = {**EDIT, "tactics": "  \n", "lifecycle_stages": ["prospect"]}
    with pytest.raises(ValidationError) as refused:
        do_edit_stage(marketing_head, BuyingStep.AWARENESS, check_stage_plan(bad))
    assert set(refused.value.message_dict) == {"tactics", "lifecycle_stages"}
    assert "prospect" in refused.value.message_dict["lifecycle_stages"][0]
