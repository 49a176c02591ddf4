"""Classifying touches by the rules stored in the database, as imports and the API do."""

import polars as pl
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.touchpoints.classification import classify_channel, get_classifier
from accord.touchpoints.models import Channel, ChannelRule
from accord.touchpoints.rules import DEFAULT_RULES, PAID_MEDIUM
from accord.touchpoints.services import do_delete_channel_rules, do_save_channel_rule
from accord.touchpoints.tests.cases import GA4_CASES

COLUMNS = ["utm_source", "utm_medium", "utm_campaign", "referrer"]
INMAIL = ("linkedin", "inmail", "", "")


def _inmail_rule(position, **fields):
    return ChannelRule(
        position=position,
        channel=Channel.SALES_OUTREACH,
        source_pattern="linkedin",
        medium_pattern="inmail",
        note="Reps' InMails are sales outreach",
        **fields,
    )


def _frame(touches):
    return pl.DataFrame(touches, schema=COLUMNS, orient="row")


def test_the_seeded_rules_are_ga4_defaults_100_positions_apart(db):
    rules = list(ChannelRule.objects.all())

    assert [r.position for r in rules] == [100 * n for n in range(1, len(DEFAULT_RULES) + 1)]
    assert [r.as_rule() for r in rules] == list(DEFAULT_RULES)


@pytest.mark.parametrize(("touch", "channel"), GA4_CASES, ids=lambda v: str(v))
def test_a_touch_gets_its_ga4_channel(db, touch, channel):
    assert classify_channel(*touch) == channel


def test_columns_get_the_same_channels_as_single_touches(db):
    touches = [touch for touch, _ in GA4_CASES]

    channels = get_classifier().classify_frame(_frame(touches)).to_list()

    assert channels == [channel for _, channel in GA4_CASES]


def test_a_rule_an_admin_adds_before_a_default_wins_at_once(db, marketing_head):
    assert classify_channel(*INMAIL) == Channel.ORGANIC_SOCIAL

    do_save_channel_rule(_inmail_rule(50), by=marketing_head)

    assert classify_channel(*INMAIL) == Channel.SALES_OUTREACH
    assert get_classifier().classify_frame(_frame([INMAIL])).to_list() == [Channel.SALES_OUTREACH]
    assert classify_channel("linkedin", "social", "", "") == Channel.ORGANIC_SOCIAL


def test_a_rule_placed_after_the_matching_default_does_not_win(db):
    do_save_channel_rule(_inmail_rule(1250))  # after "Organic Social (social site)" at 1200

    assert classify_channel(*INMAIL) == Channel.ORGANIC_SOCIAL


def test_a_rule_inserted_between_two_defaults_is_tried_between_them(db):
    classified_before = classify_channel("eventbrite", "referral", "", "")
    rule = ChannelRule(position=1750, channel=Channel.EVENTS, source_pattern=r"eventbrite(\.com)?")

    do_save_channel_rule(rule)

    assert classified_before == Channel.REFERRAL
    assert classify_channel("eventbrite", "referral", "", "") == Channel.EVENTS
    assert classify_channel("eventbrite", "email", "", "") == Channel.EVENTS
    assert classify_channel("google", "organic", "", "") == Channel.ORGANIC_SEARCH


def test_an_inactive_rule_is_ignored(db):
    do_save_channel_rule(_inmail_rule(50, is_active=False))

    assert classify_channel(*INMAIL) == Channel.ORGANIC_SOCIAL
    assert get_classifier().classify_frame(_frame([INMAIL])).to_list() == [Channel.ORGANIC_SOCIAL]


def test_editing_and_deleting_a_rule_take_effect_at_once(db):
    rule = do_save_channel_rule(_inmail_rule(50))
    rule.medium_pattern = "in-?mail|message"
    do_save_channel_rule(rule)
    edited = classify_channel("linkedin", "message", "", "")

    do_delete_channel_rules([rule])

    assert edited == Channel.SALES_OUTREACH
    assert classify_channel("linkedin", "message", "", "") == Channel.ORGANIC_SOCIAL


def test_deactivating_a_default_lets_the_next_rule_decide(db):
    paid_social = ChannelRule.objects.get(channel=Channel.PAID_SOCIAL)
    paid_social.is_active = False
    do_save_channel_rule(paid_social)

    assert classify_channel("linkedin", "cpc", "", "") == Channel.PAID_OTHER


def test_with_every_rule_switched_off_touches_are_unassigned(db):
    ChannelRule.objects.update(is_active=False)

    assert classify_channel("google", "cpc", "", "") == Channel.UNASSIGNED


def test_with_no_rules_stored_the_ga4_defaults_apply(db):
    ChannelRule.objects.all().delete()

    assert classify_channel("google", "cpc", "", "") == Channel.PAID_SEARCH


def test_an_invalid_pattern_is_refused_with_the_reason(db):
    rule = ChannelRule(position=50, channel=Channel.EVENTS, source_pattern="(eventbrite")

    with pytest.raises(ValidationError) as refused:
        do_save_channel_rule(rule)

    assert refused.value.message_dict == {
        "source_pattern": [
            "Not a valid regular expression: missing ), unterminated subpattern at position 0."
        ]
    }
    assert not ChannelRule.objects.filter(channel=Channel.EVENTS).exists()


def test_a_rule_without_any_pattern_is_refused(db):
    with pytest.raises(ValidationError, match="Give at least one pattern"):
        do_save_channel_rule(ChannelRule(position=50, channel=Channel.EVENTS))


SOURCES = [
    "google",
    "Google",
    "bing",
    "facebook",
    "t.co",
    "linkedin",
    "youtube",
    "amazon",
    "newsletter",
    "(direct)",
    "firebase",
    "sms",
    "e mail",
    "x",
    "partner.example",
    "",
]
MEDIUMS = [
    "cpc",
    "CPC",
    "ppc",
    "paid_social",
    "organic",
    "email",
    "display",
    "cpm",
    "banner",
    "affiliate",
    "audio",
    "sms",
    "web-push",
    "social",
    "video",
    "referral",
    "(none)",
    "(not set)",
    "retargeting",
    "inmail",
    "",
]
CAMPAIGNS = ["", "spring_sale", "pmax-cross-network", "e-shop", "shopping", "workshop"]
REFERRERS = ["", "https://www.google.com/", "https://news.ycombinator.com/item?id=1", "t.co",
             "https://m.facebook.com/", "HTTPS://WWW.BING.COM/search?q=a", "//www.youtube.com",
             "android-app://com.google.android.gm", "https://user@www.amazon.de:443/x",
             "www.ecosia.org", " https://www.yahoo.co.jp/ "]  # fmt: skip


def _values(examples):
    return st.one_of(st.sampled_from(examples), st.text(max_size=30), st.none())


touches = st.lists(
    st.tuples(_values(SOURCES), _values(MEDIUMS), _values(CAMPAIGNS), _values(REFERRERS)),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(touches=touches)
def test_columns_and_single_touches_always_agree(db, touches):
    ChannelRule.objects.get_or_create(
        position=150,
        channel=Channel.EVENTS,
        defaults={
            "campaign_pattern": r"(?:a|ab)[a-z_]*[0-9]+|expo-[0-9]{4}",
            "medium_pattern": PAID_MEDIUM,
        },
    )

    columns = get_classifier().classify_frame(_frame(touches)).to_list()

    assert columns == [classify_channel(*touch) for touch in touches]
