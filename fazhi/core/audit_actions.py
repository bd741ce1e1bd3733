"""Every action the audit log records, in one enumeration (as Zulip's AuditLogEventType).

``record_audit`` takes a member, not a string, so that mypy refuses an action nobody listed here
and a reader of the log (``fazhi audit``, the admin) sees each one named in Chinese. The values
are the strings written before this enumeration existed: the hash chain covers them, so a value
must never change (add a member instead); old rows keep verifying.
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    # --- sign-in (accounts.signals) ------------------------------------------------------------
    AUTH_LOGIN = "auth.login", "登录"
    AUTH_LOGOUT = "auth.logout", "退出登录"
    AUTH_LOGIN_FAILED = "auth.login_failed", "登录失败"
    AUTH_LOCKOUT = "auth.lockout", "登录锁定"
    AUTH_UNLOCK = "auth.unlock", "解除登录锁定"
    # --- accounts -------------------------------------------------------------------------------
    ACCOUNT_CREATE = "account.create", "创建账号"
    ACCOUNT_RESET = "account.reset", "重置账号"
    ACCOUNT_PROFILE = "account.profile", "修改账号角色与单位"
    ACCOUNT_CHANGE = "account.change", "修改账号"
    ACCOUNT_PASSWORD = "account.password", "设置密码"
    PII_UNMASK = "pii.unmask", "查看完整敏感信息"
    # --- exchange, intel ------------------------------------------------------------------------
    IMPORT = "import", "导入数据包"
    EXPORT = "export", "导出数据包"
    INTEL_REBUILD = "intel.rebuild", "重建文本索引"
    INTEL_SYNC = "intel.sync", "同步文本索引"
    # --- patrol, standards ----------------------------------------------------------------------
    RULE_CHANGE = "rule.change", "修改巡查规则"
    PATROL_RUN = "patrol.run", "执行巡查"
    HOLIDAY_NOTICE_LOAD = "holiday_notice.load", "载入放假通知"
    STANDARD_SYNC = "standard.sync", "同步执法标准包"
    STANDARD_CREATE = "standard.create", "新增执法标准"
    STANDARD_REVISE = "standard.revise", "修订执法标准"
    # --- notifications --------------------------------------------------------------------------
    NOTIFICATIONS_NOTIFY = "notifications.notify", "发送通知"
    NOTIFICATIONS_READ = "notifications.read", "阅读通知"
    NOTIFICATIONS_DELIVER = "notifications.deliver", "推送通知到外部接口"
    # --- rectification (one per Verb, "rectification.<verb>") ------------------------------------
    RECTIFICATION_CREATE = "rectification.create", "生成整改问题"
    RECTIFICATION_PUSH = "rectification.push", "推送整改"
    RECTIFICATION_CONFIRM = "rectification.confirm", "确认疑点"
    RECTIFICATION_SUBMIT = "rectification.submit", "提交整改"
    RECTIFICATION_APPROVE = "rectification.approve", "审核销号"
    RECTIFICATION_REJECT = "rectification.reject", "退回整改"
    RECTIFICATION_APPEAL = "rectification.appeal", "申诉"
    RECTIFICATION_UPHOLD = "rectification.uphold", "申诉成立"
    RECTIFICATION_OVERRULE = "rectification.overrule", "申诉驳回"
    RECTIFICATION_DISMISS = "rectification.dismiss", "不予认定"
    RECTIFICATION_ESCALATE = "rectification.escalate", "整改升级"
    RECTIFICATION_INTERVIEW = "rectification.interview", "提醒约谈"
    RECTIFICATION_POLICY = "rectification.policy", "修改整改时限设置"
    # --- dailycheck -----------------------------------------------------------------------------
    DAILYCHECK_GENERATE = "dailycheck.generate", "生成每日核查表"
    DAILYCHECK_CONFIRM = "dailycheck.confirm", "确认核查项"
    DAILYCHECK_COMPLETE = "dailycheck.complete", "完成每日核查"
    # --- disputes -------------------------------------------------------------------------------
    DISPUTES_CHANGE_POLICY = "disputes.change_policy", "修改矛盾纠纷分级设置"
    DISPUTES_RECORD_FOLLOWUP = "disputes.record_followup", "登记回访"
    DISPUTES_ANSWER_CHECKLIST = "disputes.answer_checklist", "填写排查清单"
    DISPUTES_RESOLVE = "disputes.resolve", "化解销号"
    DISPUTES_ESCALATE = "disputes.escalate", "抄告升级"
    DISPUTES_TICK = "disputes.tick", "矛盾纠纷定时任务"
    # --- evaluation (执法质量考评) ---------------------------------------------------------------
    EVALUATION_COMPUTE = "evaluation.compute", "计算考评结果"
    EVALUATION_CHECK = "evaluation.check", "审核考评结果"
    EVALUATION_PUBLISH = "evaluation.publish", "发布考评结果"
    EVALUATION_APPEAL = "evaluation.appeal", "考评申诉"
    EVALUATION_UPHOLD = "evaluation.uphold", "考评申诉成立（重新发布）"
    EVALUATION_OVERRULE = "evaluation.overrule", "考评申诉驳回"
    REPORT_GENERATE = "report.generate", "生成报告"
    REPORT_DOWNLOAD = "report.download", "下载报告"
    # --- api tokens -----------------------------------------------------------------------------
    API_TOKEN_CREATE = "api.token_create", "签发接口令牌"
    API_TOKEN_REVOKE = "api.token_revoke", "吊销接口令牌"
    # --- search (searching police data is itself sensitive: who looked for whom) -----------------
    SEARCH = "search", "搜索"
    # --- page views (core.services.audit_view: "view.<target_type>") ----------------------------
    VIEW_WORKBENCH = "view.workbench", "查看工作台"
    VIEW_UNIT = "view.unit", "查看单位"
    VIEW_OFFICER = "view.officer", "查看民警"
    VIEW_VENUE = "view.venue", "查看场所"
    VIEW_INCIDENT = "view.incident", "查看警情"
    VIEW_CASE = "view.case", "查看案件"
    VIEW_PERSON = "view.person", "查看涉案人员"
    VIEW_MEASURE = "view.measure", "查看强制措施"
    VIEW_PROPERTY = "view.property", "查看涉案财物"
    VIEW_EVENT = "view.event", "查看执法行为"
    VIEW_TRANSCRIPT = "view.transcript", "查看笔录"
    VIEW_VENUE_VISIT = "view.venue_visit", "查看办案区使用"
    VIEW_DOCUMENT = "view.document", "查看法律文书"
    VIEW_FOLLOWUP = "view.followup", "查看回访"
    VIEW_PROPERTY_MOVEMENT = "view.property_movement", "查看涉案财物流转"
    VIEW_RECORDING = "view.recording", "查看执法音视频"
    VIEW_REVIEW = "view.review", "查看执法监督救济"
    VIEW_COMPLAINT = "view.complaint", "查看投诉信访"
    VIEW_SAFETY_EVENT = "view.safety_event", "查看执法安全事故"
    VIEW_TRAINING = "view.training", "查看培训考试"
    VIEW_COMMENDATION = "view.commendation", "查看表彰奖励"
    VIEW_DISCIPLINE = "view.discipline", "查看惩戒处理"
    VIEW_INTEL_QUEUE = "view.intel_queue", "查看研判复核队列"
    VIEW_FINDING = "view.finding", "查看巡查发现"
    VIEW_FINDINGS = "view.findings", "查看巡查发现列表"
    VIEW_RULES = "view.rules", "查看巡查规则列表"
    VIEW_RULE = "view.rule", "查看巡查规则"
    VIEW_STANDARDS = "view.standards", "查看执法标准列表"
    VIEW_STANDARD = "view.standard", "查看执法标准"
    # pages that write their own view rows (not through audit_view)
    VIEW_PROBLEMS = "view.problems", "查看整改台账"
    VIEW_PROBLEM = "view.problem", "查看整改问题"
    VIEW_PROBLEM_BOARD = "view.problem_board", "查看超期看板"
    DOWNLOAD_ATTACHMENT = "download.attachment", "下载整改附件"
    VIEW_DAILY_INDEX = "view.daily_index", "查看每日核查"
    VIEW_DAILY_SHEET = "view.daily_sheet", "查看每日核查表"
    VIEW_DAILY_STATS = "view.daily_stats", "查看每日核查统计"
    VIEW_DISPUTES_LIST = "view.disputes.list", "查看矛盾纠纷列表"
    VIEW_DISPUTES_DETAIL = "view.disputes.detail", "查看矛盾纠纷"
    VIEW_DISPUTES_VISITS = "view.disputes.visits", "查看回访安排"
    VIEW_DISPUTES_ANALYSIS = "view.disputes.analysis", "查看矛盾纠纷分析"
    VIEW_DISPUTES_LETTER = "view.disputes.letter", "下载抄告函"
    VIEW_EVALUATIONS = "view.evaluations", "查看考评月份列表"
    VIEW_EVALUATION = "view.evaluation", "查看月度考评结果"
    VIEW_EVALUATION_SCORE = "view.evaluation_score", "查看考评得分明细"
    VIEW_EVALUATION_APPEALS = "view.evaluation_appeals", "查看考评申诉"
    VIEW_REPORTS = "view.reports", "查看报告列表"
    VIEW_EVALUATION_SCHEME = "view.evaluation_scheme", "查看考评方案"
    # --- exports (core.services.audit_export: "export.<what>") ----------------------------------
    EXPORT_FINDINGS = "export.findings", "导出巡查发现"
    EXPORT_PROBLEMS = "export.problems", "导出整改台账"
    # --- API reads ("view.api.<name>") ----------------------------------------------------------
    VIEW_API_ME = "view.api.me", "接口：本人信息"
    VIEW_API_FINDINGS = "view.api.findings", "接口：巡查发现列表"
    VIEW_API_FINDING = "view.api.finding", "接口：巡查发现"
    VIEW_API_CASE = "view.api.case", "接口：案件"
    VIEW_API_RULES = "view.api.rules", "接口：巡查规则列表"
    VIEW_API_RULE = "view.api.rule", "接口：巡查规则"
    VIEW_API_PROBLEMS = "view.api.problems", "接口：整改问题列表"
    VIEW_API_PROBLEM = "view.api.problem", "接口：整改问题"
    VIEW_API_PROBLEM_ACTION = "view.api.problem_action", "接口：整改操作"
    VIEW_API_DAILY_SHEETS = "view.api.daily_sheets", "接口：每日核查表"
    VIEW_API_DISPUTES = "view.api.disputes", "接口：矛盾纠纷列表"
    VIEW_API_DISPUTE = "view.api.dispute", "接口：矛盾纠纷"


def action_shown(value: str) -> str:
    """``value`` with its Chinese name beside it: ``查看案件（view.case）``; a value no member has
    (a row written by a newer version) is shown as it is."""
    try:
        return f"{AuditAction(value).label}（{value}）"
    except ValueError:
        return value
