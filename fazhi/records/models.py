"""The law-enforcement elements (执法要素) as FZX v1 and v1.1 define them, one model per type.

Design choices:
- The FZX ``id`` is the primary key: upsert by ``(type, id)`` is a plain ``ON CONFLICT (id)``,
  and a reference in a bundle (``case_id``) is the foreign-key value itself, with no look-up.
- Foreign keys are ``PROTECT``: a record that others still reference cannot silently vanish.
- Officer lists (``officer_ids``) are ordered link tables, so rules can join on them set-based.
- ``extra`` keeps fields FZX does not define; ``changed_at`` is stamped by every import so that an
  incremental patrol can find what changed since its last run.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from fazhi.core.masking import register_unmaskable
from fazhi.core.scope import register_scope
from fazhi.records import enums

ID_LENGTH = 64


class FzxRecord(models.Model):
    id = models.CharField("编号", max_length=ID_LENGTH, primary_key=True)
    extra = models.JSONField("扩展字段", default=dict, blank=True)
    changed_at = models.DateTimeField("变更时间", default=timezone.now, db_index=True)

    objects = models.Manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Unit(FzxRecord):
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=16, choices=enums.UnitKind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )

    class Meta:
        verbose_name = verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name


class Officer(FzxRecord):
    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="officers", verbose_name="单位")
    role = models.CharField("角色", max_length=16, choices=enums.OfficerRole.choices)
    qualification = models.CharField("执法资格", max_length=8, choices=enums.Qualification.choices)
    qualified_at = models.DateField("取得资格日期", null=True, blank=True)
    active = models.BooleanField("在职", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "民警"

    def __str__(self) -> str:
        return f"{self.name}（{self.pk}）"


class Venue(FzxRecord):
    name = models.CharField("名称", max_length=100)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="venues", verbose_name="单位")
    kind = models.CharField("类别", max_length=16, choices=enums.VenueKind.choices)

    class Meta:
        verbose_name = verbose_name_plural = "场所"

    def __str__(self) -> str:
        return self.name


class Incident(FzxRecord):
    received_at = models.DateTimeField("接警时间")
    source = models.CharField("来源", max_length=8, choices=enums.IncidentSource.choices)
    category = models.CharField("接警类别", max_length=8, choices=enums.IncidentCategory.choices)
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="incidents", verbose_name="管辖单位"
    )
    officers: models.ManyToManyField[Officer, IncidentOfficer] = models.ManyToManyField(
        Officer, through="IncidentOfficer", related_name="incidents", verbose_name="处警民警"
    )
    address = models.CharField("地址", max_length=255)
    description = models.TextField("警情内容")
    reporter_name = models.CharField("报警人", max_length=50, null=True, blank=True)
    reporter_phone = models.CharField("报警电话", max_length=32, null=True, blank=True)
    arrived_at = models.DateTimeField("到达现场", null=True, blank=True)
    disposition = models.CharField(
        "处置结果", max_length=8, choices=enums.Disposition.choices, null=True, blank=True
    )
    disposed_at = models.DateTimeField("处置完毕", null=True, blank=True)
    dispute_type = models.CharField(
        "纠纷类型", max_length=8, choices=enums.DisputeType.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "警情"
        indexes = [
            models.Index(fields=["category", "received_at"]),
            models.Index(fields=["unit", "received_at"]),
            models.Index(fields=["disposition", "disposed_at"]),
        ]


# Measures whose clock runs while they are in force (the person's liberty or property is held).
RUNNING_MEASURES = frozenset(
    {
        "传唤", "拘传", "刑事拘留", "逮捕", "取保候审", "监视居住", "指定居所监视居住",
        "行政传唤", "行政拘留", "扣押", "查封", "冻结",
    }
)  # fmt: skip


class Case(FzxRecord):
    kind = models.CharField("案件类别", max_length=4, choices=enums.CaseKind.choices)
    cause = models.CharField("案由", max_length=100)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="cases", verbose_name="办案单位")
    # Nullable although FZX lists it as required: rule SJ-04 reports cases that lack it.
    lead_officer = models.ForeignKey(
        Officer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        verbose_name="主办民警",
    )
    officers: models.ManyToManyField[Officer, CaseOfficer] = models.ManyToManyField(
        Officer, through="CaseOfficer", related_name="assisted_cases", verbose_name="协办民警"
    )
    incident = models.ForeignKey(
        Incident, models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="警情"
    )
    accepted_at = models.DateTimeField("受案时间")
    filed_at = models.DateTimeField("立案时间", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=enums.CaseStatus.choices)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    complex = models.BooleanField("重大复杂", default=False)
    # FZX v1.1; null (not recorded) means disclosable, as the format says.
    disclosable = models.BooleanField("允许当事人查询", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件"
        indexes = [
            models.Index(fields=["kind", "accepted_at"]),
            models.Index(fields=["unit", "accepted_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.cause}案（{self.pk}）"

    @cached_property
    def running_measures(self) -> dict[str, Measure]:
        """The case's measures in force whose clock runs, by id, oldest first (one query, then
        kept on the instance: the case page and the clocks other apps add both read it)."""
        in_force = (
            self.measures.filter(ended_at__isnull=True, kind__in=RUNNING_MEASURES)
            .select_related("person")
            .order_by("started_at", "pk")
        )
        return {ms.pk: ms for ms in in_force}


class Person(FzxRecord):
    case = models.ForeignKey(Case, models.PROTECT, related_name="persons", verbose_name="案件")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=32, null=True, blank=True, db_index=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    gender = models.CharField(
        "性别", max_length=2, choices=enums.Gender.choices, null=True, blank=True
    )
    role = models.CharField("人员类别", max_length=8, choices=enums.PersonRole.choices)
    phone = models.CharField("电话", max_length=32, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "涉案人员"

    def __str__(self) -> str:
        return f"{self.name}（{self.pk}）"


class Measure(FzxRecord):
    case = models.ForeignKey(Case, models.PROTECT, related_name="measures", verbose_name="案件")
    person = models.ForeignKey(Person, models.PROTECT, related_name="measures", verbose_name="人员")
    kind = models.CharField("措施类别", max_length=16, choices=enums.MeasureKind.choices)
    started_at = models.DateTimeField("执行时间")
    ended_at = models.DateTimeField("解除时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        Officer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_measures",
        verbose_name="批准人",
    )
    document_no = models.CharField("文书编号", max_length=64, null=True, blank=True)
    deposit_amount = models.DecimalField(
        "保证金", max_digits=14, decimal_places=2, null=True, blank=True
    )
    extended_to = models.DateTimeField("延长至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "强制措施"
        indexes = [
            models.Index(fields=["kind", "started_at"]),
            models.Index(fields=["kind", "ended_at"]),
        ]


class Property(FzxRecord):
    case = models.ForeignKey(Case, models.PROTECT, related_name="properties", verbose_name="案件")
    name = models.CharField("名称", max_length=100)
    category = models.CharField("类别", max_length=8, choices=enums.PropertyCategory.choices)
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=3)
    value = models.DecimalField("价值", max_digits=14, decimal_places=2, null=True, blank=True)
    seized_at = models.DateTimeField("扣押时间")
    status = models.CharField("状态", max_length=8, choices=enums.PropertyStatus.choices)
    # FZX v1.1
    location = models.CharField("保管位置", max_length=100, null=True, blank=True)
    unrelated = models.BooleanField("与案件无关", null=True, blank=True)
    unrelated_at = models.DateTimeField("认定无关时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "涉案财物"
        indexes = [models.Index(fields=["status", "seized_at"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.pk}）"


class Event(FzxRecord):
    kind = models.CharField("行为类别", max_length=16, choices=enums.EventKind.choices)
    at = models.DateTimeField("时间")
    case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="events", verbose_name="案件"
    )
    person = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="events", verbose_name="人员"
    )
    measure = models.ForeignKey(
        Measure,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="强制措施",
    )
    # Named as in FZX; no @property may follow it in this class body.
    property = models.ForeignKey(
        Property,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="财物",
    )
    officers: models.ManyToManyField[Officer, EventOfficer] = models.ManyToManyField(
        Officer, through="EventOfficer", related_name="events", verbose_name="执行民警"
    )
    note = models.TextField("备注", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法行为"
        # (case|person|measure|property, kind, at): the acts a rule looks for concern one record;
        # without them a planner lacking statistics scans (kind, at) ranges instead.
        indexes = [
            models.Index(fields=["kind", "at"]),
            models.Index(fields=["case", "kind", "at"]),
            models.Index(fields=["person", "kind", "at"]),
            models.Index(fields=["measure", "kind", "at"]),
            models.Index(fields=["property", "kind", "at"]),
        ]


class Transcript(FzxRecord):
    case = models.ForeignKey(Case, models.PROTECT, related_name="transcripts", verbose_name="案件")
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="transcripts", verbose_name="人员"
    )
    kind = models.CharField("笔录类别", max_length=4, choices=enums.TranscriptKind.choices)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    venue = models.ForeignKey(
        Venue,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="transcripts",
        verbose_name="地点",
    )
    officers: models.ManyToManyField[Officer, TranscriptOfficer] = models.ManyToManyField(
        Officer, through="TranscriptOfficer", related_name="transcripts", verbose_name="询问/讯问人"
    )
    recorded = models.BooleanField("同步录音录像")
    guardian_present = models.BooleanField("监护人在场", null=True, blank=True)
    text = models.TextField("笔录内容")

    class Meta:
        verbose_name = verbose_name_plural = "笔录"
        indexes = [
            models.Index(fields=["kind", "started_at"]),
            models.Index(fields=["person", "kind", "started_at"]),
        ]


class VenueVisit(FzxRecord):
    venue = models.ForeignKey(Venue, models.PROTECT, related_name="visits", verbose_name="场所")
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="venue_visits", verbose_name="人员"
    )
    case = models.ForeignKey(Case, models.PROTECT, related_name="venue_visits", verbose_name="案件")
    entered_at = models.DateTimeField("进入时间")
    # Nullable: a person still in the case area has no left_at yet (rule GF-BA-04 watches it).
    left_at = models.DateTimeField("离开时间", null=True, blank=True)
    safety_checked = models.BooleanField("人身安全检查")
    belongings_registered = models.BooleanField("随身物品登记")
    recorded = models.BooleanField("全程录音录像")

    class Meta:
        verbose_name = verbose_name_plural = "办案区使用"
        indexes = [models.Index(fields=["entered_at"])]


class Document(FzxRecord):
    case = models.ForeignKey(Case, models.PROTECT, related_name="documents", verbose_name="案件")
    kind = models.CharField("文书类别", max_length=50, db_index=True)
    number = models.CharField("文号", max_length=64, null=True, blank=True)
    issued_at = models.DateTimeField("开具时间")
    measure = models.ForeignKey(
        Measure,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="强制措施",
    )
    person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="人员",
    )
    signed = models.BooleanField("签名捺印")

    class Meta:
        verbose_name = verbose_name_plural = "法律文书"


class Followup(FzxRecord):
    incident = models.ForeignKey(
        Incident, models.PROTECT, related_name="followups", verbose_name="警情"
    )
    officer = models.ForeignKey(
        Officer, models.PROTECT, related_name="followups", verbose_name="回访民警"
    )
    at = models.DateTimeField("回访时间")
    result = models.CharField("结果", max_length=8, choices=enums.FollowupResult.choices)
    note = models.TextField("备注", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "回访"
        indexes = [models.Index(fields=["at"])]


# --- FZX v1.1 ---------------------------------------------------------------------------------


class PropertyMovement(FzxRecord):
    """One step of a property's custody chain (rules GF-CW-03 … 05 follow the chain)."""

    # Named as in FZX, as on Event: no @property may follow it in this class body.
    property = models.ForeignKey(
        Property, models.PROTECT, related_name="movements", verbose_name="财物"
    )
    kind = models.CharField("流转类别", max_length=4, choices=enums.MovementKind.choices)
    at = models.DateTimeField("时间")
    officers: models.ManyToManyField[Officer, PropertyMovementOfficer] = models.ManyToManyField(
        Officer,
        through="PropertyMovementOfficer",
        related_name="property_movements",
        verbose_name="经手民警",
    )
    due_back_at = models.DateTimeField("应归还时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        Officer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_movements",
        verbose_name="批准人",
    )
    note = models.TextField("备注", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "涉案财物流转"
        indexes = [models.Index(fields=["property", "kind", "at"])]


class Recording(FzxRecord):
    officer = models.ForeignKey(
        Officer, models.PROTECT, related_name="recordings", verbose_name="记录民警"
    )
    device_no = models.CharField("执法记录仪编号", max_length=64, null=True, blank=True)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    uploaded_at = models.DateTimeField("上传时间", null=True, blank=True)
    incident = models.ForeignKey(
        Incident,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="recordings",
        verbose_name="警情",
    )
    case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="recordings", verbose_name="案件"
    )
    evidence = models.BooleanField("作为证据", null=True, blank=True)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法音视频"
        # (officer, started_at): LX-01 looks for an officer's recording around an arrival.
        indexes = [
            models.Index(fields=["officer", "started_at"]),
            models.Index(fields=["ended_at"]),
        ]


