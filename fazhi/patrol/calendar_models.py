"""The State Council's holiday notices (国务院办公厅节假日安排通知) entered as data.

chinese_calendar knows the years up to its release; a 12-month limit started today already
reaches a year it may not know. An administrator loads that year's notice here (command
``fazhi holiday_notice load``), and ``HolidayCalendar.from_database()`` overlays it. The models
live in their own module so that the rule engine's models in ``models.py`` stay separate.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import record_audit
from fazhi.patrol.error_codes import ErrorCode, PatrolError
from fazhi.patrol.periods import HolidayNoticeData
from fazhi.patrol.permissions import can_load_notices


class HolidayNotice(models.Model):
    """One year's notice; it is the complete arrangement of that year (see HolidayNoticeData)."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("通知标题", max_length=200)
    number = models.CharField("文号", max_length=100, blank=True, default="")
    entered_by = models.CharField("录入人", max_length=150)
    entered_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排通知"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.title}"

    def as_data(self) -> HolidayNoticeData:
        days = list(self.days.all())
        return HolidayNoticeData(
            year=self.year,
            title=self.title,
            number=self.number,
            rest_days=frozenset(d.date for d in days if d.kind == HolidayNoticeDay.Kind.REST),
            work_days=frozenset(d.date for d in days if d.kind == HolidayNoticeDay.Kind.WORK),
        )

    @classmethod
    def all_as_data(cls) -> list[HolidayNoticeData]:
        """Every notice with its days, in two queries."""
        return [n.as_data() for n in cls.objects.prefetch_related("days")]


class HolidayNoticeDay(models.Model):
    """A day the notice makes a rest day (放假) or a working day (调休上班)."""

    class Kind(models.TextChoices):
        REST = "rest", "休息日"
        WORK = "work", "工作日"

    notice = models.ForeignKey(
        HolidayNotice, on_delete=models.CASCADE, related_name="days", verbose_name="通知"
    )
    date = models.DateField("日期")
    kind = models.CharField("类别", max_length=8, choices=Kind.choices)

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排日期"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "date"], name="patrol_holiday_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


def save_notice(
    data: HolidayNoticeData,
    *,
    actor: User,
    reason: str,
    replace: bool = False,
    source: str = "",
) -> tuple[HolidayNotice, bool]:
    """Store a validated notice with its audit row (who, why, the days), in one transaction; the
    only writer of notices, for the command and the admin alike.

    Returns the notice and whether an existing notice of that year was replaced. Refuses (a
    ``PatrolError``) a user who may not enter notices (``permissions.can_load_notices``), a load
    without a reason, and to overwrite a year's notice unless ``replace`` is given: a second load
    is more often a mistake than a correction, and a correction should be deliberate.
    """
    if not can_load_notices(actor):
        raise PatrolError(
            ErrorCode.NOTICE_NOT_ALLOWED,
            f"用户 {actor.get_username()} 无权录入{data.year}年节假日安排通知："
            "只有法制大队和管理员可以录入",
        )
    reason = reason.strip()
    if not reason:
        raise PatrolError(
            ErrorCode.REASON_REQUIRED,
            f"录入{data.year}年节假日安排通知：必须填写理由",
            field="reason",
        )
    with transaction.atomic():
        existing = HolidayNotice.objects.select_for_update().filter(year=data.year).first()
        if existing is not None and not replace:
            entered = timezone.localtime(existing.entered_at)
            raise PatrolError(
                ErrorCode.NOTICE_EXISTS,
                f"{data.year}年的节假日安排通知已录入（《{existing.title}》，"
                f"{existing.entered_by}于{entered:%Y-%m-%d %H:%M}录入）；"
                "如需更正，请加 --replace 重新录入",
            )
        previous: dict[str, Any] | None = None
        if existing is not None:
            previous = _audit_days(existing.as_data())
            existing.days.all().delete()
            notice = existing
            notice.title, notice.number = data.title, data.number
            notice.entered_by, notice.entered_at = actor.get_username(), timezone.now()
            notice.save()
        else:
            notice = HolidayNotice.objects.create(
                year=data.year,
                title=data.title,
                number=data.number,
                entered_by=actor.get_username(),
            )
        HolidayNoticeDay.objects.bulk_create(
            [HolidayNoticeDay(notice=notice, date=d, kind=HolidayNoticeDay.Kind.REST)
             for d in sorted(data.rest_days)]
            + [HolidayNoticeDay(notice=notice, date=d, kind=HolidayNoticeDay.Kind.WORK)
               for d in sorted(data.work_days)]
        )  # fmt: skip
        details: dict[str, Any] = {**_audit_days(data), "source": source, "reason": reason}
        if previous is not None:
            details["replaced"] = previous
        record_audit(
            actor,
            AuditAction.HOLIDAY_NOTICE_LOAD,
            target_type="holiday_notice",
            target_id=str(data.year),
            details=details,
        )
    return notice, existing is not None


def _audit_days(data: HolidayNoticeData) -> dict[str, Any]:
    def iso(days: frozenset[date]) -> list[str]:
        return [d.isoformat() for d in sorted(days)]

    return {
        "year": data.year,
        "title": data.title,
        "number": data.number,
        "rest_days": iso(data.rest_days),
        "work_days": iso(data.work_days),
    }
