"""core: the audit log every state change writes to, and what change logs share."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction, action_shown


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, when, from where.

    Written by service functions inside the transaction of the change itself, so that a change
    and its audit row are committed together or not at all. Rows form a hash chain (``seq``,
    ``prev_hash``, ``hash``; see ``fazhi.core.audit``): only ``record_audit`` may write them.
    """

    seq = models.BigIntegerField("序号", unique=True)

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.CharField("操作人", max_length=150)
    # The enumeration lives in code (``AuditAction``), not in the column's choices: an app that
    # adds an action needs no migration of core, and a row written by a newer version still reads.
    action = models.CharField("操作", max_length=64, db_index=True)
    target_type = models.CharField("对象类型", max_length=32, blank=True, default="")
    target_id = models.CharField("对象编号", max_length=64, blank=True, default="")
    remote_addr = models.CharField("来源地址", max_length=64, blank=True, default="")
    details = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("前一哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action_shown}"

    def get_action_display(self) -> str:
        """The action's Chinese name (the value itself for a value no member has)."""
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action

    @property
    def action_shown(self) -> str:
        """The action's Chinese name beside its stored value: 查看案件（view.case）."""
        return action_shown(self.action)


class AuditHead(models.Model):
    """The end of the audit chain (one row, id 1): the last ``seq`` and its ``hash``, updated in
    the transaction of every append, so that deleting the newest rows is detected as well."""

    seq = models.BigIntegerField("最后序号", default=0)
    hash = models.CharField("最后哈希", max_length=64)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"


class Lease(models.Model):
    """A named lease that one worker holds at a time (``fazhi tick``): claimed under a row lock,
    so two workers started together cannot both run. The holder renews it with a heartbeat;
    one whose heartbeat stopped (a killed worker) loses it after a few minutes to the next
    worker. ``expires_at`` is null while nobody holds it."""

    name = models.CharField("名称", max_length=64, primary_key=True)
    holder = models.CharField("持有者", max_length=128, blank=True, default="")
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    last_started_at = models.DateTimeField("最近开始", null=True, blank=True)
    last_finished_at = models.DateTimeField("最近完成", null=True, blank=True)
    last_result = models.JSONField("最近结果", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务租约"

    def __str__(self) -> str:
        return self.name


class SettingsChange(models.Model):
    """One change of settings: who, when, why, from what to what (each app's log of its own
    settings is a concrete subclass, in its own table)."""

    changed_at = models.DateTimeField("时间", default=timezone.now)
    changed_by = models.CharField("修改人", max_length=150)
    reason = models.TextField("理由")
    before = models.JSONField("修改前")
    after = models.JSONField("修改后")

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.changed_by}"


class Submission(models.Model):
    """A form's one-time token, claimed by the service that acts on the form inside its own
    transaction (``fazhi.core.services.repeated_submission``): a double click sends the same
    token twice, and the second finds it claimed and returns what the first did instead of
    acting again. A failed first attempt rolls its claim back with everything else."""

    token = models.UUIDField("表单令牌", primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="提交人"
    )
    action = models.CharField("操作", max_length=64)
    target_id = models.CharField("办理结果", max_length=64, blank=True, default="")
    created_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "表单提交"
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.token}"


class FanoutJob(models.Model):
    """One piece of work split into parts for the workers (``fazhi.core.fanout``): a patrol run
    cut into one part per 县局/分局 and the cross-county rules. ``params`` is what every part
    reads (the moment, the scope), fixed by the caller before the first part is sent."""

    kind = models.CharField("类别", max_length=32)
    params = models.JSONField("参数", default=dict)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # set when the caller gave up (a part failed on every attempt, or the wait ran out): a part
    # of the job delivered after that is not done (``fazhi.core.fanout.run_part``)
    given_up_at = models.DateTimeField("放弃时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "分片任务"

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class FanoutPart(models.Model):
    """One part of a ``FanoutJob``. A worker claims it by locking this row in the transaction
    that does the part's work and marks it finished in that same transaction: a worker killed
    part-way leaves nothing of its work, and a part sent twice is done once."""

    job = models.ForeignKey(FanoutJob, models.CASCADE, related_name="parts", verbose_name="任务")
    key = models.CharField("分片", max_length=160)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    started_at = models.DateTimeField("最近开始", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True, default="")
    failed_at = models.DateTimeField("放弃时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "分片"
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="fanout_part_once")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.key}"
