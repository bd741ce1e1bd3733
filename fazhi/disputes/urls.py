from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.disputes import views

app_name = "disputes"
urlpatterns: list[URLPattern] = [
    path("help/", views.disputes_help, name="help"),
    path("", views.dispute_list, name="list"),
    path("visits/", views.visits, name="visits"),
    path("analysis/", views.analysis, name="analysis"),
    path("letters/<int:pk>.docx", views.letter_file, name="letter"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
    path("<int:pk>/followup/", views.add_followup, name="followup"),
    path("<int:pk>/checklist/", views.answer_item, name="checklist"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
]
