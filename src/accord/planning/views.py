"""The joint plan's pages: the buying process, campaign plans with their signatures and notice,
and what reps say about each campaign."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accord.crm.models import FUNNEL_ORDER, LifecycleStage
from accord.crm.services import Conflict, InvalidChange
from accord.experiments import selectors as experiments
from accord.experiments.services import do_start_experiment
from accord.planning import selectors, services
from accord.planning.forms import HoldoutForm, NoticeForm, PlanForm, RatingForm, StageForm
from accord.planning.measures import PERIOD_DAYS, Period, measure_stages
from accord.planning.models import BuyingStep
from accord.planning.services import NotAllowed, PlanningRefused
from accord.teams import access
from accord.touchpoints.models import Campaign


def _allowed(check, *args) -> bool:
    try:
        check(*args)
    except PlanningRefused:
        return False
    return True


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


# --- the buying process ---------------------------------------------------------------------


@login_required
def index(request, *, status=200):
    stages = selectors.get_buying_process()
    period = Period.last_days()
    measures = measure_stages(stages, period)
    covered = {stage for row in stages for stage in row.lifecycle_stages}
    return render(
        request,
        "planning/index.html",
        {
            "rows": [(stage, measures[stage.step]) for stage in stages],
            "period": period,
            "period_days": PERIOD_DAYS,
            "uncovered": [LifecycleStage(s).label for s in FUNNEL_ORDER if s not in covered],
            "may_edit": access.may_edit_buying_process(request.user),
            "notice_form": NoticeForm(initial={"notice_days": selectors.get_notice_days()}),
            "notice_days": selectors.get_notice_days(),
        },
        status=status,
    )


@login_required
def edit_stage(request, step: str):
    if step not in BuyingStep.values:
        raise PermissionDenied("No such stage of the buying process")
    if not access.may_edit_buying_process(request.user):
        raise PermissionDenied("Only the heads change the buying process")
    stage = next(s for s in selectors.get_buying_process() if s.step == step)
    form = StageForm(
        request.POST or None,
        initial={
            "owner": stage.owner,
            "tactics": stage.tactics,
            "metric": stage.metric,
            "lifecycle_stages": stage.lifecycle_stages,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.check_stage_plan(form.cleaned_data)
            services.do_edit_stage(request.user, BuyingStep(step), plan)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{stage} is saved.")
            return redirect("planning:index")
    status = 400 if form.is_bound else 200  # a valid form was saved and redirected above
    return render(request, "planning/stage.html", {"stage": stage, "form": form}, status=status)


@login_required
@require_POST
def set_notice(request):
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the notice period as a number of days from 0 to 365.")
        return index(request, status=400)
    try:
        services.do_set_notice_days(request.user, form.cleaned_data["notice_days"])
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    messages.success(request, f"Sales now gets {form.cleaned_data['notice_days']} days of notice.")
    return redirect("planning:index")


# --- campaign plans and ratings -------------------------------------------------------------


@login_required
def campaigns(request):
    notice_days = selectors.get_notice_days()
    rows = [
        (campaign, selectors.get_notice(_plan(campaign), campaign.start_date, notice_days))
        for campaign in selectors.list_campaigns_with_plans()
    ]
    return render(request, "planning/campaigns.html", {"rows": rows, "notice_days": notice_days})


def _plan(campaign: Campaign):
    try:
        return campaign.plan
    except Campaign.plan.RelatedObjectDoesNotExist:
        return None


@login_required
def campaign(request, campaign_id: int, plan_form=None, holdout_form=None):
    shown = get_object_or_404(Campaign.objects.select_related("owner_team"), pk=campaign_id)
    user = request.user
    plan = selectors.get_plan(shown)
    may_write = shown.status == Campaign.Status.PLANNED and access.may_write_campaign_plan(user)
    may_rate = _allowed(services.check_may_rate, user, shown)
    own = selectors.get_own_rating(user, shown) if may_rate else None
    ratings = list(selectors.list_ratings(user, shown))
    experiment = experiments.experiment_of(shown)
    may_hold_out = (
        experiment is None
        and access.may_hold_out_audience(user)
        and shown.status not in (Campaign.Status.COMPLETED, Campaign.Status.CANCELLED)
    )
    context = {
        "campaign": shown,
        "plan": plan,
        "notice": selectors.get_notice(plan, shown.start_date, selectors.get_notice_days()),
        "plan_form": plan_form or (PlanForm(instance=plan) if may_write else None),
        "may_sign": plan is not None and _may_sign(user, plan),
        "rating_form": _rating_form(own) if may_rate else None,
        "own_rating": own,
        "ratings": ratings,
        "useful_count": sum(rating.useful for rating in ratings),
        "sees_all_ratings": access.sees_every_rating(user),
        "may_change": access.may_write(user, "campaign", access.Write.UPDATE),
        "experiment": experiment and experiments.measure_experiment(experiment),
        "holdout_form": holdout_form or (HoldoutForm() if may_hold_out else None),
        "has_errors": bool(holdout_form and holdout_form.errors),
        "forms": [holdout_form],
    }
    status = 400 if plan_form or holdout_form else 200
    return render(request, "planning/campaign.html", context, status=status)


def _rating_form(own) -> RatingForm:
    """The rep's rating form, holding their earlier rating when there is one."""
    if own is None:
        return RatingForm()
    return RatingForm(initial={"useful": "yes" if own.useful else "no", "comment": own.comment})


