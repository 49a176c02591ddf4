"""The admin's search of the audit trail."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from accord.audit.forms import AuditSearch
from accord.audit.selectors import record_types, search_audit
from accord.teams.access import may_read_audit_trail

PER_PAGE = 50


@login_required
def search(request):
    if not may_read_audit_trail(request.user):
        raise Http404("No such page")
    form = AuditSearch(request.GET or None)
    page = Paginator(search_audit(form.filters()), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {"form": form, "page": page, "query": query.urlencode(), "record_types": record_types()},
    )
