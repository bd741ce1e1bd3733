"""``/healthz`` (no sign-in, no personal data) and ``/metrics`` (a bearer token)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from fazhi.ops import health, metrics


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    report = health.report()
    return JsonResponse(
        report,
        status=200 if report["status"] == "ok" else 503,
        json_dumps_params={"ensure_ascii": False},
    )


def _authorized(request: HttpRequest, token: str) -> bool:
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:  # off unless the operator gave Prometheus a token
        raise Http404
    if not _authorized(request, token):
        response = HttpResponse("需要有效的监控令牌（Authorization: Bearer …）", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="fazhi metrics"'
        return response
    try:
        body = metrics.exposition()
    except DatabaseError as exc:
        return HttpResponse(f"数据库不可达：{type(exc).__name__}", status=503)
    return HttpResponse(body, content_type=metrics.CONTENT_TYPE)
