import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.scoring import (
    check_document,
    contribution_codes,
    contributions_from_codes,
    engagement_points,
    explain,
    score_components,
)
from accord.scoring.engine import PEOPLE_SCHEMA, TOUCHPOINT_SCHEMA

AS_OF = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def document(**changes):
    data = {
        "fit_rules": [
            {
                "name": "Software company",
                "field": "industry",
                "in": ["Software", "SaaS"],
                "points": 30,
            },
            {
                "name": "Mid-market",
                "field": "employee_count",
                "min": 100,
                "max": 5000,
                "points": 20,
            },
            {"name": "Europe", "field": "region", "in": ["EMEA"], "points": 10},
            {
                "name": "Operations title",
                "field": "title",
                "pattern": "operations|ops",
                "points": 10,
            },
            {"name": "Entry level", "field": "seniority", "in": ["entry"], "points": -15},
        ],
        "grades": [
            {"grade": "A", "min": 60},
            {"grade": "B", "min": 40, "max": 59},
            {"grade": "C", "min": 20, "max": 39},
            {"grade": "D", "max": 19},
        ],
        "buying_power": {"seniorities": ["vp", "executive"], "required": "person_or_account"},
        "engagement": {
            "half_life_days": 30,
            "kinds": {
                "form_fill": {"points": 20, "cap": 40},
                "page_view": {"points": 2, "cap": 10},
                "meeting": {"points": 30},
            },
            "channels": {"events": 5},
        },
        "disqualifiers": {
            "free_mail_domains": ["gmail.com"],
            "competitor_domains": ["rival.example"],
            "student_title_pattern": "student|intern",
            "existing_customers": True,
        },
        "threshold": {"min_total": 80, "min_grade": "B"},
        "sla": {
            "mqls_per_month": 100,
            "first_touch_working_hours": 4,
            "accept_within_working_days": 2,
        },
    }
    data.update(changes)
    return check_document(data)


def people(*rows):
    defaults = {
        "account_id": 1,
        "email": "pat@acme.example",
        "title": "Head of Operations",
        "seniority": "director",
        "is_decision_maker": False,
        "industry": "Software",
        "employee_count": 250,
        "region": "EMEA",
        "account_domain": "acme.example",
        "is_customer": False,
    }
    return pl.DataFrame([{**defaults, **row} for row in rows], schema=PEOPLE_SCHEMA)


def touches(*rows):
    return pl.DataFrame(list(rows), schema=TOUCHPOINT_SCHEMA)


def days_ago(n):
    return AS_OF - dt.timedelta(days=n)


def test_fit_points_come_from_the_matching_rules_and_give_a_grade():
    doc = document()
    frame = people(
        {"person_id": 1},
        {"person_id": 2, "industry": "Retail", "employee_count": 20, "title": "Buyer"},
    )
    scores = score_components(frame, touches(), doc, AS_OF).sort("person_id")

    assert scores["fit"].to_list() == [70, 10]
    assert scores["fit_grade"].to_list() == ["A", "D"]
    assert [c.rule for c in explain(scores, doc, 2)] == ["Europe"]


def test_engagement_decays_with_the_half_life_and_stops_at_the_cap():
    doc = document()
    frame = people({"person_id": 1})
    fresh = touches({"person_id": 1, "kind": "form_fill", "channel": "email", "occurred_at": AS_OF})
    old = touches(
        {"person_id": 1, "kind": "form_fill", "channel": "email", "occurred_at": days_ago(30)}
    )
    many_views = touches(
        *[{"person_id": 1, "kind": "page_view", "channel": "direct", "occurred_at": AS_OF}] * 20
    )

    assert score_components(frame, fresh, doc, AS_OF)["engagement"][0] == 20
    assert score_components(frame, old, doc, AS_OF)["engagement"][0] == 10
    assert score_components(frame, many_views, doc, AS_OF)["engagement"][0] == 10


def test_channel_points_add_to_the_touchpoint_type_and_future_touches_do_not_count():
    doc = document()
    frame = people({"person_id": 1})
    event_meeting = touches(
        {"person_id": 1, "kind": "meeting", "channel": "events", "occurred_at": AS_OF},
        {"person_id": 1, "kind": "meeting", "channel": "events", "occurred_at": days_ago(-3)},
    )
    scores = score_components(frame, event_meeting, doc, AS_OF)
    assert explain(scores, doc, 1)[-1].points == 35