class Review(FzxRecord):
    case = models.ForeignKey(Case, models.PROTECT, related_name="reviews", verbose_name="案件")
    kind = models.CharField("监督类别", max_length=8, choices=enums.ReviewKind.choices)
    filed_at = models.DateTimeField("提起时间")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    outcome = models.CharField(
        "结果", max_length=8, choices=enums.ReviewOutcome.choices, null=True, blank=True
    )
    officers: models.ManyToManyField[Officer, ReviewOfficer] = models.ManyToManyField(
        Officer, through="ReviewOfficer", related_name="reviews", verbose_name="责任民警"
    )
    note = models.TextField("备注", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法监督救济"
        indexes = [models.Index(fields=["kind", "decided_at"])]


class Complaint(FzxRecord):
    received_at = models.DateTimeField("受理时间")
    channel = models.CharField("渠道", max_length=8, choices=enums.ComplaintChannel.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="complaints", verbose_name="单位")
    officers: models.ManyToManyField[Officer, ComplaintOfficer] = models.ManyToManyField(
        Officer, through="ComplaintOfficer", related_name="complaints", verbose_name="被投诉民警"
    )
    case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="complaints", verbose_name="案件"
    )
    incident = models.ForeignKey(
        Incident,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name="警情",
    )
    content = models.TextField("投诉内容")
    result = models.CharField(
        "核查结果", max_length=8, choices=enums.ComplaintResult.choices, null=True, blank=True
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投诉信访"
        indexes = [models.Index(fields=["unit", "received_at"])]


class SafetyEvent(FzxRecord):
    at = models.DateTimeField("发生时间")
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="safety_events", verbose_name="单位"
    )
    kind = models.CharField("事故类别", max_length=8, choices=enums.SafetyEventKind.choices)
    case = models.ForeignKey(
        Case,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_events",
        verbose_name="案件",
    )
    person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_events",
        verbose_name="人员",
    )
    venue = models.ForeignKey(
        Venue,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_events",
        verbose_name="场所",
    )
    officers: models.ManyToManyField[Officer, SafetyEventOfficer] = models.ManyToManyField(
        Officer, through="SafetyEventOfficer", related_name="safety_events", verbose_name="涉及民警"
    )
    note = models.TextField("备注", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法安全事故"
        indexes = [models.Index(fields=["unit", "at"])]


class Training(FzxRecord):
    officer = models.ForeignKey(
        Officer, models.PROTECT, related_name="trainings", verbose_name="民警"
    )
    kind = models.CharField("类别", max_length=8, choices=enums.TrainingKind.choices)
    title = models.CharField("名称", max_length=200)
    at = models.DateField("日期")
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1, null=True, blank=True)
    result = models.CharField(
        "结果", max_length=4, choices=enums.TrainingResult.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "培训考试"
        indexes = [models.Index(fields=["officer", "at"])]


class Commendation(FzxRecord):
    officer = models.ForeignKey(
        Officer, models.PROTECT, related_name="commendations", verbose_name="民警"
    )
    reason = models.CharField("事由", max_length=255)
    kind = models.CharField("类别", max_length=8, choices=enums.CommendationKind.choices)
    at = models.DateField("日期")

    class Meta:
        verbose_name = verbose_name_plural = "表彰奖励"
        indexes = [models.Index(fields=["officer", "at"])]


class Discipline(FzxRecord):
    officer = models.ForeignKey(
        Officer, models.PROTECT, related_name="disciplines", verbose_name="民警"
    )
    reason = models.CharField("事由", max_length=255)
    kind = models.CharField("类别", max_length=8, choices=enums.DisciplineKind.choices)
    at = models.DateField("日期")
    case = models.ForeignKey(
        Case,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="disciplines",
        verbose_name="案件",
    )

    class Meta:
        verbose_name = verbose_name_plural = "惩戒处理"
        indexes = [models.Index(fields=["officer", "at"])]


class OfficerLink(models.Model):
    """One officer in a record's ordered ``officer_ids`` list."""

    officer = models.ForeignKey(Officer, models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.position}: {self.officer_id}"


class IncidentOfficer(OfficerLink):
    incident = models.ForeignKey(Incident, models.CASCADE, related_name="officer_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "officer"], name="uniq_incident_officer")
        ]


class CaseOfficer(OfficerLink):
    case = models.ForeignKey(Case, models.CASCADE, related_name="officer_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "officer"], name="uniq_case_officer")
        ]


class EventOfficer(OfficerLink):
    event = models.ForeignKey(Event, models.CASCADE, related_name="officer_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "officer"], name="uniq_event_officer")
        ]


class TranscriptOfficer(OfficerLink):
    transcript = models.ForeignKey(Transcript, models.CASCADE, related_name="officer_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "officer"], name="uniq_transcript_officer"
            )
        ]
        indexes = [models.Index(fields=["officer", "transcript"])]


