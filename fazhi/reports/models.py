"""reports: the reports issued (日巡查, 周通报, 月考评, 季分析), each with its 文号, period and
scope, and its two files (.docx and the .xlsx annex) stored under ``FAZHI_DATA_DIR/reports``."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from fazhi.core.scope import register_scope
from fazhi.records import models as records


class ReportKind(models.TextChoices):
    DAILY = "daily", "日巡查"
    WEEKLY = "weekly", "周通报"
    MONTHLY = "monthly", "月考评"
    QUARTERLY = "quarterly", "季分析"


class Report(models.Model):
    """One issued report: generated on demand from the page or the CLI, or by the tick."""

    kind = models.CharField("种类", max_length=16, choices=ReportKind.choices)
    period = models.CharField("期间", max_length=16)  # 2026-10-08, 2026-W41, 2026-10, 2026-Q3
    period_label = models.CharField("期间（中文）", max_length=64)
    # None: the whole bureau; else the unit and the units below it
    unit = models.ForeignKey(
        records.Unit,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="单位",
    )
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=40)
    title = models.CharField("标题", max_length=200)
    scheduled = models.BooleanField("定时生成", default=False)
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.CharField("生成人", max_length=150)
    seconds = models.FloatField("用时（秒）", default=0)
    docx_path = models.CharField("正文文件", max_length=200)
    xlsx_path = models.CharField("附件文件", max_length=200)
    docx_size = models.PositiveIntegerField("正文大小（字节）", default=0)
    xlsx_size = models.PositiveIntegerField("附件大小（字节）", default=0)
    summary = models.JSONField("主要数字", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "报告"
        ordering = ["-generated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="uniq_report_number"),
            # the tick issues each period's bureau report once
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(scheduled=True, unit__isnull=True),
                name="uniq_scheduled_report",
            ),
            # … and each reading unit's once (services.scheduled_scopes)
            models.UniqueConstraint(
                fields=["kind", "period", "unit"],
                condition=Q(scheduled=True, unit__isnull=False),
                name="uniq_scheduled_unit_report",
            ),
        ]
        indexes = [models.Index(fields=["kind", "-generated_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} {self.number}"


# A unit's reports are seen within the unit's scope; the bureau's reports (no unit) only by the
# bureau-wide roles (visible() keeps a row without unit from a unit scope); 民警 see none.
register_scope(Report, unit="unit_id", own=lambda _officer_id: Q(pk__in=[]))
