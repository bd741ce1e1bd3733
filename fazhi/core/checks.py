"""System checks of a deployment (``fazhi check --deploy``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

from fazhi.config import SHIPPED_SECRET_KEY


@register(Tags.security, deploy=True)
def shipped_secret_key(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """The settings refuse the shipped key outside debug mode; this catches the one way it can
    still be in use — a server started with ``FAZHI_DEBUG=1`` — and a key kept as a fallback."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if SHIPPED_SECRET_KEY not in keys:
        return []
    return [
        CheckWarning(
            "SECRET_KEY（或 SECRET_KEY_FALLBACKS）是随代码公开的开发密钥："
            "任何人都能伪造会话和表单令牌。",
            hint="设置环境变量 FAZHI_SECRET_KEY 为本单位自己的随机密钥，并去掉 FAZHI_DEBUG。",
            id="fazhi.W001",
        )
    ]
