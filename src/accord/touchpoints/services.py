"""Writes to campaigns and to the channel rules. Classification rereads the active rules on every
call, so a change made here takes effect at the next touch classified, in every process."""

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction

from accord.audit.services import RecordType, record_changes
from accord.crm.services import Conflict, InvalidChange
from accord.touchpoints.models import ArchivedTouch, Campaign, ChannelRule, Touchpoint

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


def do_archive_touches(touch_ids: Iterable[int], *, reason: str, at: dt.datetime) -> int:
    """Take touches off the live ones, keeping each as an ArchivedTouch with the reason, and
    say so in the audit trail; returns how many were archived. Call it inside the change's
    transaction."""
    fields = ("id", "person_id", "campaign_id", "channel", "kind", "occurred_at")
    rows = list(Touchpoint.objects.filter(pk__in=list(touch_ids)).values_list(*fields))
    if not rows:
        return 0
    ArchivedTouch.objects.bulk_create(
        [
            ArchivedTouch(
                **dict(zip(("touch_id", *fields[1:]), row, strict=True)),
                archived_at=at,
                reason=reason[:500],
            )
            for row in rows
        ],
        batch_size=1000,
    )
    Touchpoint.objects.filter(pk__in=[row[0] for row in rows]).delete()
    record_changes(
        [(row[0], None, at) for row in rows],
        record_type=RecordType.TOUCHPOINT,
        field="archived_at",
        reason=reason,
        at=at,
    )
    return len(rows)
