"""Every state change of the evaluation: compute a month (as a draft), check it, publish it, file
an appeal, decide it (an upheld appeal republishes the month as a new version). Each takes an
explicit ``actor`` checked by ``permissions``, runs in one transaction and writes its audit row
last.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone

from fazhi.core import fanout
from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.services import record_audit
from fazhi.core.timezones import SHANGHAI
from fazhi.evaluation import compute as calc
from fazhi.evaluation import permissions, quality
from fazhi.evaluation.error_codes import ErrorCode
from fazhi.evaluation.models import (
    OPEN_STATUSES,
    OWED,
    AnalysisDocument,
    AnalysisStatus,
    AnalysisTask,
    Appeal,
    AppealStatus,
    CasePick,
    Evaluation,
    EvaluationStatus,
    PickKind,
    Score,
    ScoreItem,
    Standing,
)
from fazhi.evaluation.scheme import Scheme, SchemeError, load, parse
from fazhi.notifications.services import Message, notify_many
from fazhi.patrol.periods import HolidayCalendar, add_working_days, end_of_day
from fazhi.rectification.services.recipients import brigade_users, role_users
from fazhi.rectification.services.uploads import store_uploads, validate_upload


class EvaluationError(DomainError):
    """A refused change to a month's evaluation."""


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """``2026-10`` as the first day of that month; refused in Chinese otherwise."""
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2199:
        raise EvaluationError(
            ErrorCode.MONTH_INVALID, f"考评月份「{text}」应写作 YYYY-MM，如 2026-10", field="month"
        )
    return date(int(match.group(1)), int(match.group(2)), 1)


def _name(user: User) -> str:
    return user.get_username()


# what a user who does not manage the evaluation may read: published months and their history
READABLE = (EvaluationStatus.PUBLISHED, EvaluationStatus.SUPERSEDED)


def readable_versions(user: Any) -> QuerySet[Evaluation]:
    """The versions ``user`` may read: every one for those who manage the evaluation, the
    published ones and their history for everyone else (the pages and the API)."""
    qs = Evaluation.objects.all()
    return qs if permissions.can_manage(user) else qs.filter(status__in=READABLE)


def current_version(month: date) -> Evaluation | None:
    """The month's published version, else its open (draft or checked) one."""
    return (
        Evaluation.objects.filter(month=month, status=EvaluationStatus.PUBLISHED).first()
        or Evaluation.objects.filter(month=month, status__in=OPEN_STATUSES).first()
    )


def _store(evaluation: Evaluation, rows: list[calc.SubjectRow]) -> None:
    scores = Score.objects.bulk_create(
        [
            Score(
                evaluation=evaluation,
                subject=r.subject,
                unit_id=r.unit_id,
                officer_id=r.officer_id,
                leader_role=r.leader_role,
                workload=r.workload,
                case_count=r.case_count,
                score=r.score,
                grade=r.grade,
                standing=r.standing,
                rank=r.rank,
                vetoes=r.vetoes,
                indicators=r.indicators,
            )
            for r in rows
        ],
        batch_size=1000,
    )
    items = [
        ScoreItem(
            score=score,
            indicator=ind.code,
            indicator_name=ind.name,
            points=points,
            record_type=record_type,
            record_id=record_id,
            act_at=at,
            withdrawn=withdrawn,
        )
        for score, row in zip(scores, rows, strict=True)
        for withdrawn, entries in ((False, row.items), (True, row.withdrawn))
        for ind, record_type, record_id, at, points in entries
    ]
    ScoreItem.objects.bulk_create(items, batch_size=2000)


