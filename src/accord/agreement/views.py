"""The agreement's pages: the version in force in plain language, drafts, comments, signatures."""

import json
from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.agreement.backtest import cached_comparison, cached_document_comparison
from accord.agreement.defaults import default_document
from accord.agreement.editor import (
    FormData,
    document_data,
    editor_sections,
    form_data,
    place_problems,
)
from accord.agreement.live import count_mqls_now
from accord.agreement.models import AgreementVersion
from accord.agreement.selectors import (
    describe_document,
    everybody_scored_under,
    get_agreement_in_force,
    get_version,
    get_version_diff,
    list_field_values,
    list_versions,
    rescoring_waits,
)
from accord.agreement.services import (
    AgreementRefused,
    do_comment,
    do_create_draft,
    do_edit,
    do_sign,
    do_suggest_draft,
)
from accord.agreement.suggestion import DEFAULT_MONTHS as SUGGEST_MONTHS
from accord.agreement.suggestion import NotEnoughHistory
from accord.charts import bar_chart
from accord.crm.conversion import reporting_currency
from accord.inputs import read_int
from accord.scoring import DocumentError, check_document
from accord.teams import access

DEFAULT_MONTHS = 6


def _version_or_404(number: int) -> AgreementVersion:
    try:
        return get_version(number)
    except AgreementVersion.DoesNotExist:
        raise Http404(f"Agreement v{number} does not exist") from None


@login_required
def agreement(request):
    in_force = get_agreement_in_force()
    return render(
        request,
        "agreement/index.html",
        {
            "in_force": in_force,
            "rescoring": in_force is not None
            and rescoring_waits()
            and not everybody_scored_under(in_force),
            "plain": describe_document(in_force.document) if in_force else None,
            "versions": list_versions(),
            "may_propose": access.may_propose_agreement(request.user),
            "suggest_months": SUGGEST_MONTHS,
        },
    )


@login_required
@require_POST
def suggest(request):
    months = read_int(request.POST, "months", default=SUGGEST_MONTHS, low=1, high=36)
    try:
        draft = do_suggest_draft(request.user, months)
    except (AgreementRefused, NotEnoughHistory) as exc:
        messages.error(request, str(exc))
        return redirect("agreement:index")
    messages.success(request, f"Draft v{draft.number} was suggested from history.")
    return redirect("agreement:version", number=draft.number)


def _may_sign(user, version: AgreementVersion) -> bool:
    """A head whose team has not signed this draft yet."""
    team = access.signing_team(user)
    return (
        version.status == AgreementVersion.Status.DRAFT
        and team is not None
        and not any(s.team_kind == team for s in version.signatures.all())
    )


def _months(request) -> int:
    return read_int(request.GET, "months", default=DEFAULT_MONTHS, low=1, high=36)


@login_required
def version(request, number: int):
    shown = _version_or_404(number)
    in_force = get_agreement_in_force()
    compared_with = shown.based_on if shown == in_force else in_force
    context = {
        "version": shown,
        "in_force": in_force,
        "compared_with": compared_with,
        "diff": get_version_diff(compared_with, shown),
        "plain": describe_document(shown.document),
        "comments": shown.comments.select_related("author"),
        "signatures": shown.signatures.select_related("signer"),
        "may_sign": _may_sign(request.user, shown),
        "may_edit": shown.status == AgreementVersion.Status.DRAFT
        and access.may_propose_agreement(request.user),
        "document_json": json.dumps(shown.document_data, indent=2),
    }
    if shown.status == AgreementVersion.Status.DRAFT:
        context.update(_backtest_context(shown, _months(request)))
    return render(request, "agreement/version.html", context)


def _backtest_context(shown: AgreementVersion, months: int) -> dict:
    comparison = cached_comparison(shown, months)
    bars = []
    for draft, current in comparison.rows():
        bars.append((f"{draft.label} · v{comparison.version}", draft.mqls))
        if current is not None:
            bars.append((f"{draft.label} · v{comparison.in_force} (in force)", current.mqls))
    return {
        "backtest": comparison,
        "months": months,
        "backtest_chart": bar_chart("MQLs per month", bars),
        "reporting_currency": reporting_currency(),
    }


@login_required
@require_POST
def comment(request, number: int):
    shown = _version_or_404(number)
    try:
        do_comment(shown, request.user, request.POST.get("body", ""))
    except AgreementRefused as exc:
        messages.error(request, str(exc))
        refused = version(request, number)
        refused.status_code = 422
        return refused
    messages.success(request, "Your comment was added.")
    return redirect("agreement:version", number=number)


