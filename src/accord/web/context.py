"""The navigation each role sees."""

from django.urls import NoReverseMatch, reverse

# (label, url name, roles that see it; None for everyone signed in)
NAV_ITEMS = [
    ("Home", "web:home", None),
    ("Dashboard", "metrics:dashboard", None),
    ("Inbox", "handoff:inbox", {"rep", "head"}),
    ("Feedback", "handoff:feedback", {"marketer", "head"}),
    ("Agreement", "agreement:index", None),
    ("Alignment", "alignment:index", None),
    ("Mindset", "mindset:index", None),
    ("Planning", "planning:index", None),
    ("Goals", "goals:index", None),
    ("API docs", "api:openapi-view", None),
    ("Audit", "audit:search", {"admin"}),
    ("Admin", "admin:index", {"admin"}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    role = "admin" if user.is_admin else user.role
    items = []
    for label, name, roles in NAV_ITEMS:
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav": items}
