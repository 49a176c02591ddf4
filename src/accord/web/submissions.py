"""A form posted twice (a double click, a reload, the back button) is carried out once.

A signed-in user's post is compared with the last one of theirs that was carried out (answered
with a redirect): the same address and values within ten minutes get that answer again, and
nothing is written. The user's row is locked while the view runs, so two posts sent at once are
taken in turn. The API has its own rule (the Idempotency-Key), so it is left alone.
"""

import datetime as dt
import hashlib

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils import timezone

from accord.teams.models import User
from accord.web.middleware import API_PREFIX
from accord.web.models import LastFormSent

SAME_SUBMISSION_WITHIN = dt.timedelta(minutes=10)
CARRIED_OUT = {301, 302, 303}


def submitted_once_middleware(get_response):
    def middleware(request):
        if (
            request.method != "POST"
            or request.path.startswith(API_PREFIX)  # before the user: no session read for it
            or not request.user.is_authenticated
        ):
            return get_response(request)
        user, fingerprint = request.user, _fingerprint(request)  # a log-out changes request.user
        with transaction.atomic():
            # The user's row is the lock that takes two posts sent at once in turn.
            User.objects.select_for_update().only("pk").get(pk=user.pk)
            last = LastFormSent.objects.filter(user=user).first()
            if last is not None and _is_repeat(last, fingerprint):
                messages.info(request, "This form was sent twice; it was carried out once.")
                return HttpResponseRedirect(last.answer)
            response = get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif response.status_code in CARRIED_OUT:
                LastFormSent.objects.update_or_create(
                    user=user,
                    defaults={
                        "fingerprint": fingerprint,
                        "posted_at": timezone.now(),
                        "answer": response["Location"][:2048],
                    },
                )
        return response

    return middleware


def _is_repeat(last: LastFormSent, fingerprint: str) -> bool:
    recent = last.posted_at >= timezone.now() - SAME_SUBMISSION_WITHIN
    return last.fingerprint == fingerprint and recent


def _fingerprint(request) -> str:
    """The session, the address and every value posted (files by their content); not the
    CSRF token, which a reloaded page renews. The session is in it so a new log-in starts anew."""
    digest = hashlib.sha256()
    for part in (request.session.session_key or "", request.get_full_path()):
        digest.update(part.encode() + b"\0")
    for name, values in sorted(request.POST.lists()):
        if name != "csrfmiddlewaretoken":
            digest.update(repr((name, values)).encode())
    for name, upload in sorted(request.FILES.items()):
        digest.update(name.encode() + b"\0")
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()
