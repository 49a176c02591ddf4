"""The access table and the API's input schemas describe the same fields, role by role."""

import pytest

from accord.crm.schemas import AccountPatch, OpportunityPatch, PersonCreate, PersonPatch
from accord.teams.access import WRITABLE, AccessDenied, Audience, audience_of, check_writable
from accord.touchpoints.api import CampaignPatch, TouchpointCreate, TouchpointPatch

SCHEMAS = {
    ("person", "create"): PersonCreate,
    ("person", "update"): PersonPatch,
    ("account", "update"): AccountPatch,
    ("opportunity", "update"): OpportunityPatch,
    ("campaign", "update"): CampaignPatch,
    ("touchpoint", "create"): TouchpointCreate,
    ("touchpoint", "update"): TouchpointPatch,
}
SALES_RECORDS = ("person", "account", "opportunity")


@pytest.mark.parametrize("key", list(SCHEMAS), ids=lambda key: " ".join(key))
def test_an_admin_may_write_exactly_the_fields_the_api_accepts(key):
    assert WRITABLE[key][Audience.ADMIN] == set(SCHEMAS[key].model_fields)


@pytest.mark.parametrize("action", ["create", "update"])
def test_marketing_never_writes_an_owner_or_a_deal(action):
    marketing = {record: WRITABLE[(record, action)][Audience.MARKETING] for record in SALES_RECORDS}
    assert "owner_id" not in marketing["person"] | marketing["account"]
    assert marketing["opportunity"] == set()
    assert "lifecycle_stage" in marketing["person"]


def test_personas_fall_into_their_audiences(
    rep, other_rep, sales_head, marketer, marketing_head, admin_user
):
    assert [audience_of(u) for u in (rep, other_rep, sales_head)] == [
        Audience.REP,
        Audience.REP,
        Audience.SALES_HEAD,
    ]
    assert {audience_of(marketer), audience_of(marketing_head)} == {Audience.MARKETING}
    assert audience_of(admin_user) == Audience.ADMIN


def test_every_refused_field_is_named(marketer):
    with pytest.raises(AccessDenied) as refused:
        check_writable(marketer, "opportunity", "update", ["amount", "stage"])

    assert refused.value.errors == [
        ("amount", "marketing may not update an opportunity"),
        ("stage", "marketing may not update an opportunity"),
    ]
