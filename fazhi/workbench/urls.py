from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.workbench import views

app_name = "workbench"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("findings/", views.findings, name="findings"),
    path("findings/export.xlsx", views.findings_export, name="findings_export"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("cases/<str:pk>/", views.case, name="case"),
    path("incidents/<str:pk>/", views.incident, name="incident"),
    path("persons/<str:pk>/", views.person, name="person"),
    path("officers/<str:pk>/", views.officer, name="officer"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:code>/", views.rule, name="rule"),
    path("rules/<str:code>/settings/", views.rule_settings, name="rule_settings"),
    path("standards/", views.standards, name="standards"),
    path("standards/<str:code>/", views.standard, name="standard"),
]
