"""Sign-in, sign-out, failed sign-in and lockout, each written to the audit log with the
address it came from (connected in ``AccountsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import client_addr, record_audit


def _addr(request: HttpRequest | None) -> str:
    return client_addr(request) if request is not None else ""


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    username = user.get_username()
    record_audit(
        user, AuditAction.AUTH_LOGIN, target_type="user", target_id=username,
        remote_addr=_addr(request),
    )  # fmt: skip


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    username = user.get_username() if user is not None else ""
    record_audit(
        user,
        AuditAction.AUTH_LOGOUT,
        target_type="user",
        target_id=username,
        remote_addr=_addr(request),
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # only the username: the password (even a wrong one) never reaches the log
    username = str(credentials.get("username") or "")
    record_audit(
        None, AuditAction.AUTH_LOGIN_FAILED, target_type="user", target_id=username,
        remote_addr=_addr(request),
    )  # fmt: skip


def on_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None = None, **kwargs: Any
) -> None:
    # locked by username+address, or the address as a whole (password spraying)
    by = "address" if getattr(request, "fazhi_address_locked", False) else "username+address"
    record_audit(
        None, AuditAction.AUTH_LOCKOUT, target_type="user", target_id=username or "",
        remote_addr=_addr(request), details={"by": by},
    )  # fmt: skip


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="fazhi.audit.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="fazhi.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="fazhi.audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="fazhi.audit.lockout")
