"""The request and response shapes of the API (they are the OpenAPI schema). A response schema
reads its row's attributes itself (``Out.dump``), so each body's fields are listed once, here.
Statuses go out as their stable English value plus the Chinese label; every status field's
description lists the labels."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from django.db import models
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, AliasChoices, BeforeValidator

from fazhi.core.masking import mask_id_number, mask_phone
from fazhi.core.params import DAY_RANGE_TEXT, QueryDay, QuerySince
from fazhi.disputes.models import DisputeStatus, RiskColour
from fazhi.evaluation.models import EvaluationStatus, Standing, SubjectKind
from fazhi.patrol.models import FindingStatus, Rule, RuleKind, Severity
from fazhi.rectification.models import Level, ProblemSource, ProblemStatus, Verb
from fazhi.reports.models import ReportKind
from fazhi.reports.periods import EXAMPLES as PERIOD_EXAMPLES
from fazhi.search.kinds import Kind as SearchKind
from fazhi.search.services import LIMIT_ONE, MAX_LENGTH, MIN_LENGTH
from fazhi.servicedesk.models import RequestKind, RequestStatus

MAX_LIMIT = 500
# Far beyond any bureau's row count, far below the 64-bit integers the databases overflow on.
MAX_OFFSET = 1_000_000_000


def labels(choices: type[models.Choices]) -> str:
    """``warning=提醒，overdue=超期，…``: the values of a status with their Chinese labels."""
    return "，".join(f"{value}={label}" for value, label in choices.choices)


def local(moment: datetime | None) -> datetime | None:
    """Times go out in the bureau's time zone (Asia/Shanghai), with their offset."""
    return timezone.localtime(moment) if moment is not None else None


# --- common ------------------------------------------------------------------------------------


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"跳过的条数（0–{MAX_OFFSET}）")


class Error(Schema):
    code: str = Field(
        description="错误代码（稳定的英文值，如 wrong_status、reason_required；"
        "各业务的代码见其 error_codes.py）"
    )
    message: str = Field(description="中文错误说明（指明记录和字段）")
    field: str | None = Field(None, description="出错的字段（如 reason）；不涉及具体字段时为 null")
    detail: str = Field(description="同 message（兼容旧客户端）")


class ParamProblem(Schema):
    loc: list[str | int] = Field(description='参数位置，如 ["query", "limit"]')
    type: str = Field(description="问题类别（pydantic 的错误类型，如 less_than_equal）")
    msg: str = Field(description="中文说明")


class BadParams(Error):
    errors: list[ParamProblem] = Field(description="每个不合法参数一条")


# pydantic's error types → what a user reads; ``{…}`` are filled from the error's context
_PROBLEM_TEXT = {
    "missing": "缺少此参数",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "greater_than_equal": "须不小于 {ge}",
    "less_than_equal": "须不大于 {le}",
    "greater_than": "须大于 {gt}",
    "less_than": "须小于 {lt}",
    "enum": "须为以下之一：{expected}",
    "literal_error": "须为以下之一：{expected}",
    "string_type": "须为文本",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_too_short": "过短（至少 {min_length} 个字符）",
    "string_pattern_mismatch": "须含至少两个非空白字符",
    "json_invalid": "不是合法的 JSON",
    "model_attributes_type": "须为 JSON 对象",
    "dict_type": "须为 JSON 对象",
    "model_type": "须为 JSON 对象",
}


