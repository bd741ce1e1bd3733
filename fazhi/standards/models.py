"""标准体系: the bureau's written standards, each linked to the rules that enforce it."""

from __future__ import annotations

from datetime import date

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

    def latest_versions(self) -> StandardQuerySet:
        """The newest version of each standard (one row per code): the library's list."""
        newer = Standard.objects.filter(
            code=models.OuterRef("code"), version__gt=models.OuterRef("version")
        )
        return self.filter(~models.Exists(newer))

    def written_only(self) -> StandardQuerySet:
        """Versions no rule enforces: written practice only (仅书面标准), not patrolled."""
        return self.filter(~_has_rules())

    def enforced(self) -> StandardQuerySet:
        return self.filter(_has_rules())


def _has_rules() -> models.Exists:
    links = Standard.rules.through.objects.filter(standard_id=models.OuterRef("pk"))
    return models.Exists(links)


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
    reason = models.TextField("修订理由", blank=True, help_text="新增或发布本版本的理由")
    # 废除: set on the last version only; it stops being in force the day before ``abolished_on``
    abolished_on = models.DateField("废除日期", null=True, blank=True)
    abolished_by = models.CharField("废除人", max_length=150, blank=True)
    abolished_at = models.DateTimeField("废除登记时间", null=True, blank=True)
    abolition_reason = models.TextField("废除理由", blank=True)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "执法标准"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_standard_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}（第{self.version}版）"

    @property
    def is_abolished(self) -> bool:
        return self.abolished_on is not None

    def state_on(self, day: date) -> str:
        """现行, 已废除, 已被新版本取代, or 尚未生效 on ``day`` (this version's own state)."""
        if self.effective_from > day:
            return "尚未生效"
        if self.effective_to is None or self.effective_to >= day:
            return "现行"
        return "已废除" if self.is_abolished else "已被新版本取代"