def compute_month(
    month: date, *, actor: User, as_of: datetime | None = None, scheme: Scheme | None = None
) -> Evaluation:
    """The month computed as a draft (its open version replaced whole), or its published
    version untouched: later data never silently changes a published month. With fan-out on,
    the subjects are scored per 县局/分局 by the workers (``tasks``) and ranked and stored here."""
    permissions.require_manage(actor)
    as_of = as_of or timezone.now()
    try:
        scheme = scheme or load()
    except SchemeError as exc:
        raise EvaluationError(ErrorCode.SCHEME_INVALID, str(exc), field="scheme") from None
    fanned: tuple[list[calc.SubjectRow], dict[str, Any]] | None = None
    published_now = Evaluation.objects.filter(month=month, status=EvaluationStatus.PUBLISHED)
    if fanout.enabled() and not published_now.exists():
        from fazhi.evaluation.tasks import fanned_compute

        try:
            fanned = fanned_compute(scheme, month, as_of)
        except fanout.FanoutFailed as exc:
            raise EvaluationError(ErrorCode.FANOUT_FAILED, f"考评计算未完成：{exc}") from exc
    with transaction.atomic():
        published = (
            Evaluation.objects.select_for_update()
            .filter(month=month, status=EvaluationStatus.PUBLISHED)
            .first()
        )
        if published is not None:
            return published
        rows, summary = fanned or calc.compute(scheme, month, as_of)
        evaluation = (
            Evaluation.objects.select_for_update()
            .filter(month=month, status__in=OPEN_STATUSES)
            .first()
        )
        now = timezone.now()
        fields: dict[str, Any] = {
            "status": EvaluationStatus.DRAFT, "scheme_name": scheme.name,
            "scheme_version": scheme.version, "scheme_digest": scheme.digest,
            "scheme_text": scheme.text, "as_of": as_of, "computed_at": now,
            "computed_by": _name(actor), "checked_at": None, "checked_by": "",
            "indicators": summary,
        }  # fmt: skip
        if evaluation is None:
            last = Evaluation.objects.filter(month=month).aggregate(v=Max("version"))["v"] or 0
            evaluation = Evaluation.objects.create(month=month, version=last + 1, **fields)
        else:
            Score.objects.filter(evaluation=evaluation).delete()
            for key, value in fields.items():
                setattr(evaluation, key, value)
            evaluation.save()
        _store(evaluation, rows)
        record_audit(
            actor, AuditAction.EVALUATION_COMPUTE, target_type="evaluation",
            target_id=str(evaluation.pk),
            details={"month": f"{month:%Y-%m}", "version": evaluation.version,
                     "as_of": as_of.isoformat(), "scheme": scheme.label, "scores": len(rows)},
        )  # fmt: skip
    return evaluation


def check_month(evaluation: Evaluation, *, actor: User) -> Evaluation:
    """The 法制大队 has checked the draft: it may be published."""
    permissions.require_manage(actor)
    with transaction.atomic():
        ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if ev.status != EvaluationStatus.DRAFT:
            raise EvaluationError(
                ErrorCode.NOT_DRAFT,
                f"{ev.month_text} 考评第{ev.version}版：状态为{ev.get_status_display()}，不是草稿",
                field="status",
            )
        ev.status, ev.checked_at, ev.checked_by = (
            EvaluationStatus.CHECKED,
            timezone.now(),
            _name(actor),
        )
        ev.save(update_fields=["status", "checked_at", "checked_by"])
        record_audit(
            actor, AuditAction.EVALUATION_CHECK, target_type="evaluation", target_id=str(ev.pk),
            details={"month": ev.month_text, "version": ev.version},
        )  # fmt: skip
    return ev


def _appeal_deadline(start: datetime, days: int, calendar: HolidayCalendar | None) -> datetime:
    """24:00 of the ``days``-th working day after ``start``'s day (the holiday calendar)."""
    day = timezone.localtime(start, SHANGHAI).date()
    return end_of_day(add_working_days(day, days, calendar))


def publish_month(evaluation: Evaluation, *, actor: User) -> Evaluation:
    """Publish a checked version: from now on an immutable snapshot, open to appeal for the
    scheme's number of working days."""
    permissions.require_manage(actor)
    with transaction.atomic():
        ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if ev.status != EvaluationStatus.CHECKED:
            raise EvaluationError(
                ErrorCode.NOT_CHECKED,
                f"{ev.month_text} 考评第{ev.version}版：状态为{ev.get_status_display()}，"
                "须经审核后发布",
                field="status",
            )
        scheme = parse(ev.scheme_text)
        now = timezone.now()
        ev.status, ev.published_at, ev.published_by = EvaluationStatus.PUBLISHED, now, _name(actor)
        ev.appeal_until = _appeal_deadline(now, scheme.appeal_days, HolidayCalendar.from_database())
        ev.save(update_fields=["status", "published_at", "published_by", "appeal_until"])
        record_audit(
            actor, AuditAction.EVALUATION_PUBLISH, target_type="evaluation", target_id=str(ev.pk),
            details={"month": ev.month_text, "version": ev.version,
                     "appeal_until": ev.appeal_until.isoformat()},
        )  # fmt: skip
    return ev