def param_problems(errors: list[dict[str, Any]]) -> list[str]:
    """``limit 须不大于 500``: one Chinese line per invalid parameter. Rewrites ``errors`` in
    place to ``{loc, type, msg}`` with that line, dropping pydantic's English text and its
    context (which may hold the exception object: not JSON)."""
    lines = []
    for error in errors:
        kind = str(error.get("type", ""))
        context = error.get("ctx") or {}
        if kind == "value_error" and "error" in context:
            text = str(context["error"])  # our validators' own Chinese (fazhi.core.params)
        else:
            if isinstance(context.get("expected"), str):  # "'红', '黄' or '蓝'": pydantic's English
                context = {**context, "expected": context["expected"].replace(" or ", ", ")}
            try:
                text = _PROBLEM_TEXT.get(kind, "不合法").format(**context)
            except (KeyError, IndexError):
                text = "不合法"
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        names = [part for part in loc if isinstance(part, str) and part not in ("query", "body")]
        name = names[-1] if names else ("请求体" if "body" in loc else "参数")
        line = f"{name} {text}"
        error.clear()
        error.update(loc=loc, type=kind, msg=line)
        lines.append(line)
    return lines


def read(*names: str) -> AliasChoices:
    """Where a field is read from: the row's attribute (a method is called, ``rule.name``
    follows the relation), then the field's own name (a body already built, for the detail
    schemas that extend it)."""
    return AliasChoices(*names)


# Times go out in the bureau's time zone, with their offset; missing text goes out as "".
LocalTime = Annotated[datetime, AfterValidator(timezone.localtime)]
MaybeLocalTime = Annotated[datetime | None, AfterValidator(local)]
Text = Annotated[str, BeforeValidator(lambda value: "" if value is None else str(value))]


class Out(Schema):
    """A response body read from a row's attributes: each field list is written once, here."""

    @classmethod
    def dump(cls, row: Any) -> dict[str, Any]:
        return cls.from_orm(row).model_dump()


class Ref(Out):
    id: str
    name: str


class Masked(Out):
    """A body with a 身份证号 and a phone, masked unless the user may see them."""

    id_number: Text = Field(description="身份证号（无 accounts.unmask_pii 权限时脱敏）")
    phone: Text = Field(description="电话（无 accounts.unmask_pii 权限时脱敏）")
    masked: bool = Field(False, description="身份证号、电话是否已脱敏")

    @classmethod
    def dump_masked(cls, row: Any, *, clear: bool) -> dict[str, Any]:
        body = cls.dump(row)
        if not clear:
            body.update(
                id_number=mask_id_number(body["id_number"]),
                phone=mask_phone(body["phone"]),
                masked=True,
            )
        return body


# --- findings ----------------------------------------------------------------------------------


class FindingFilters(PageParams):
    rule: str | None = Field(None, description="规则编号，如 XS-JL-01")
    unit: str | None = Field(None, description="单位编号（含其下级单位）")
    status: FindingStatus | None = Field(None, description=f"状态：{labels(FindingStatus)}")
    severity: Severity | None = Field(None, description=f"严重程度：{labels(Severity)}")
    open: bool | None = Field(None, description="true 仅有效发现，false 仅已消除的；不填为全部")
    subject_type: str | None = Field(None, description="对象类型：case、incident、transcript …")
    since: QuerySince | None = Field(
        None,
        description="首次发现时间不早于此时（日期或 ISO 8601 时间；无时区按北京时间；"
        f"早于或晚于 {DAY_RANGE_TEXT} 的按该范围的起止处理）",
    )


class Fact(Schema):
    field: str
    label: str
    value: Any = None


class FindingOut(Out):
    id: int
    rule: str = Field(validation_alias=read("rule_id", "rule"), description="规则编号")
    rule_name: str = Field(validation_alias=read("rule.name", "rule_name"))
    subject_type: str = Field(description="对象类型")
    subject_id: str = Field(description="对象编号")
    status: str = Field(description=f"状态：{labels(FindingStatus)}")
    status_label: str = Field(validation_alias=read("get_status_display", "status_label"))
    severity: str = Field(description=f"严重程度：{labels(Severity)}")
    unit: Ref | None
    officer: Ref | None = Field(description="责任民警")
    case_id: str | None
    trigger_at: MaybeLocalTime = Field(description="起算时间")
    due_at: MaybeLocalTime = Field(description="期限")
    done_at: MaybeLocalTime = Field(description="办理时间")
    score: float | None = Field(description="研判分值（疑点）")
    is_open: bool = Field(description="有效（未消除）")
    first_seen_at: LocalTime
    closed_at: MaybeLocalTime
    close_reason: str


