from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.dailycheck import views

app_name = "dailycheck"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("stats/", views.stats, name="stats"),
    path("generate/", views.generate, name="generate"),
    path("answer/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<str:unit_id>/<str:day>/", views.sheet, name="sheet"),
]
