from django.urls import path

from accord.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.settings, name="settings"),
    path("<int:notification_id>/", views.open_notification, name="open"),
    path("<int:notification_id>/read/", views.mark_read, name="mark_read"),
]
