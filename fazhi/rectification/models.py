"""rectification: problems carried from a finding to 销号, their history and attachments, the
bureau's rectification policy and the 约谈 reminders."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import SettingsChange
from fazhi.core.scope import register_scope
from fazhi.patrol.models import Finding, Rule, Severity
from fazhi.records import models as records
from fazhi.records.models import addressed_or_own_case


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待整改"
    FIXED = "fixed", "已整改待审核"
    CLOSED = "closed", "已销号"
    APPEALED = "appealed", "申诉中"
    DISMISSED = "dismissed", "不予认定"


# A problem in one of these states is finished: its finding may start a new cycle.
FINAL_STATUSES = (ProblemStatus.CLOSED, ProblemStatus.DISMISSED)


class ProblemSource(models.TextChoices):
    AUTO = "auto", "自动"
    PUSHED = "pushed", "法制员推送"
    SUSPICION = "suspicion", "疑点确认"


class Level(models.IntegerChoices):
    """The five levels (五层级) a problem climbs while it stays unfixed past its due time."""

    OFFICER = 1, "民警"
    LEGAL_OFFICER = 2, "法制员"
    BUSINESS_LEAD = 3, "业务负责人"
    LEGAL_LEADER = 4, "分管法制领导"
    CHIEF = 5, "所队长"


# records.Officer.role of the people each level reaches (level 1 is the responsible officer).
LEVEL_ROLES = {
    Level.LEGAL_OFFICER: "法制员",
    Level.BUSINESS_LEAD: "业务负责人",
    Level.LEGAL_LEADER: "分管法制领导",
    Level.CHIEF: "所队长",
}


def overdue_q(now: datetime) -> Q:
    """Waiting for the officer's fix past its due time (a fix under review is not late)."""
    return Q(status=ProblemStatus.OPEN, due_at__lt=now)


class ProblemQuerySet(models.QuerySet["Problem"]):
    def active(self) -> ProblemQuerySet:
        return self.exclude(status__in=FINAL_STATUSES)

    def overdue(self, now: datetime) -> ProblemQuerySet:
        return self.filter(overdue_q(now))


class Problem(models.Model):
    """One rectification cycle of one finding: pushed to the responsible officer, fixed,
    reviewed and struck off (销号), or judged a false finding (不予认定)."""

    finding = models.ForeignKey(
        Finding, models.PROTECT, related_name="problems", verbose_name="巡查发现"
    )
    # Copies of the finding at creation: the problem stays as pushed even if the finding changes.
    rule = models.ForeignKey(Rule, models.PROTECT, related_name="problems", verbose_name="规则")
    unit = models.ForeignKey(
        records.Unit,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name="单位",
    )
    officer = models.ForeignKey(
        records.Officer,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="责任民警",
    )
    case = models.ForeignKey(
        records.Case,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="案件",
    )
    severity = models.CharField("严重程度", max_length=4, choices=Severity.choices)
    status = models.CharField(
        "状态", max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    source = models.CharField("来源", max_length=16, choices=ProblemSource.choices)
    due_at = models.DateTimeField("整改期限")
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, default=Level.OFFICER)
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    created_by = models.CharField("生成人", max_length=150)
    fixed_at = models.DateTimeField("整改时间", null=True, blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改问题"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding"],
                condition=~Q(status__in=["closed", "dismissed"]),
                name="uniq_active_problem_per_finding",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="problem_level_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["officer", "status"]),
            models.Index(fields=["officer", "created_at"]),
            models.Index(fields=["rule", "status"]),
        ]

    def __str__(self) -> str:
        return f"问题#{self.pk} {self.rule_id} {self.get_status_display()}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.status == ProblemStatus.OPEN and self.due_at < (now or timezone.now())


class Verb(models.TextChoices):
    CREATE = "create", "自动生成"
    PUSH = "push", "推送整改"
    CONFIRM = "confirm", "确认疑点"
    SUBMIT = "submit", "提交整改"
    APPROVE = "approve", "审核销号"
    REJECT = "reject", "退回"
    APPEAL = "appeal", "申诉"
    UPHOLD = "uphold", "申诉成立"
    OVERRULE = "overrule", "申诉驳回"
    DISMISS = "dismiss", "不予认定"
    ESCALATE = "escalate", "升级"
    CIRCUIT = "circuit", "熔断直报"


def verb_action(verb: str) -> AuditAction:
    """The audit action of a step (``rectification.<verb>``); a test checks every Verb has one."""
    return AuditAction(f"rectification.{verb}")


