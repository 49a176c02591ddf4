"""The navigation each role sees; who sees which entry is `teams.access`'s rule."""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from accord.alerts.selectors import unread_count
from accord.crm_sync.selectors import may_manage_sync
from accord.teams import access

# (label, url name, who sees it; None for everyone signed in)
NAV_ITEMS = [
    ("Home", "web:home", None),
    ("Dashboard", "metrics:dashboard", None),
    ("People", "web:people", None),
    ("Accounts", "web:accounts", None),
    ("Deals", "web:deals", None),
    ("Campaigns", "web:campaigns", None),
    ("Inbox", "handoff:inbox", access.sees_inbox_in_menu),
    ("Feedback", "metrics:feedback", access.sees_feedback_in_menu),
    ("Agreement", "agreement:index", None),
    ("Alignment", "alignment:index", None),
    ("Mindset", "mindset:index", None),
    ("Planning", "planning:index", None),
    ("Goals", "goals:index", None),
    ("API docs", "api:openapi-view", None),
    ("Import", "imports:index", access.may_import),
    ("CRM sync", "crm_sync:index", may_manage_sync),
    ("Audit", "audit:search", access.may_read_audit_trail),
    ("Mail", "mail:outbox", access.may_read_sent_mail),
    ("Health", "web:health", access.may_read_system_health),
    ("Admin", "admin:index", access.sees_admin_in_menu),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = []
    for label, name, sees in NAV_ITEMS:
        if sees is not None and not sees(user):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url})
    # counted only when a page draws the header, not for every htmx partial
    unread = SimpleLazyObject(lambda: unread_count(user))
    return {"nav": items, "unread_notifications": unread}
