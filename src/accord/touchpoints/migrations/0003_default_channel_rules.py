"""Seed GA4's default channel group as ordered channel rules, 100 positions apart, so an admin can
insert a rule between any two of them. A later change to the defaults needs its own migration."""

from django.db import migrations

from accord.touchpoints.rules import DEFAULT_RULES

STEP = 100


def seed(apps, schema_editor):
    ChannelRule = apps.get_model("touchpoints", "ChannelRule")
    ChannelRule.objects.bulk_create(
        ChannelRule(
            position=STEP * n,
            channel=rule.channel,
            source_pattern=rule.source,
            medium_pattern=rule.medium,
            campaign_pattern=rule.campaign,
            any_of_source_medium=rule.source_or_medium,
            note=rule.note,
        )
        for n, rule in enumerate(DEFAULT_RULES, start=1)
    )


def unseed(apps, schema_editor):
    ChannelRule = apps.get_model("touchpoints", "ChannelRule")
    for n, rule in enumerate(DEFAULT_RULES, start=1):
        ChannelRule.objects.filter(
            position=STEP * n, channel=rule.channel, note=rule.note, created_by=None
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("touchpoints", "0002_channel_rule_help"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
