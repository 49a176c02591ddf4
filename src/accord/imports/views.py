"""The import page: upload an export, see what it would change (or what is wrong with it, row by
row), then confirm; the worker does the work and the page follows it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.imports.runs import selectors, services
from accord.imports.runs.services import RunRefused
from accord.teams.access import may_import


def _importer(request):
    if not may_import(request.user):
        raise PermissionDenied("Only an administrator or a team head can import files.")


@login_required
def index(request):
    _importer(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Choose a CSV file to check.")
        else:
            try:
                run = services.do_upload(request.user, upload)
            except RunRefused as refused:
                messages.error(request, str(refused))
            else:
                return redirect("imports:run", run.pk)
    return render(request, "imports/index.html", {"runs": selectors.recent_runs(request.user)})


@login_required
def run(request, pk: int):
    _importer(request)
    the_run = selectors.access_run(request.user, pk)
    template = "imports/_status.html" if request.headers.get("HX-Request") else "imports/run.html"
    context = {"run": the_run, "progress": selectors.progress_of(the_run)}
    return render(request, template, context)


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
