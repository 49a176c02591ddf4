"""Writes to the joint plan: the buying process, the notice period, campaign plans and their
signatures, reps' ratings; and the rule that no campaign goes live on sales unannounced.

Who may do what: heads set the buying process and the notice period; marketing writes campaign
plans; the marketing head and the sales head each sign a plan once; reps rate campaigns.
"""

from collections.abc import Mapping
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pydantic import BaseModel, Field, StringConstraints, field_validator
from pydantic import ValidationError as PydanticError

from accord.alerts.models import Event
from accord.alerts.services import do_queue_alert
from accord.crm.models import FUNNEL_ORDER
from accord.planning.models import (
    BuyingStage,
    BuyingStep,
    CampaignPlan,
    CampaignRating,
    Metric,
    OwnerTeam,
    PlanningEvent,
    PlanningSettings,
)
from accord.planning.selectors import get_notice, get_notice_days
from accord.teams import access
from accord.teams.models import Team, User
from accord.teams.selectors import signing_heads
from accord.touchpoints.models import Campaign
from accord.touchpoints.services import do_create_campaign

Kind = PlanningEvent.Kind
RATEABLE = (Campaign.Status.ACTIVE, Campaign.Status.COMPLETED)


class PlanningRefused(Exception):
    """The plan's state does not allow the change; the message says why."""


class NotAllowed(PlanningRefused):
    """The user's role may not make the change."""


def _event(
    kind: str, actor: User | None, campaign: Campaign | None = None, detail: str = ""
) -> None:
    PlanningEvent.objects.create(kind=kind, actor=actor, campaign=campaign, detail=detail)


def _as_validation_error(exc: PydanticError) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "__all__"
        errors.setdefault(field, []).append(error["msg"])
    return ValidationError(errors)


# --- the buying process ---------------------------------------------------------------------


def check_may_edit_process(user: User) -> None:
    if not access.may_edit_buying_process(user):
        raise NotAllowed("Only the marketing head and the sales head change the buying process")


Tactic = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class StagePlan(BaseModel):
    """One stage as the heads set it; the only way its lifecycle stages are written."""

    owner: OwnerTeam
    tactics: list[Tactic] = Field(min_length=1, max_length=20)
    metric: Metric
    lifecycle_stages: list[str] = Field(min_length=1)

    @field_validator("lifecycle_stages")
    @classmethod
    def _funnel_stages(cls, stages: list[str]) -> list[str]:
        unknown = [stage for stage in stages if stage not in FUNNEL_ORDER]
        if unknown:
            raise ValueError(f"not stages of the funnel: {', '.join(unknown)}")
        return [stage for stage in FUNNEL_ORDER if stage in stages]


def check_stage_plan(data: Mapping[str, object]) -> StagePlan:
    """The stage plan in `data` (tactics as a list or one a line), or a ValidationError by field."""
    data = dict(data)
    tactics = data.get("tactics")
    if isinstance(tactics, str):
        data["tactics"] = [line for line in tactics.splitlines() if line.strip()]
    try:
        return StagePlan.model_validate(data)
    except PydanticError as exc:
        raise _as_validation_error(exc) from None


@transaction.atomic
def do_edit_stage(user: User, step: BuyingStep, plan: StagePlan) -> BuyingStage:
    """Who owns a stage of the buying process, its tactics and its measure (the plan is
    checked already: `check_stage_plan`)."""
    check_may_edit_process(user)
    stage, _ = BuyingStage.objects.update_or_create(
        step=step,
        defaults=dict(
            owner=plan.owner,
            tactics="\n".join(plan.tactics),
            metric=plan.metric,
            lifecycle_stages=plan.lifecycle_stages,
            edited_by=user,
            edited_at=timezone.now(),
        ),
    )
    detail = f"{stage}: {stage.get_owner_display()}, measured by {stage.get_metric_display()}"
    _event(Kind.STAGE_EDITED, user, detail=detail)
    return stage


@transaction.atomic
def do_set_notice_days(user: User, days: int) -> PlanningSettings:
    check_may_edit_process(user)
    if not 0 <= days <= 365:
        raise ValidationError({"notice_days": "Give a number of days from 0 to 365"})
    stored = PlanningSettings.objects.select_for_update().first() or PlanningSettings()
    before = stored.notice_days
    stored.notice_days, stored.edited_by, stored.edited_at = days, user, timezone.now()
    stored.save()
    _event(Kind.NOTICE_CHANGED, user, detail=f"{before} → {days} days")
    return stored


