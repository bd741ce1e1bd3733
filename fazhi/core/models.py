"""core: the audit log every state change writes to."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, when, from where.

    Written by service functions inside the transaction of the change itself, so that a change
    and its audit row are committed together or not at all.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.CharField("操作人", max_length=150)
    action = models.CharField("操作", max_length=64, db_index=True)
    target_type = models.CharField("对象类型", max_length=32, blank=True, default="")
    target_id = models.CharField("对象编号", max_length=64, blank=True, default="")
    remote_addr = models.CharField("来源地址", max_length=64, blank=True, default="")
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action}"
