"""Every state change of the evaluation: compute a month (as a draft), check it, publish it, file
an appeal, decide it (an upheld appeal republishes the month as a new version). Each takes an
explicit ``actor`` checked by ``permissions``, runs in one transaction and writes its audit row
last.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.services import record_audit
from fazhi.core.timezones import SHANGHAI
from fazhi.evaluation import compute as calc
from fazhi.evaluation import permissions
from fazhi.evaluation.error_codes import ErrorCode
from fazhi.evaluation.models import (
    OPEN_STATUSES,
    Appeal,
    AppealStatus,
    Evaluation,
    EvaluationStatus,
    Score,
    ScoreItem,
    Standing,
)
from fazhi.evaluation.scheme import Scheme, SchemeError, load, parse
from fazhi.patrol.periods import HolidayCalendar, add_working_days, end_of_day


class EvaluationError(DomainError):
    """A refused change to a month's evaluation."""


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """``2026-10`` as the first day of that month; refused in Chinese otherwise."""
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise EvaluationError(
            ErrorCode.MONTH_INVALID, f"考评月份「{text}」应写作 YYYY-MM，如 2026-10", field="month"
        )
    return date(int(match.group(1)), int(match.group(2)), 1)


def _name(user: User) -> str:
    return user.get_username()


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
    version untouched: later data never silently changes a published month."""
    permissions.require_manage(actor)
    as_of = as_of or timezone.now()
    try:
        scheme = scheme or load()
    except SchemeError as exc:
        raise EvaluationError(ErrorCode.SCHEME_INVALID, str(exc), field="scheme") from None
    with transaction.atomic():
        published = (
            Evaluation.objects.select_for_update()
            .filter(month=month, status=EvaluationStatus.PUBLISHED)
            .first()
        )
        if published is not None:
            return published
        rows, summary = calc.compute(scheme, month, as_of)
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
