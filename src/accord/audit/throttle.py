"""Login throttling through django-axes: too many failed log-ins lock one e-mail from one address
for a while, on the app's log-in page and the admin's alike."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

LOCKED_STATUS = 429


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a log-in while its e-mail and address are locked out.

    A log-in without a request (a shell, the test client's `login`) has no address to count
    against and is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_email(request, credentials=None) -> str | None:
    """The e-mail a log-in attempt is counted against, as log-in matches it: without surrounding
    spaces and in any letter case, so retyping it differently buys no further attempts."""
    if credentials:
        typed = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        typed = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return typed.strip().lower() if typed is not None else None


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def locked_out(request, original_response=None, credentials=None):
    """The log-in page again, saying why and for how long (HTTP 429)."""
    minutes = cooloff_minutes()
    message = (
        f"Too many failed log-ins for this e-mail from your address: log-in is locked for "
        f"{minutes} minute{'s' if minutes != 1 else ''}. Try again later, or ask an admin to "
        "reset your password."
    )
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out": message, "next": ""},
        status=LOCKED_STATUS,
    )
