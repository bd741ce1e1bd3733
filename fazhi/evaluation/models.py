"""evaluation: one version of a month's evaluation, its scores (units, officers, middle leaders),
each score's items down to the record, and the appeals against them.

A month is computed as a draft (recomputed as findings arrive: a draft's rows are replaced
whole), checked and published by the 法制大队. A published version is never written again:
later data does not touch it, and an upheld appeal publishes a new version beside it (the old
one stays readable, marked superseded, and the new one keeps the difference).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from fazhi.core.scope import register_scope
from fazhi.records import models as records


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    CHECKED = "checked", "已审核"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被新版本取代"


OPEN_STATUSES = (EvaluationStatus.DRAFT, EvaluationStatus.CHECKED)


class SubjectKind(models.TextChoices):
    UNIT = "unit", "单位"
    OFFICER = "officer", "民警"
    LEADER = "leader", "中层领导"


class Grade(models.TextChoices):
    EXCELLENT = "优秀", "优秀"
    PASS = "达标", "达标"
    FAIL = "不达标", "不达标"


class Standing(models.TextChoices):
    RANKED = "ranked", "参与排名"
    TOO_FEW_CASES = "too_few_cases", "案件数不足"
    NOT_IMPORTED = "not_imported", "未导入"


class Evaluation(models.Model):
    """One version of one month's evaluation (月考评)."""

    month = models.DateField("考评月份")  # the first day of the month
    version = models.PositiveSmallIntegerField("版本", default=1)
    status = models.CharField(
        "状态", max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    scheme_name = models.CharField("考评方案", max_length=100)
    scheme_version = models.CharField("方案版本", max_length=32)
    scheme_digest = models.CharField("方案摘要", max_length=64)
    scheme_text = models.TextField("方案全文")  # what was applied, readable after the file changes
    as_of = models.DateTimeField("数据截止时间")
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.CharField("计算人", max_length=150)
    checked_at = models.DateTimeField("审核时间", null=True, blank=True)
    checked_by = models.CharField("审核人", max_length=150, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.CharField("发布人", max_length=150, blank=True)
    appeal_until = models.DateTimeField("申诉截止", null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name="前一版本",
    )
    reason = models.TextField("重新发布原因", blank=True)
    # what changed from the previous version: [{subject, subject_id, indicator, record_type,
    # record_id, points, score_before, score_after}]
    changes = models.JSONField("与前一版本的差异", default=list, blank=True)
    # per subject kind: the indicators with their status (已计分 / 未导入)
    indicators = models.JSONField("指标", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "月度考评"
        ordering = ["-month", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["month", "version"], name="uniq_evaluation_version"),
            # one version of a month open to recomputation at a time
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(status__in=["draft", "checked"]),
                name="uniq_open_evaluation_month",
            ),
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(status="published"),
                name="uniq_published_evaluation_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} 考评 第{self.version}版（{self.get_status_display()}）"

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"


class Score(models.Model):
    """One subject's score in one version: a unit, an officer, or a middle leader."""

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="scores", verbose_name="月度考评"
    )
    subject = models.CharField("考评对象", max_length=8, choices=SubjectKind.choices)
    unit = models.ForeignKey(
        records.Unit,
        models.DO_NOTHING,
        db_constraint=False,
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
        verbose_name="民警",
    )
    leader_role = models.CharField("领导职务", max_length=16, blank=True)
    workload = models.PositiveIntegerField("工作量（案件与警情）", default=0)
    case_count = models.PositiveIntegerField("办理案件数", default=0)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等次", max_length=8, choices=Grade.choices, blank=True)
    standing = models.CharField(
        "排名状态", max_length=16, choices=Standing.choices, default=Standing.RANKED
    )
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    # [{kind, record_type, record_id, at}]
    vetoes = models.JSONField("一票否决", default=list, blank=True)
    # [{code, name, status, weight, cap, items, points, deducted}] (status 已计分 / 未导入)
    indicators = models.JSONField("指标得分", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考评得分"
        ordering = ["evaluation_id", "subject", "rank", "unit_id", "officer_id"]
        indexes = [
            models.Index(fields=["evaluation", "subject", "unit"]),
            models.Index(fields=["officer", "evaluation"]),
        ]

    def __str__(self) -> str:
        who = self.officer_id or self.unit_id
        return f"{self.get_subject_display()} {who} {self.score}"


class ScoreItem(models.Model):
    """One deduction of a score, down to the record it concerns."""

    score = models.ForeignKey(Score, models.CASCADE, related_name="items", verbose_name="得分")
    indicator = models.CharField("指标", max_length=16)
    indicator_name = models.CharField("指标名称", max_length=100)
    # after normalisation, before the indicator's cap (the cap is on Score.indicators)
    points = models.DecimalField("扣分", max_digits=8, decimal_places=3)
    record_type = models.CharField("记录类型", max_length=32)
    record_id = models.CharField("记录编号", max_length=records.ID_LENGTH)
    act_at = models.DateTimeField("行为时间", null=True, blank=True)
    # withdrawn by an upheld appeal in this version (kept, shown struck through)
    withdrawn = models.BooleanField("已撤销", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "扣分明细"
        ordering = ["score_id", "indicator", "act_at", "record_id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.record_type} {self.record_id} -{self.points}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待决定"
    UPHELD = "upheld", "申诉成立"
    OVERRULED = "overruled", "申诉驳回"


class Appeal(models.Model):
    """申诉: against one deduction of a published score, decided by the 法制大队 with a reason."""

    evaluation = models.ForeignKey(
        Evaluation, models.PROTECT, related_name="appeals", verbose_name="月度考评"
    )
    item = models.ForeignKey(
        ScoreItem, models.PROTECT, related_name="appeals", verbose_name="扣分明细"
    )
    unit = models.ForeignKey(
        records.Unit,
        models.DO_NOTHING,
        db_constraint=False,
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
        verbose_name="民警",
    )
    reason = models.TextField("申诉理由")
    filed_by = models.CharField("申诉人", max_length=150)
    filed_at = models.DateTimeField("申诉时间")
    decide_by = models.DateTimeField("应决定时间")
    status = models.CharField(
        "状态", max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.CharField("决定人", max_length=150, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    result = models.ForeignKey(
        Evaluation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="from_appeals",
        verbose_name="重新发布的版本",
    )

    class Meta:
        verbose_name = verbose_name_plural = "考评申诉"
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="uniq_pending_appeal_item"
            )
        ]

    def __str__(self) -> str:
        return f"申诉#{self.pk} {self.get_status_display()}"


class PickKind(models.TextChoices):
    BEST = "best", "最优案件"
    WORST = "worst", "最差案件"


class CasePick(models.Model):
    """最优/最差案件: a case of the month picked by the 法制大队, with the reason and the
    case-quality score (and its parts) it had when picked."""

    month = models.DateField("考评月份")  # the first day of the month
    case = models.ForeignKey(
        records.Case, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="案件"
    )
    unit = models.ForeignKey(
        records.Unit, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="单位"
    )
    kind = models.CharField("类别", max_length=8, choices=PickKind.choices)
    reason = models.TextField("评选理由")
    quality = models.PositiveSmallIntegerField("案件质量分")
    # [{part, label, count, each, points}] as computed when picked
    parts = models.JSONField("质量分构成", default=list, blank=True)
    picked_by = models.CharField("评选人", max_length=150)
    picked_at = models.DateTimeField("评选时间")

    class Meta:
        verbose_name = verbose_name_plural = "最优最差案件"
        ordering = ["-month", "kind", "quality", "case_id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "case"], name="uniq_case_pick_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_kind_display()} {self.case_id}"

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"


class AnalysisStatus(models.TextChoices):
    OPEN = "open", "待提交"
    SUBMITTED = "submitted", "待验收"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已验收"


# the unit still owes its 剖析: reminders and the overdue notice concern these
OWED = (AnalysisStatus.OPEN, AnalysisStatus.RETURNED)


class AnalysisTask(models.Model):
    """案件剖析: the unit of a worst case presents its analysis (an uploaded document) to the
    执法监督管理委员会 by a date; the 法制大队 accepts it or returns it with a reason."""

    pick = models.OneToOneField(
        CasePick, models.PROTECT, related_name="task", verbose_name="最差案件"
    )
    unit = models.ForeignKey(
        records.Unit, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="单位"
    )
    status = models.CharField(
        "状态", max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.OPEN
    )
    due_at = models.DateTimeField("提交期限")
    remind_at = models.DateTimeField("提醒时间")  # a number of working days before the due time
    created_at = models.DateTimeField("布置时间")
    submitted_by = models.CharField("提交人", max_length=150, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_by = models.CharField("验收人", max_length=150, blank=True)
    decided_at = models.DateTimeField("验收时间", null=True, blank=True)
    decision_reason = models.TextField("验收意见", blank=True)
    reminded_at = models.DateTimeField("到期提醒时间", null=True, blank=True)
    overdue_notified_at = models.DateTimeField("超期通知时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件剖析"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"案件剖析#{self.pk} {self.get_status_display()}"


def analysis_path(instance: AnalysisDocument, filename: str) -> str:
    """analyses/yyyy/mm/<random>.<ext>: the stored name never carries the user's name."""
    import uuid

    from django.utils import timezone

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    moment = timezone.localtime(instance.uploaded_at or timezone.now())
    return f"analyses/{moment:%Y}/{moment:%m}/{uuid.uuid4().hex}.{ext}"


class AnalysisDocument(models.Model):
    """One uploaded 剖析 document (a returned task keeps its earlier ones)."""

    task = models.ForeignKey(
        AnalysisTask, models.CASCADE, related_name="documents", verbose_name="案件剖析"
    )
    file = models.FileField("文件", upload_to=analysis_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.CharField("上传人", max_length=150)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "案件剖析材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# The scores and their items are narrowed by unit (a 民警 sees his own score only); the month
# rows themselves hold no unit's data and are read through the services' gate.
register_scope(Score, unit="unit_id", own=lambda officer_id: Q(officer_id=officer_id))
register_scope(
    ScoreItem, unit="score__unit_id", own=lambda officer_id: Q(score__officer_id=officer_id)
)
register_scope(Appeal, unit="unit_id", own=lambda officer_id: Q(officer_id=officer_id))
# A pick is the case's unit's (a 民警 sees the picks of his own cases); the 剖析 task and its
# documents are the unit's business, not a single officer's.
register_scope(CasePick, unit="unit_id", own=records.in_own_cases("case_id"))
register_scope(AnalysisTask, unit="unit_id")
register_scope(AnalysisDocument, unit="task__unit_id")
