"""custody: the reconciliation's differences stored per patrol run, so that the 核对差异 page
reads a few indexed rows instead of recomputing the whole store's chains on every visit (a
county took 2.3 s; a city ten times that). ``services.refresh_differences`` (the tick's step
after the patrol) writes them; ``ledger.stored`` reads them within a viewer's scope."""

from __future__ import annotations

from django.db import models

from fazhi.core.scope import register_scope
from fazhi.records.models import ID_LENGTH, in_own_cases


class DifferenceKind(models.TextChoices):
    MOVEMENT_WITHOUT_EVENT = "movement_without_event", "有流转记录无执法记录"
    EVENT_WITHOUT_MOVEMENT = "event_without_movement", "有执法记录无流转记录"
    NOT_STORED = "not_stored", "未在24小时内入库"
    BORROW_OVERDUE = "borrow_overdue", "调用逾期未归还"
    UNRELATED_NOT_RETURNED = "unrelated_not_returned", "无关财物未在3日内退还"


class Reconciled(models.Model):
    """One stored reconciliation of the whole store, at a patrol run's moment (the latest is
    read; older ones are removed when a new one is stored)."""

    # the patrol run it follows (a plain number: the run log outlives nothing here)
    patrol_run = models.BigIntegerField("巡查运行", unique=True)
    as_of = models.DateTimeField("核对时点")
    has_movements = models.BooleanField("有流转记录")
    total = models.PositiveIntegerField("差异数")

    class Meta:
        verbose_name = verbose_name_plural = "涉案财物核对"
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return f"核对 {self.as_of:%Y-%m-%d %H:%M}"


class StoredDifference(models.Model):
    """One difference of a stored reconciliation (the fields of ``ledger.Difference``)."""

    reconciled = models.ForeignKey(
        Reconciled, models.CASCADE, related_name="differences", verbose_name="核对"
    )
    kind = models.CharField("差异", max_length=32, choices=DifferenceKind.choices)
    property_id = models.CharField("财物编号", max_length=ID_LENGTH)
    property_name = models.CharField("财物", max_length=200)
    case_id = models.CharField("案件编号", max_length=ID_LENGTH)
    unit_id = models.CharField("办案单位编号", max_length=ID_LENGTH)
    at = models.DateTimeField("时间", null=True)
    record_id = models.CharField("记录编号", max_length=ID_LENGTH, blank=True)
    due = models.DateTimeField("期限", null=True)
    done = models.DateTimeField("办理时间", null=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "涉案财物核对差异"
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["reconciled", "kind", "at"]),
            models.Index(fields=["reconciled", "unit_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.property_id}"


# A difference is its item's case's: the unit's users, a 民警 his own cases' items.
register_scope(StoredDifference, unit="unit_id", own=in_own_cases("case_id"))