def file_appeal(item: ScoreItem, *, actor: User, reason: str) -> Appeal:
    """申诉 against one deduction of the month's published version, within its window."""
    score = item.score
    permissions.require_appeal(actor, score.unit_id, score.officer_id)
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(
            ErrorCode.REASON_REQUIRED, f"扣分明细 {item.pk}：须填写申诉理由", field="reason"
        )
    with transaction.atomic():
        ev = Evaluation.objects.select_for_update().get(pk=score.evaluation_id)
        if ev.status != EvaluationStatus.PUBLISHED:
            raise EvaluationError(
                ErrorCode.NOT_CURRENT,
                f"{ev.month_text} 考评第{ev.version}版：{ev.get_status_display()}，"
                "只能对当前发布的版本申诉",
                field="item",
            )
        now = timezone.now()
        if ev.appeal_until is None or now > ev.appeal_until:
            until = timezone.localtime(ev.appeal_until, SHANGHAI) if ev.appeal_until else None
            raise EvaluationError(
                ErrorCode.APPEAL_CLOSED,
                f"{ev.month_text} 考评：申诉期已于 {until:%Y-%m-%d %H:%M} 届满"
                if until
                else f"{ev.month_text} 考评：无申诉期",
                field="item",
            )
        if item.withdrawn:
            raise EvaluationError(
                ErrorCode.APPEAL_INVALID, f"扣分明细 {item.pk} 已撤销", field="item"
            )
        if Appeal.objects.filter(item=item, status=AppealStatus.PENDING).exists():
            raise EvaluationError(
                ErrorCode.APPEAL_DECIDED, f"扣分明细 {item.pk} 已有待决定的申诉", field="item"
            )
        scheme = parse(ev.scheme_text)
        appeal = Appeal.objects.create(
            evaluation=ev, item=item, unit_id=score.unit_id, officer_id=score.officer_id,
            reason=reason, filed_by=_name(actor), filed_at=now,
            decide_by=_appeal_deadline(now, scheme.decide_days, HolidayCalendar.from_database()),
        )  # fmt: skip
        record_audit(
            actor, AuditAction.EVALUATION_APPEAL, target_type="evaluation_appeal",
            target_id=str(appeal.pk),
            details={"month": ev.month_text, "version": ev.version, "item": item.pk,
                     "indicator": item.indicator, "record": f"{item.record_type} {item.record_id}"},
        )  # fmt: skip
    return appeal


def decide_appeal(appeal: Appeal, *, actor: User, upheld: bool, reason: str) -> Appeal:
    """The 法制大队 decides an appeal with a reason; upheld, the month is republished as a new
    version without that deduction (the old version stays readable, marked superseded)."""
    permissions.require_decide(actor)
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(
            ErrorCode.REASON_REQUIRED, f"申诉#{appeal.pk}：须填写决定理由", field="decision_reason"
        )
    with transaction.atomic():
        ap = Appeal.objects.select_for_update().select_related("item__score").get(pk=appeal.pk)
        if ap.status != AppealStatus.PENDING:
            raise EvaluationError(
                ErrorCode.APPEAL_DECIDED,
                f"申诉#{ap.pk}：已{ap.get_status_display()}",
                field="status",
            )
        ap.status = AppealStatus.UPHELD if upheld else AppealStatus.OVERRULED
        ap.decided_by, ap.decided_at, ap.decision_reason = _name(actor), timezone.now(), reason
        if upheld:
            ap.result = _republish(ap, actor, reason)
        ap.save()
        record_audit(
            actor,
            AuditAction.EVALUATION_UPHOLD if upheld else AuditAction.EVALUATION_OVERRULE,
            target_type="evaluation_appeal", target_id=str(ap.pk),
            details={"reason": reason, "new_version": ap.result.version if ap.result else None},
        )  # fmt: skip
    return ap


