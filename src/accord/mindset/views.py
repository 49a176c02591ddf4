"""The shared-mindset pages: the results everybody reads, the three-field form to answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.inputs import read_id
from accord.mindset import selectors
from accord.mindset.charts import message_chart, named_chart
from accord.mindset.consensus import MATCH_AT_LEAST, SHARED_MINDSET_SHARE
from accord.mindset.forms import AnswerForm
from accord.mindset.models import Round
from accord.mindset.services import (
    FIELDS,
    MindsetRefused,
    do_answer,
    do_close_round,
    do_start_round,
)
from accord.teams import access


def _chosen_round(request) -> Round | None:
    number = read_id(request.GET, "round")
    try:
        return selectors.get_round(number)
    except Round.DoesNotExist:
        raise Http404(f"There is no shared-mindset round {number}") from None


@login_required
def results(request):
    chosen = _chosen_round(request)
    method = request.GET.get("method", "lexical")
    found = selectors.get_results(chosen, method) if chosen else None
    context = {
        "chosen": chosen,
        "found": found,
        "rounds": selectors.list_rounds(),
        "open_round": selectors.get_open_round(),
        "mine": selectors.get_my_answer(request.user, selectors.get_open_round()),
        "may_answer": access.may_answer_mindset(request.user),
        "may_start": access.may_start_mindset_round(request.user),
        "sees_answers": access.may_read_mindset_wordings(request.user),
        "threshold": int(SHARED_MINDSET_SHARE * 100),
        "match_at_least": MATCH_AT_LEAST,
        "method": method,
        "withheld": selectors.WITHHELD,
    }
    if found and found.published:
        context["named_chart"] = named_chart(found.result)
        context["message_chart"] = message_chart(found.result)
    return render(request, "mindset/results.html", context)


@login_required
def answer(request):
    open_round = selectors.get_open_round()
    mine = selectors.get_my_answer(request.user, open_round)
    initial = {f: getattr(mine, f) for f in FIELDS} if mine else {}
    form, status = AnswerForm(request.POST or None, initial=initial), 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                do_answer(request.user, form.cleaned_data)
            except MindsetRefused as exc:
                form.add_refusal(exc.errors)
            else:
                messages.success(
                    request, f"Thank you: your three advantages are saved in {open_round}."
                )
                return redirect("mindset:index")
    context = {
        "open_round": open_round,
        "mine": mine,
        "form": form,
        "may_answer": access.may_answer_mindset(request.user),
    }
    return render(request, "mindset/answer.html", context, status=status)


@login_required
@require_POST
def start_round(request):
    try:
        started = do_start_round(request.user, request.POST.get("title", ""))
        messages.success(request, f"{started} is open: everybody in both teams can answer now.")
    except MindsetRefused as exc:
        messages.error(request, str(exc))
    return redirect("mindset:index")


@login_required
@require_POST
def close_round(request):
    round_id = read_id(request.POST, "round")
    if round_id is None:
        raise BadRequest("'round' must name the round to close")
    try:
        closed = do_close_round(request.user, round_id)
        messages.success(request, f"{closed} is closed: its results are published.")
    except MindsetRefused as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('mindset:index')}?round={round_id}")