# --- campaign plans -------------------------------------------------------------------------


def check_may_write_plan(user: User) -> None:
    if not access.may_write_campaign_plan(user):
        raise NotAllowed("Campaign plans are written by marketing")


def _check_plan_content(fields: Mapping[str, str | None]) -> dict[str, str]:
    unknown = set(fields) - set(CampaignPlan.CONTENT_FIELDS)
    if unknown:
        raise ValidationError({name: "Not a field of a campaign plan" for name in sorted(unknown)})
    cleaned = {name: (value or "").strip() for name, value in fields.items()}
    if cleaned.get("buying_step") and cleaned["buying_step"] not in BuyingStep.values:
        raise ValidationError({"buying_step": "Not a stage of the buying process"})
    return cleaned


def _clear_signatures(plan: CampaignPlan) -> None:
    plan.marketing_signed_by = plan.marketing_signed_at = None
    plan.sales_signed_by = plan.sales_signed_at = None
    plan.announced_at = None


@transaction.atomic
def do_write_plan(user: User, campaign: Campaign, fields: Mapping[str, str | None]) -> CampaignPlan:
    """Create or change a campaign's plan. A change after a signature clears the signatures
    (and the announcement): both heads sign again what sales will get."""
    check_may_write_plan(user)
    changes = _check_plan_content(fields)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != Campaign.Status.PLANNED:
        raise PlanningRefused(
            f"The campaign is {locked.get_status_display().lower()}: its plan stays as sales got it"
        )
    stored = CampaignPlan.objects.select_for_update().filter(campaign=locked).first()
    plan = stored or CampaignPlan(campaign=locked)
    changed = [name for name, value in changes.items() if getattr(plan, name) != value]
    for name in changed:
        setattr(plan, name, changes[name])
    if not plan.objective:
        raise ValidationError({"objective": "Say what the campaign should achieve"})
    if plan.pk and not changed:
        return plan
    had_signature = plan.marketing_signed_at or plan.sales_signed_at
    if plan.pk and had_signature:
        _clear_signatures(plan)
        _event(Kind.SIGNATURES_CLEARED, user, locked, f"changed: {', '.join(changed)}")
    plan.edited_by, plan.edited_at = user, timezone.now()
    plan.save()
    _event(Kind.PLAN_WRITTEN, user, locked, ", ".join(changed))
    if stored is None or had_signature:
        _ask_heads_to_sign(plan, locked, user, again=bool(had_signature))
    return plan


def _ask_heads_to_sign(plan: CampaignPlan, campaign: Campaign, author: User, again: bool) -> None:
    """Each head but the author finds the plan in their bell: a new plan, or a changed one whose
    signatures were cleared. Edits of a plan nobody has signed yet ask nobody again."""
    text = f"{author} {'changed' if again else 'wrote'} the plan of {campaign.name}"
    text += "; the signatures it had are cleared." if again else "."
    do_queue_alert(
        Event.PLAN_TO_SIGN,
        f"Campaign plan awaits your signature: {campaign.name}",
        f"{text}\n\nWhat it should achieve: {plan.objective}",
        {"campaign_id": campaign.pk, "campaign_name": campaign.name},
        signing_heads(excluding=author),
        link=reverse("planning:campaign", args=[campaign.pk]),
    )


@transaction.atomic
def do_file_campaign(
    user: User, campaign_fields: dict[str, Any], plan_fields: Mapping[str, str | None]
) -> CampaignPlan:
    """A new campaign and its plan, together or not at all: marketing files a campaign with what
    it should achieve, planned until both heads sign the plan (`check_campaign_may_go_live`)."""
    check_may_write_plan(user)
    campaign = do_create_campaign(campaign_fields, by=user)
    return do_write_plan(user, campaign, plan_fields)


def check_may_sign(user: User) -> str:
    """The team the user signs for: only the two heads sign."""
    team = access.signing_team(user)
    if not access.may_sign_campaign_plan(user) or team is None:
        raise NotAllowed("Only the marketing head and the sales head sign campaign plans")
    return team