def _item_key(score: Score, item: ScoreItem) -> tuple[Any, ...]:
    return (score.subject, score.unit_id, score.officer_id, score.leader_role, item.indicator,
            item.record_type, item.record_id)  # fmt: skip


def _republish(appeal: Appeal, actor: User, reason: str) -> Evaluation:
    """A new published version of the appeal's month: the current one's scores and items with
    the appealed deduction withdrawn, rescored and reranked; the difference kept."""
    month = appeal.evaluation.month
    old = Evaluation.objects.select_for_update().get(month=month, status=EvaluationStatus.PUBLISHED)
    target = _item_key(appeal.item.score, appeal.item)
    scheme = parse(old.scheme_text)
    by_code = {ind.code: ind for ind in scheme.indicators}
    scores = list(Score.objects.filter(evaluation=old).order_by("pk"))
    items: dict[int, list[ScoreItem]] = defaultdict(list)
    for item in ScoreItem.objects.filter(score__evaluation=old).order_by("pk"):
        items[item.score_id].append(item)
    rows: list[calc.SubjectRow] = []
    before: dict[int, tuple[Decimal | None, str]] = {}
    changes: list[dict[str, Any]] = []
    for score in scores:
        row = calc.SubjectRow(
            score.subject, score.unit_id, score.officer_id, score.leader_role, score.workload,
            score.case_count, list(score.vetoes),
        )  # fmt: skip
        for item in items[score.pk]:
            entry = (by_code[item.indicator], item.record_type, item.record_id, item.act_at,
                     item.points)  # fmt: skip
            if item.withdrawn or _item_key(score, item) == target:
                row.withdrawn.append(entry)
                if not item.withdrawn:
                    changes.append({
                        "subject": score.subject, "unit_id": score.unit_id,
                        "officer_id": score.officer_id, "indicator": item.indicator,
                        "record_type": item.record_type, "record_id": item.record_id,
                        "points": str(item.points), "score_before": _num(score.score),
                    })  # fmt: skip
            else:
                row.items.append(entry)
        status = {e["code"]: e["status"] for e in score.indicators if "code" in e}
        row.outside = calc.stored_outside(score.indicators)
        calc.score_subject(row, scheme, status)
        if score.standing == Standing.TOO_FEW_CASES:
            calc.too_few_cases(row)
        before[len(rows)] = (score.score, score.grade)
        rows.append(row)
    if not changes:
        raise EvaluationError(
            ErrorCode.APPEAL_INVALID, f"申诉#{appeal.pk}：当前版本中已无该扣分", field="item"
        )
    calc.rank_all(rows)
    for change in changes:
        for row in rows:
            if (row.subject, row.unit_id, row.officer_id) == (
                change["subject"],
                change["unit_id"],
                change["officer_id"],
            ):
                change["score_after"] = _num(row.score)
                change["grade_after"] = row.grade
    old.status = EvaluationStatus.SUPERSEDED
    old.save(update_fields=["status"])
    last = Evaluation.objects.filter(month=month).aggregate(v=Max("version"))["v"] or 0
    new = Evaluation.objects.create(
        month=month, version=last + 1,
        status=EvaluationStatus.PUBLISHED, scheme_name=old.scheme_name,
        scheme_version=old.scheme_version, scheme_digest=old.scheme_digest,
        scheme_text=old.scheme_text, as_of=old.as_of, computed_at=old.computed_at,
        computed_by=old.computed_by, checked_at=old.checked_at, checked_by=old.checked_by,
        published_at=timezone.now(), published_by=_name(actor), appeal_until=old.appeal_until,
        previous=old, reason=f"申诉#{appeal.pk}成立：{reason}", changes=changes,
        indicators=old.indicators,
    )  # fmt: skip
    _store(new, rows)
    return new


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- reading --------------------------------------------------------------------------------


