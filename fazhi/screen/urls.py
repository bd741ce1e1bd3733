from __future__ import annotations

from django.urls import URLPattern, path

from fazhi.screen import views

app_name = "screen"
urlpatterns: list[URLPattern] = [
    path("", views.screen, name="screen"),
    path("board/", views.board, name="board"),
]
