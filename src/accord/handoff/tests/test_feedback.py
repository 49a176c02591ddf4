"""Marketing's feedback page and API: why Sales rejects leads, and both sides of the SLA."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from tests.factories import CampaignFactory, TouchpointFactory

from accord.handoff.routing import do_route
from accord.handoff.selectors import terms_in_force
from accord.handoff.services import check_terms, do_accept, do_record_first_touch, do_reject
from accord.handoff.tests.helpers import mql, new_york
from accord.touchpoints.models import Channel


@pytest.fixture
def rejected_today(lead, rep):
    """Two leads from the webinar rejected today (no budget, bad timing), one from search."""
    webinar = CampaignFactory(name="Autumn webinar", channel=Channel.EMAIL)
    search = CampaignFactory(name="Search brand", channel=Channel.PAID_SEARCH)
    handed = timezone.now() - dt.timedelta(hours=1)
    done = []
    for campaign, reason in (
        (webinar, "no_budget"),
        (webinar, "bad_timing"),
        (search, "no_budget"),
    ):
        handoff = lead(rep, at=handed, original_source=campaign.channel)
        TouchpointFactory(
            person=handoff.person,
            campaign=campaign,
            channel=campaign.channel,
            occurred_at=handed - dt.timedelta(minutes=5),
        )
        done.append(do_reject(handoff, rep, reason, "", check_terms()))
    return done


def shares(rows):
    return {row["label"]: (row["rejections"], row["share"]) for row in rows}


def test_a_rejection_made_today_shows_up_today_by_reason_campaign_channel_and_source(
    api_as, marketer, rejected_today
):
    answer = api_as(marketer).get("/feedback/rejections", start="2026-01-01", end=str(today()))

    assert answer.status_code == 200, answer.json()
    result = answer.json()
    assert result["total"] == 3
    assert shares(result["by_reason"]) == {"No budget": (2, 0.6667), "Bad timing": (1, 0.3333)}
    assert shares(result["by_campaign"]) == {
        "Autumn webinar": (2, 0.6667),
        "Search brand": (1, 0.3333),
    }
    assert shares(result["by_channel"]) == {"Email": (2, 0.6667), "Paid search": (1, 0.3333)}
    assert shares(result["by_source"]) == {"Email": (2, 0.6667), "Paid search": (1, 0.3333)}


def today():
    return timezone.now().date()


def test_the_feedback_page_shows_the_rejections_with_charts(client, marketer, rejected_today):
    client.force_login(marketer)

    page = client.get("/feedback/").content.decode()

    assert "Rejected leads: 3" in page
    assert 'aria-label="Rejections by reason"' in page
    assert "<td>No budget</td><td>2</td><td>67%</td>" in page
    assert "<td>Autumn webinar</td><td>2</td><td>67%</td>" in page
    assert 'data-testid="chart-first-touch"' in page and 'data-testid="chart-mqls"' in page


def test_a_long_breakdown_shows_its_top_rows_and_sums_up_the_rest(
    client, marketer, lead, rep, monkeypatch
):
    monkeypatch.setattr("accord.metrics.feedback.TOP_ROWS", 2)
    handed = timezone.now() - dt.timedelta(hours=1)
    for name, leads in (("Fair", 3), ("Webinar", 2), ("Podcast", 1), ("Newsletter", 1)):
        campaign = CampaignFactory(name=name, channel=Channel.EMAIL)
        for _ in range(leads):
            handoff = lead(rep, at=handed)
            TouchpointFactory(person=handoff.person, campaign=campaign, occurred_at=handed)
            do_reject(handoff, rep, "no_budget", "", check_terms())
    client.force_login(marketer)

    page = client.get("/feedback/").content.decode()

    assert "<td>Fair</td><td>3</td><td>43%</td>" in page
    assert "<td>Webinar</td><td>2</td><td>29%</td>" in page
    assert "Podcast" not in page
    assert "<td>2 more campaigns</td><td>2</td><td>29%</td>" in page


def test_the_rejections_download_as_csv(client, marketer, rejected_today):
    client.force_login(marketer)

    answer = client.get("/feedback/rejections.csv")

    assert answer["Content-Disposition"] == 'attachment; filename="accord-feedback-rejections.csv"'
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0] == ["by", "value", "rejections", "share"]
    assert ["reason", "No budget", "2", "0.6667"] in rows
    assert ["campaign", "Search brand", "1", "0.3333"] in rows


@pytest.fixture
def sla_history(agreement, make_rule, rep):
    """Week of 2 Nov: one lead touched and accepted in time; week of 9 Nov: one touched late
    and never decided."""
    make_rule(members=[rep])
    terms = terms_in_force()
    kept = do_route(mql(), terms, at=new_york(2026, 11, 2, 10))
    do_record_first_touch(kept, rep, at=new_york(2026, 11, 2, 11))
    do_accept(kept, rep, at=new_york(2026, 11, 3, 11))
    late = do_route(mql(), terms, at=new_york(2026, 11, 9, 10))
    do_record_first_touch(late, rep, at=new_york(2026, 11, 12, 10))


def test_sales_sla_compliance_by_week(api_as, marketer, sla_history):
    answer = api_as(marketer).get(
        "/feedback/sla", start="2026-11-02", end="2026-11-15", grain="week"
    )

    assert answer.status_code == 200, answer.json()
    weeks = {w["period"]: w for w in answer.json()["sales"]}
    assert list(weeks) == ["2026-11-02", "2026-11-09"]
    assert (weeks["2026-11-02"]["first_touch_rate"], weeks["2026-11-02"]["decision_rate"]) == (1, 1)
    assert (weeks["2026-11-09"]["first_touch_rate"], weeks["2026-11-09"]["decision_rate"]) == (0, 0)


def test_marketing_mqls_delivered_against_the_agreements_commitment(
    api_as, marketer, sla_history, agreement
):
    answer = api_as(marketer).get("/feedback/sla", start="2026-11-01", end="2026-11-30").json()

    commitment = agreement.document.sla.mqls_per_month
    assert answer["commitment_source"] == "agreement"
    assert [(m["month"], m["commitment"]) for m in answer["marketing"]] == [
        ("2026-11-01", commitment)
    ]
    assert answer["sales"][0]["handoffs"] == 2


def test_the_sla_by_week_on_the_page_and_as_csv(client, marketer, sla_history):
    client.force_login(marketer)
    period = {"start": "2026-11-02", "end": "2026-11-15", "grain": "week"}

    page = client.get("/feedback/", period).content.decode()
    rows = list(csv.reader(io.StringIO(client.get("/feedback/sla.csv", period).content.decode())))

    assert "<td>2 Nov 2026</td><td>1</td><td>100%</td><td>100%</td>" in page
    assert "<td>9 Nov 2026</td><td>1</td><td>0%</td><td>0%</td>" in page
    assert ["sales", "2026-11-09", "1", "0.0", "0.0", "0", "0", "", ""] in rows
    assert rows[-1][0] == "marketing"


def test_a_period_that_ends_before_it_starts_is_refused(client, api_as, marketer):
    client.force_login(marketer)

    page = client.get("/feedback/", {"start": "2026-11-10", "end": "2026-11-01"})
    api = api_as(marketer).get("/feedback/rejections", start="2026-11-10", end="2026-11-01")

    assert page.status_code == 400 and "ends before it starts" in page.content.decode()
    assert api.status_code == 422


def test_marketers_and_heads_find_the_feedback_page_in_the_navigation(
    client, marketer, marketing_head, sales_head, rep
):
    for user, sees in ((marketer, True), (marketing_head, True), (sales_head, True), (rep, False)):
        client.force_login(user)
        nav = [item["label"] for item in client.get("/feedback/").context["nav"]]
        assert ("Feedback" in nav) is sees


def test_a_bad_filter_is_named_beside_its_field_and_the_rest_is_kept(client, marketer):
    client.force_login(marketer)

    answer = client.get(
        "/feedback/", {"start": "2026-11-10", "end": "2026-11-01", "region": "EMEA", "grain": "day"}
    )
    page = answer.content.decode()

    assert answer.status_code == 400
    assert 'data-testid="error-summary"' in page
    assert '<a href="#id_end">To: The period ends before it starts.</a>' in page
    assert 'id="id_grain_error"' in page
    assert 'name="region" value="EMEA"' in page and 'value="2026-11-10"' in page
