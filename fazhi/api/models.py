"""api: personal API tokens (个人接口令牌) for integrations that cannot use the web sign-in.

Only the SHA-256 of a key is stored; the clear key is shown once, when it is created
(``services.create_token``). A revoked token stays as a record of who used the API with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name="用户"
    )
    name = models.CharField("名称", max_length=64)
    # The first characters of the clear key: enough to recognise a token in a list, useless to
    # an attacker (the remaining 40+ random characters stay secret).
    prefix = models.CharField("前缀", max_length=16)
    key_hash = models.CharField("密钥哈希（SHA-256）", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.CharField("创建人", max_length=150)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.CharField("吊销人", max_length=150, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["user_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="uniq_active_api_token_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def status_label(self) -> str:
        return "有效" if self.revoked_at is None else "已吊销"
