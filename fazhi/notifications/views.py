"""notifications views: the user's own notifications (nobody else's), and marking them read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fazhi.core.forms import error_text
from fazhi.core.services import signed_in_user
from fazhi.notifications import services
from fazhi.notifications.forms import DEFAULT_NEXT, MarkReadForm
from fazhi.notifications.models import Notification


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # signed in (login_required)
    rows = Notification.objects.filter(user=user).prefetch_related("items")
    if request.GET.get("unread") == "1":
        rows = rows.unread()
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread": services.unread_count(request.user),
            "only_unread": request.GET.get("unread") == "1",
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect(DEFAULT_NEXT)
    ids = None if form.cleaned_data["all"] == "1" else form.cleaned_data["id"]
    services.mark_read(request.user, ids, actor=signed_in_user(request))
    target = form.cleaned_data["next"]
    return redirect(target)


@login_required
def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One notification of the user's own (a digest with its items); anyone else's is 404."""
    user: Any = request.user
    found = Notification.objects.filter(user=user, pk=pk).prefetch_related("items").first()
    if found is None:
        raise Http404("通知不存在")
    return render(request, "notifications/detail.html", {"n": found})