def report(evaluation: Evaluation) -> dict[str, Any]:
    """The version as the ``fazhi evaluate --format json`` contract prints it (two queries)."""
    items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for score_id, indicator, points, record_type, record_id in (
        ScoreItem.objects.filter(score__evaluation=evaluation, withdrawn=False)
        .order_by("score_id", "indicator", "act_at", "record_id")
        .values_list("score_id", "indicator", "points", "record_type", "record_id")
    ):
        items[score_id].append(
            {"indicator": indicator, "points": float(points), "record_type": record_type,
             "record_id": record_id}
        )  # fmt: skip
    out: dict[str, Any] = {
        "month": evaluation.month_text,
        "scheme": f"{evaluation.scheme_name} {evaluation.scheme_version}",
        "version": evaluation.version,
        "status": evaluation.status,
        "as_of": evaluation.as_of.isoformat(),
        "units": [],
        "officers": [],
        "leaders": [],
    }
    scores = Score.objects.filter(evaluation=evaluation).order_by(
        "subject", "leader_role", "rank", "unit_id", "officer_id"
    )
    for s in sorted(
        scores, key=lambda s: (s.rank is None, s.rank or 0, s.unit_id, s.officer_id or "")
    ):
        common = {
            "score": _num(s.score), "grade": s.grade or None, "rank": s.rank,
            "standing": s.get_standing_display(), "vetoes": s.vetoes, "items": items[s.pk],
        }  # fmt: skip
        if s.subject == "unit":
            out["units"].append({"unit_id": s.unit_id, "workload": s.workload, **common})
        elif s.subject == "officer":
            out["officers"].append(
                {"officer_id": s.officer_id, "unit_id": s.unit_id, "cases": s.case_count, **common}
            )
        else:
            out["leaders"].append(
                {"officer_id": s.officer_id, "unit_id": s.unit_id, "role": s.leader_role, **common}
            )
    return out


# --- 最优/最差案件 and 案件剖析 -----------------------------------------------------------------


def _working_days_before(moment: datetime, days: int, calendar: HolidayCalendar) -> datetime:
    """The start (00:00) of the ``days``-th working day before ``moment``'s day; ``moment``
    itself when ``days`` is 0."""
    if days <= 0:
        return moment
    day = timezone.localtime(moment, SHANGHAI).date()
    counted = 0
    while counted < days:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def _analysts(unit_ids: set[str]) -> dict[str, list[Any]]:
    """Per unit, the users who present its 剖析: its 法制员 and its 所队长."""
    found: dict[str, list[Any]] = defaultdict(list)
    for role in sorted(permissions.ANALYSTS):
        for unit, users in role_users(unit_ids, str(role)).items():
            found[unit].extend(users)
    return found


def pick_case(
    case_id: str, month: date, *, actor: User, kind: str, reason: str,
    now: datetime | None = None,
) -> CasePick:  # fmt: skip
    """The 法制大队 picks a case closed in ``month`` as its best or worst, with a reason; the
    unit of a worst case is given its 案件剖析 task (due in the settings' working days)."""
    permissions.require_pick(actor)
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(
            ErrorCode.REASON_REQUIRED, f"案件 {case_id}：须填写评选理由", field="reason"
        )
    if kind not in PickKind.values:
        raise EvaluationError(ErrorCode.PICK_INVALID, f"评选类别「{kind}」有误", field="kind")
    now = now or timezone.now()
    q = quality.load()
    row: Any = quality.candidates(month, q, now=now).filter(pk=case_id).first()
    if row is None:
        raise EvaluationError(
            ErrorCode.NOT_CANDIDATE,
            f"案件 {case_id} 不是 {month:%Y-%m} 结案的案件，不能评为该月的最优、最差案件",
            field="case",
        )
    with transaction.atomic():
        if CasePick.objects.select_for_update().filter(month=month, case_id=case_id).exists():
            raise EvaluationError(
                ErrorCode.ALREADY_PICKED,
                f"案件 {case_id} 已评选为 {month:%Y-%m} 的案件",
                field="case",
            )
        pick = CasePick.objects.create(
            month=month, case_id=case_id, unit_id=row.unit_id, kind=kind, reason=reason,
            quality=row.quality, parts=quality.explain(row, q), picked_by=_name(actor),
            picked_at=now,
        )  # fmt: skip
        details: dict[str, Any] = {"month": f"{month:%Y-%m}", "case": case_id, "kind": kind,
                                   "quality": row.quality, "reason": reason}  # fmt: skip
        if kind == PickKind.WORST:
            calendar = HolidayCalendar.from_database()
            today = timezone.localtime(now, SHANGHAI).date()
            due = end_of_day(add_working_days(today, q.analysis["due_working_days"], calendar))
            task = AnalysisTask.objects.create(
                pick=pick, unit_id=row.unit_id, due_at=due, created_at=now,
                remind_at=max(now, _working_days_before(
                    due - timedelta(seconds=1), q.analysis["remind_working_days"], calendar)),
            )  # fmt: skip
            details.update(task=task.pk, due_at=due.isoformat())
            users = _analysts({row.unit_id}).get(row.unit_id, [])
            notify_many(
                [Message(
                    users, "case_analysis", f"案件剖析：{row}被评为{month:%Y年%m月}最差案件",
                    f"请于 {timezone.localtime(due, SHANGHAI) - timedelta(seconds=1):%Y-%m-%d}"
                    f" 前上传案件剖析材料，向执法监督管理委员会剖析。评选理由：{reason}",
                    reverse("evaluation:analysis", args=[task.pk]),
                    {"task": task.pk, "case_id": case_id, "unit_id": row.unit_id},
                )],
                actor=actor, now=now,
            )  # fmt: skip
        record_audit(
            actor, AuditAction.EVALUATION_PICK_CASE, target_type="case", target_id=case_id,
            details=details,
        )  # fmt: skip
    return pick


