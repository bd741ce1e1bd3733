"""api services: creating, revoking and checking personal API tokens (audited)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.api.models import ApiToken
from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit

KEY_PREFIX = "fz_"
PREFIX_LENGTH = 10
# last_used_at is bookkeeping, not an audit record: written at most once a minute per token, so
# that an integration polling the API does not turn every read into a write.
TOUCH_INTERVAL = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_token(
    user: Any, *, actor: User, name: str, remote_addr: str = "", now: datetime | None = None
) -> str:
    """A new token for ``user``; returns the clear key, which is not stored and cannot be shown
    again (only its SHA-256 is kept)."""
    name = (name or "").strip()
    username = user.get_username()
    if not name:
        raise ValidationError(f"请填写用户 {username} 的接口令牌名称")
    if len(name) > 64:
        raise ValidationError(f"接口令牌名称“{name[:20]}…”过长（最多64个字符）")
    if not user.is_active:
        raise ValidationError(f"用户 {username} 已停用，不能创建接口令牌")
    now = now or timezone.now()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        if ApiToken.objects.active().filter(user=user, name=name).exists():
            raise ValidationError(f"用户 {username} 已有名为“{name}”的有效接口令牌")
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=key[:PREFIX_LENGTH],
            key_hash=hash_key(key),
            created_at=now,
            created_by=actor.get_username(),
        )
        record_audit(
            actor, AuditAction.API_TOKEN_CREATE, target_type="api_token", target_id=str(token.pk),
            remote_addr=remote_addr,
            details={"user": username, "name": name, "prefix": token.prefix},
        )  # fmt: skip
    return key


def revoke_token(
    token: ApiToken, *, actor: User, remote_addr: str = "", now: datetime | None = None
) -> ApiToken:
    """吊销: the token stops working at once; the row stays (who used the API with it)."""
    now = now or timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if token.revoked_at is not None:
            raise ValidationError(
                f"用户 {token.user.get_username()} 的接口令牌“{token.name}”已于"
                f"{timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M}吊销"
            )
        token.revoked_at = now
        token.revoked_by = actor.get_username()
        token.save(update_fields=["revoked_at", "revoked_by"])
        record_audit(
            actor, AuditAction.API_TOKEN_REVOKE, target_type="api_token", target_id=str(token.pk),
            remote_addr=remote_addr,
            details={"user": token.user.get_username(), "name": token.name, "prefix": token.prefix},
        )  # fmt: skip
    return token


def token_for_key(key: str, now: datetime | None = None) -> ApiToken | None:
    """The active token whose key is ``key`` (its user active too), or None. Records the use
    (``last_used_at``, at most once per ``TOUCH_INTERVAL``)."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=hash_key(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
