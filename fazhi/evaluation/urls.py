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
]
