"""Response headers that Django 5.2 does not set by itself, the session's idle timeout, and the
pages' one mapping of domain errors to an error page, and one check of every request's input
for characters the database cannot store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control

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


class PrivateNoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user — pages, API
    calls, exports and downloads alike: they carry police data, which must stay neither in a
    shared proxy's cache nor in the browser's, where the next person at an office computer could
    open it from the history. Placed after the authentication middleware; an API call signed
    with a token has its user set by the time the response passes here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


# NUL cannot be stored in a PostgreSQL text column (the query fails: a 500), and a lone UTF-16
# surrogate (a JSON escape such as \ud800) cannot be encoded for the database at all.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_NAME_SHOWN = re.compile(r"[\w.\-\[\]]{1,40}")


class InputGuardMiddleware:
    """Refuses, before any view or session lookup runs, a request whose path, query string, form
    fields, JSON body, cookies or headers carry a character the database cannot store: a 400
    with a Chinese message naming where (the API's error body under ``/api/``), never a 500 —
    or an export that breaks off half-written — on PostgreSQL. One place for every page and
    endpoint, instead of a check in each."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            where = next(self._unstorable(request), None)
        except MultiPartParserError:  # answered here, in the same form, not as Django's page
            detail = "请求被拒绝：表单数据（multipart）格式有误，无法读取。"
        else:
            if where is None:
                return self.get_response(request)
            detail = (
                f"请求被拒绝：{where}含有无法保存的字符（空字符 NUL 或无效的 Unicode 代理字符）。"
            )
        if request.path_info.startswith("/api/"):
            # the API's one error body (fazhi/api/schemas.py ``Error``)
            body = {"code": "unstorable_input", "message": detail, "field": None, "detail": detail}
            return JsonResponse(body, status=400)
        return HttpResponseBadRequest(render_to_string("400.html", {"reason": detail}))

    def _unstorable(self, request: HttpRequest) -> Iterator[str]:
        if UNSTORABLE.search(request.path_info):
            yield "网址路径"
        yield from _in_pairs("查询参数", request.GET.lists())
        yield from _in_pairs("Cookie", ((k, [v]) for k, v in request.COOKIES.items()))
        for key, value in request.META.items():
            if key.startswith("HTTP_") and key != "HTTP_COOKIE" and UNSTORABLE.search(str(value)):
                yield "请求头 " + key[5:].replace("_", "-").title()
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            # (uploaded file names need no check: Django drops unprintable characters from them)
            yield from _in_pairs("表单字段", request.POST.lists())
        elif content_type == "application/json":
            try:
                body = json.loads(request.body)
            except ValueError:  # not JSON at all: the API answers that itself
                return
            yield from _in_json(body, "")


def _shown(name: str) -> str:
    return name if _NAME_SHOWN.fullmatch(name) else "（名称不可显示）"


def _in_pairs(kind: str, pairs: Any) -> Iterator[str]:
    for name, values in pairs:
        if UNSTORABLE.search(name):
            yield f"{kind}名称"
        elif any(UNSTORABLE.search(value) for value in values if isinstance(value, str)):
            yield f"{kind}“{_shown(name)}”"


def _in_json(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if UNSTORABLE.search(value):
            yield f"JSON 请求体字段“{_shown(path) if path else '（整体）'}”"
    elif isinstance(value, dict):
        for key, item in value.items():
            if UNSTORABLE.search(key):
                yield "JSON 请求体字段名"
            else:
                yield from _in_json(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _in_json(item, f"{path}[{index}]")
