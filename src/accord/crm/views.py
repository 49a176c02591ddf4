"""The record pages: one person (score and why, lifecycle, touches,
handoffs, deals, history) and one account (its people, deals and the deals' history)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accord.crm import selectors


@login_required
def person(request, pk: int):
    return render(request, "crm/person.html", {"r": selectors.person_record(request.user, pk)})


@login_required
def account(request, pk: int):
    return render(request, "crm/account.html", {"r": selectors.account_record(request.user, pk)})
