"""A touch's channel by the active rules an admin keeps in the database.

The rules are compiled once per process and reused while the active rules read back the same:
each call reads the few active rules (one small query) and recompiles only when they differ, so
a rule saved or deleted in any process takes effect at the next classification, with no signals.
With no rules stored at all (a flushed database), GA4's defaults apply; deactivate rules to
switch them off.
"""

from dataclasses import dataclass
from functools import cache

from django.db import connection

from accord.touchpoints.models import ChannelRule
from accord.touchpoints.rules import DEFAULT_RULES, UNASSIGNED, Classifier, Rule, traffic_source

RULE_FIELDS = (
    "channel",
    "source_pattern",
    "medium_pattern",
    "campaign_pattern",
    "any_of_source_medium",
)

NO_RULES_STORED = ("no rules stored",)

_cached: tuple[tuple, Classifier] | None = None


def get_classifier() -> Classifier:
    """The classifier for the active rules, recompiled only when they changed."""
    global _cached
    rows = _active_rules()
    key = rows or (() if ChannelRule.objects.exists() else NO_RULES_STORED)
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    if key == NO_RULES_STORED:
        rules = DEFAULT_RULES
    else:
        rules = tuple(
            Rule(channel=ch, source=src, medium=med, campaign=cmp, source_or_medium=sm)
            for ch, src, med, cmp, sm in rows
        )
    classifier = Classifier(rules)
    _cached = (key, classifier)
    return classifier


def _active_rules() -> tuple:
    """The active rules' `RULE_FIELDS`, in their order: the query is built once per process,
    since every capture reads the rules and building it costs more than running it."""
    sql, params = _active_rules_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchall())


@cache
def _active_rules_query() -> tuple[str, tuple]:
    active = ChannelRule.objects.filter(is_active=True).values_list(*RULE_FIELDS)
    return active.query.sql_with_params()


def classify_channel(
    utm_source: str | None, utm_medium: str | None, utm_campaign: str | None, referrer: str | None
) -> str:
    """The channel (a `Channel` value) of one touch from its UTM tags and referrer."""
    return get_classifier().classify(utm_source, utm_medium, utm_campaign, referrer)


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
