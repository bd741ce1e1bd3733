"""Response headers that Django 5.2 does not set by itself, the session's idle timeout, and the
pages' one mapping of domain errors to an error page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from fazhi.core.errors import DomainError, Kind

TOUCH_KEY = "_fazhi_touched_at"


class ContentSecurityPolicyMiddleware:
    """Adds ``Content-Security-Policy`` (``settings.CONTENT_SECURITY_POLICY``) to every response
    that has none: scripts only from this site (no inline script, no eval), so text that slipped
    past escaping still cannot run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class TrustedProxyMiddleware:
    """Behind a reverse proxy, take the client's address from ``X-Real-IP`` — but only when the
    request comes from one of ``settings.TRUSTED_PROXIES`` (``FAZHI_TRUSTED_PROXIES``); from
    anywhere else the header is ignored, since a client can send it. Everything downstream (audit
    log, lockout) then reads the client's address from ``REMOTE_ADDR``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxies: frozenset[str] = frozenset(getattr(settings, "TRUSTED_PROXIES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.proxies and request.META.get("REMOTE_ADDR") in self.proxies:
            real = str(request.META.get("HTTP_X_REAL_IP", "")).strip()
            if real:
                request.META["FAZHI_PROXY_ADDR"] = request.META["REMOTE_ADDR"]
                request.META["REMOTE_ADDR"] = real
        return self.get_response(request)


class IdleSessionMiddleware:
    """The sliding idle timeout, written at most once a minute.

    A session expires ``SESSION_COOKIE_AGE`` after its last save. Saving it on every request
    (``SESSION_SAVE_EVERY_REQUEST``) costs an UPDATE per page; instead a signed-in session is
    marked modified when its last touch is ``SESSION_TOUCH_SECONDS`` old, so the timeout still
    slides with use, to within that many seconds. Only signed-in sessions are touched: an
    anonymous or expired one is never written back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.every: int = int(getattr(settings, "SESSION_TOUCH_SECONDS", 60))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # only a signed-in session: an expired or anonymous one must not be written back
        if session is None or session.modified or session.is_empty() or SESSION_KEY not in session:
            return response
        now = int(timezone.now().timestamp())
        if now - int(session.get(TOUCH_KEY, 0)) >= self.every:
            session[TOUCH_KEY] = now
        return response


# the error page of each kind: 403/404 are also Django's own pages, 400/409 the same shell
ERROR_TEMPLATES = {kind: f"{int(kind)}.html" for kind in Kind}


class DomainErrorMiddleware:
    """A ``DomainError`` that no view caught becomes its status with a Chinese error page that
    says what was refused (the error's message), never a traceback. Views that re-display a form
    with the message still catch the error themselves; this is for everything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        body = render_to_string(
            ERROR_TEMPLATES[exception.code.kind],
            {"message": exception.message, "code": exception.code.value},
            request=request,
        )
        return HttpResponse(body, status=exception.status)
