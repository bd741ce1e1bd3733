"""The closed enumerations of FZX v1 and v1.1 (exchange-format.md), as Django ``TextChoices``.

The stored value *is* the Chinese term police systems use, so a value is its own label.
"""

from django.db import models


class UnitKind(models.TextChoices):
    CITY_BUREAU = "市局", "市局"
    COUNTY_BUREAU = "县局", "县局"
    BRANCH_BUREAU = "分局", "分局"
    POLICE_STATION = "派出所", "派出所"
    CRIMINAL_BRIGADE = "刑侦大队", "刑侦大队"
    PUBLIC_ORDER_BRIGADE = "治安大队", "治安大队"
    TRAFFIC_BRIGADE = "交警大队", "交警大队"
    ECONOMIC_BRIGADE = "经侦大队", "经侦大队"
    NARCOTICS_BRIGADE = "禁毒大队", "禁毒大队"
    CYBER_BRIGADE = "网安大队", "网安大队"
    LEGAL_BRIGADE = "法制大队", "法制大队"
    CASE_CENTRE = "执法办案管理中心", "执法办案管理中心"
    OTHER = "其他", "其他"


class OfficerRole(models.TextChoices):
    OFFICER = "民警", "民警"
    AUXILIARY = "辅警", "辅警"
    LEGAL_OFFICER = "法制员", "法制员"
    BUSINESS_LEAD = "业务负责人", "业务负责人"
    LEGAL_LEADER = "分管法制领导", "分管法制领导"
    CHIEF = "所队长", "所队长"
    BUREAU_LEADER = "局领导", "局领导"


class Qualification(models.TextChoices):
    NONE = "无", "无"
    BASIC = "基本级", "基本级"
    INTERMEDIATE = "中级", "中级"
    ADVANCED = "高级", "高级"


class IncidentSource(models.TextChoices):
    HOTLINE_110 = "110", "110"
    COUNTER = "窗口", "窗口"
    ONLINE = "网络", "网络"
    PHONE = "电话", "电话"
    OTHER = "其他", "其他"


class IncidentCategory(models.TextChoices):
    CRIMINAL = "刑事", "刑事"
    PUBLIC_ORDER = "治安", "治安"
    DISPUTE = "纠纷", "纠纷"
    TRAFFIC = "交通", "交通"
    ASSISTANCE = "求助", "求助"
    FIRE = "火灾", "火灾"
    OTHER = "其他", "其他"


class Disposition(models.TextChoices):
    ACCEPTED = "受案", "受案"
    MEDIATED = "调解", "调解"
    TRANSFERRED = "移交", "移交"
    NOT_ACCEPTED = "不予受案", "不予受案"
    ON_SITE = "现场处置", "现场处置"
    INVALID = "无效警情", "无效警情"


class DisputeType(models.TextChoices):
    FAMILY = "婚恋家庭", "婚恋家庭"
    NEIGHBOUR = "邻里", "邻里"
    ECONOMIC = "经济", "经济"
    LABOUR = "劳资", "劳资"
    MEDICAL = "医患", "医患"
    PROPERTY_MANAGEMENT = "物业", "物业"
    TRAFFIC_ACCIDENT = "交通事故", "交通事故"
    LAND = "土地山林", "土地山林"
    OTHER = "其他", "其他"


class CaseKind(models.TextChoices):
    CRIMINAL = "刑事", "刑事"
    ADMINISTRATIVE = "行政", "行政"


class CaseStatus(models.TextChoices):
    ACCEPTED = "受案", "受案"
    FILED = "立案", "立案"
    NOT_FILED = "不予立案", "不予立案"
    INVESTIGATING = "侦查中", "侦查中"
    PROSECUTION = "移送审查起诉", "移送审查起诉"
    REVOKED = "撤销案件", "撤销案件"
    TERMINATED = "终止侦查", "终止侦查"
    PUNISHED = "已处罚", "已处罚"
    NOT_PUNISHED = "不予处罚", "不予处罚"
    CLOSED = "结案", "结案"


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class PersonRole(models.TextChoices):
    SUSPECT = "犯罪嫌疑人", "犯罪嫌疑人"
    OFFENDER = "违法行为人", "违法行为人"
    VICTIM = "被害人", "被害人"
    WITNESS = "证人", "证人"
    REPORTER = "报案人", "报案人"


