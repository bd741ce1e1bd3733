from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.reports import views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<str:fmt>/<int:pk>/", views.download, name="download"),
    path("<slug:kind>/", views.kind_page, name="kind"),
    path("<slug:kind>/generate/", views.generate, name="generate"),
]
