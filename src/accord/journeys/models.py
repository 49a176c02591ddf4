"""The attribution's rollups, kept by `accord.journeys.rollups` so the dashboard adds up a few
thousand rows instead of reading every touch.

`JourneyPath` holds each journey's path as attribution counts it now (to tell what changed);
`PathCredit` and `PathTransition` hold what the path models add up, per kind of journey, label
(channel or campaign), segment and day the journey was won (`NOT_WON` while it is not).
"""

import datetime as dt

from django.db import models

from accord.attribution.command import JourneyKind

#: The day a journey not won yet is kept under (a key column cannot hold NULL in a conflict).
NOT_WON = dt.date(1, 1, 1)


KINDS = [(kind.value, kind.value) for kind in JourneyKind]


class Label(models.TextChoices):
    CHANNEL = "channel", "Channel"
    CAMPAIGN = "campaign", "Campaign"


class JourneyPath(models.Model):
    """A journey's counted touches as attribution reads them (`path`: channels, campaigns, ages
    in days before the last touch, the lead, opportunity and won markers) and when time alone
    changes them next (`expires_at`: a touch leaves the lookback window or a later one enters)."""

    kind = models.CharField(max_length=8, choices=KINDS)
    journey_id = models.BigIntegerField()
    region = models.CharField(max_length=100, blank=True, default="")
    industry = models.CharField(max_length=100, blank=True, default="")
    won_on = models.DateField(default=NOT_WON)
    value = models.FloatField(default=0.0)
    path = models.TextField()
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "journey_id"], name="journey_path_key")
        ]
        indexes = [
            models.Index(
                fields=["expires_at"],
                name="journey_path_expiry",
                condition=models.Q(expires_at__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.journey_id}"


class PathCredit(models.Model):
    """Per channel (or campaign): the journeys that touched it and the conversions and value
    each rule-based model and Shapley credit it with, added up over the journeys of a key."""

    kind = models.CharField(max_length=8, choices=KINDS)
    label = models.CharField(max_length=8, choices=Label.choices)
    won_on = models.DateField()
    region = models.CharField(max_length=100, blank=True, default="")
    industry = models.CharField(max_length=100, blank=True, default="")
    channel = models.CharField(max_length=255)
    journeys = models.IntegerField(default=0)
    first_touch = models.FloatField(default=0.0)
    first_touch_value = models.FloatField(default=0.0)
    last_touch = models.FloatField(default=0.0)
    last_touch_value = models.FloatField(default=0.0)
    last_non_direct = models.FloatField(default=0.0)
    last_non_direct_value = models.FloatField(default=0.0)
    linear = models.FloatField(default=0.0)
    linear_value = models.FloatField(default=0.0)
    time_decay = models.FloatField(default=0.0)
    time_decay_value = models.FloatField(default=0.0)
    position_based = models.FloatField(default=0.0)
    position_based_value = models.FloatField(default=0.0)
    w_shaped = models.FloatField(default=0.0)
    w_shaped_value = models.FloatField(default=0.0)
    full_path = models.FloatField(default=0.0)
    full_path_value = models.FloatField(default=0.0)
    shapley = models.FloatField(default=0.0)
    shapley_value = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "label", "won_on", "region", "industry", "channel"],
                name="path_credit_key",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.label} {self.channel} {self.won_on}"


class PathTransition(models.Model):
    """Order-1 Markov counts: journeys from `source` ("" for the start) to `target`, or, when
    `target` is "", the conversions, journeys not converted and value of those ending at
    `source`; added up over the journeys of a key."""

    kind = models.CharField(max_length=8, choices=KINDS)
    label = models.CharField(max_length=8, choices=Label.choices)
    won_on = models.DateField()
    region = models.CharField(max_length=100, blank=True, default="")
    industry = models.CharField(max_length=100, blank=True, default="")
    source = models.CharField(max_length=255, blank=True)
    target = models.CharField(max_length=255, blank=True)
    journeys = models.FloatField(default=0.0)
    conversions = models.FloatField(default=0.0)
    nulls = models.FloatField(default=0.0)
    value = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "label", "won_on", "region", "industry", "source", "target"],
                name="path_transition_key",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.label} {self.source} > {self.target} {self.won_on}"


class JourneyMark(models.Model):
    """One row: how far the rollups have read (the last touch, lead move and deal taken in),
    the state of what changes every journey at once (deals edited, campaigns, rates), and when
    and for what state of the dashboard's data they were last kept up."""

    last_touch = models.BigIntegerField(default=0)
    last_move = models.BigIntegerField(default=0)
    last_deal = models.BigIntegerField(default=0)
    state = models.CharField(max_length=64, blank=True, default="")
    stamp = models.CharField(max_length=64, blank=True, default="")
    kept_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"kept {self.kept_at}"


class JourneyDirty(models.Model):
    """People whose journeys changed in a way the marks do not see (their account's segment),
    waiting for the next keep-up."""

    person_id = models.BigIntegerField()

    def __str__(self):
        return f"person {self.person_id}"