class ProblemAction(models.Model):
    """One step in a problem's history: who did what, with what comment, from and to which
    status."""

    problem = models.ForeignKey(
        Problem, models.CASCADE, related_name="actions", verbose_name="问题"
    )
    actor = models.CharField("操作人", max_length=150)
    verb = models.CharField("操作", max_length=16, choices=Verb.choices)
    comment = models.TextField("说明", blank=True)
    from_status = models.CharField(
        "原状态", max_length=16, choices=ProblemStatus.choices, blank=True
    )
    to_status = models.CharField("新状态", max_length=16, choices=ProblemStatus.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, default=Level.OFFICER)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "整改记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.get_verb_display()} {self.actor}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """attachments/yyyy/mm/<random>.<ext>: the stored name never carries the user's name."""
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    moment = timezone.localtime(instance.uploaded_at or timezone.now())
    return f"attachments/{moment:%Y}/{moment:%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    problem = models.ForeignKey(
        Problem, models.CASCADE, related_name="attachments", verbose_name="问题"
    )
    action = models.ForeignKey(
        ProblemAction,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name="记录",
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.CharField("上传人", max_length=150)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "整改附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class NoticeGrouping(models.TextChoices):
    """How the tick's alerts (整改推送, 逾期升级) reach a person: one message each, or gathered
    into one digest per case (a problem without a case: per day) or per day."""

    NONE = "none", "逐条通知"
    CASE = "case", "按案件合并"
    DAY = "day", "按日合并"


class RectificationPolicy(models.Model):
    """The bureau's rectification settings: one row, changed by 法制大队 with a reason."""

    due_days_minor = models.PositiveSmallIntegerField("一般问题整改期限（工作日）", default=3)
    due_days_serious = models.PositiveSmallIntegerField("较重问题整改期限（工作日）", default=3)
    due_days_grave = models.PositiveSmallIntegerField("严重问题整改期限（工作日）", default=2)
    escalation_days = models.PositiveSmallIntegerField("每级升级间隔（工作日）", default=1)
    interview_threshold = models.PositiveSmallIntegerField("约谈提醒阈值（每月问题数）", default=3)
    notice_grouping = models.CharField(
        "通知合并方式", max_length=8, choices=NoticeGrouping.choices, default=NoticeGrouping.CASE
    )
    repeat_threshold = models.PositiveSmallIntegerField(
        "熔断阈值（同一民警同一规则每月问题数）", default=5
    )
    burden_alerts_target = models.PositiveSmallIntegerField(
        "民警负担目标（每人每周可处置提醒，不超过）", default=2
    )
    burden_minutes_target = models.PositiveIntegerField(
        "响应目标（通知到处置用时中位数，分钟，不超过）", default=1440
    )
    changed_at = models.DateTimeField("修改时间", null=True, blank=True)
    changed_by = models.CharField("修改人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改规则设置"

    def __str__(self) -> str:
        return "整改规则设置"

    FIELDS = (
        "due_days_minor",
        "due_days_serious",
        "due_days_grave",
        "escalation_days",
        "interview_threshold",
        "notice_grouping",
        "repeat_threshold",
        "burden_alerts_target",
        "burden_minutes_target",
    )

    @classmethod
    def current(cls) -> RectificationPolicy:
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy

    def due_days(self, severity: str) -> int:
        return {
            Severity.GRAVE: self.due_days_grave,
            Severity.SERIOUS: self.due_days_serious,
        }.get(severity, self.due_days_minor)  # type: ignore[call-overload]

    def values(self) -> dict[str, int | str]:
        return {name: getattr(self, name) for name in self.FIELDS}


class PolicyChange(SettingsChange):
    """One change of the rectification settings (``RectificationPolicy``)."""

    class Meta(SettingsChange.Meta):
        verbose_name = verbose_name_plural = "整改规则设置变更"


class InterviewReminder(models.Model):
    """约谈提醒: an officer collected at least N problems in a month (once per officer-month)."""

    officer = models.ForeignKey(
        records.Officer,
        models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="民警",
    )
    unit = models.ForeignKey(
        records.Unit,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name="单位",
    )
    month = models.DateField("月份")  # the first day of the month
    problem_count = models.PositiveIntegerField("问题数")
    created_at = models.DateTimeField("提醒时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "约谈提醒"
        ordering = ["-month", "-problem_count"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "month"], name="uniq_interview_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.month:%Y-%m} {self.problem_count}"


class SilenceQuerySet(models.QuerySet["Silence"]):
    def active(self, now: datetime) -> SilenceQuerySet:
        return self.filter(starts_at__lte=now, ends_at__gt=now, lifted_at__isnull=True)


class Silence(models.Model):
    """静默: the 法制大队 stops one rule from pushing problems (and their notices) for one unit or
    one officer for a period, with a reason. The patrol still finds and lists what it finds; a
    problem already pushed runs its course."""

    rule = models.ForeignKey(Rule, models.CASCADE, related_name="silences", verbose_name="规则")
    unit = models.ForeignKey(
        records.Unit, models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="单位",
    )  # fmt: skip
    officer = models.ForeignKey(
        records.Officer, models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="民警",
    )  # fmt: skip
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    reason = models.TextField("理由")
    created_by = models.CharField("设置人", max_length=150)
    created_at = models.DateTimeField("设置时间", default=timezone.now)
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)
    lifted_by = models.CharField("解除人", max_length=150, blank=True)
    lift_reason = models.TextField("解除理由", blank=True)

    objects = SilenceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "规则静默"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["rule", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(officer__isnull=False),
                name="silence_names_unit_or_officer",
            )
        ]

    def __str__(self) -> str:
        return f"静默 {self.rule_id} {self.unit_id or self.officer_id}"


# A 民警's own problems: addressed to him, or about a case he leads or assists in.
register_scope(Problem, unit="unit_id", own=addressed_or_own_case)
register_scope(InterviewReminder, unit="unit_id", own=lambda officer_id: Q(officer_id=officer_id))
register_scope(Silence, unit="unit_id", own=lambda officer_id: Q(officer_id=officer_id))


def time_left_text(due_at: datetime, now: datetime) -> str:
    """剩余2天3小时 / 已逾期1天4小时: what a list shows next to a due time."""
    delta = due_at - now
    late = delta.total_seconds() < 0
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days}天{hours}小时"
    elif hours:
        text = f"{hours}小时{minutes}分钟"
    else:
        text = f"{minutes}分钟"
    return f"已逾期{text}" if late else f"剩余{text}"
