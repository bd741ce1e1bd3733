"""执法公开: the query codes given to a case's 报案人/被害人, their ratings of the case's
milestones, and the counters that slow down guessing.

References to FZX records (case, person, unit) are not constrained: the records are re-imported,
and a code or a rating must outlive that (as ``patrol.Finding.unit``). Complaints filed on the
portal are not kept here: they become ``records.Complaint`` rows, as an import would write them.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fazhi.core.scope import register_scope
from fazhi.records import models as m


class Milestone(models.TextChoices):
    """The steps of a case the portal tells its parties (《公安机关执法公开规定》: progress, never
    the content of the file)."""

    ACCEPTED = "受案", "受案"
    FILED = "立案", "立案"
    NOT_FILED = "不予立案", "不予立案"
    PROSECUTION = "移送审查起诉", "移送审查起诉"
    PENALTY = "处罚决定", "处罚决定"
    NO_PENALTY = "不予处罚决定", "不予处罚决定"
    REVOKED = "撤销案件", "撤销案件"
    CLOSED = "结案", "结案"


class QueryCodeQuerySet(models.QuerySet["QueryCode"]):
    def active(self) -> QueryCodeQuerySet:
        return self.filter(revoked_at__isnull=True)


class QueryCode(models.Model):
    """One case's query code, issued to one named 报案人 or 被害人. Only its keyed digest is kept
    (``codes.digest``): the code is shown once, when issued."""

    case = models.ForeignKey(
        m.Case, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="案件"
    )
    person = models.ForeignKey(
        m.Person, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="签发对象"
    )
    digest = models.CharField("查询码摘要", max_length=64, unique=True)
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    issued_by = models.CharField("签发人", max_length=150)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    objects = QueryCodeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "执法公开查询码"
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(revoked_at__isnull=True), name="gongkai_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"案件 {self.case_id} 的查询码（{self.issued_at:%Y-%m-%d}）"


class Rating(models.Model):
    """A party's rating (1–5) of one milestone of the case, once per milestone and code."""

    code = models.ForeignKey(
        QueryCode, models.PROTECT, related_name="ratings", verbose_name="查询码"
    )
    case = models.ForeignKey(
        m.Case, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="案件"
    )
    # the case's unit when rated: the evaluation scores the unit that handled the case then
    unit = models.ForeignKey(
        m.Unit, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="办案单位"
    )
    milestone = models.CharField("环节", max_length=8, choices=Milestone.choices)
    milestone_at = models.DateTimeField("环节时间")
    score = models.PositiveSmallIntegerField(
        "评分", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("评价时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "执法公开评价"
        constraints = [
            models.UniqueConstraint(fields=["code", "milestone"], name="gongkai_rate_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="gongkai_score_1_5"
            ),
        ]
        indexes = [models.Index(fields=["unit", "milestone_at"])]

    def __str__(self) -> str:
        return f"案件 {self.case_id} {self.milestone} {self.score}分"


class Attempt(models.Model):
    """Failed queries counted per client address and per code (both keyed digests, never the
    clear value): ``failures`` within the lock period since ``first_at``; ``locked_until`` set
    when they reach the limit. In the database, so every worker process shares it."""

    key = models.CharField("键", max_length=80, primary_key=True)
    failures = models.PositiveIntegerField("失败次数", default=0)
    first_at = models.DateTimeField("首次失败")
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法公开查询失败计数"

    def __str__(self) -> str:
        return self.key


register_scope(QueryCode, unit="case__unit_id", own=m.in_own_cases("case_id"))
register_scope(Rating, unit="unit_id", own=m.in_own_cases("case_id"))
