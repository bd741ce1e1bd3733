"""How an API call is authenticated: a personal token (``Authorization: Bearer <key>``) for
integrations, or the web sign-in's session (with CSRF on unsafe methods) for pages and the
interactive docs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth
from ninja.utils import check_csrf

from fazhi.api.services import token_for_key


class TokenAuth(HttpBearer):
    """``Authorization: Bearer fz_…``: the token's user, when token and user are active."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for_key(token)
        if found is None:
            return None
        # Everything downstream (scope, permissions, audit) reads request.user, as for pages.
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SignedInSession(SessionAuth):
    """The web session. CSRF is checked (for unsafe methods) only when a user is signed in: a
    request without a session is simply not authenticated (401), not a CSRF failure."""

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise HttpError(403, "CSRF 校验失败：以登录会话调用写操作时须带 X-CSRFToken 请求头")
        key: str | None = request.COOKIES.get(self.param_name)
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


token_auth = TokenAuth()
session_auth = SignedInSession(csrf=True)
AUTH = [token_auth, session_auth]


def via(request: HttpRequest) -> str:
    """How this call was authenticated, for the audit row."""
    token = getattr(request, "api_token", None)
    return f"token:{token.name}" if token is not None else "session"


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the docs and the schema: a signed-in session or a valid token. Without either the
    docs page sends the browser to the sign-in page and the schema answers 401."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated or token_auth(request):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            message = "未登录或接口令牌无效"
            body = {"code": "unauthenticated", "message": message, "field": None, "detail": message}
            return JsonResponse(body, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper
