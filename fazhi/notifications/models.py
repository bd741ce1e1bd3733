"""notifications: in-app messages to users, and the outbox of webhook deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# Kinds other apps send, with the label the list shows; an unknown kind shows as itself.
KIND_LABELS = {
    "problem": "整改推送",
    "review": "待审核",
    "approved": "已销号",
    "rejected": "退回整改",
    "appeal": "申诉",
    "appeal_decided": "申诉裁决",
    "dismissed": "不予认定",
    "escalation": "逾期升级",
    "circuit": "熔断直报",
    "interview": "约谈提醒",
    "servicedesk": "服务申请",
    "servicedesk_warning": "服务申请预警",
    "servicedesk_overdue": "服务申请超时",
}


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user (整改推送, 升级, 约谈提醒, …); read when the user marks it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name="用户"
    )
    kind = models.CharField("类别", max_length=32)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # A digest (合并通知): the messages of one group (a case, a day) to one user, gathered while
    # it is unread; ``items`` lists them. Empty for a message sent on its own.
    group_key = models.CharField("合并键", max_length=120, blank=True)
    item_count = models.PositiveIntegerField("条数", default=1)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(
                fields=["user", "kind", "group_key"],
                condition=models.Q(read_at__isnull=True) & ~models.Q(group_key=""),
                name="notification_open_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.title}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_digest(self) -> bool:
        return bool(self.group_key)


class NotificationItem(models.Model):
    """One message gathered into a digest: what it would have said on its own."""

    notification = models.ForeignKey(
        Notification, models.CASCADE, related_name="items", verbose_name="合并通知"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "合并通知条目"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.title}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    DELIVERED = "delivered", "已送达"
    FAILED = "failed", "发送失败"


class WebhookDelivery(models.Model):
    """One outbound JSON POST, written in the transaction of the notification it announces
    (an outbox): ``tick_deliver`` sends it later, so that no web request ever waits on the
    bureau's SMS gateway, and a crash between the change and the POST loses nothing."""

    event = models.CharField("事件", max_length=64)
    payload = models.JSONField("内容")
    url = models.CharField("地址", max_length=500)
    status = models.CharField(
        "状态", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    last_error = models.TextField("最近错误", blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    # the digest this row announces: items added while the row waits are merged into it
    digest = models.ForeignKey(
        Notification, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="合并通知",
    )  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = "Webhook 推送"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.url} {self.get_status_display()}"
