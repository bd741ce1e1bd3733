from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.review import views

app_name = "review"
urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("<int:pk>/escalate/", views.escalate_dispute, name="escalate"),
]
