"""servicedesk: the 执法服务专岗 of the 执法办案管理中心. Officers file requests from the case page
(伤势鉴定, 资料调取, 邮寄送达, 涉案财物 and 保证金 work); the centre's staff handle them in a queue
with time limits (settings ``SERVICE_DESK_LIMITS``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fazhi.core.scope import register_scope
from fazhi.records.models import Case, Measure, Officer, Property, Unit


class RequestKind(models.TextChoices):
    INJURY = "injury", "伤势鉴定"
    RECORDS = "records", "资料调取"
    MAIL = "mail", "邮寄送达"
    PROPERTY_IN = "property_in", "涉案财物入库"
    PROPERTY_OUT = "property_out", "涉案财物出库"
    PROPERTY_BORROW = "property_borrow", "涉案财物调用"
    PROPERTY_RETURN = "property_return", "涉案财物返还"
    DEPOSIT_IN = "deposit_in", "保证金收取"
    DEPOSIT_OUT = "deposit_out", "保证金退还"


# The kinds about one seized item, and those about one 取保候审's deposit.
PROPERTY_KINDS = frozenset(
    {
        RequestKind.PROPERTY_IN,
        RequestKind.PROPERTY_OUT,
        RequestKind.PROPERTY_BORROW,
        RequestKind.PROPERTY_RETURN,
    }
)
DEPOSIT_KINDS = frozenset({RequestKind.DEPOSIT_IN, RequestKind.DEPOSIT_OUT})


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待受理"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"
    RETURNED = "returned", "退回"


OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.IN_PROGRESS)


class ServiceRequestQuerySet(models.QuerySet["ServiceRequest"]):
    def open(self) -> ServiceRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: object) -> ServiceRequestQuerySet:
        """Open and past the time limit at ``now``."""
        return self.open().filter(due_at__lt=now)


class ServiceRequest(models.Model):
    """One request of a case's officer to the centre, from filing to 办结 or 退回."""

    kind = models.CharField("事项", max_length=16, choices=RequestKind.choices)
    status = models.CharField(
        "状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    # FZX records outlive re-imports: no constraint (as patrol.Finding)
    case = models.ForeignKey(
        Case, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="案件"
    )
    unit = models.ForeignKey(
        Unit, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="办案单位"
    )
    centre = models.ForeignKey(
        Unit, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="受理中心"
    )
    item = models.ForeignKey(
        Property, models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="涉案财物",
    )  # fmt: skip
    measure = models.ForeignKey(
        Measure, models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="取保候审",
    )  # fmt: skip
    detail = models.TextField("申请事由")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="申请人"
    )
    officer = models.ForeignKey(
        Officer, models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name="申请民警",
    )  # fmt: skip
    filed_at = models.DateTimeField("申请时间", default=timezone.now)
    limit = models.CharField("办理时限", max_length=16)
    due_at = models.DateTimeField("办理期限")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="承办人",
    )  # fmt: skip
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    result = models.TextField("办理结果", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    # claimed by the tick (conditional updates), so that each notice goes out once
    warned_at = models.DateTimeField("预警时间", null=True, blank=True)
    escalated_at = models.DateTimeField("超时督办时间", null=True, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "服务申请"
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["centre", "status", "due_at"]),
            models.Index(fields=["officer", "status"]),
            models.Index(fields=["case"]),
            models.Index(fields=["kind", "completed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.case_id}）"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Open and past its time limit now."""
        return self.is_open and self.due_at < timezone.now()

    @property
    def handler_login(self) -> str | None:
        """The handler's login name (the API's ``handler``; pages show his name)."""
        return self.handler.get_username() if self.handler is not None else None


def attachment_path(instance: ServiceAttachment, filename: str) -> str:
    # the stored name is the digest (the original name is kept on the row), so that an officer's
    # file name never becomes a path
    now = timezone.now()
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"servicedesk/{now:%Y/%m}/{instance.sha256}.{ext}"


class ServiceAttachment(models.Model):
    request = models.ForeignKey(
        ServiceRequest, models.CASCADE, related_name="attachments", verbose_name="服务申请"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.CharField("上传人", max_length=150)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "服务申请附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# The requesting unit's scope: the officer's own, his unit's leaders, the bureau. The centre's
# staff reach their queue by the centre (``permissions.requests_for``), not by this path.
register_scope(ServiceRequest, unit="unit_id", own=lambda officer_id: Q(officer_id=officer_id))
