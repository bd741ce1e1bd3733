"""The first page: what the store holds, per record type and per unit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fazhi.core.services import unit_record_counts


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", unit_record_counts())
