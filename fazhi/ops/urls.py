from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.ops import views

app_name = "ops"
urlpatterns: list[URLPattern] = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics_view, name="metrics"),
]
