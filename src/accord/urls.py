from django.contrib import admin
from django.urls import include, path

from accord.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("agreement/", include("accord.agreement.urls")),
    path("alignment/", include("accord.alignment.urls")),
    path("mindset/", include("accord.mindset.urls")),
    path("planning/", include("accord.planning.urls")),
    path("", include("accord.handoff.urls")),
    path("audit/", include("accord.audit.urls")),
    path("mail/", include("accord.mail.urls")),
    path("notifications/", include("accord.alerts.urls")),
    path("imports/", include("accord.imports.urls")),
    path("sync/", include("accord.crm_sync.urls")),
    path("", include("accord.web.record_urls")),
    path("", include("accord.metrics.urls")),
    path("", include("accord.goals.urls")),
    path("", include("accord.web.urls")),
]

handler400 = "accord.web.views.bad_request"
