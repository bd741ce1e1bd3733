"""Two namespaces under /gongkai/: ``portal`` for the public (no sign-in: a query code, never a
session) and ``gongkai`` for the staff's issuing form (signed in, gated)."""

from __future__ import annotations

from django.urls import include, path

from fazhi.gongkai import views

public = [
    path("", views.query_page, name="query"),
    path("verify/", views.verify, name="verify"),
    path("rate/", views.rate, name="rate"),
    path("complain/", views.complain, name="complain"),
]
staff = [path("case/<str:pk>/code/", views.issue, name="issue")]

urlpatterns = [
    path("", include((public, "portal"))),
    path("staff/", include((staff, "gongkai"))),
]