class StandardOut(Out):
    code: str
    version: int
    title: str


class ProblemRef(Out):
    id: int
    status: str = Field(description=f"状态：{labels(ProblemStatus)}")
    status_label: str = Field(validation_alias=read("get_status_display", "status_label"))


class FindingDetail(FindingOut):
    facts: list[Fact] = Field(description="事实：字段、名称、值")
    explanation: str = Field(description="计算说明（期限如何计算）")
    basis: str = Field(description="法律依据")
    rule_help: str
    standards: list[StandardOut] = Field(description="该规则执行的现行标准")
    problems: list[ProblemRef] = Field(description="由此发现生成的整改问题")


class FindingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FindingOut]


# --- cases -------------------------------------------------------------------------------------


class PersonOut(Masked):
    id: str
    name: str
    birth_date: date | None
    gender: str | None
    role: str = Field(description="人员类别")


class MeasureOut(Out):
    id: str
    kind: str = Field(description="措施类别")
    person_id: str
    started_at: LocalTime
    ended_at: MaybeLocalTime
    extended_to: MaybeLocalTime
    approved_by: Ref | None
    document_no: str | None


class CaseOut(Out):
    id: str
    kind: str = Field(description="案件类别")
    cause: str = Field(description="案由")
    status: str = Field(description="案件状态")
    complex: bool = Field(description="重大复杂")
    unit: Ref
    lead_officer: Ref | None
    incident_id: str | None
    accepted_at: LocalTime
    filed_at: MaybeLocalTime
    closed_at: MaybeLocalTime


class CaseDetail(CaseOut):
    officers: list[Ref] = Field(description="协办民警")
    persons: list[PersonOut]
    measures: list[MeasureOut]
    findings: list[FindingOut]


# --- rules -------------------------------------------------------------------------------------


class Precision(Schema):
    confirmed: int = Field(description="认定为真（已销号，或经法制员推送/确认且未被不予认定）")
    dismissed: int = Field(description="不予认定")
    precision: float | None = Field(description="准确率 = 认定为真 /（认定为真 + 不予认定）")


class RuleBase(Out):
    code: str
    name: str
    kind: str = Field(description=f"类型：{labels(RuleKind)}")
    kind_label: str = Field(validation_alias=read("get_kind_display", "kind_label"))
    subject_type: str
    severity: str = Field(
        validation_alias=read("effective_severity", "severity"),
        description=f"本局生效的严重程度：{labels(Severity)}",
    )
    enabled: bool = Field(description="启用")
    warn_only: bool = Field(description="仅提醒")


class RuleOut(RuleBase):
    open_findings: dict[str, int] = Field(
        description=f"本人数据范围内各状态的有效发现数（total 为合计）：{labels(FindingStatus)}"
    )
    precision: Precision


class RuleSettingsOut(Out):
    pack: str
    basis: str = Field(description="法律依据")
    help_text: str
    settings: dict[str, Any] = Field(description="生效设置（规则包默认值叠加本局设置）")
    defaults: dict[str, Any] = Field(description="规则包默认设置")
    overrides: dict[str, Any] = Field(description="本局设置")
    settings_changed_at: MaybeLocalTime


class RuleDetail(RuleOut, RuleSettingsOut):
    standards: list[StandardOut]


class RulePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RuleOut]


def rule_out(r: Rule, counts: dict[str, Any], precision: dict[str, Any]) -> dict[str, Any]:
    """A rule with the open findings of the user's scope per status and its precision."""
    open_counts = {s: int(counts.get(s) or 0) for s in FindingStatus.values}
    open_counts["total"] = int(counts.get("total") or 0)
    return {
        **RuleBase.dump(r),
        "open_findings": open_counts,
        "precision": precision or {"confirmed": 0, "dismissed": 0, "precision": None},
    }


