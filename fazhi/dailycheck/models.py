"""每日十问 / 执法每日清: one sheet per unit per day, one answer per question.

An answer holds the count and the records behind it as of its last refresh; while unconfirmed it
follows the data (every ``fazhi tick`` refreshes it), once the unit's 法制员 confirms it with a
note it is frozen: it is the record of what was checked that day. A sheet is complete (执法每日清)
when all ten answers are confirmed.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from fazhi.core.scope import register_scope
from fazhi.records import models as records


class DailySheetQuerySet(models.QuerySet["DailySheet"]):
    def completed(self) -> DailySheetQuerySet:
        return self.filter(completed_at__isnull=False)

    def with_progress(self) -> DailySheetQuerySet:
        """Annotate ``confirmed`` (answers confirmed) and ``with_records`` (answers with a
        positive count), one query for any number of sheets."""
        return self.annotate(
            confirmed=models.Count("answers", filter=models.Q(answers__confirmed_at__isnull=False)),
            with_records=models.Count("answers", filter=models.Q(answers__count__gt=0)),
            answer_total=models.Count("answers"),
        )


class DailySheet(models.Model):
    # Not constrained, like findings: a sheet outlives re-imports of the unit record.
    unit = models.ForeignKey(
        records.Unit, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="单位"
    )
    day = models.DateField("日期")
    generated_at = models.DateTimeField("生成时间", default=timezone.now)
    refreshed_at = models.DateTimeField("数据更新时间", default=timezone.now)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    completed_by = models.CharField("完成人", max_length=150, blank=True)

    objects = DailySheetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "每日十问"
        ordering = ["-day", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="uniq_daily_sheet_unit_day")
        ]
        indexes = [models.Index(fields=["day", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} 每日十问"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class DailyAnswer(models.Model):
    sheet = models.ForeignKey(
        DailySheet, models.CASCADE, related_name="answers", verbose_name="每日十问"
    )
    code = models.CharField("问题", max_length=8)
    count = models.PositiveIntegerField("记录数", default=0)
    # [{type, id, label, case_id?}], at most questions.MAX_RECORDS of them
    records = models.JSONField("记录", default=list, blank=True)
    refreshed_at = models.DateTimeField("数据更新时间", default=timezone.now)
    confirmed_by = models.CharField("确认人", max_length=150, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "每日十问答案"
        ordering = ["sheet_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="uniq_daily_answer_code")
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.code} {self.count}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def question_title(self) -> str:
        from fazhi.dailycheck.questions import QUESTION_BY_CODE  # the questions read the models

        question = QUESTION_BY_CODE.get(self.code)
        return question.title if question else self.code

    @property
    def question_text(self) -> str:
        from fazhi.dailycheck.questions import QUESTION_BY_CODE

        question = QUESTION_BY_CODE.get(self.code)
        return question.text if question else ""


# 民警 have no daily sheet of their own (own=None: they see none).
register_scope(DailySheet, unit="unit_id")
register_scope(DailyAnswer, unit="sheet__unit_id")
