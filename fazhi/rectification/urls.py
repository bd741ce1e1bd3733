from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.rectification import views

app_name = "rectification"
urlpatterns: list[URLPattern] = [
    path("help/", views.problems_help, name="help"),
    path("", views.problem_list, name="list"),
    path("export.xlsx", views.problem_export, name="export"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.problem_act, name="act"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("board/", views.board, name="board"),
    path("policy/", views.policy, name="policy"),
    path("silences/<str:code>/", views.silence_create, name="silence"),
    path("silences/<int:pk>/lift/", views.silence_lift, name="silence_lift"),
    path("push/<int:finding_id>/", views.finding_push, name="push"),
    path("confirm/<int:finding_id>/", views.finding_confirm, name="confirm"),
    path("dismiss/<int:finding_id>/", views.finding_dismiss, name="dismiss"),
]
