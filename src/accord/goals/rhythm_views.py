"""The people page (liaisons, the directory, shadowing and rotations) and the joint meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.crm.services import InvalidChange
from accord.goals import access as goals_access
from accord.goals import meetings, people
from accord.goals.forms import ActionItemForm, MeetingForm, SignUpForm
from accord.goals.models import ActionItem, Meeting
from accord.teams import access
from accord.teams.access import AccessDenied
from accord.teams.models import User

RECENT_MEETINGS = 10
REFUSED = (AccessDenied, InvalidChange)


def _people_page(request, form=None, status=200):
    directory = people.team_directory()
    context = {
        "directory": directory,
        "liaison_teams": {
            team.pk for team, _ in directory if access.may_name_liaisons_in(request.user, team.pk)
        },
        "liaisons": people.liaisons(),
        "rotations": people.rotations_from(timezone.localdate()),
        "form": form or SignUpForm(),
    }
    return render(request, "goals/people.html", context, status=status)


@login_required
def people_page(request):
    return _people_page(request)


@login_required
@require_POST
def sign_up(request):
    form = SignUpForm(request.POST)
    if form.is_valid():
        try:
            people.do_sign_up(request.user, **form.cleaned_data)
        except InvalidChange as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except AccessDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "You are signed up.")
            return redirect("goals:people")
    return _people_page(request, form, status=400)


@login_required
@require_POST
def set_liaison(request, user_id: int):
    person = get_object_or_404(User, pk=user_id, is_active=True)
    try:
        people.do_set_liaison(request.user, person, request.POST.get("is_liaison") == "on")
    except AccessDenied as exc:
        messages.error(request, str(exc))
    return redirect("goals:people")


def _meetings_page(request, form=None, status=200):
    agenda = meetings.build_agenda(timezone.localdate())
    context = {
        "agenda": agenda,
        "meetings": Meeting.objects.prefetch_related("action_items__owner")[:RECENT_MEETINGS],
        "may_run": access.may_run_joint_meeting(request.user),
        "completable": _completable(request.user, agenda.open_items),
        "form": form or MeetingForm(),
    }
    return render(request, "goals/meetings.html", context, status=status)


def _completable(user, items) -> set[int]:
    """The action items `user` may mark done."""
    return {item.pk for item in items if goals_access.may_complete_action_item(user, item)}


@login_required
def meetings_page(request):
    return _meetings_page(request)


@login_required
@require_POST
def record_meeting(request):
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = meetings.do_record_meeting(request.user, **form.cleaned_data)
        except REFUSED as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("goals:meeting", pk=meeting.pk)
    return _meetings_page(request, form, status=400)


def _meeting_page(request, meeting, form=None, status=200):
    items = list(meeting.action_items.select_related("owner"))
    context = {
        "meeting": meeting,
        "items": items,
        "may_run": access.may_run_joint_meeting(request.user),
        "completable": _completable(request.user, items),
        "form": form or ActionItemForm(),
    }
    return render(request, "goals/meeting.html", context, status=status)


@login_required
def meeting_page(request, pk: int):
    return _meeting_page(request, get_object_or_404(Meeting, pk=pk))


@login_required
@require_POST
def add_action_item(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            meetings.do_add_action_item(request.user, meeting, **form.cleaned_data)
        except REFUSED as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("goals:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, form, status=400)


@login_required
@require_POST
def complete_action_item(request, pk: int):
    item = get_object_or_404(ActionItem, pk=pk)
    try:
        meetings.do_complete_action_item(request.user, item)
    except REFUSED as exc:
        messages.error(request, str(exc))
    return redirect("goals:meetings")