@transaction.atomic
def do_sign_plan(user: User, campaign: Campaign) -> CampaignPlan:
    """Sign for the user's team, once. The second signature announces the plan to sales."""
    team = check_may_sign(user)
    plan = CampaignPlan.objects.select_for_update().filter(campaign=campaign).first()
    if plan is None:
        raise PlanningRefused(f"{campaign} has no plan to sign yet")
    if getattr(plan, f"{team}_signed_at") is not None:
        raise PlanningRefused(f"The {team} head has already signed the plan of {campaign}")
    now = timezone.now()
    setattr(plan, f"{team}_signed_by", user)
    setattr(plan, f"{team}_signed_at", now)
    fields = [f"{team}_signed_by", f"{team}_signed_at"]
    _event(Kind.PLAN_SIGNED, user, campaign, f"for {team}")
    if plan.signed_by_both:
        plan.announced_at = now
        fields.append("announced_at")
        _event(Kind.PLAN_ANNOUNCED, user, campaign, _notice_detail(plan, campaign))
        _announce_to_sales(plan, campaign)
    plan.save(update_fields=fields)
    return plan


def _notice_detail(plan: CampaignPlan, campaign: Campaign) -> str:
    return get_notice(plan, campaign.start_date, get_notice_days()).text


def _announce_to_sales(plan: CampaignPlan, campaign: Campaign) -> None:
    """Every active member of the sales team is told, by e-mail and in their bell, in the
    signature's transaction: the alert outbox sends the mail after the commit and retries it
    while the mail server is down, so the announcement never waits on it."""
    people = User.objects.filter(team__kind=Team.Kind.SALES, is_active=True).order_by("pk")
    launch = f"{campaign.start_date:%d %b %Y}" if campaign.start_date else "a date to be set"
    body = "\n\n".join(
        part
        for part in (
            f"{campaign.name} launches on {launch}; both heads signed its plan.",
            f"What it should achieve: {plan.objective}",
            plan.audience and f"Who it reaches: {plan.audience}",
            plan.message and f"What it says: {plan.message}",
            plan.sales_material and f"What you get: {plan.sales_material}",
            plan.sales_follow_up and f"What to do with its leads: {plan.sales_follow_up}",
        )
        if part
    )
    do_queue_alert(
        Event.CAMPAIGN_ANNOUNCED,
        f"New campaign for sales: {campaign.name}",
        body,
        {
            "campaign_id": campaign.pk,
            "campaign_name": campaign.name,
            "start_date": campaign.start_date.isoformat() if campaign.start_date else None,
        },
        list(people),
        link=reverse("planning:campaign", args=[campaign.pk]),
    )


def check_campaign_may_go_live(campaign: Campaign, changes: dict[str, Any]) -> None:
    """Refuse to move a campaign to active unless both heads signed its plan and sales had it
    at least the notice period before its start date (ValidationError on `status`). A campaign
    not saved yet has no plan, so it cannot be created active."""
    going_live = changes.get("status") == Campaign.Status.ACTIVE
    if not going_live or (campaign.pk is not None and campaign.status == changes["status"]):
        return
    with transaction.atomic():  # the plan stays locked until the campaign change commits
        plans = CampaignPlan.objects.select_for_update().filter(campaign_id=campaign.pk)
        plan = plans.first() if campaign.pk is not None else None
        launch = changes.get("start_date", campaign.start_date)
        notice = get_notice(plan, launch, get_notice_days())
    if not notice.may_go_live:
        raise ValidationError(
            {"status": f"{campaign} cannot go live on sales unannounced. {notice.text}."}
        )


# --- ratings --------------------------------------------------------------------------------


def check_may_rate(user: User, campaign: Campaign) -> None:
    if not access.may_rate_campaign(user):
        raise NotAllowed("Sales reps rate campaigns")
    plan = CampaignPlan.objects.filter(campaign=campaign).first()
    if campaign.status not in RATEABLE and not (plan and plan.announced_at):
        raise PlanningRefused(f"{campaign} has not reached sales yet: rate it once it has")


@transaction.atomic
def do_rate_campaign(
    user: User, campaign: Campaign, useful: bool, comment: str = ""
) -> CampaignRating:
    """A rep's rating of a campaign and its material; a second one replaces the first."""
    check_may_rate(user, campaign)
    rating, created = CampaignRating.objects.update_or_create(
        campaign=campaign,
        rep=user,
        defaults=dict(useful=useful, comment=comment.strip(), rated_at=timezone.now()),
    )
    verdict = "useful" if useful else "not useful"
    _event(Kind.CAMPAIGN_RATED, user, campaign, verdict if created else f"{verdict} (replaced)")
    return rating
