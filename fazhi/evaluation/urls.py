from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.evaluation import views

app_name = "evaluation"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("compute/", views.compute, name="compute"),
    path("scheme/", views.scheme_page, name="scheme"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/", views.version, name="version"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("scores/<int:pk>/", views.score_detail, name="score"),
    path("items/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("cases/", views.cases, name="cases"),
    path("cases/pick/", views.pick, name="pick"),
    path("analyses/<int:pk>/", views.analysis, name="analysis"),
    path("analyses/<int:pk>/submit/", views.analysis_submit, name="analysis-submit"),
    path("analyses/<int:pk>/decide/", views.analysis_decide, name="analysis-decide"),
    path("analyses/documents/<int:pk>/", views.analysis_document, name="analysis-document"),
    path("officers/<str:pk>/integrity/", views.integrity_page, name="integrity"),
]
