from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.standards import views

app_name = "standards"
urlpatterns: list[URLPattern] = [
    path("", views.standards, name="standards"),
    path("<str:code>/", views.standard, name="standard"),
]