def submit_analysis(
    task: AnalysisTask, *, actor: User, upload: File | None, now: datetime | None = None
) -> AnalysisTask:
    """The unit's 法制员 or 所队长 uploads the 剖析 (checked by its content, stored under the
    data directory): the task waits for the 法制大队's acceptance."""
    permissions.require_submit_analysis(actor, task.unit_id)
    if upload is None:
        raise EvaluationError(
            ErrorCode.DOCUMENT_REQUIRED, f"案件剖析#{task.pk}：须上传剖析材料", field="file"
        )
    try:
        checked = validate_upload(upload)
    except DomainError as exc:
        raise EvaluationError(ErrorCode.DOCUMENT_INVALID, exc.message, field="file") from None
    now = now or timezone.now()
    with transaction.atomic():
        t = AnalysisTask.objects.select_for_update().get(pk=task.pk)
        if t.status not in OWED:
            raise EvaluationError(
                ErrorCode.ANALYSIS_STATE,
                f"案件剖析#{t.pk}：状态为{t.get_status_display()}，不能再提交",
                field="status",
            )
        [doc] = store_uploads(
            [checked],
            lambda item, sha256: AnalysisDocument(
                task=t, original_name=item.name, size=item.size, sha256=sha256,
                uploaded_by=_name(actor), uploaded_at=now,
            ),
        )  # fmt: skip
        try:
            t.status, t.submitted_by, t.submitted_at = AnalysisStatus.SUBMITTED, _name(actor), now
            t.save(update_fields=["status", "submitted_by", "submitted_at"])
            notify_many(
                [Message(
                    brigade_users(), "case_analysis", f"案件剖析待验收：案件 {t.pick.case_id}",
                    f"{_name(actor)} 已上传案件剖析材料“{checked.name}”，请验收。",
                    reverse("evaluation:analysis", args=[t.pk]), {"task": t.pk},
                )],
                actor=actor, now=now,
            )  # fmt: skip
            record_audit(
                actor, AuditAction.EVALUATION_ANALYSIS_SUBMIT, target_type="case_analysis",
                target_id=str(t.pk),
                details={"document": doc.original_name, "sha256": doc.sha256, "size": doc.size},
            )  # fmt: skip
        except Exception:
            doc.file.delete(save=False)
            raise
    return t


