"""The results page of the top bar's search box. Thin: the form reads the query, the service
searches within the user's scope and writes the audit row."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fazhi.core.forms import error_text
from fazhi.core.services import client_addr, signed_in_user
from fazhi.search.forms import SearchForm
from fazhi.search.kinds import SUBSTRING_MIN, Kind
from fazhi.search.services import MIN_LENGTH, Results, SearchError, search


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    results: Results | None = None
    error = ""
    if not form.is_valid():
        error = error_text(form)
    elif form.cleaned_data["q"]:
        try:
            results = search(
                signed_in_user(request), form.cleaned_data["q"],
                kind=form.cleaned_data["kind"] or None, remote_addr=client_addr(request),
            )  # fmt: skip
        except SearchError as exc:
            error = exc.message
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "query": form.cleaned_data.get("q", "") if form.is_bound and not form.errors else "",
            "kind": form.cleaned_data.get("kind", "") if not form.errors else "",
            "kinds": Kind.choices,
            "results": results,
            "error": error,
            "min_length": MIN_LENGTH,
            "substring_min": SUBSTRING_MIN,
        },
    )
