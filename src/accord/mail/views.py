"""The admins' reading of the mail Accord kept in its outbox."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accord.mail.models import Email
from accord.mail.selectors import sent_mail
from accord.teams.access import may_read_sent_mail

PER_PAGE = 50
OUTBOX_BACKEND = "accord.mail.backend.OutboxBackend"


def _check_reader(user) -> None:
    if not may_read_sent_mail(user):
        raise Http404("No such page")


@login_required
def outbox(request):
    _check_reader(request.user)
    to = request.GET.get("to", "").strip()[:320]
    page = Paginator(sent_mail(to), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "mail/outbox.html",
        {
            "page": page,
            "to": to,
            "kept_here": settings.EMAIL_BACKEND == OUTBOX_BACKEND,
            "mail_server": f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}",
        },
    )


@login_required
def message(request, pk: int):
    _check_reader(request.user)
    return render(request, "mail/message.html", {"email": get_object_or_404(Email, pk=pk)})