class PropertyMovementOfficer(OfficerLink):
    movement = models.ForeignKey(PropertyMovement, models.CASCADE, related_name="officer_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["movement", "officer"], name="uniq_property_movement_officer"
            )
        ]


class ReviewOfficer(OfficerLink):
    review = models.ForeignKey(Review, models.CASCADE, related_name="officer_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "officer"], name="uniq_review_officer")
        ]
        indexes = [models.Index(fields=["officer", "review"])]


class ComplaintOfficer(OfficerLink):
    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="officer_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "officer"], name="uniq_complaint_officer")
        ]
        indexes = [models.Index(fields=["officer", "complaint"])]


class SafetyEventOfficer(OfficerLink):
    safety_event = models.ForeignKey(SafetyEvent, models.CASCADE, related_name="officer_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["safety_event", "officer"], name="uniq_safety_event_officer"
            )
        ]


class Tombstone(models.Model):
    """A record deleted by an import (``"deleted": true``): lets an incremental patrol retire
    the findings whose subject disappeared."""

    record_type = models.CharField(max_length=32)  # "property_movement" is 17
    record_id = models.CharField(max_length=ID_LENGTH)
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "删除记录"
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"


# --- data scope -------------------------------------------------------------------------------


def _own_cases(officer_id: str) -> Q:
    return Q(lead_officer_id=officer_id) | Q(
        pk__in=CaseOfficer.objects.filter(officer_id=officer_id).values("case_id")
    )


