from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.standards import views

app_name = "standards"
urlpatterns: list[URLPattern] = [
    path("", views.standards, name="standards"),
    path("export.jsonl", views.export, name="export"),
    path("import/", views.import_file, name="import"),
    path("help/", views.help_view, name="help"),
    path("<str:code>/", views.standard, name="standard"),
    path("<str:code>/revise/", views.standard_revise, name="revise"),
    path("<str:code>/abolish/", views.standard_abolish, name="abolish"),
]
