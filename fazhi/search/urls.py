from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.search import views

app_name = "search"
urlpatterns: list[URLPattern] = [path("", views.search_page, name="search")]