# --- problems ----------------------------------------------------------------------------------


class ProblemFilters(PageParams):
    status: ProblemStatus | None = Field(None, description=f"状态：{labels(ProblemStatus)}")
    rule: str | None = Field(None, description="规则编号")
    unit: str | None = Field(None, description="单位编号（含其下级单位）")
    officer: str | None = Field(None, description="责任民警编号")
    severity: Severity | None = Field(None, description=f"严重程度：{labels(Severity)}")
    active: bool | None = Field(None, description="true 仅未办结（非已销号、不予认定）")
    overdue: bool | None = Field(None, description="true 仅逾期未整改")


class ProblemOut(Out):
    id: int
    finding_id: int
    rule: str = Field(validation_alias=read("rule_id", "rule"))
    rule_name: str = Field(validation_alias=read("rule.name", "rule_name"))
    unit: Ref | None
    officer: Ref | None = Field(description="责任民警")
    case_id: str | None
    severity: str = Field(description=f"严重程度：{labels(Severity)}")
    status: str = Field(description=f"状态：{labels(ProblemStatus)}")
    status_label: str = Field(validation_alias=read("get_status_display", "status_label"))
    source: str = Field(description=f"来源：{labels(ProblemSource)}")
    source_label: str = Field(validation_alias=read("get_source_display", "source_label"))
    level: int = Field(description=f"督办层级：{labels(Level)}")
    level_label: str = Field(validation_alias=read("get_level_display", "level_label"))
    due_at: LocalTime = Field(description="整改期限")
    overdue: bool = Field(validation_alias=read("is_overdue", "overdue"), description="逾期未整改")
    created_at: LocalTime
    created_by: str
    fixed_at: MaybeLocalTime
    finished_at: MaybeLocalTime


class HistoryOut(Out):
    at: LocalTime
    actor: str
    verb: str = Field(description=f"操作：{labels(Verb)}")
    verb_label: str = Field(validation_alias=read("get_verb_display", "verb_label"))
    comment: str
    from_status: str
    to_status: str
    level: int


class AttachmentOut(Out):
    id: int
    name: str = Field(validation_alias=read("original_name", "name"))
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: LocalTime


class ProblemDetail(ProblemOut):
    finding: FindingOut
    history: list[HistoryOut]
    attachments: list[AttachmentOut] = Field(description="附件（文件在网页上下载）")
    allowed_actions: list[str] = Field(description="当前用户现在可执行的操作（见 actions 接口）")


class ProblemPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProblemOut]


class ProblemActionName(StrEnum):
    """整改问题操作：submit_fix 提交整改，approve 审核销号，reject 退回，appeal 申诉，
    uphold_appeal 申诉成立，overrule_appeal 申诉驳回，dismiss 不予认定。"""

    SUBMIT_FIX = "submit_fix"
    APPROVE = "approve"
    REJECT = "reject"
    APPEAL = "appeal"
    UPHOLD_APPEAL = "uphold_appeal"
    OVERRULE_APPEAL = "overrule_appeal"
    DISMISS = "dismiss"


ACTION_TEXT = (
    "submit_fix=提交整改（民警、业务负责人；不含附件，附件请在网页上传），"
    "approve=审核销号（法制员、法制大队），reject=退回（须填理由），"
    "appeal=申诉（民警，须填理由），uphold_appeal=申诉成立（不予认定），"
    "overrule_appeal=申诉驳回，dismiss=不予认定（须填理由）"
)


class ActionIn(Schema):
    comment: str = Field("", description="说明：整改情况、退回理由、申诉理由或裁决意见")


# --- 每日十问 ----------------------------------------------------------------------------------


class DailyFilters(PageParams):
    day: QueryDay | None = Field(None, description="日期（YYYY-MM-DD），不填为今天（北京时间）")
    unit: str | None = Field(None, description="单位编号（含其下级单位）")