@login_required
@require_POST
def sign(request, number: int):
    shown = _version_or_404(number)
    try:
        signed = do_sign(shown, request.user)
    except AgreementRefused as exc:
        messages.error(request, str(exc))
        return redirect("agreement:version", number=number)
    if signed.status == AgreementVersion.Status.IN_FORCE:
        messages.success(request, f"You signed v{signed.number}; it is now in force.")
        return redirect("agreement:index")
    messages.success(request, f"You signed v{signed.number}; it waits for the other head.")
    return redirect("agreement:version", number=number)


def _editor_page(request, data: FormData, problems: Sequence[str] = (), version=None, status=200):
    placed = place_problems(problems, data)
    values = list_field_values()
    return render(
        request,
        "agreement/editor.html",
        {
            "in_force": get_agreement_in_force(),
            "version": version,
            "problems": placed,
            "values": values,
            **editor_sections(data, values, placed),
        },
        status=status,
    )


def _posted(request) -> FormData:
    return FormData(request.POST.lists())


@login_required
def propose(request):
    """The lead-definition editor, starting from the version in force; saving makes a draft."""
    if request.method != "POST":
        in_force = get_agreement_in_force()
        start = in_force.document if in_force else default_document()
        return _editor_page(request, form_data(start))
    data = _posted(request)
    try:
        draft = do_create_draft(request.user, document_data(data))
    except DocumentError as exc:
        return _editor_page(request, data, exc.problems, status=422)
    except AgreementRefused as exc:
        messages.error(request, str(exc))
        return _editor_page(request, data, [], status=403)
    messages.success(request, f"Draft v{draft.number} was created.")
    return redirect("agreement:version", number=draft.number)


@login_required
def edit(request, number: int):
    """The editor on a draft: saving changes it in place while nobody has signed it."""
    shown = _version_or_404(number)
    if shown.status != AgreementVersion.Status.DRAFT:
        messages.error(request, f"v{number} is not a draft; propose a new draft instead.")
        return redirect("agreement:version", number=number)
    if request.method != "POST":
        return _editor_page(request, form_data(shown.document), [], version=shown)
    data = _posted(request)
    try:
        saved = do_edit(shown, request.user, document_data(data))
    except DocumentError as exc:
        return _editor_page(request, data, exc.problems, version=shown, status=422)
    except AgreementRefused as exc:
        messages.error(request, str(exc))
        return _editor_page(request, data, [], version=shown, status=403)
    messages.success(request, f"Draft v{saved.number} was saved.")
    return redirect("agreement:version", number=saved.number)


def _checked_or_problems(request):
    """The posted draft as a document, or its problems placed on the form."""
    data = _posted(request)
    try:
        return check_document(document_data(data)), []
    except DocumentError as exc:
        return None, place_problems(exc.problems, data)


@login_required
@require_POST
def preview(request):
    """What the draft being edited would do: MQLs now against the version in force, and the
    wording both heads will sign; the backtest follows in its own request."""
    if not access.may_propose_agreement(request.user):
        raise PermissionDenied
    doc, problems = _checked_or_problems(request)
    context = {
        "problems": problems,
        "in_force": get_agreement_in_force(),
        "months": _months(request),
    }
    if doc is not None:
        context |= {"now": count_mqls_now(doc), "plain": describe_document(doc)}
    return render(request, "agreement/_editor_preview.html", context)


@login_required
@require_POST
def preview_backtest(request):
    if not access.may_propose_agreement(request.user):
        raise PermissionDenied
    doc, problems = _checked_or_problems(request)
    if doc is None:
        return render(request, "agreement/_editor_backtest.html", {"problems": problems})
    months = _months(request)
    comparison = cached_document_comparison(doc, None, months)
    return render(
        request,
        "agreement/_editor_backtest.html",
        {"backtest": comparison, "months": months},
    )


@login_required
def propose_json(request):
    """The advanced view: the whole document as JSON, as the API takes it."""
    in_force = get_agreement_in_force()
    starting_point = in_force.document_data if in_force else None
    text = request.POST.get("document") if request.method == "POST" else None
    if text is None:
        document = starting_point or default_document().model_dump(mode="json", by_alias=True)
        text = json.dumps(document, indent=2)
    problems = []
    if request.method == "POST":
        try:
            draft = do_create_draft(request.user, text)
        except DocumentError as exc:
            problems = exc.problems
        except AgreementRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Draft v{draft.number} was created.")
            return redirect("agreement:version", number=draft.number)
    status = 422 if problems else 200
    return render(
        request,
        "agreement/propose.html",
        {"text": text, "problems": problems, "in_force": in_force},
        status=status,
    )
