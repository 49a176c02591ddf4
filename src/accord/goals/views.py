"""The goals page: progress to the shared goal, the reward plan, and the payouts one may see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.charts import bar_chart
from accord.crm.conversion import reporting_currency
from accord.crm.services import InvalidChange
from accord.goals import selectors as s
from accord.goals.forms import GoalForm, IdeaForm, PlanForm
from accord.goals.models import CampaignIdea, RevenueGoal
from accord.goals.plan import PlanError, check_plan, describe_plan
from accord.goals.services import check_can_steer, do_record_idea, do_save_plan, do_set_goal
from accord.inputs import read_id
from accord.teams import access
from accord.teams.access import AccessDenied

CHART_GOALS = 6


def _progress_chart(goals: list[RevenueGoal]):
    rows = []
    for goal in reversed(goals[:CHART_GOALS]):
        progress = s.goal_progress(goal)
        rows += [
            (f"{goal.name} goal", int(progress.goal or 0)),
            (f"{goal.name} won", int(progress.won_revenue)),
        ]
    return bar_chart(f"Won revenue against the shared goal ({reporting_currency()})", rows)


def _page(request, *, goal_form=None, plan_form=None, idea_form=None, status=200):
    goals = list(s.list_goals())
    chosen = read_id(request.GET, "goal")
    goal = (
        get_object_or_404(RevenueGoal, pk=chosen)
        if chosen
        else s.goal_on(timezone.localdate()) or (goals[0] if goals else None)
    )
    version = s.plan_in_force()
    result = s.goal_payouts(goal) if goal else None
    context = {
        "goals": goals,
        "goal": goal,
        "progress": result.progress if result else goal and s.goal_progress(goal),
        "chart": _progress_chart(goals),
        "version": version,
        "plan_terms": describe_plan(version.plan) if version else [],
        "result": result,
        "payouts": s.payouts_visible_to(request.user, result) if result else [],
        "ideas": CampaignIdea.objects.select_related("campaign", "person").order_by(
            "campaign__name"
        ),
        "may_steer": access.may_steer_goals(request.user),
        "goal_form": goal_form or GoalForm(),
        "plan_form": plan_form or PlanForm(initial=PlanForm.initial_from(version and version.plan)),
        "idea_form": idea_form or IdeaForm(),
    }
    return render(request, "goals/index.html", context, status=status)


@login_required
def goals(request):
    return _page(request)


@login_required
@require_POST
def set_goal(request):
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            goal = do_set_goal(request.user, **form.cleaned_data)
        except (AccessDenied, InvalidChange) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The goal for {goal.name} is set.")
            return redirect(f"{reverse('goals:index')}?goal={goal.pk}")
    return _page(request, goal_form=form, status=400)


@login_required
@require_POST
def save_plan(request):
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            check_can_steer(request.user, "plan")
            version = do_save_plan(request.user, check_plan(form.document()))
        except PlanError as exc:
            form.add_problems(exc.problems)
        except AccessDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Reward plan v{version.number} is in force.")
            return redirect("goals:index")
    return _page(request, plan_form=form, status=400)


@login_required
@require_POST
def record_idea(request):
    form = IdeaForm(request.POST)
    if form.is_valid():
        try:
            do_record_idea(request.user, **form.cleaned_data)
        except (AccessDenied, InvalidChange) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The campaign idea is recorded.")
            return redirect("goals:index")
    return _page(request, idea_form=form, status=400)
