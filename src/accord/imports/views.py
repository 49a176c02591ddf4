"""The import page: upload an export, see what it would change (or what is wrong with it, row by
row), then confirm; the worker does the work and the page follows it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.imports.forms import UploadForm
from accord.imports.runs import selectors, services
from accord.imports.runs.services import ChosenMapping, RunRefused
from accord.teams.access import may_import


def _importer(request):
    if not may_import(request.user):
        raise PermissionDenied("Only an administrator or a team head can import files.")


@login_required
def index(request):
    _importer(request)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                run = services.do_upload(request.user, form.cleaned_data["file"], form.options())
            except RunRefused as refused:
                form.add_error("file", str(refused))
            else:
                return redirect("imports:run", run.pk)
    return _index(request, form, status=status)


def _index(request, form, status=200):
    context = {"runs": selectors.recent_runs(request.user), "form": form}
    return render(request, "imports/index.html", context, status=status)


def too_large(request, detail: str):
    """The page again, with why the upload was refused (413); the body was never read."""
    if not (request.user.is_authenticated and may_import(request.user)):
        return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")
    messages.error(request, detail)
    return _index(request, UploadForm(), status=413)


@login_required
def run(request, pk: int):
    _importer(request)
    the_run = selectors.access_run(request.user, pk)
    template = "imports/_status.html" if request.headers.get("HX-Request") else "imports/run.html"
    context = {
        "run": the_run,
        "progress": selectors.progress_of(the_run),
        "mapping_rows": selectors.mapping_rows(the_run),
    }
    return render(request, template, context)


@login_required
@require_POST
def map_values(request, pk: int):
    """The values chosen in the check's mapping table: kept, and the file checked again."""
    _importer(request)
    check = selectors.access_run(request.user, pk)
    chosen = [
        ChosenMapping(u["kind"], u["value"], u["pipeline"], request.POST.get(f"map-{i}", ""))
        for i, u in enumerate(check.unknown_values)
    ]
    try:
        again = services.do_map_values(request.user, check, chosen)
    except RunRefused as refused:
        messages.error(request, str(refused))
        return redirect("imports:run", check.pk)
    messages.success(request, "The mappings were saved; the file is being checked again.")
    return redirect("imports:run", again.pk)


@login_required
@require_POST
def emptied_campaigns(request, pk: int):
    """The campaigns the user says lost every member: the file checked again saying so."""
    _importer(request)
    check = selectors.access_run(request.user, pk)
    try:
        again = services.do_check_emptied(request.user, check, request.POST.getlist("campaign"))
    except RunRefused as refused:
        messages.error(request, str(refused))
        return redirect("imports:run", check.pk)
    messages.success(request, "The file is being checked again with those campaigns emptied.")
    return redirect("imports:run", again.pk)


@login_required
@require_POST
def confirm(request, pk: int):
    _importer(request)
    check = selectors.access_run(request.user, pk)
    try:
        imported = services.do_confirm(request.user, check)
    except RunRefused as refused:
        messages.error(request, str(refused))
        return redirect("imports:run", check.pk)
    return redirect("imports:run", imported.pk)