def decide_analysis(
    task: AnalysisTask, *, actor: User, accepted: bool, reason: str, now: datetime | None = None
) -> AnalysisTask:
    """The 法制大队 accepts the submitted 剖析, or returns it with a reason (the unit submits
    again; the due time stays)."""
    permissions.require_pick(actor)
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise EvaluationError(
            ErrorCode.REASON_REQUIRED, f"案件剖析#{task.pk}：退回须填写理由", field="reason"
        )
    now = now or timezone.now()
    with transaction.atomic():
        t = AnalysisTask.objects.select_for_update().select_related("pick").get(pk=task.pk)
        if t.status != AnalysisStatus.SUBMITTED:
            raise EvaluationError(
                ErrorCode.ANALYSIS_STATE,
                f"案件剖析#{t.pk}：状态为{t.get_status_display()}，没有待验收的材料",
                field="status",
            )
        t.status = AnalysisStatus.ACCEPTED if accepted else AnalysisStatus.RETURNED
        t.decided_by, t.decided_at, t.decision_reason = _name(actor), now, reason
        t.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        users = _analysts({t.unit_id}).get(t.unit_id, [])
        verdict = "已验收" if accepted else "被退回，请修改后重新提交"
        notify_many(
            [Message(
                users, "case_analysis", f"案件剖析{verdict}：案件 {t.pick.case_id}",
                reason, reverse("evaluation:analysis", args=[t.pk]), {"task": t.pk},
            )],
            actor=actor, now=now,
        )  # fmt: skip
        record_audit(
            actor,
            AuditAction.EVALUATION_ANALYSIS_ACCEPT if accepted
            else AuditAction.EVALUATION_ANALYSIS_RETURN,
            target_type="case_analysis", target_id=str(t.pk), details={"reason": reason},
        )  # fmt: skip
    return t


def tick_analysis(now: datetime, actor: User) -> dict[str, Any]:
    """``fazhi tick`` step: a reminder to the unit when a 剖析 still owed reaches its reminder
    time, a notice to the unit and the 法制大队 when it is overdue; each once (claimed by a
    conditional update, so two ticks never send it twice)."""
    owed = AnalysisTask.objects.filter(status__in=OWED)
    remind_ids = list(
        owed.filter(reminded_at__isnull=True, remind_at__lte=now, due_at__gt=now).values_list(
            "pk", flat=True
        )
    )
    late_ids = list(
        owed.filter(overdue_notified_at__isnull=True, due_at__lte=now).values_list("pk", flat=True)
    )
    if not remind_ids and not late_ids:
        return {"analysis_reminders": 0, "analysis_overdue": 0}
    with transaction.atomic():
        claimed_remind = _claim(remind_ids, "reminded_at", now)
        claimed_late = _claim(late_ids, "overdue_notified_at", now)
        tasks = AnalysisTask.objects.filter(pk__in=claimed_remind + claimed_late).select_related(
            "pick"
        )
        by_pk = {t.pk: t for t in tasks}
        analysts = _analysts({t.unit_id for t in tasks})
        brigade = brigade_users()
        messages: list[Message] = []
        for pk in claimed_remind:
            t = by_pk[pk]
            due = timezone.localtime(t.due_at, SHANGHAI) - timedelta(seconds=1)
            messages.append(Message(
                analysts.get(t.unit_id, []), "case_analysis",
                f"案件剖析即将到期：案件 {t.pick.case_id}",
                f"案件剖析须于 {due:%Y-%m-%d} 前提交，尚未提交。",
                reverse("evaluation:analysis", args=[t.pk]), {"task": t.pk},
            ))  # fmt: skip
        for pk in claimed_late:
            t = by_pk[pk]
            due = timezone.localtime(t.due_at, SHANGHAI) - timedelta(seconds=1)
            messages.append(Message(
                analysts.get(t.unit_id, []) + brigade, "case_analysis",
                f"案件剖析已超期：案件 {t.pick.case_id}",
                f"案件剖析的期限 {due:%Y-%m-%d} 已过，单位尚未提交（或退回后未重新提交）。",
                reverse("evaluation:analysis", args=[t.pk]), {"task": t.pk},
            ))  # fmt: skip
        notify_many(messages, actor=actor, now=now)
        record_audit(
            actor, AuditAction.EVALUATION_ANALYSIS_TICK, target_type="case_analysis",
            details={"reminded": claimed_remind, "overdue": claimed_late},
        )  # fmt: skip
    return {"analysis_reminders": len(claimed_remind), "analysis_overdue": len(claimed_late)}


def _claim(ids: list[int], stamp: str, now: datetime) -> list[int]:
    """The ids this tick claims: each row's ``stamp`` set only where it is still empty."""
    claimed = []
    for pk in ids:
        if AnalysisTask.objects.filter(pk=pk, **{f"{stamp}__isnull": True}).update(**{stamp: now}):
            claimed.append(pk)
    return claimed
