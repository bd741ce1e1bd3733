"""The help pages of the areas (what each status means and what to do next), one template
(``core/help.html``) filled by each area's own view from its own texts, so that the statuses a
help page explains are the area's choices, not a copy."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def help_page(
    request: HttpRequest,
    *,
    area: str,
    intro: str,
    statuses: Sequence[tuple[str, str, str]],
    back_url: str,
    back_label: str,
    notes: Sequence[str] = (),
) -> HttpResponse:
    """``statuses``: (label, what it means, what to do next)."""
    return render(
        request,
        "core/help.html",
        {
            "area": area, "intro": intro, "statuses": statuses, "notes": notes,
            "back_url": back_url, "back_label": back_label,
        },
    )  # fmt: skip
