from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.records import views

app_name = "records"
urlpatterns: list[URLPattern] = [
    path("cases/help/", views.cases_help, name="help"),
    path("cases/<str:pk>/", views.case, name="case"),
    path("incidents/<str:pk>/", views.incident, name="incident"),
    path("persons/<str:pk>/", views.person, name="person"),
    path("officers/<str:pk>/", views.officer, name="officer"),
]
