"""``/api/v1/``: the JSON API (django-ninja); its schema at ``/api/v1/openapi.json`` and the
interactive docs at ``/api/v1/docs`` (both for signed-in users only)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from fazhi.api.views import api

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [path("v1/", api.urls)]