def _may_sign(user, plan) -> bool:
    """A head who has not signed this plan for their team yet."""
    team = access.signing_team(user)
    return team is not None and getattr(plan, f"{team}_signed_at") is None


@login_required
@require_POST
def write_plan(request, campaign_id: int):
    shown = get_object_or_404(Campaign, pk=campaign_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.do_write_plan(request.user, shown, form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PlanningRefused as exc:
            messages.error(request, str(exc))
            return redirect("planning:campaign", campaign_id=campaign_id)
        else:
            messages.success(request, "The plan is saved.")
            return redirect("planning:campaign", campaign_id=campaign_id)
    return campaign(request, campaign_id, plan_form=form)


# the service's fields as the form names them; a refusal of the campaign itself is the form's
HOLDOUT_FIELDS = {
    "held_out_share": "held_out_percent",
    "minimum_effect": "minimum_effect_points",
    "seed": "seed",
}


@login_required
@require_POST
def hold_out(request, campaign_id: int):
    """Marketing holds out part of the campaign's audience (`experiments.services`)."""
    shown = get_object_or_404(Campaign, pk=campaign_id)
    if not access.may_hold_out_audience(request.user):
        raise PermissionDenied("Only marketing holds out a campaign's audience")
    form = HoldoutForm(request.POST)
    if form.is_valid():
        try:
            started = do_start_experiment(request.user, shown, form.holdout())
        except (InvalidChange, Conflict) as exc:
            form.add_error(HOLDOUT_FIELDS.get(exc.field), exc.message)
        else:
            messages.success(
                request,
                f"{started.held_out:,} people are held out of {shown} and "
                f"{started.exposed:,} may be sent it.",
            )
            return redirect("planning:campaign", campaign_id=campaign_id)
    return campaign(request, campaign_id, holdout_form=form)


@login_required
@require_POST
def sign(request, campaign_id: int):
    shown = get_object_or_404(Campaign, pk=campaign_id)
    try:
        plan = services.do_sign_plan(request.user, shown)
    except PlanningRefused as exc:
        messages.error(request, str(exc))
    else:
        if plan.announced_at:
            messages.success(request, "You signed the plan; both heads have, and sales has it.")
        else:
            messages.success(request, "You signed the plan; it waits for the other head.")
    return redirect("planning:campaign", campaign_id=campaign_id)


@login_required
@require_POST
def rate(request, campaign_id: int):
    shown = get_object_or_404(Campaign, pk=campaign_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether the campaign was useful to you.")
        return redirect("planning:campaign", campaign_id=campaign_id)
    data = form.cleaned_data
    try:
        services.do_rate_campaign(request.user, shown, data["useful"], data["comment"])
    except PlanningRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Thank you: marketing sees your rating.")
    return redirect("planning:campaign", campaign_id=campaign_id)