def test_a_person_crossing_the_threshold_with_a_decision_maker_on_the_account_is_an_mql():
    doc = document()
    frame = people(
        {"person_id": 1},
        {"person_id": 2, "email": "boss@acme.example", "seniority": "vp"},
        {"person_id": 3, "account_id": 2, "account_domain": "solo.example"},
    )
    engaged = touches(
        *[
            {"person_id": pid, "kind": "form_fill", "channel": "email", "occurred_at": AS_OF}
            for pid in (1, 3)
        ]
    )
    scores = score_components(frame, engaged, doc, AS_OF).sort("person_id")

    assert scores["total"].to_list() == [90, 70, 90]
    assert scores["is_mql"].to_list() == [True, False, False]
    assert scores["buying_power_met"].to_list() == [True, True, False]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"email": "pat@gmail.com"}, "free-mail address"),
        ({"account_domain": "rival.example"}, "competitor"),
        ({"title": "Student of economics"}, "student"),
        ({"is_customer": True}, "existing customer"),
    ],
)
def test_disqualified_people_are_never_mqls_and_say_why(row, reason):
    doc = document(buying_power={"required": "none"})
    frame = people({"person_id": 1, **row})
    engaged = touches(
        {"person_id": 1, "kind": "meeting", "channel": "events", "occurred_at": AS_OF}
    )
    scores = score_components(frame, engaged, doc, AS_OF)

    assert scores["total"][0] >= 80
    assert scores["disqualified_reason"][0] == reason
    assert not scores["is_mql"][0]


def test_the_stored_explanation_lists_the_same_rules_as_explain():
    doc = document()
    frame = people({"person_id": 1}, {"person_id": 2, "region": "APAC"})
    engaged = touches(
        {"person_id": 1, "kind": "page_view", "channel": "direct", "occurred_at": AS_OF}
    )
    scores = score_components(frame, engaged, doc, AS_OF)
    stored = dict(zip(scores["person_id"], contribution_codes(scores, doc), strict=True))

    for pid in (1, 2):
        assert contributions_from_codes(stored[pid], doc) == explain(scores, doc, pid)


person_rows = st.fixed_dictionaries(
    {
        "industry": st.sampled_from(["Software", "SaaS", "Retail", ""]),
        "employee_count": st.none() | st.integers(0, 20_000),
        "region": st.sampled_from(["EMEA", "NA", ""]),
        "title": st.sampled_from(["Ops lead", "Intern", "CEO", ""]),
        "seniority": st.sampled_from(["entry", "vp", "", "director"]),
    }
)
touch_rows = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["form_fill", "page_view", "meeting", "call"]),
            "channel": st.sampled_from(["events", "email", "direct"]),
            "days": st.floats(0, 400),
        }
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(person=person_rows, history=touch_rows, half_life=st.floats(0.5, 365))
def test_an_explanation_always_adds_up_to_the_score(person, history, half_life):
    doc = document(
        engagement={
            "half_life_days": half_life,
            "kinds": {"form_fill": {"points": 20, "cap": 45}, "page_view": {"points": 3}},
            "channels": {"events": 7},
        }
    )
    frame = people({"person_id": 1, **person})
    events = touches(
        *[
            {
                "person_id": 1,
                "kind": t["kind"],
                "channel": t["channel"],
                "occurred_at": days_ago(t["days"]),
            }
            for t in history
        ]
    )
    scores = score_components(frame, events, doc, AS_OF)
    contributions = explain(scores, doc, 1)

    assert sum(c.points for c in contributions) == scores["total"][0]
    assert scores["fit"][0] + scores["engagement"][0] == scores["total"][0]


def test_engagement_worked_out_once_scores_other_fit_rules_and_thresholds_alike():
    """The editor works engagement out once and rescores people's columns on each keystroke:
    the same figures as scoring everything again."""
    frame = people(
        {"person_id": 1},
        {"person_id": 2, "email": "boss@acme.example", "seniority": "vp"},
        {"person_id": 3, "industry": "Retail", "employee_count": 20},
    )
    engaged = touches(
        {"person_id": 1, "kind": "form_fill", "channel": "email", "occurred_at": days_ago(10)},
        {"person_id": 3, "kind": "meeting", "channel": "events", "occurred_at": days_ago(2)},
    )
    kept = engagement_points(engaged, document(), AS_OF)

    for doc in (document(), document(threshold={"min_total": 40, "min_grade": "D"})):
        again = score_components(frame, engaged, doc, AS_OF).sort("person_id")
        reused = score_components(frame, engaged, doc, AS_OF, engagement=kept).sort("person_id")
        assert reused.equals(again)
