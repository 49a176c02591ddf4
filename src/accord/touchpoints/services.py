"""Writes to campaigns and to the channel rules. Classification rereads the active rules on every
call, so a change made here takes effect at the next touch classified, in every process."""

from collections.abc import Callable

from django.db import transaction

from accord.crm.services import Conflict, InvalidChange
from accord.touchpoints.models import Campaign, ChannelRule

# Rules of the apps above that every change of a campaign must pass (the joint plan's: no
# campaign goes live on sales unannounced). Those apps add theirs when they load
# (`planning.apps`), so campaigns, read and written by every app, depend on none of them.
CAMPAIGN_CHECKS: list[Callable[[Campaign, dict], None]] = []


def check_campaign_change(campaign: Campaign, changes: dict) -> None:
    """Every registered rule on `changes` to `campaign` (not saved yet when new)."""
    for check in CAMPAIGN_CHECKS:
        check(campaign, changes)


def _check_campaign_dates(campaign: Campaign) -> None:
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        raise InvalidChange(
            "end_date",
            f"The campaign ends ({campaign.end_date}) before it starts ({campaign.start_date})",
        )


def check_campaign_name_free(name: str, *, exclude_pk: int | None = None) -> None:
    if Campaign.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        raise Conflict("name", f"A campaign named {name!r} already exists")


@transaction.atomic
def do_create_campaign(fields: dict, *, by=None) -> Campaign:
    check_campaign_name_free(fields["name"])
    campaign = Campaign(**fields)
    check_campaign_change(campaign, fields)
    _check_campaign_dates(campaign)
    campaign.save()
    return campaign


@transaction.atomic
def do_update_campaign(campaign: Campaign, changes: dict, *, by=None) -> Campaign:
    check_campaign_change(campaign, changes)
    if "name" in changes:
        check_campaign_name_free(changes["name"], exclude_pk=campaign.pk)
    for field, value in changes.items():
        setattr(campaign, field, value)
    _check_campaign_dates(campaign)
    if changes:
        campaign.save(update_fields=list(changes))
    return campaign


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
