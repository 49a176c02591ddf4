"""The record pages: one person (score and why, lifecycle, touches,
handoffs, deals, history) and one account (its people, deals and the deals' history)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accord.crm import selectors
from accord.teams import access


@login_required
def person(request, pk: int):
    record = selectors.person_record(request.user, pk)
    may_edit = access.may_write(request.user, "person", "update")
    return render(request, "crm/person.html", {"r": record, "may_edit": may_edit})


@login_required
def account(request, pk: int):
    record = selectors.account_record(request.user, pk)
    may_edit = access.may_write(request.user, "account", "update")
    return render(request, "crm/account.html", {"r": record, "may_edit": may_edit})
