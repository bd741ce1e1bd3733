"""accounts views: revealing a masked identifier (audited), and the lockout page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.html import format_html
from django.views.decorators.http import require_GET

from fazhi.accounts.scope import UNMASK_PERMISSION
from fazhi.accounts.services import record_unmask
from fazhi.core.masking import UNMASKABLE
from fazhi.core.scope import can_see, scope_of
from fazhi.core.services import client_addr, signed_in_user


@login_required
@require_GET
def unmask(request: HttpRequest) -> HttpResponse:
    """The clear value of one masked field (an htmx fragment), for users with
    ``accounts.unmask_pii`` who may see the record; every answer is written to the audit log."""
    if not request.user.has_perm(UNMASK_PERMISSION):
        raise PermissionDenied("没有查看完整身份证号和电话号码的权限")
    target_type = request.GET.get("type", "")
    field = request.GET.get("field", "")
    spec = UNMASKABLE.get((target_type, field))
    if spec is None:
        return HttpResponseBadRequest(f"不支持显示该字段：{target_type}.{field}")
    record = spec.model._default_manager.filter(pk=request.GET.get("id", "")).first()
    # out of the user's data scope answers like a missing record (as detail pages do)
    if record is None or not can_see(record, scope_of(request.user)):
        raise Http404("记录不存在")
    value = getattr(record, field) or ""
    record_unmask(
        actor=signed_in_user(request), target_type=target_type,
        target_id=str(record.pk), field=field, remote_addr=client_addr(request),
    )  # fmt: skip
    response = HttpResponse(
        format_html('<span class="pii pii-clear" title="{}">{}</span>', spec.label, value)
    )
    response["Cache-Control"] = "no-store"
    return response


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The sign-in page with the lockout message (django-axes ``AXES_LOCKOUT_CALLABLE``)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "form": AuthenticationForm(request),
        "locked_out": True,
        "address_locked": getattr(request, "fazhi_address_locked", False),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_failure_limit": settings.AXES_ADDRESS_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    return render(request, "core/login.html", context, status=429)