class DailyRecord(Schema):
    type: Text
    id: Text
    label: Text
    case_id: str | None = None


class DailyAnswerOut(Out):
    code: str = Field(description="问题编号 Q01–Q10")
    title: str = Field(validation_alias=read("question_title", "title"))
    question: str = Field(validation_alias=read("question_text", "question"))
    count: int = Field(description="命中记录数")
    records: list[DailyRecord]
    confirmed: bool = Field(validation_alias=read("is_confirmed", "confirmed"))
    confirmed_by: str
    confirmed_at: MaybeLocalTime
    note: str = Field(description="法制员确认说明")


class DailySheetOut(Out):
    id: int
    unit: Ref | None
    day: date
    complete: bool = Field(
        validation_alias=read("is_complete", "complete"), description="执法每日清：十问均已确认"
    )
    completed_at: MaybeLocalTime
    completed_by: str
    refreshed_at: LocalTime
    answers: list[DailyAnswerOut]


class DailyPage(Schema):
    count: int
    limit: int
    offset: int
    day: date
    items: list[DailySheetOut]


# --- /me ---------------------------------------------------------------------------------------


class ScopeOut(Schema):
    bureau_wide: bool = Field(description="全局数据范围（局领导、法制大队、管理员）")
    own_only: bool = Field(description="仅本人案件和问题（民警）")
    unit_ids: list[str] | None = Field(description="可见单位（null 为全局）")
    officer_id: str | None


class MeOut(Schema):
    username: str
    name: str
    role: str | None = Field(
        description="角色：民警、法制员、业务负责人、分管法制领导、所队长、局领导、法制大队、管理员"
    )
    unit: Ref | None
    officer_id: str | None
    can_unmask: bool = Field(description="可查看完整身份证号和电话（accounts.unmask_pii）")
    auth: str = Field(description="本次认证方式：session 或 token")
    token_name: str | None
    scope: ScopeOut


# --- 矛盾纠纷 ----------------------------------------------------------------------------------

DISPUTE_STATUS_TEXT = "未化解，化解中，已化解"
COLOUR_TEXT = "红=红色，黄=黄色，蓝=蓝色（风险由高到低）"


class DisputeFilters(PageParams):
    colour: RiskColour | None = Field(None, description=f"风险等级：{COLOUR_TEXT}")
    status: DisputeStatus | None = Field(None, description=f"化解状态：{DISPUTE_STATUS_TEXT}")
    unit: str | None = Field(None, description="单位编号（含其下级单位）")
    open: bool | None = Field(None, description="true 仅未化解和化解中")


class DisputeOut(Out):
    id: int
    incident_id: str
    unit: Ref | None
    officer: Ref | None = Field(description="社区民警")
    dispute_type: str = Field(description="纠纷类型")
    consequence: str = Field(description="行为后果")
    cause: str = Field(description="纠纷成因")
    status: str = Field(description=f"化解状态：{DISPUTE_STATUS_TEXT}")
    colour: str = Field(description=f"风险等级：{COLOUR_TEXT}")
    colour_label: str = Field(validation_alias=read("get_colour_display", "colour_label"))
    score: int = Field(description="风险分")
    created_at: LocalTime
    graded_at: LocalTime
    red_since: MaybeLocalTime
    resolved_at: MaybeLocalTime
    escalated_at: MaybeLocalTime = Field(description="抄告时间")


class ReasonOut(Schema):
    factor: Text
    points: int
    reason: Text


class PartyOut(Masked):
    name: str
    source: str
    person_ids: list[str]


class ChecklistOut(Out):
    kind: str = Field(description="八必查 或 八必判")
    item: str
    label: str
    answer: str
    source: str
    note: str
    answered_by: str
    answered_at: MaybeLocalTime


class PlanOut(Out):
    seq: int
    due_at: LocalTime = Field(description="应回访时间")
    officer_id: str | None
    colour: str
    followup_id: str | None = Field(
        validation_alias=read("done_followup_id", "followup_id"),
        description="完成该次回访的回访记录",
    )
    cancelled_at: MaybeLocalTime