class MeasureKind(models.TextChoices):
    SUMMONS = "传唤", "传唤"
    COMPELLED_APPEARANCE = "拘传", "拘传"
    CRIMINAL_DETENTION = "刑事拘留", "刑事拘留"
    ARREST = "逮捕", "逮捕"
    BAIL = "取保候审", "取保候审"
    RESIDENTIAL_SURVEILLANCE = "监视居住", "监视居住"
    DESIGNATED_RESIDENCE = "指定居所监视居住", "指定居所监视居住"
    ADMIN_SUMMONS = "行政传唤", "行政传唤"
    ADMIN_DETENTION = "行政拘留", "行政拘留"
    SEIZURE = "扣押", "扣押"
    SEALING = "查封", "查封"
    FREEZING = "冻结", "冻结"


class EventKind(models.TextChoices):
    ACCEPTANCE_RECEIPT = "受案回执", "受案回执"
    FILING = "立案", "立案"
    NOT_FILING = "不予立案", "不予立案"
    FILING_NOTICE = "立案告知", "立案告知"
    NOT_FILING_NOTICE = "不立案告知", "不立案告知"
    FAMILY_NOTIFIED = "通知家属", "通知家属"
    FAMILY_UNREACHABLE = "无法通知家属", "无法通知家属"
    TO_DETENTION_HOUSE = "送看守所", "送看守所"
    INTERROGATION = "讯问", "讯问"
    ARREST_REQUESTED = "提请批准逮捕", "提请批准逮捕"
    ARREST_APPROVED = "批准逮捕", "批准逮捕"
    ARREST_REFUSED = "不批准逮捕", "不批准逮捕"
    EXTENSION = "延长期限", "延长期限"
    TO_PROSECUTION = "移送审查起诉", "移送审查起诉"
    PENALTY_DECISION = "处罚决定", "处罚决定"
    NO_PENALTY_DECISION = "不予处罚决定", "不予处罚决定"
    PENALTY_NOTICE = "告知处罚", "告知处罚"
    HEARING_NOTICE = "听证告知", "听证告知"
    SERVICE = "送达", "送达"
    CLOSING = "结案", "结案"
    CASE_REVOKED = "撤销案件", "撤销案件"
    RELEASE = "释放", "释放"
    MEASURE_CHANGED = "变更强制措施", "变更强制措施"
    MEASURE_LIFTED = "解除强制措施", "解除强制措施"
    DEPOSIT_RETURNED = "退还保证金", "退还保证金"
    DEPOSIT_FORFEITED = "没收保证金", "没收保证金"
    PROPERTY_STORED = "财物入库", "财物入库"
    PROPERTY_RETURNED = "财物返还", "财物返还"
    PROPERTY_DISPOSED = "财物处置", "财物处置"
    RIGHTS_NOTICE = "权利义务告知", "权利义务告知"


class TranscriptKind(models.TextChoices):
    INQUIRY = "询问", "询问"
    INTERROGATION = "讯问", "讯问"


class PropertyCategory(models.TextChoices):
    CASH = "现金", "现金"
    VEHICLE = "车辆", "车辆"
    ELECTRONICS = "电子设备", "电子设备"
    CONTROLLED_KNIFE = "管制刀具", "管制刀具"
    DRUGS = "毒品", "毒品"
    PAPERS = "文件", "文件"
    OTHER = "其他", "其他"


class PropertyStatus(models.TextChoices):
    AWAITING_STORAGE = "待入库", "待入库"
    STORED = "在库", "在库"
    RETURNED = "已返还", "已返还"
    CONFISCATED = "已没收", "已没收"
    DESTROYED = "已销毁", "已销毁"
    TRANSFERRED = "已移送", "已移送"


class VenueKind(models.TextChoices):
    CASE_AREA = "办案区", "办案区"
    INQUIRY_ROOM = "询问室", "询问室"
    INTERROGATION_ROOM = "讯问室", "讯问室"
    WAITING_ROOM = "候问室", "候问室"
    DETENTION_HOUSE = "看守所", "看守所"
    ADMIN_DETENTION_CENTRE = "拘留所", "拘留所"
    OTHER = "其他", "其他"


class FollowupResult(models.TextChoices):
    RESOLVED = "已化解", "已化解"
    UNRESOLVED = "未化解", "未化解"
    ESCALATING = "有激化风险", "有激化风险"
    UNREACHABLE = "无法联系", "无法联系"


# --- FZX v1.1 ----------------------------------------------------------------------------


