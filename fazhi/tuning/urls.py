from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.tuning import views

app_name = "tuning"
urlpatterns: list[URLPattern] = [path("", views.index, name="index")]
