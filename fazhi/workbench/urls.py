from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.workbench import views

app_name = "workbench"
urlpatterns: list[URLPattern] = [path("", views.home, name="home")]