class DisputeDetail(DisputeOut):
    reasons: list[ReasonOut] = Field(description="计分理由（每一分的来由）")
    parties: list[PartyOut]
    checklist: list[ChecklistOut] = Field(description="八必查、八必判")
    plans: list[PlanOut] = Field(description="回访计划")


class DisputePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[DisputeOut]


# --- search ------------------------------------------------------------------------------------


class SearchParams(Schema):
    # the service's own checks (after stripping blanks) as the schema says them: two characters
    # that are not blanks at least, so that a schema-valid query is never refused
    q: str = Field(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        pattern=r"\S.*\S",
        description=f"搜索内容（{MIN_LENGTH}–{MAX_LENGTH}个字）：案件编号或案由、警情编号、地址或报警人、"
        "涉案人员姓名或完整的身份证号（精确匹配）、民警姓名或警号、整改问题编号。"
        "两个字按开头匹配，三个字及以上按包含匹配",
    )
    kind: SearchKind | None = Field(None, description=f"只搜一类：{labels(SearchKind)}；不填搜全部")
    limit: int | None = Field(
        None, ge=1, le=LIMIT_ONE,
        description=f"每类最多条数（1–{LIMIT_ONE}；不填：搜全部时每类10条，只搜一类时{LIMIT_ONE}条）",
    )  # fmt: skip


class SearchHit(Out):
    id: str = Field(description="记录编号（整改问题为其数字编号）")
    title: str = Field(description="记录名称")
    detail: str = Field(description="摘要（身份证号已脱敏）")
    url: str = Field(description="记录页面的地址")
    time: MaybeLocalTime = Field(
        validation_alias=read("when", "time"), description="受案、接警或问题生成时间（北京时间）"
    )


class SearchGroup(Out):
    kind: SearchKind = Field(description=f"类别：{labels(SearchKind)}")
    label: str = Field(description="类别的中文名")
    items: list[SearchHit] = Field(validation_alias=read("hits", "items"))
    more: bool = Field(description="还有更多符合的记录（请缩小搜索范围或只搜这一类）")


class SearchOut(Out):
    query: str = Field(
        validation_alias=read("shown", "query"),
        description="搜索内容（其中的身份证号、电话号码已脱敏）",
    )
    groups: list[SearchGroup] = Field(description="按类别分组的结果，每类一组（含没有结果的类别）")


# --- 执法质量考评 ------------------------------------------------------------------------------

EVALUATION_STATUS_TEXT = labels(EvaluationStatus)
SUBJECT_TEXT = labels(SubjectKind)
STANDING_TEXT = labels(Standing)


class EvaluationFilters(PageParams):
    month: str | None = Field(
        None,
        pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$",
        description="考评月份（YYYY-MM，如 2026-10）",
    )
    status: EvaluationStatus | None = Field(
        None, description=f"状态：{EVALUATION_STATUS_TEXT}（草稿、已审核仅法制大队、管理员可见）"
    )


class EvaluationOut(Out):
    id: int
    month: str = Field(validation_alias=read("month_text", "month"), description="考评月份 YYYY-MM")
    version: int = Field(description="版本（申诉成立后重新发布为新版本）")
    status: str = Field(description=f"状态：{EVALUATION_STATUS_TEXT}")
    status_label: str = Field(validation_alias=read("get_status_display", "status_label"))
    scheme_name: str = Field(description="考评方案")
    scheme_version: str
    as_of: LocalTime = Field(description="数据截止时间")
    computed_at: LocalTime
    checked_at: MaybeLocalTime
    published_at: MaybeLocalTime
    appeal_until: MaybeLocalTime = Field(description="申诉截止时间")
    previous_id: int | None = Field(description="前一版本（重新发布时）")


class EvaluationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EvaluationOut]


