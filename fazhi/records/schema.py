"""FZX v1 and its v1.1 additions as data: every record type, its fields, their kinds and where they
are stored.

This table is the one place the exchange format is described in code; the importer validates
against it, the exporter writes from it, the generator's output is checked against it, and a test
pins it to the models. Changing it changes the contract (exchange-format.md): extend only.

FZX carries no version field: a record is known by its ``type``. v1.1 only adds record types and
optional fields, so a v1 bundle is a valid v1.1 bundle that imports exactly as before (its records
store null in the new optional fields, which is what "not recorded" means), and the v1.1 types are
accepted in any bundle. A type this table does not know is an error of its record, as in v1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models

from fazhi.records import enums
from fazhi.records import models as m


class Kind(StrEnum):
    STR = "str"  # short text
    TEXT = "text"  # free text, possibly long
    ENUM = "enum"  # one value of a closed list
    TIME = "time"  # ISO 8601 date-time, Asia/Shanghai when no offset
    DATE = "date"  # ISO 8601 date
    BOOL = "bool"
    NUMBER = "number"
    REF = "ref"  # the id of one record of ``target``
    REFS = "refs"  # an ordered list of ids of ``target``


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    label: str
    required: bool = True
    choices: type[models.TextChoices] | None = None
    target: str | None = None  # record type a REF/REFS points to
    default: object = None  # value stored when a non-required field is absent
    attname: str = ""  # model attribute; defaults to ``name``

    @property
    def column(self) -> str:
        return self.attname or self.name


@dataclass(frozen=True)
class RecordType:
    name: str  # FZX type name
    label: str  # Chinese name
    model: type[m.FzxRecord]
    fields: tuple[FieldSpec, ...]
    # REFS fields: link model and the link's foreign-key attribute naming the owner
    links: dict[str, tuple[type[m.OfficerLink], str]] = field(default_factory=dict)

    def field(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(spec.name for spec in self.fields)


def _f(name: str, kind: Kind, label: str, **kw: object) -> FieldSpec:
    return FieldSpec(name, kind, label, **kw)  # type: ignore[arg-type]


S, T, E, TM, D, B, N, R, RS = (
    Kind.STR,
    Kind.TEXT,
    Kind.ENUM,
    Kind.TIME,
    Kind.DATE,
    Kind.BOOL,
    Kind.NUMBER,
    Kind.REF,
    Kind.REFS,
)

RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType(
        "unit",
        "单位",
        m.Unit,
        (
            _f("name", S, "名称"),
            _f("kind", E, "类别", choices=enums.UnitKind),
            _f("parent_id", R, "上级单位", required=False, target="unit"),
        ),
    ),
    RecordType(
        "officer",
        "民警",
        m.Officer,
        (
            _f("name", S, "姓名"),
            _f("unit_id", R, "单位", target="unit"),
            _f("role", E, "角色", choices=enums.OfficerRole),
            _f("qualification", E, "执法资格", choices=enums.Qualification),
            _f("qualified_at", D, "取得资格日期", required=False),
            _f("active", B, "在职", required=False, default=True),
        ),
    ),
    RecordType(
        "venue",
        "场所",
        m.Venue,
        (
            _f("name", S, "名称"),
            _f("unit_id", R, "单位", target="unit"),
            _f("kind", E, "类别", choices=enums.VenueKind),
        ),
    ),
    RecordType(
        "incident",
        "警情",
        m.Incident,
        (
            _f("received_at", TM, "接警时间"),
            _f("source", E, "来源", choices=enums.IncidentSource),
            _f("category", E, "接警类别", choices=enums.IncidentCategory),
            _f("unit_id", R, "管辖单位", target="unit"),
            _f("officer_ids", RS, "处警民警", target="officer", required=False),
            _f("address", S, "地址"),
            _f("description", T, "警情内容"),
            _f("reporter_name", S, "报警人", required=False),
            _f("reporter_phone", S, "报警电话", required=False),
            _f("arrived_at", TM, "到达现场", required=False),
            _f("disposition", E, "处置结果", required=False, choices=enums.Disposition),
            _f("disposed_at", TM, "处置完毕", required=False),
            _f("dispute_type", E, "纠纷类型", required=False, choices=enums.DisputeType),
        ),
        links={"officer_ids": (m.IncidentOfficer, "incident_id")},
    ),
    RecordType(
        "case",
        "案件",
        m.Case,
        (
            _f("kind", E, "案件类别", choices=enums.CaseKind),
            _f("cause", S, "案由"),
            _f("unit_id", R, "办案单位", target="unit"),
            # required by FZX, but accepted when missing so that rule SJ-04 can report it
            _f("lead_officer_id", R, "主办民警", required=False, target="officer"),
            _f("officer_ids", RS, "协办民警", target="officer", required=False),
            _f("incident_id", R, "警情", required=False, target="incident"),
            _f("accepted_at", TM, "受案时间"),
            _f("filed_at", TM, "立案时间", required=False),
            _f("status", E, "状态", choices=enums.CaseStatus),
            _f("closed_at", TM, "结案时间", required=False),
            _f("complex", B, "重大复杂", required=False, default=False),
            # v1.1: null means disclosable
            _f("disclosable", B, "允许当事人查询", required=False),
        ),
        links={"officer_ids": (m.CaseOfficer, "case_id")},
    ),
    RecordType(
        "person",
        "涉案人员",
        m.Person,
        (
            _f("case_id", R, "案件", target="case"),
            _f("name", S, "姓名"),
            _f("id_number", S, "身份证号", required=False),
            _f("birth_date", D, "出生日期", required=False),
            _f("gender", E, "性别", required=False, choices=enums.Gender),
            _f("role", E, "人员类别", choices=enums.PersonRole),
            _f("phone", S, "电话", required=False),
        ),
    ),
    RecordType(
        "measure",
        "强制措施",
        m.Measure,
        (
            _f("case_id", R, "案件", target="case"),
            _f("person_id", R, "人员", target="person"),
            _f("kind", E, "措施类别", choices=enums.MeasureKind),
            _f("started_at", TM, "执行时间"),
            _f("ended_at", TM, "解除时间", required=False),
            _f(
                "approved_by",
                R,
                "批准人",
                required=False,
                target="officer",
                attname="approved_by_id",
            ),
            _f("document_no", S, "文书编号", required=False),
            _f("deposit_amount", N, "保证金", required=False),
            _f("extended_to", TM, "延长至", required=False),
        ),
    ),
    RecordType(
        "property",
        "涉案财物",
        m.Property,
        (
            _f("case_id", R, "案件", target="case"),
            _f("name", S, "名称"),
            _f("category", E, "类别", choices=enums.PropertyCategory),
            _f("quantity", N, "数量"),
            _f("value", N, "价值", required=False),
            _f("seized_at", TM, "扣押时间"),
            _f("status", E, "状态", choices=enums.PropertyStatus),
            # v1.1
            _f("location", S, "保管位置", required=False),
            _f("unrelated", B, "与案件无关", required=False),
            _f("unrelated_at", TM, "认定无关时间", required=False),
        ),
    ),
    RecordType(
        "event",
        "执法行为",
        m.Event,
        (
            _f("kind", E, "行为类别", choices=enums.EventKind),
            _f("at", TM, "时间"),
            _f("case_id", R, "案件", required=False, target="case"),
            _f("person_id", R, "人员", required=False, target="person"),
            _f("measure_id", R, "强制措施", required=False, target="measure"),
            _f("property_id", R, "财物", required=False, target="property"),
            _f("officer_ids", RS, "执行民警", target="officer", required=False),
            _f("note", T, "备注", required=False),
        ),
        links={"officer_ids": (m.EventOfficer, "event_id")},
    ),
    RecordType(
        "transcript",
        "笔录",
        m.Transcript,
        (
            _f("case_id", R, "案件", target="case"),
            _f("person_id", R, "人员", target="person"),
            _f("kind", E, "笔录类别", choices=enums.TranscriptKind),
            _f("started_at", TM, "开始时间"),
            _f("ended_at", TM, "结束时间"),
            _f("venue_id", R, "地点", required=False, target="venue"),
            _f("officer_ids", RS, "询问/讯问人", target="officer", required=False),
            _f("recorded", B, "同步录音录像"),
            _f("guardian_present", B, "监护人在场", required=False),
            _f("text", T, "笔录内容"),
        ),
        links={"officer_ids": (m.TranscriptOfficer, "transcript_id")},
    ),
    RecordType(
        "venue_visit",
        "办案区使用",
        m.VenueVisit,
        (
            _f("venue_id", R, "场所", target="venue"),
            _f("person_id", R, "人员", target="person"),
            _f("case_id", R, "案件", target="case"),
            _f("entered_at", TM, "进入时间"),
            # required by FZX, but absent while the person is still inside (rule GF-BA-04)
            _f("left_at", TM, "离开时间", required=False),
            _f("safety_checked", B, "人身安全检查"),
            _f("belongings_registered", B, "随身物品登记"),
            _f("recorded", B, "全程录音录像"),
        ),
    ),
    RecordType(
        "document",
        "法律文书",
        m.Document,
        (
            _f("case_id", R, "案件", target="case"),
            _f("kind", S, "文书类别"),
            _f("number", S, "文号", required=False),
            _f("issued_at", TM, "开具时间"),
            _f("measure_id", R, "强制措施", required=False, target="measure"),
            _f("person_id", R, "人员", required=False, target="person"),
            _f("signed", B, "签名捺印"),
        ),
    ),
    RecordType(
        "followup",
        "回访",
        m.Followup,
        (
            _f("incident_id", R, "警情", target="incident"),
            _f("officer_id", R, "回访民警", target="officer"),
            _f("at", TM, "回访时间"),
            _f("result", E, "结果", choices=enums.FollowupResult),
            _f("note", T, "备注", required=False),
        ),
    ),
    # --- FZX v1.1 (after every v1 type: the export writes references backwards) -------------
    RecordType(
        "property_movement",
        "涉案财物流转",
        m.PropertyMovement,
        (
            _f("property_id", R, "财物", target="property"),
            _f("kind", E, "流转类别", choices=enums.MovementKind),
            _f("at", TM, "时间"),
            _f("officer_ids", RS, "经手民警", target="officer", required=False),
            _f("due_back_at", TM, "应归还时间", required=False),
            _f(
                "approved_by",
                R,
                "批准人",
                required=False,
                target="officer",
                attname="approved_by_id",
            ),
            _f("note", T, "备注", required=False),
        ),
        links={"officer_ids": (m.PropertyMovementOfficer, "movement_id")},
    ),
    RecordType(
        "recording",
        "执法音视频",
        m.Recording,
        (
            _f("officer_id", R, "记录民警", target="officer"),
            _f("device_no", S, "执法记录仪编号", required=False),
            _f("started_at", TM, "开始时间"),
            _f("ended_at", TM, "结束时间"),
            _f("uploaded_at", TM, "上传时间", required=False),
            _f("incident_id", R, "警情", required=False, target="incident"),
            _f("case_id", R, "案件", required=False, target="case"),
            _f("evidence", B, "作为证据", required=False),
            _f("deleted_at", TM, "删除时间", required=False),
        ),
    ),
    RecordType(
        "review",
        "执法监督救济",
        m.Review,
        (
            _f("case_id", R, "案件", target="case"),
            _f("kind", E, "监督类别", choices=enums.ReviewKind),
            _f("filed_at", TM, "提起时间"),
            _f("decided_at", TM, "决定时间", required=False),
            _f("outcome", E, "结果", required=False, choices=enums.ReviewOutcome),
            _f("officer_ids", RS, "责任民警", target="officer", required=False),
            _f("note", T, "备注", required=False),
        ),
        links={"officer_ids": (m.ReviewOfficer, "review_id")},
    ),
    RecordType(
        "complaint",
        "投诉信访",
        m.Complaint,
        (
            _f("received_at", TM, "受理时间"),
            _f("channel", E, "渠道", choices=enums.ComplaintChannel),
            _f("unit_id", R, "单位", target="unit"),
            _f("officer_ids", RS, "被投诉民警", target="officer", required=False),
            _f("case_id", R, "案件", required=False, target="case"),
            _f("incident_id", R, "警情", required=False, target="incident"),
            _f("content", T, "投诉内容"),
            _f("result", E, "核查结果", required=False, choices=enums.ComplaintResult),
            _f("closed_at", TM, "办结时间", required=False),
        ),
        links={"officer_ids": (m.ComplaintOfficer, "complaint_id")},
    ),
    RecordType(
        "safety_event",
        "执法安全事故",
        m.SafetyEvent,
        (
            _f("at", TM, "发生时间"),
            _f("unit_id", R, "单位", target="unit"),
            _f("kind", E, "事故类别", choices=enums.SafetyEventKind),
            _f("case_id", R, "案件", required=False, target="case"),
            _f("person_id", R, "人员", required=False, target="person"),
            _f("venue_id", R, "场所", required=False, target="venue"),
            _f("officer_ids", RS, "涉及民警", target="officer", required=False),
            _f("note", T, "备注", required=False),
        ),
        links={"officer_ids": (m.SafetyEventOfficer, "safety_event_id")},
    ),
    RecordType(
        "training",
        "培训考试",
        m.Training,
        (
            _f("officer_id", R, "民警", target="officer"),
            _f("kind", E, "类别", choices=enums.TrainingKind),
            _f("title", S, "名称"),
            _f("at", D, "日期"),
            _f("hours", N, "学时", required=False),
            _f("result", E, "结果", required=False, choices=enums.TrainingResult),
        ),
    ),
    RecordType(
        "commendation",
        "表彰奖励",
        m.Commendation,
        (
            _f("officer_id", R, "民警", target="officer"),
            _f("reason", S, "事由"),
            _f("kind", E, "类别", choices=enums.CommendationKind),
            _f("at", D, "日期"),
        ),
    ),
    RecordType(
        "discipline",
        "惩戒处理",
        m.Discipline,
        (
            _f("officer_id", R, "民警", target="officer"),
            _f("reason", S, "事由"),
            _f("kind", E, "类别", choices=enums.DisciplineKind),
            _f("at", D, "日期"),
            _f("case_id", R, "案件", required=False, target="case"),
        ),
    ),
)

BY_NAME: dict[str, RecordType] = {rt.name: rt for rt in RECORD_TYPES}
BY_MODEL: dict[type[m.FzxRecord], RecordType] = {rt.model: rt for rt in RECORD_TYPES}

# Order in which types can be written so that every reference points backwards (export order).
TYPE_ORDER: tuple[str, ...] = tuple(rt.name for rt in RECORD_TYPES)
