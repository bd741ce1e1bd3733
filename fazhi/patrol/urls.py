from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.patrol import views

app_name = "patrol"
urlpatterns: list[URLPattern] = [
    path("findings/help/", views.findings_help, name="help"),
    path("findings/", views.findings, name="findings"),
    path("findings/export.xlsx", views.findings_export, name="findings_export"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:code>/", views.rule, name="rule"),
    path("rules/<str:code>/settings/", views.rule_settings, name="rule_settings"),
    path("rules/<str:code>/whatif/", views.rule_whatif, name="rule_whatif"),
    path("whatif/<int:pk>/", views.whatif_detail, name="whatif"),
    path("whatif/<int:pk>/adopt/", views.whatif_adopt, name="whatif_adopt"),
]
