from __future__ import annotations

from django.urls import path

from fazhi.servicedesk import views

app_name = "servicedesk"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("help/", views.help_view, name="help"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/return/", views.send_back, name="return"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("case/<str:case_id>/file/", views.file, name="file"),
]