def in_own_cases(prefix: str) -> Callable[[str], Q]:
    """Rows whose ``prefix`` is a case the officer leads or assists.

    Two ``IN`` lists rather than ``IN (cases WHERE lead = x OR pk IN (...))``: PostgreSQL cannot
    use an index for that OR and reads every case of the city (30 ms on each 民警 page)."""

    def own(officer_id: str) -> Q:
        led = Case.objects.filter(lead_officer_id=officer_id).values("pk")
        assisted = CaseOfficer.objects.filter(officer_id=officer_id).values("case_id")
        return Q(**{f"{prefix}__in": led}) | Q(**{f"{prefix}__in": assisted})

    return own


def addressed_or_own_case(officer_id: str) -> Q:
    """Rows with ``officer_id`` and ``case_id`` columns (findings, problems) that are the
    officer's own: addressed to him, or about a case he leads or assists."""
    return Q(officer_id=officer_id) | in_own_cases("case_id")(officer_id)


def _in_own_incidents(prefix: str) -> Callable[[str], Q]:
    """Rows whose ``prefix`` is an incident the officer handled."""

    def own(officer_id: str) -> Q:
        handled = IncidentOfficer.objects.filter(officer_id=officer_id).values("incident_id")
        return Q(**{f"{prefix}__in": handled})

    return own


