"""标准体系: the bureau's written standards, each linked to the rules that enforce it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from fazhi.patrol.models import Rule


class StandardCategory(models.TextChoices):
    CASE_HANDLING = "执法办案", "执法办案"
    POLICE_PROCESS = "警务流程", "警务流程"
    MANAGEMENT = "管理服务", "管理服务"
    TEAM = "队伍建设", "队伍建设"


class StandardQuerySet(models.QuerySet["Standard"]):
    def in_force(self, on: object = None) -> StandardQuerySet:
        day = on or timezone.localdate()
        return self.filter(effective_from__lte=day).filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day)
        )


class Standard(models.Model):
    """One version of a standard (干什么、怎样干、干到什么程度). A new version is a new row with
    the same code; the old one gets an ``effective_to``."""

    code = models.CharField("标准编号", max_length=32)
    version = models.PositiveIntegerField("版本", default=1)
    title = models.CharField("标题", max_length=200)
    category = models.CharField("类别", max_length=8, choices=StandardCategory.choices)
    text = models.TextField("标准内容")
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    rules = models.ManyToManyField(
        Rule, related_name="standards", blank=True, verbose_name="执行规则"
    )
    source = models.CharField("来源", max_length=64, blank=True, help_text="规则包或本局文件")
    updated_by = models.CharField("修改人", max_length=150, blank=True)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "执法标准"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_standard_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}（第{self.version}版）"
