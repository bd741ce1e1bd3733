from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.notifications import views

app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="read"),
    path("<int:pk>/", views.notification_detail, name="detail"),
]
