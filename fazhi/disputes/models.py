"""Disputes (矛盾纠纷): one dispute case per dispute incident, its red/yellow/blue risk grade with
the reasons for every point, the 八必查/八必判 checklists, follow-up plans and escalation letters.

Every change goes through ``fazhi.disputes.services``; the grading itself is ``grading.py``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from fazhi.core.masking import register_unmaskable
from fazhi.core.scope import register_scope
from fazhi.records import models as m
from fazhi.records.enums import DisputeType


class DisputeStatus(models.TextChoices):
    OPEN = "未化解", "未化解"
    IN_PROGRESS = "化解中", "化解中"
    RESOLVED = "已化解", "已化解"


class RiskColour(models.TextChoices):
    RED = "红", "红色"
    YELLOW = "黄", "黄色"
    BLUE = "蓝", "蓝色"


COLOUR_ORDER = {RiskColour.BLUE: 0, RiskColour.YELLOW: 1, RiskColour.RED: 2}


class Consequence(models.TextChoices):
    NONE = "无明显后果", "无明显后果"
    PROPERTY = "财产损失", "财产损失"
    INJURY = "人身伤害", "人身伤害"


class DisputeQuerySet(QuerySet["Dispute"]):
    def open(self) -> DisputeQuerySet:
        return self.exclude(status=DisputeStatus.RESOLVED)

    def red(self) -> DisputeQuerySet:
        return self.filter(colour=RiskColour.RED)


class Dispute(models.Model):
    # Links to FZX records carry no database constraint: an import deletes records with plain SQL
    # and must not be refused because a dispute points at them (as accounts.Profile does).
    incident = models.OneToOneField(
        m.Incident, models.DO_NOTHING, db_constraint=False, related_name="dispute",
        verbose_name="警情",
    )  # fmt: skip
    unit = models.ForeignKey(
        m.Unit, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="管辖单位"
    )
    officer = models.ForeignKey(
        m.Officer,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name="社区民警",
    )
    dispute_type = models.CharField("纠纷类型", max_length=8, choices=DisputeType.choices)
    consequence = models.CharField(
        "行为后果", max_length=8, choices=Consequence.choices, default=Consequence.NONE
    )
    cause = models.CharField("纠纷成因", max_length=32, blank=True)
    cause_source = models.CharField("成因来源", max_length=100, blank=True)
    status = models.CharField(
        "化解状态", max_length=4, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    colour = models.CharField(
        "风险等级", max_length=2, choices=RiskColour.choices, default=RiskColour.BLUE
    )
    score = models.PositiveIntegerField("风险分", default=0)
    # [{"factor": key, "points": n, "reason": "…"}], in the order of the score table
    reasons = models.JSONField("计分理由", default=list, blank=True)
    created_at = models.DateTimeField("建档时间")
    graded_at = models.DateTimeField("评定时间")
    red_since = models.DateTimeField("赋红时间", null=True, blank=True)
    resolved_at = models.DateTimeField("化解时间", null=True, blank=True)
    escalated_at = models.DateTimeField("抄告时间", null=True, blank=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "矛盾纠纷"
        indexes = [
            models.Index(fields=["status", "colour"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["officer", "status"]),
        ]

    def __str__(self) -> str:
        return f"纠纷 {self.incident_id}"

    @property
    def is_open(self) -> bool:
        return self.status != DisputeStatus.RESOLVED


class Party(models.Model):
    """One person of a dispute (the reporter, or a person of a case on this incident), with the
    persons of the store matched to him (same name and phone, or the same 身份证号)."""

    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="parties")
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("电话", max_length=32, blank=True)
    id_number = models.CharField("身份证号", max_length=32, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    source = models.CharField("来源", max_length=100)
    person_ids = models.JSONField("匹配人员", default=list, blank=True)
    # earlier cases: [{"id", "cause", "role", "accepted_at"}]; earlier incidents: [{"id", "at"}]
    prior_cases = models.JSONField("既往案件", default=list, blank=True)
    prior_incidents = models.JSONField("既往警情", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "纠纷当事人"
        constraints = [
            models.UniqueConstraint(fields=["dispute", "name", "phone"], name="uniq_party")
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistKind(models.TextChoices):
    PEOPLE = "八必查", "八必查"
    INCIDENT = "八必判", "八必判"


# (code, kind, label, question). The lists come from practice (see docs/disputes.md).
CHECKLIST_ITEMS: list[tuple[str, str, str, str]] = [
    ("prior_records", "八必查", "查前科劣迹", "当事人有无违法犯罪记录"),
    ("prior_contacts", "八必查", "查既往警情", "当事人及地址此前有无报警、求助、纠纷记录"),
    ("mental_state", "八必查", "查精神状况", "当事人有无精神疾病、心理异常或情绪失控"),
    ("drug_history", "八必查", "查吸毒史", "当事人有无吸毒史"),
    ("weapons", "八必查", "查凶器接触", "当事人能否接触刀具、枪支、农药等危险物品"),
    ("family", "八必查", "查家庭状况", "婚姻、家庭关系及共同生活人员情况"),
    ("debts", "八必查", "查经济债务", "当事人有无债务、经济纠葛"),
    ("recent_threats", "八必查", "查近期扬言", "当事人近期有无扬言报复、威胁、轻生言行"),
    ("type", "八必判", "判纠纷类型", "纠纷属于何种类型"),
    ("harm", "八必判", "判行为后果", "已造成的人身、财产后果"),
    ("cause", "八必判", "判纠纷成因", "纠纷的起因"),
    ("repetition", "八必判", "判反复程度", "同一地点、同一当事人是否反复报警"),
    ("escalation", "八必判", "判激化迹象", "有无动刀、扬言、自伤等激化迹象"),
    ("vulnerable", "八必判", "判弱势人员", "是否涉及老人、未成年人、残疾人等"),
    ("group", "八必判", "判群体性", "是否多人参与、聚集，有无群体性风险"),
    ("mediation", "八必判", "判调解结果", "调解、回访后纠纷是否化解"),
]
CHECKLIST_CODES = {code: (kind, label, question) for code, kind, label, question in CHECKLIST_ITEMS}
CHECKLIST_ORDER = {code: i for i, (code, *_rest) in enumerate(CHECKLIST_ITEMS)}
CHECKLIST_SYSTEM = "system"


class ChecklistAnswer(models.Model):
    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="checklist")
    kind = models.CharField("清单", max_length=4, choices=ChecklistKind.choices)
    item = models.CharField("项目", max_length=20)
    answer = models.CharField("结论", max_length=200, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)
    note = models.TextField("备注", blank=True)
    # "system" for answers pre-filled from the data; else the officer's username
    answered_by = models.CharField("填写人", max_length=150, blank=True)
    answered_at = models.DateTimeField("填写时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "八必查八必判"
        constraints = [
            models.UniqueConstraint(fields=["dispute", "item"], name="uniq_checklist_item")
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.item}"

    @property
    def label(self) -> str:
        return CHECKLIST_CODES[self.item][1] if self.item in CHECKLIST_CODES else self.item

    @property
    def question(self) -> str:
        return CHECKLIST_CODES[self.item][2] if self.item in CHECKLIST_CODES else ""

    @property
    def by_officer(self) -> bool:
        return bool(self.answered_by) and self.answered_by != CHECKLIST_SYSTEM


class FollowupPlanQuerySet(QuerySet["FollowupPlan"]):
    def pending(self) -> FollowupPlanQuerySet:
        return self.filter(done_followup__isnull=True, cancelled_at__isnull=True)


class FollowupPlan(models.Model):
    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="plans")
    seq = models.PositiveSmallIntegerField("次序")
    due_at = models.DateTimeField("应回访时间")
    officer = models.ForeignKey(
        m.Officer, models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="回访民警",
    )  # fmt: skip
    created_at = models.DateTimeField("安排时间")
    colour = models.CharField("安排时等级", max_length=2, choices=RiskColour.choices)
    done_followup = models.OneToOneField(
        m.Followup,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="plan",
        verbose_name="回访记录",
    )
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)

    objects = FollowupPlanQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "回访计划"
        ordering = ["dispute", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "seq"], name="uniq_plan_seq"),
            # at most one pending plan per dispute: a second tick cannot add another
            models.UniqueConstraint(
                fields=["dispute"],
                condition=Q(done_followup__isnull=True, cancelled_at__isnull=True),
                name="uniq_pending_plan",
            ),
        ]
        indexes = [models.Index(fields=["officer", "due_at"])]

    def __str__(self) -> str:
        return f"{self.dispute_id} 第{self.seq}次回访"


class EscalationLetter(models.Model):
    dispute = models.OneToOneField(Dispute, models.CASCADE, related_name="letter")
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=40, unique=True)
    created_at = models.DateTimeField("制发时间")
    created_by = models.CharField("制发人", max_length=150)
    file_path = models.CharField("文件", max_length=255)  # relative to MEDIA_ROOT
    sent_to = models.CharField("主送", max_length=50, default="县委政法委")
    reason = models.CharField("抄告原因", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "抄告函"
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="uniq_letter_seq")]

    def __str__(self) -> str:
        return self.number


DEFAULT_POINTS: dict[str, int] = {
    "type": 0,  # points come from type_points per dispute type
    "repeat_30d": 20,
    "repeat_90d": 10,
    "threat": 25,
    "revenge": 25,
    "self_harm": 30,
    "weapon": 30,
    "mental_illness": 20,
    "injury": 15,
    "vulnerable": 10,
    "prior_violence": 20,
    "money": 10,
    "money_large": 20,
    "group": 10,
    "unresolved": 10,
    "escalating": 30,
}
FACTOR_LABELS: dict[str, str] = {
    "type": "纠纷类型",
    "repeat_30d": "30日内反复",
    "repeat_90d": "90日内反复",
    "threat": "扬言威胁",
    "revenge": "扬言报复",
    "self_harm": "自伤自杀",
    "weapon": "凶器",
    "mental_illness": "精神异常",
    "injury": "人身伤害",
    "vulnerable": "弱势人员",
    "prior_violence": "暴力前科",
    "money": "涉及金额",
    "money_large": "涉及大额",
    "group": "群体性",
    "unresolved": "回访未化解",
    "escalating": "回访有激化风险",
}
DEFAULT_TYPE_POINTS: dict[str, int] = {"婚恋家庭": 10, "土地山林": 5, "劳资": 5}


def default_points() -> dict[str, int]:
    return dict(DEFAULT_POINTS)


def default_type_points() -> dict[str, int]:
    return dict(DEFAULT_TYPE_POINTS)


class RiskPolicy(models.Model):
    """The bureau's grading and visit settings: one row, changed only by
    ``services.change_risk_policy`` with a reason."""

    points = models.JSONField("各因素分值", default=default_points)
    type_points = models.JSONField("纠纷类型分值", default=default_type_points)
    red_at = models.PositiveIntegerField("红色阈值（分）", default=50)
    yellow_at = models.PositiveIntegerField("黄色阈值（分）", default=25)
    money_at = models.PositiveIntegerField("涉及金额（元）", default=10_000)
    money_large_at = models.PositiveIntegerField("涉及大额（元）", default=100_000)
    elderly_age = models.PositiveSmallIntegerField("老年人年龄", default=65)
    minor_age = models.PositiveSmallIntegerField("未成年人年龄", default=18)
    red_first_hours = models.PositiveIntegerField("红色首次回访（小时）", default=24)
    red_repeat_days = models.PositiveIntegerField("红色再次回访（天）", default=7)
    yellow_first_days = models.PositiveIntegerField("黄色首次回访（天）", default=3)
    yellow_repeat_days = models.PositiveIntegerField("黄色再次回访（天）", default=15)
    blue_first_days = models.PositiveIntegerField("蓝色首次回访（天）", default=7)
    blue_repeat_days = models.PositiveIntegerField("蓝色再次回访（天）", default=30)
    escalate_after_days = models.PositiveIntegerField("红色未化解抄告（天）", default=7)
    changed_at = models.DateTimeField("修改时间", null=True, blank=True)
    changed_by = models.CharField("修改人", max_length=150, blank=True)
    reason = models.CharField("修改理由", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险评定设置"

    def __str__(self) -> str:
        return "风险评定设置"

    @classmethod
    def current(cls) -> RiskPolicy:
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls()

    def points_for(self, factor: str) -> int:
        value: Any = self.points.get(factor, DEFAULT_POINTS.get(factor, 0))
        return int(value)


register_scope(Dispute, unit="unit_id", own=lambda officer_id: Q(officer_id=officer_id))
register_scope(
    FollowupPlan,
    unit="dispute__unit_id",
    own=lambda officer_id: Q(officer_id=officer_id) | Q(dispute__officer_id=officer_id),
)
register_scope(
    EscalationLetter,
    unit="dispute__unit_id",
    own=lambda officer_id: Q(dispute__officer_id=officer_id),
)
register_scope(
    Party, unit="dispute__unit_id", own=lambda officer_id: Q(dispute__officer_id=officer_id)
)
# a party's phone and 身份证号 are shown masked; accounts:unmask reveals them (audited, in scope)
register_unmaskable(Party, "phone", label="电话", kind="phone")
register_unmaskable(Party, "id_number", label="身份证号", kind="id_number")
