"""The pages of a list: the page size a legal officer chose (25, 50, 100 or 200 rows) and the
page he jumped to, read from the query string; rendered by ``core/_pager.html`` (previous, next,
a page number to jump to and the size, keeping the list's filters)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZES = (25, 50, 100, 200)


def page_size(request: HttpRequest, default: int = PAGE_SIZES[0]) -> int:
    raw = request.GET.get("size", "")
    return int(raw) if raw.isdigit() and int(raw) in PAGE_SIZES else default


def page_of(
    request: HttpRequest, rows: Any, *, default: int = PAGE_SIZES[0], count: int | None = None
) -> Page[Any]:
    """The page asked for (the last one for a number past the end, the first for no number);
    ``count`` when the list was already counted (no second COUNT(*))."""
    paginator = Paginator(rows, page_size(request, default))
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))