class ScoreItemOut(Out):
    id: int
    indicator: str = Field(description="指标编号")
    indicator_name: str
    points: float = Field(description="扣分（归一化后、封顶前）")
    record_type: str = Field(description="记录类型（problem、review、complaint、safety_event …）")
    record_id: str
    act_at: MaybeLocalTime = Field(description="行为时间（扣分计入该月的依据）")
    withdrawn: bool = Field(description="已因申诉成立撤销")


class ScoreOut(Out):
    id: int
    subject: str = Field(description=f"考评对象：{SUBJECT_TEXT}")
    unit: Ref | None
    officer: Ref | None = Field(description="民警或中层领导；单位的得分为 null")
    leader_role: str = Field(description="中层领导的职务")
    workload: int = Field(description="工作量（案件与警情，单位）")
    case_count: int = Field(description="办理案件数（民警）")
    score: float | None = Field(description="得分；null 为未导入（没有可计分的指标）")
    grade: str = Field(description="等次：优秀、达标、不达标；未评定为空")
    standing: str = Field(description=f"排名状态：{STANDING_TEXT}")
    standing_label: str = Field(validation_alias=read("get_standing_display", "standing_label"))
    rank: int | None
    vetoes: list[dict[str, Any]] = Field(description="一票否决（kind、record_type、record_id、at）")
    indicators: list[dict[str, Any]] = Field(
        description="各指标：分值、扣分、状态（已计分/未导入）"
    )
    items: list[ScoreItemOut] = Field(description="扣分明细，每项对应一条记录")


class EvaluationDetail(EvaluationOut):
    changes: list[dict[str, Any]] = Field(description="与前一版本的差异（重新发布时）")
    units: list[ScoreOut]
    officers: list[ScoreOut]
    leaders: list[ScoreOut]


# --- 报告 ----------------------------------------------------------------------------------------

REPORT_KIND_TEXT = labels(ReportKind)
PERIOD_TEXT = "、".join(PERIOD_EXAMPLES.values())
PERIOD_PATTERN = r"^\d{4}-(\d{2}-\d{2}|W\d{1,2}|\d{1,2}|Q[1-4])$"
_PERIOD = re.compile(PERIOD_PATTERN)


def _period(value: str | None) -> str | None:
    if value is not None and not _PERIOD.match(value):
        raise ValueError(f"期间格式有误：{value[:20]}（应为 {PERIOD_TEXT} 之一的格式）")
    return value


class ReportFormat(StrEnum):
    DOCX = "docx"
    XLSX = "xlsx"


REPORT_FORMAT_LABELS = {ReportFormat.DOCX: "正文（Word）", ReportFormat.XLSX: "数据附件（Excel）"}


class ReportFilters(PageParams):
    kind: ReportKind | None = Field(None, description=f"种类：{REPORT_KIND_TEXT}")
    period: Annotated[str | None, AfterValidator(_period)] = Field(
        None,
        max_length=16,
        # declared for the schema; checked by ``_period``, which says what is wrong in Chinese
        json_schema_extra={"pattern": PERIOD_PATTERN},
        description=f"期间（如 {PERIOD_TEXT}）",
    )
    unit: str | None = Field(
        None, max_length=64,
        description="单位编号：该单位及其下级单位的报告（不含全局报告）；不填为可查看的全部",
    )  # fmt: skip
    scheduled: bool | None = Field(None, description="true 仅定时生成的，false 仅手动生成的")


class ReportFileOut(Schema):
    format: ReportFormat = Field(description="docx=正文（Word），xlsx=数据附件（Excel）")
    label: str
    size: int = Field(description="字节数")
    url: str = Field(description="接口下载地址（令牌或会话均可，下载记入审计）")
    page_url: str = Field(description="网页下载地址（须登录会话）")


