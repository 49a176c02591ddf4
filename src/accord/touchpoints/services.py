"""Writes to the channel rules. Classification rereads the active rules on every call, so a change
made here takes effect at the next touch classified, in every process."""

from django.db import transaction

from accord.touchpoints.models import ChannelRule


@transaction.atomic
def do_save_channel_rule(rule: ChannelRule, *, by=None) -> ChannelRule:
    """Validate and save a rule; a pattern neither regex engine can run is refused with the
    reason (django.core.exceptions.ValidationError, keyed by field)."""
    if rule.pk is None and by is not None:
        rule.created_by = by
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def do_delete_channel_rules(rules) -> int:
    """Delete rules (a queryset or an iterable of rules); returns how many went."""
    ids = [rule.pk for rule in rules]
    deleted, _ = ChannelRule.objects.filter(pk__in=ids).delete()
    return deleted
