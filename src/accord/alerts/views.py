"""The bell's page: a person's notifications, opened (and so read) one by one or all read; and
the settings of how they hear of each kind of event."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accord.alerts.forms import ChannelsForm
from accord.alerts.selectors import channels_of, notifications_for, unread_count
from accord.alerts.services import do_choose_channels, do_mark_all_read, do_open_notification

PER_PAGE = 50


@login_required
def notifications(request):
    page = Paginator(notifications_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/notifications.html",
        {"page": page, "unread": unread_count(request.user)},
    )


def _opened(request, notification_id: int):
    notification = do_open_notification(request.user, notification_id)
    if notification is None:
        raise Http404("No such notification")
    link = notification.alert.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("alerts:notifications")


@login_required
def open_notification(request, notification_id: int):
    """Following a notification to its record reads it: the same answer however often."""
    return _opened(request, notification_id)


@login_required
@require_POST
def mark_read(request, notification_id: int):
    if do_open_notification(request.user, notification_id) is None:
        raise Http404("No such notification")
    return redirect("alerts:notifications")


@login_required
@require_POST
def mark_all_read(request):
    read = do_mark_all_read(request.user)
    if read:
        messages.success(request, f"Marked {read} notification{pluralize(read)} read.")
    else:
        messages.info(request, "Every notification was already read.")
    return redirect("alerts:notifications")


@login_required
def settings(request):
    """For each kind of event: the bell, e-mail, both or neither."""
    form = ChannelsForm(request.POST or None, current=channels_of(request.user))
    if request.method == "POST":
        if not form.is_valid():
            context = {"form": form, "forms": [form], "has_errors": True}
            return render(request, "alerts/settings.html", context, status=400)
        changed = do_choose_channels(request.user, form.chosen())
        if changed:
            kinds = f"{changed} kind{pluralize(changed)} of event"
            messages.success(request, f"Saved: {kinds} changed.")
        else:
            messages.info(request, "Nothing changed.")
        return redirect("alerts:settings")
    return render(request, "alerts/settings.html", {"form": form, "forms": [form]})