class MovementKind(models.TextChoices):
    """涉案财物流转: one step of the custody chain."""

    STORE_IN = "入库", "入库"
    STORE_OUT = "出库", "出库"
    BORROW = "调用", "调用"
    BRING_BACK = "归还", "归还"
    HAND_OVER = "移交", "移交"
    RETURN_TO_OWNER = "返还", "返还"
    DISPOSE = "处置", "处置"


class ReviewKind(models.TextChoices):
    """Outside review of a case (执法监督救济)."""

    ADMIN_RECONSIDERATION = "行政复议", "行政复议"
    ADMIN_LITIGATION = "行政诉讼", "行政诉讼"
    STATE_COMPENSATION = "国家赔偿", "国家赔偿"
    PROCURATORATE = "检察监督", "检察监督"
    SUPPLEMENTARY_INVESTIGATION = "退回补充侦查", "退回补充侦查"
    FAULT_ACCOUNTABILITY = "执法过错追究", "执法过错追究"


class ReviewOutcome(models.TextChoices):
    UPHELD = "维持", "维持"
    DISMISSED = "驳回", "驳回"
    REVOKED = "撤销", "撤销"
    ALTERED = "变更", "变更"
    DECLARED_UNLAWFUL = "确认违法", "确认违法"
    ORDERED_TO_ACT = "责令履行", "责令履行"
    COMPENSATION = "赔偿", "赔偿"
    CORRECTED = "纠正", "纠正"
    SETTLED_WITHDRAWN = "和解撤回", "和解撤回"
    OTHER = "其他", "其他"


class ComplaintChannel(models.TextChoices):
    HOTLINE_12389 = "12389", "12389"
    PETITION = "信访", "信访"
    ONLINE = "网络", "网络"
    PHONE = "电话", "电话"
    DISCLOSURE_PLATFORM = "执法公开平台", "执法公开平台"
    OTHER = "其他", "其他"


class ComplaintResult(models.TextChoices):
    TRUE = "属实", "属实"
    PARTLY_TRUE = "部分属实", "部分属实"
    UNTRUE = "不属实", "不属实"


class SafetyEventKind(models.TextChoices):
    """执法安全事故."""

    DEATH = "死亡", "死亡"
    SERIOUS_INJURY = "重伤", "重伤"
    ESCAPE = "脱逃", "脱逃"
    SELF_HARM = "自杀自残", "自杀自残"
    TORTURE = "刑讯逼供", "刑讯逼供"
    WEAPON_MISUSE = "违规使用警械武器", "违规使用警械武器"
    OTHER = "其他", "其他"


class TrainingKind(models.TextChoices):
    QUALIFICATION_EXAM = "执法资格考试", "执法资格考试"
    LEGAL_PROFESSION_EXAM = "法律职业资格考试", "法律职业资格考试"
    TRAINING = "培训", "培训"
    LAW_STUDY_EXAM = "学法考试", "学法考试"
    COURT_OBSERVATION = "庭审旁听", "庭审旁听"
    OTHER = "其他", "其他"


class TrainingResult(models.TextChoices):
    PASSED = "通过", "通过"
    FAILED = "未通过", "未通过"
    QUALIFIED = "合格", "合格"
    UNQUALIFIED = "不合格", "不合格"


class CommendationKind(models.TextChoices):
    COMMENDATION = "嘉奖", "嘉奖"
    THIRD_CLASS_MERIT = "三等功", "三等功"
    SECOND_CLASS_MERIT = "二等功", "二等功"
    FIRST_CLASS_MERIT = "一等功", "一等功"
    PUBLIC_PRAISE = "通报表扬", "通报表扬"
    MODEL_POST = "执法示范岗位", "执法示范岗位"
    OTHER = "其他", "其他"


class DisciplineKind(models.TextChoices):
    CRITICISM = "批评教育", "批评教育"
    ADMONITION = "诫勉", "诫勉"
    CIRCULATED_CRITICISM = "通报批评", "通报批评"
    SUSPENSION = "停止执行职务", "停止执行职务"
    WARNING = "警告", "警告"
    DEMERIT = "记过", "记过"
    MAJOR_DEMERIT = "记大过", "记大过"
    DEMOTION = "降级", "降级"
    DISMISSAL_FROM_POST = "撤职", "撤职"
    EXPULSION = "开除", "开除"
    OTHER = "其他", "其他"