register_scope(Unit, unit="pk", own=lambda officer_id: Q(officers__pk=officer_id))
register_scope(Officer, unit="unit_id", own=lambda officer_id: Q(pk=officer_id))
register_scope(Venue, unit="unit_id", own=lambda officer_id: Q())
register_scope(Incident, unit="unit_id", own=_in_own_incidents("pk"))
register_scope(Case, unit="unit_id", own=_own_cases)
for _model in (
    Person, Measure, Property, Event, Transcript, VenueVisit, Document,
):  # fmt: skip
    register_scope(_model, unit="case__unit_id", own=in_own_cases("case_id"))
register_scope(
    Followup,
    unit="incident__unit_id",
    own=lambda officer_id: Q(officer_id=officer_id) | _in_own_incidents("incident_id")(officer_id),
)


def _named_in(link: type[OfficerLink], owner: str) -> Callable[[str], Q]:
    """Rows whose officer list names the officer (the link's ``owner`` column is the row)."""

    def own(officer_id: str) -> Q:
        return Q(pk__in=link._default_manager.filter(officer_id=officer_id).values(owner))

    return own


def _named_or_own_case(link: type[OfficerLink], owner: str) -> Callable[[str], Q]:
    named = _named_in(link, owner)
    cases = in_own_cases("case_id")
    return lambda officer_id: named(officer_id) | cases(officer_id)


register_scope(
    PropertyMovement, unit="property__case__unit_id", own=in_own_cases("property__case_id")
)
# A recording is the officer's who wore the device; a 民警 also sees those of his own cases.
register_scope(
    Recording,
    unit="officer__unit_id",
    own=lambda officer_id: Q(officer_id=officer_id) | in_own_cases("case_id")(officer_id),
)
register_scope(Review, unit="case__unit_id", own=_named_or_own_case(ReviewOfficer, "review_id"))
register_scope(Complaint, unit="unit_id", own=_named_or_own_case(ComplaintOfficer, "complaint_id"))
register_scope(
    SafetyEvent, unit="unit_id", own=_named_or_own_case(SafetyEventOfficer, "safety_event_id")
)
for _personal in (Training, Commendation, Discipline):
    register_scope(
        _personal, unit="officer__unit_id", own=lambda officer_id: Q(officer_id=officer_id)
    )

# The identifiers that pages show masked, revealed only by the audited unmask.
register_unmaskable(Person, "id_number", label="身份证号", kind="id_number")
register_unmaskable(Person, "phone", label="电话", kind="phone")
register_unmaskable(Incident, "reporter_phone", label="报警电话", kind="phone")
