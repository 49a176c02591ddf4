"""The rules without a database: GA4's defaults, referrers, and which patterns are accepted."""

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.touchpoints.models import Channel
from accord.touchpoints.rules import DEFAULT_RULES, Classifier, Rule, check_pattern, traffic_source
from accord.touchpoints.tests.cases import GA4_CASES

DEFAULTS = Classifier(DEFAULT_RULES)


@pytest.mark.parametrize(("touch", "channel"), GA4_CASES, ids=lambda v: str(v))
def test_ga4_defaults_name_the_channel_of_a_touch(touch, channel):
    assert DEFAULTS.classify(*touch) == channel


def test_the_defaults_cover_every_ga4_channel_in_ga4_order():
    ga4_order = [
        "direct", "cross_network", "paid_shopping", "paid_search", "paid_social", "paid_video",
        "display", "paid_other", "organic_shopping", "organic_social", "organic_video",
        "organic_search", "referral", "email", "affiliates", "audio", "sms", "mobile_push",
    ]  # fmt: skip

    assert list(dict.fromkeys(rule.channel for rule in DEFAULT_RULES)) == ga4_order
    assert set(ga4_order) | {"unassigned", "events", "sales_outreach"} == set(Channel.values)


@pytest.mark.parametrize(
    ("referrer", "source", "medium"),
    [
        ("https://www.google.com/", "google.com", "organic"),
        ("https://news.ycombinator.com/item?id=1", "news.ycombinator.com", "referral"),
        ("t.co", "t.co", "referral"),
        ("//www.Bing.com/search?q=x", "Bing.com", "organic"),
        ("https://user@www.partner.example:8443/x", "partner.example", "referral"),
        ("android-app://com.google.android.gm/", "com.google.android.gm", "referral"),
        ("", "(direct)", "(none)"),
        ("/relative/path", "(direct)", "(none)"),
    ],
)
def test_without_tags_the_referrer_host_is_the_source(referrer, source, medium):
    assert traffic_source("", "", "", referrer) == (source, medium, "")


def test_tags_are_used_as_given_when_the_link_had_any():
    assert traffic_source("google", "", "brand", "https://www.bing.com/") == (
        "google",
        "",
        "brand",
    )


def test_rows_and_columns_agree_on_the_ga4_cases_and_on_missing_values():
    touches = [touch for touch, _ in GA4_CASES] + [(None, None, None, None)]
    frame = pl.DataFrame(
        touches,
        schema=["utm_source", "utm_medium", "utm_campaign", "referrer"],
        orient="row",
    )

    assert DEFAULTS.classify_frame(frame).to_list() == [DEFAULTS.classify(*t) for t in touches]


def test_a_frame_without_a_referrer_column_is_classified_from_its_tags():
    frame = pl.DataFrame({"utm_source": ["google", "google"], "utm_medium": ["cpc", "organic"]})

    assert DEFAULTS.classify_frame(frame).to_list() == ["paid_search", "organic_search"]


def test_with_no_rules_every_touch_is_unassigned():
    frame = pl.DataFrame({"utm_source": ["google"], "utm_medium": ["cpc"]})

    assert Classifier([]).classify("google", "cpc", "", "") == "unassigned"
    assert Classifier([]).classify_frame(frame).to_list() == ["unassigned"]


def test_a_pattern_must_match_the_whole_value():
    rules = [Rule(channel="events", medium="event")]

    assert Classifier(rules).classify("expo", "event", "", "") == "events"
    assert Classifier(rules).classify("expo", "events", "", "") == "unassigned"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(google", "Not a valid regular expression: missing ), unterminated subpattern"),
        ("(?=google)goo.*", "look-around"),
        (r"(a)\1", "backreferences are not supported"),
        ("go*+gle", "Possessive quantifiers"),
        ("(?>go)gle", "atomic groups"),
        ("[[:alpha:]]+", "Ambiguous regular expression: Possible nested set"),
        (r"news\w+", r"\w, \d, \s and \b are not supported"),
        (r"\bgoogle", r"\w, \d, \s and \b are not supported"),
        (r"\<google", r"\< and \> are not supported"),
        ("(?x)goo gle", "Verbose mode"),
        ("lınkedin", "Write i instead of İ or ı"),
    ],
)
def test_patterns_one_engine_cannot_run_are_refused_with_the_reason(pattern, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        check_pattern(pattern)


def test_an_empty_frame_gives_no_channels():
    frame = pl.DataFrame(schema={"utm_source": pl.String, "referrer": pl.String})

    assert DEFAULTS.classify_frame(frame).to_list() == []


TRICKY = "iIİıkKKsSſ.-_/:@ www.google.t.co"
WITH_CASE_RULES = Classifier(
    [
        Rule(channel="events", source="[h-j]+k?", medium="(?i:s)[^a-z]*"),
        Rule(channel="sales_outreach", campaign=".*(in|ſ).*", source_or_medium="[^/]+"),
        *DEFAULT_RULES,
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(*[st.one_of(st.text(TRICKY, max_size=12), st.text(max_size=8))] * 4),
        min_size=1,
        max_size=30,
    )
)
def test_rows_and_columns_agree_on_case_folding_edge_cases(touches):
    classifier = WITH_CASE_RULES
    frame = pl.DataFrame(
        touches, schema=["utm_source", "utm_medium", "utm_campaign", "referrer"], orient="row"
    )

    assert classifier.classify_frame(frame).to_list() == [classifier.classify(*t) for t in touches]


def test_a_turkish_dotless_i_reads_as_i():
    assert DEFAULTS.classify("lınkedın", "cpc", "", "") == "paid_social"
    assert DEFAULTS.classify("", "", "", "https://www.LİNKEDİN.com/feed") == "organic_social"
