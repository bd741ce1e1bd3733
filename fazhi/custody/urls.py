from __future__ import annotations

from django.urls import path

from fazhi.custody import views

app_name = "custody"

urlpatterns = [
    path("", views.ledger_page, name="ledger"),
    path("export.xlsx", views.ledger_export, name="export"),
    path("differences/", views.differences, name="differences"),
    path("deposits/", views.deposits, name="deposits"),
    path("case/<str:case_id>/", views.case_ledger, name="case"),
    path("help/", views.help_view, name="help"),
]
