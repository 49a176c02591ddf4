"""The assessment's pages: the results everybody may read, and the questionnaire to answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.alignment import selectors
from accord.alignment.charts import gap_chart, trend_chart
from accord.alignment.models import AssessmentRound
from accord.alignment.services import (
    AssessmentRefused,
    IncompleteAnswers,
    do_answer,
    do_close_round,
    do_open_round,
)
from accord.alignment.statements import CURRENT_VERSION, SCALE, statements_of
from accord.inputs import read_id
from accord.teams import access


def _chosen_round(request) -> AssessmentRound | None:
    number = read_id(request.GET, "round")
    if number is None:
        return selectors.get_current_round()
    try:
        return selectors.get_round(number)
    except AssessmentRound.DoesNotExist:
        raise Http404(f"There is no assessment round {number}") from None


def _my_ratings(mine, round_) -> list:
    """The user's own rating of each statement, in questionnaire order."""
    if mine is None:
        return []
    return [
        (s, mine.ratings.get(s.key), SCALE.get(mine.ratings.get(s.key), ""))
        for s in statements_of(round_.questionnaire_version)
    ]


@login_required
def results(request):
    round_ = _chosen_round(request)
    results = selectors.get_results(round_)
    mine = selectors.get_my_answers(request.user, round_)
    context = {
        "results": results,
        "too_few": selectors.TOO_FEW,
        "withheld": selectors.WITHHELD,
        "mine": mine,
        "my_ratings": _my_ratings(mine, round_),
        "gap_chart": gap_chart(results.gaps),
        "trend_chart": trend_chart(results.trend),
        "open_round": selectors.get_open_round(),
        "may_answer": access.may_answer_assessment(request.user),
        "may_run_rounds": access.may_run_assessment_rounds(request.user),
    }
    if request.headers.get("HX-Request"):
        return render(request, "alignment/_results.html", context)
    return render(request, "alignment/results.html", context)


@login_required
def assessment(request):
    open_round = selectors.get_open_round()
    version = open_round.questionnaire_version if open_round else CURRENT_VERSION
    statements = statements_of(version)
    mine = selectors.get_my_answers(request.user, open_round)
    chosen = {key: str(score) for key, score in (mine.ratings if mine else {}).items()}
    problem, status = None, 200
    if request.method == "POST":
        chosen = {s.key: request.POST.get(s.key, "") for s in statements}
        try:
            do_answer(request.user, chosen)
        except IncompleteAnswers as exc:
            problem, status = exc, 422
        except AssessmentRefused as exc:
            messages.error(request, str(exc))
            return redirect("alignment:index")
        else:
            messages.success(request, f"Thank you: your answers to {open_round} are saved.")
            return redirect("alignment:index")
    flagged = {s.key for s in problem.missing} | set(problem.invalid) if problem else set()
    context = {
        "open_round": open_round,
        "mine": mine,
        "rows": [(s, chosen.get(s.key, ""), s.key in flagged) for s in statements],
        "scale": [(str(value), label) for value, label in SCALE.items()],
        "problem": problem,
        "may_answer": access.may_answer_assessment(request.user),
    }
    return render(request, "alignment/assessment.html", context, status=status)


@login_required
@require_POST
def open_round(request):
    try:
        opened = do_open_round(request.user)
        messages.success(request, f"{opened} is open: everybody in both teams can answer now.")
    except AssessmentRefused as exc:
        messages.error(request, str(exc))
    return redirect("alignment:index")


@login_required
@require_POST
def close_round(request):
    try:
        closed = do_close_round(request.user)
        messages.success(request, f"{closed} is closed.")
    except AssessmentRefused as exc:
        messages.error(request, str(exc))
    return redirect("alignment:index")
