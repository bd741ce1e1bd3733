"""patrol: the rules (from the pack, with the bureau's settings), patrol runs and findings."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.utils import timezone

from fazhi.core.models import SettingsChange
from fazhi.core.scope import register_scope
from fazhi.patrol.calendar_models import HolidayNotice, HolidayNoticeDay
from fazhi.records import models as records

__all__ = [
    "Finding",
    "FindingStatus",
    "HolidayNotice",
    "HolidayNoticeDay",
    "PatrolRun",
    "Rule",
    "RuleChange",
    "RuleInhibition",
    "RuleKind",
    "RunMode",
    "Severity",
]


class RuleKind(models.TextChoices):
    DEADLINE = "deadline", "时限"
    CONDITION = "condition", "规范"
    ANALYSIS = "analysis", "研判"


class Severity(models.TextChoices):
    MINOR = "一般", "一般"
    SERIOUS = "较重", "较重"
    GRAVE = "严重", "严重"


class FindingStatus(models.TextChoices):
    WARNING = "warning", "提醒"
    OVERDUE = "overdue", "超期"
    LATE = "late", "超期办理"
    VIOLATION = "violation", "违规"
    SUSPICION = "suspicion", "疑点"


class Rule(models.Model):
    """A rule of the loaded pack, with the bureau's settings over the pack's defaults.

    The definition (name, kind, check, basis, defaults) is synced from the pack file on every
    run; the settings (enabled, warn-only, severity, local-standard values) belong to the bureau
    and change only through ``services.change_rule``, which records who, when and why.
    """

    code = models.CharField("规则编号", max_length=16, primary_key=True)
    pack = models.CharField("规则包", max_length=32)
    name = models.CharField("名称", max_length=64)
    kind = models.CharField("类型", max_length=16, choices=RuleKind.choices)
    subject_type = models.CharField("对象类型", max_length=32)  # "property_movement"
    check_name = models.CharField("检查", max_length=64)
    default_severity = models.CharField("默认严重程度", max_length=4, choices=Severity.choices)
    basis = models.TextField("法律依据")
    help_text = models.TextField("说明", blank=True)
    defaults = models.JSONField("默认设置", default=dict)
    # the bureau's settings
    enabled = models.BooleanField("启用", default=True)
    warn_only = models.BooleanField("仅提醒", default=False)
    severity = models.CharField("严重程度", max_length=4, choices=Severity.choices, blank=True)
    overrides = models.JSONField("本地标准设置", default=dict, blank=True)
    settings_changed_at = models.DateTimeField("设置变更时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "巡查规则"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def effective_severity(self) -> str:
        return self.severity or self.default_severity

    @property
    def settings(self) -> dict[str, object]:
        return {**self.defaults, **self.overrides}


class InhibitMatch(models.TextChoices):
    SUBJECT = "subject", "同一对象"
    CASE = "case", "同一案件"


class RuleInhibition(models.Model):
    """抑制 (from the pack's [[inhibit]] table, synced with the rules): an open finding of
    ``source`` holds back the findings of ``target`` on the same subject (or case), which follow
    from it; see ``patrol.inhibition``."""

    source = models.ForeignKey(
        Rule, models.CASCADE, related_name="inhibits", verbose_name="抑制规则"
    )
    target = models.ForeignKey(
        Rule, models.CASCADE, related_name="inhibited_by", verbose_name="被抑制规则"
    )
    match = models.CharField("匹配", max_length=8, choices=InhibitMatch.choices)
    reason = models.TextField("理由")

    class Meta:
        verbose_name = verbose_name_plural = "规则抑制关系"
        ordering = ["source", "target"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="uniq_rule_inhibition")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} 抑制 {self.target_id}"


class WhatIfRun(models.Model):
    """One 试运行 of a proposed rule setting (or a proposed pack entry) on the store as it was:
    what it would add, remove and change, kept as counts, tables and examples (patrol.whatif)."""

    rule_code = models.CharField("规则编号", max_length=16)
    rule_name = models.CharField("规则名称", max_length=64)
    proposal = models.JSONField("拟修改设置", default=dict)  # only what the proposal changes
    settings = models.JSONField("试运行设置", default=dict)  # the effective settings tried
    entry = models.TextField("拟用规则条目", blank=True)  # a proposed [[rule]] of a pack
    as_of = models.DateTimeField("试运行时点")
    created_at = models.DateTimeField("运行时间", default=timezone.now)
    created_by = models.CharField("运行人", max_length=150)
    seconds = models.FloatField("耗时（秒）", default=0)
    # {"baseline", "proposed", "added", "removed", "changed"}
    counts = models.JSONField("统计", default=dict)
    by_unit = models.JSONField("按单位", default=list)
    by_status = models.JSONField("按状态", default=list)
    examples = models.JSONField("示例", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "规则试运行"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["rule_code", "-created_at"])]

    def __str__(self) -> str:
        return f"试运行 {self.rule_code} #{self.pk}"


class RuleChange(SettingsChange):
    """One change of a rule's settings (with the 试运行 that justified it, when there was one)."""

    rule = models.ForeignKey(Rule, models.CASCADE, related_name="changes", verbose_name="规则")
    whatif = models.ForeignKey(
        WhatIfRun, models.SET_NULL, null=True, blank=True, related_name="adoptions",
        verbose_name="依据的试运行",
    )  # fmt: skip

    class Meta(SettingsChange.Meta):
        verbose_name = verbose_name_plural = "规则设置变更"

    def __str__(self) -> str:
        return f"{self.rule_id} {super().__str__()}"


class RunMode(models.TextChoices):
    FULL = "full", "全量"
    INCREMENTAL = "incremental", "增量"


class PatrolRun(models.Model):
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    as_of = models.DateTimeField("巡查时点")
    mode = models.CharField("方式", max_length=16, choices=RunMode.choices)
    actor = models.CharField("执行人", max_length=150)
    # Records changed after this instant are re-examined by the next incremental run.
    watermark = models.DateTimeField("变更水位")
    stats = models.JSONField("统计", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "巡查运行"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()}巡查 {self.as_of:%Y-%m-%d %H:%M}"


# What a legal officer works first: a deadline already passed, then acts done late and
# violations, then suspicions that still need a review; warnings (time left) last.
URGENCY = [
    FindingStatus.OVERDUE, FindingStatus.LATE, FindingStatus.VIOLATION, FindingStatus.SUSPICION,
    FindingStatus.WARNING,
]  # fmt: skip
SEVERITY_RANK = [Severity.GRAVE, Severity.SERIOUS, Severity.MINOR]


def _rank(field: str, order: Sequence[str]) -> models.Case:
    return models.Case(
        *(models.When(**{field: value}, then=models.Value(i)) for i, value in enumerate(order)),
        default=models.Value(len(order)),
        output_field=models.IntegerField(),
    )


class FindingQuerySet(models.QuerySet["Finding"]):
    def open(self) -> FindingQuerySet:
        return self.filter(is_open=True)

    def by_urgency(self) -> FindingQuerySet:
        """Overdue before late and violations before suspicions, the graver first, then by due
        time (待处理问题)."""
        return self.annotate(
            _urgency=_rank("status", URGENCY), _gravity=_rank("severity", SEVERITY_RANK)
        ).order_by("_urgency", "_gravity", models.F("due_at").asc(nulls_last=True), "-pk")

    def by_deadline(self) -> FindingQuerySet:
        """The nearest due time first; findings without one last."""
        return self.order_by(models.F("due_at").asc(nulls_last=True), "-pk")

    def by_severity(self) -> FindingQuerySet:
        """严重 before 较重 before 一般, then the nearest due time."""
        return self.annotate(_gravity=_rank("severity", SEVERITY_RANK)).order_by(
            "_gravity", models.F("due_at").asc(nulls_last=True), "-pk"
        )

    def status_counts(self, *group: str) -> list[dict[str, object]]:
        """Open findings grouped by ``group`` with one count per status (one query)."""
        counts = {
            status: models.Count("pk", filter=models.Q(status=status))
            for status in FindingStatus.values
        }
        return list(
            self.open().values(*group).annotate(total=models.Count("pk"), **counts).order_by(*group)
        )

    def status_totals(self) -> dict[str, int]:
        """Total and per-status counts of these findings (one query)."""
        counts = {s: models.Count("pk", filter=models.Q(status=s)) for s in FindingStatus.values}
        return self.order_by().aggregate(total=models.Count("pk"), **counts)


def status_rows(counts: dict[str, int]) -> list[dict[str, object]]:
    """``status_totals`` as rows for a page: status, label, count, in the statuses' order."""
    return [
        {"status": value, "label": label, "count": counts.get(value) or 0}
        for value, label in FindingStatus.choices
    ]


class Finding(models.Model):
    """What a rule found about one record. (rule, subject) is its identity across runs."""

    rule = models.ForeignKey(Rule, models.PROTECT, related_name="findings", verbose_name="规则")
    subject_type = models.CharField("对象类型", max_length=32)  # "property_movement"
    subject_id = models.CharField("对象编号", max_length=records.ID_LENGTH)
    status = models.CharField("状态", max_length=16, choices=FindingStatus.choices)
    severity = models.CharField("严重程度", max_length=4, choices=Severity.choices)
    # Plain columns, not constrained: a finding outlives re-imports of the records it names.
    unit = models.ForeignKey(
        records.Unit, models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    officer = models.ForeignKey(
        records.Officer, models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    case = models.ForeignKey(
        records.Case, models.DO_NOTHING, db_constraint=False, null=True, related_name="findings"
    )
    trigger_at = models.DateTimeField("起算时间", null=True, blank=True)
    due_at = models.DateTimeField("期限", null=True, blank=True)
    done_at = models.DateTimeField("办理时间", null=True, blank=True)
    facts = models.JSONField("事实", default=list)
    explanation = models.TextField("计算说明", blank=True)
    score = models.FloatField("研判分值", null=True, blank=True)
    is_open = models.BooleanField("有效", default=True)
    first_seen_at = models.DateTimeField("首次发现", default=timezone.now)
    last_changed_at = models.DateTimeField("最近变化", default=timezone.now)
    closed_at = models.DateTimeField("消除时间", null=True, blank=True)
    close_reason = models.CharField("消除原因", max_length=64, blank=True)
    # Hash of the evaluated content: a rerun that finds the same thing writes nothing.
    digest = models.CharField(max_length=32)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "巡查发现"
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id"], name="uniq_finding_subject"
            )
        ]
        indexes = [
            models.Index(fields=["is_open", "rule"]),
            models.Index(fields=["unit", "is_open"]),
            models.Index(fields=["officer", "is_open"]),
            models.Index(fields=["subject_type", "subject_id"]),
            # the workbench's "open findings by deadline" walks this instead of sorting every
            # open finding of the scope
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(is_open=True),
                name="finding_open_by_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.subject_type} {self.subject_id} {self.status}"


register_scope(Finding, unit="unit_id", own=records.addressed_or_own_case)
