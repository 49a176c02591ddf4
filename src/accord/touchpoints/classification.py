"""A touch's channel by the active rules an admin keeps in the database.

The rules are compiled once per process and reused while the active rules read back the same:
each call reads the few active rules (one small query) and recompiles only when they differ, so
a rule saved or deleted in any process takes effect at the next classification, with no signals.
With no rules stored at all (a flushed database), GA4's defaults apply; deactivate rules to
switch them off.
"""

from dataclasses import dataclass

import polars as pl

from accord.touchpoints.models import ChannelRule
from accord.touchpoints.rules import DEFAULT_RULES, UNASSIGNED, Classifier, Rule, traffic_source

RULE_FIELDS = (
    "channel",
    "source_pattern",
    "medium_pattern",
    "campaign_pattern",
    "any_of_source_medium",
)

_cached: tuple[tuple[Rule, ...], Classifier] | None = None


def active_rules() -> tuple[Rule, ...]:
    """The active rules in the order they are tried."""
    rows = ChannelRule.objects.filter(is_active=True).values_list(*RULE_FIELDS)
    rules = tuple(
        Rule(channel=channel, source=source, medium=medium, campaign=campaign, source_or_medium=sm)
        for channel, source, medium, campaign, sm in rows
    )
    if not rules and not ChannelRule.objects.exists():
        return DEFAULT_RULES
    return rules


def get_classifier() -> Classifier:
    global _cached
    rules = active_rules()
    cached = _cached
    if cached is not None and cached[0] == rules:
        return cached[1]
    classifier = Classifier(rules)
    _cached = (rules, classifier)
    return classifier


def classify_channel(
    utm_source: str | None, utm_medium: str | None, utm_campaign: str | None, referrer: str | None
) -> str:
    """The channel (a `Channel` value) of one touch from its UTM tags and referrer."""
    return get_classifier().classify(utm_source, utm_medium, utm_campaign, referrer)


def classify_channels(frame: pl.DataFrame) -> pl.Series:
    """The channel of every row of a frame with utm_source, utm_medium, utm_campaign and referrer
    columns, computed on whole columns; row for row the same as `classify_channel`."""
    return get_classifier().classify_frame(frame)


@dataclass(frozen=True)
class ChannelExplanation:
    """Why a touch gets its channel: the traffic source derived from it and the deciding rule."""

    source: str
    medium: str
    campaign: str
    channel: str
    rule: ChannelRule | None  # None: no rule matched, or GA4's defaults applied (no rules stored)


def explain_channel(
    utm_source: str | None, utm_medium: str | None, utm_campaign: str | None, referrer: str | None
) -> ChannelExplanation:
    source, medium, campaign = traffic_source(utm_source, utm_medium, utm_campaign, referrer)
    classifier = get_classifier()
    n = classifier.first_match(source, medium, campaign)
    channel = UNASSIGNED if n is None else classifier.rules[n].channel
    stored = list(ChannelRule.objects.filter(is_active=True))
    rule = stored[n] if n is not None and n < len(stored) else None
    return ChannelExplanation(source, medium, campaign, channel, rule)