class ReportOut(Schema):
    id: int
    kind: ReportKind = Field(description=f"种类：{REPORT_KIND_TEXT}")
    kind_label: str
    period: str = Field(description=f"期间（如 {PERIOD_TEXT}）")
    period_label: str = Field(description="期间（中文，如 2026年第41周（10月5日至10月11日））")
    unit: Ref | None = Field(description="报告的单位（含其下级单位）；全局报告为 null")
    scope_name: str = Field(description="范围：全局或单位名称")
    number: str = Field(description="文号")
    title: str
    scheduled: bool = Field(description="定时生成（true）或手动生成（false）")
    generated_at: LocalTime
    generated_by: str = Field(description="生成人（姓名（警号）；定时生成为 系统（自动））")
    files: list[ReportFileOut] = Field(description="正文和数据附件")


class ReportDetail(ReportOut):
    summary: dict[str, Any] = Field(description="主要数字（各种类不同，与报告正文一致）")


class ReportPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReportOut]


# --- 执法服务专岗 ------------------------------------------------------------------------------

REQUEST_STATUS_TEXT = labels(RequestStatus)
REQUEST_KIND_TEXT = labels(RequestKind)


class ServiceRequestFilters(PageParams):
    status: RequestStatus | None = Field(None, description=f"状态：{REQUEST_STATUS_TEXT}")
    kind: RequestKind | None = Field(None, description=f"申请事项：{REQUEST_KIND_TEXT}")
    unit: str | None = Field(None, description="申请（办案）单位编号（含其下级单位）")
    overdue: bool | None = Field(None, description="true 仅已超时未办结")


class ServiceRequestOut(Out):
    id: int
    kind: str = Field(description=f"申请事项：{REQUEST_KIND_TEXT}")
    kind_label: str = Field(validation_alias=read("get_kind_display", "kind_label"))
    status: str = Field(description=f"状态：{REQUEST_STATUS_TEXT}")
    status_label: str = Field(validation_alias=read("get_status_display", "status_label"))
    case_id: str = Field(description="案件编号")
    unit: Ref | None = Field(description="申请单位（办案单位）")
    centre: Ref | None = Field(description="受理的执法办案管理中心")
    officer: Ref | None = Field(description="申请民警")
    item_id: str | None = Field(description="涉案财物编号（财物类事项）")
    measure_id: str | None = Field(description="取保候审编号（保证金类事项）")
    handler: str | None = Field(
        validation_alias=read("handler_login", "handler"),
        description="承办人（执法服务专岗的登录名）；未受理为 null",
    )
    limit: str = Field(description="办理时限（如 3工作日、4工作小时）")
    filed_at: LocalTime = Field(description="申请时间")
    due_at: LocalTime = Field(description="办理期限")
    overdue: bool = Field(
        validation_alias=read("is_overdue", "overdue"), description="已超时未办结"
    )
    accepted_at: MaybeLocalTime = Field(description="受理时间")
    completed_at: MaybeLocalTime = Field(description="办结时间")
    returned_at: MaybeLocalTime = Field(description="退回时间")


class ServiceRequestDetail(ServiceRequestOut):
    detail: str = Field(description="申请事由（身份证号、电话按权限脱敏）")
    result: str = Field(description="办理结果（同上脱敏）；未办结为空")
    return_reason: str = Field(description="退回理由（同上脱敏）；未退回为空")
    attachments: list[AttachmentOut] = Field(description="附件（文件在网页上下载）")
    allowed_actions: list[str] = Field(description="当前用户现在可执行的操作（见 actions 接口）")


class ServiceRequestPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ServiceRequestOut]


class ServiceActionName(StrEnum):
    """服务申请操作：accept 受理，complete 办结，return 退回。"""

    ACCEPT = "accept"
    COMPLETE = "complete"
    RETURN = "return"


SERVICE_ACTION_TEXT = (
    "accept=受理（本中心的执法服务专岗，待受理的申请），"
    "complete=办结（承办中心的执法服务专岗，办理中的申请；comment 为办理结果，必填；"
    "附件请在网页上传），return=退回（待受理或办理中的申请；comment 为退回理由，必填）"
)
