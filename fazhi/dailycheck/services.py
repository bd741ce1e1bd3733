"""dailycheck services: every state change, with an explicit actor, audited.

- ``generate_sheets``: today's (or any day's) sheets for every unit that handles cases, answered
  from the data; idempotent (unique constraints, and only changed unconfirmed answers are
  written), so ``fazhi tick`` can call it every time (``tick_daily``).
- ``confirm_answer``: the unit's 法制员 (or the 法制大队) confirms one answer, with a note when it
  has records; the sheet completes (执法每日清) when all ten are confirmed.
- ``completion_stats``: completion per unit over a period, for the stats page and reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from fazhi.accounts.models import Profile, Role
from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.scope import DataScope
from fazhi.core.services import record_audit
from fazhi.dailycheck.error_codes import ErrorCode
from fazhi.dailycheck.models import DailyAnswer, DailySheet
from fazhi.dailycheck.questions import QUESTIONS, answer_all
from fazhi.patrol.periods import HolidayCalendar
from fazhi.records.enums import UnitKind
from fazhi.records.models import Unit

# The units that handle cases get a sheet: 派出所 and the case-handling 大队 (not the 法制大队,
# which supervises them, nor the bureaus and the case-handling centre, which hold no cases).
SHEET_UNIT_KINDS: tuple[str, ...] = (
    UnitKind.POLICE_STATION,
    UnitKind.CRIMINAL_BRIGADE,
    UnitKind.PUBLIC_ORDER_BRIGADE,
    UnitKind.TRAFFIC_BRIGADE,
    UnitKind.ECONOMIC_BRIGADE,
    UnitKind.NARCOTICS_BRIGADE,
    UnitKind.CYBER_BRIGADE,
)

QUESTION_CODES = tuple(q.code for q in QUESTIONS)


class DailyCheckError(DomainError, ValueError):
    """Bad input to a daily-check service; the message is Chinese and names the record (still a
    ``ValueError``, as callers catching that expect)."""


def sheet_units() -> list[Unit]:
    return list(Unit.objects.filter(kind__in=SHEET_UNIT_KINDS).order_by("pk"))


# --- generation --------------------------------------------------------------------------------


def generate_sheets(
    day: date,
    now: datetime,
    *,
    actor: User,
    unit_ids: Iterable[str] | None = None,
    calendar: HolidayCalendar | None = None,
) -> dict[str, int]:
    """Create the sheets of ``day`` for every case-handling unit (or ``unit_ids``) and answer
    their ten questions as of ``now``.

    Safe to repeat and to run concurrently: sheets and answers are created with
    ``ignore_conflicts`` under unique constraints, and only unconfirmed answers whose count or
    records changed are rewritten (a confirmed answer, its note included, is never touched).
    The number of queries does not depend on the number of units or records.
    """
    if now.tzinfo is None:
        raise DailyCheckError(ErrorCode.NAIVE_TIME, "每日十问的生成时点必须带时区", field="now")
    units = Unit.objects.filter(kind__in=SHEET_UNIT_KINDS)
    if unit_ids is not None:
        units = units.filter(pk__in=sorted(set(unit_ids)))
    wanted = sorted(units.values_list("pk", flat=True))
    if not wanted:
        return {"units": 0, "sheets_created": 0, "answers_created": 0, "answers_updated": 0}
    results = answer_all(now, wanted, calendar=calendar or HolidayCalendar.from_database())
    stats = {"units": len(wanted), "sheets_created": 0, "answers_created": 0, "answers_updated": 0}
    with transaction.atomic():
        existing = set(
            DailySheet.objects.filter(day=day, unit_id__in=wanted).values_list("unit_id", flat=True)
        )
        missing = [u for u in wanted if u not in existing]
        if missing:
            DailySheet.objects.bulk_create(
                [
                    DailySheet(unit_id=u, day=day, generated_at=now, refreshed_at=now)
                    for u in missing
                ],
                ignore_conflicts=True,
            )
            stats["sheets_created"] = len(missing)
        sheets = {
            s.unit_id: s
            for s in DailySheet.objects.filter(day=day, unit_id__in=wanted).select_for_update()
        }
        answers: dict[tuple[int, str], DailyAnswer] = {
            (a.sheet_id, a.code): a
            for a in DailyAnswer.objects.filter(sheet__in=list(sheets.values())).select_for_update()
        }
        to_create: list[DailyAnswer] = []
        to_update: list[DailyAnswer] = []
        for unit_id, sheet in sheets.items():
            for code in QUESTION_CODES:
                found = results[code].get(unit_id)
                count, recs = (found.count, found.records) if found else (0, [])
                answer = answers.get((sheet.pk, code))
                if answer is None:
                    to_create.append(
                        DailyAnswer(sheet=sheet, code=code, count=count, records=recs,
                                    refreshed_at=now)
                    )  # fmt: skip
                elif answer.confirmed_at is None and (
                    answer.count != count or answer.records != recs
                ):
                    answer.count, answer.records, answer.refreshed_at = count, recs, now
                    to_update.append(answer)
        if to_create:
            DailyAnswer.objects.bulk_create(to_create, ignore_conflicts=True)
            # A question added after a sheet was completed reopens it.
            DailySheet.objects.filter(
                pk__in={a.sheet_id for a in to_create}, completed_at__isnull=False
            ).update(completed_at=None, completed_by="")
        if to_update:
            DailyAnswer.objects.bulk_update(
                to_update, ["count", "records", "refreshed_at"], batch_size=500
            )
        touched = {a.sheet_id for a in to_create} | {a.sheet_id for a in to_update}
        if touched:
            DailySheet.objects.filter(pk__in=touched).update(refreshed_at=now)
        stats["answers_created"] = len(to_create)
        stats["answers_updated"] = len(to_update)
        if stats["sheets_created"] or to_create or to_update:
            record_audit(
                actor,
                AuditAction.DAILYCHECK_GENERATE,
                target_type="daily_sheet",
                target_id=day.isoformat(),
                details={**stats, "as_of": now.isoformat()},
            )
    return stats


def tick_daily(now: datetime, actor: User) -> dict[str, Any]:
    """``fazhi tick`` step: today's sheets for every case-handling unit, kept up to date.

    Runs every tick; it writes only when a sheet is missing or an unconfirmed answer changed.
    """
    day = timezone.localtime(now).date()
    stats: dict[str, Any] = dict(generate_sheets(day, now, actor=actor))
    stats["day"] = day.isoformat()
    return stats


# --- confirmation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmer:
    username: str
    role: str | None
    unit_id: str | None


def confirmer(user: User) -> Confirmer:
    """Who ``user`` is for confirming (one query)."""
    username = user.get_username()
    profile = (
        Profile.objects.filter(user=user, user__is_active=True).only("role", "unit_id").first()
    )
    if profile is None:
        return Confirmer(username, None, None)
    return Confirmer(username, profile.role, profile.unit_id)


def may_confirm(who: Confirmer, unit_id: str) -> bool:
    """Only the unit's own 法制员, or the county 法制大队, confirm a unit's answers."""
    if who.role == Role.LEGAL_BRIGADE:
        return True
    return who.role == Role.LEGAL_OFFICER and who.unit_id == unit_id


def may_confirm_scope(scope: DataScope, unit_id: str) -> bool:
    """The same rule for the signed-in user of a page (no query)."""
    return may_confirm(Confirmer(scope.username, scope.role, scope.unit_id), unit_id)


def confirm_answer(
    answer: DailyAnswer,
    *,
    actor: User,
    note: str = "",
    seen_count: int | None = None,
    remote_addr: str = "",
) -> DailyAnswer:
    """Confirm one answer. A note is required when the answer has records (what was checked,
    what will be done). ``seen_count``, when given, is the count the confirmer was shown: if the
    data changed since, the confirmation is refused so that nobody confirms what he did not see.
    """
    note = (note or "").strip()
    with transaction.atomic():
        locked = (
            DailyAnswer.objects.select_for_update()
            .select_related("sheet", "sheet__unit")
            .get(pk=answer.pk)
        )
        sheet = locked.sheet
        who = confirmer(actor)
        where = f"{sheet.unit.name if sheet.unit else sheet.unit_id} {sheet.day} {locked.code}"
        if not may_confirm(who, sheet.unit_id):
            raise PermissionDenied(f"{where}：只有本单位法制员或法制大队可以确认每日十问")
        if locked.confirmed_at is not None:
            raise DailyCheckError(
                ErrorCode.ALREADY_CONFIRMED,
                f"{where}：已于{timezone.localtime(locked.confirmed_at):%Y-%m-%d %H:%M}"
                f"由{locked.confirmed_by}确认",
            )
        if seen_count is not None and seen_count != locked.count:
            raise DailyCheckError(
                ErrorCode.STALE_COUNT,
                f"{where}：数据已更新（原{seen_count}条，现{locked.count}条），请刷新后重新核对",
                field="seen_count",
            )
        if locked.count > 0 and not note:
            raise DailyCheckError(
                ErrorCode.NOTE_REQUIRED,
                f"{where}：有{locked.count}条记录，确认时必须填写说明（核查情况、整改安排）",
                field="note",
            )
        now = timezone.now()
        locked.confirmed_by, locked.confirmed_at, locked.note = actor.get_username(), now, note
        locked.save(update_fields=["confirmed_by", "confirmed_at", "note"])
        record_audit(
            actor,
            AuditAction.DAILYCHECK_CONFIRM,
            target_type="daily_answer",
            target_id=str(locked.pk),
            remote_addr=remote_addr,
            details={
                "unit": sheet.unit_id,
                "day": sheet.day.isoformat(),
                "code": locked.code,
                "count": locked.count,
                "note": note,
            },
        )
        confirmed = DailyAnswer.objects.filter(
            sheet=sheet, code__in=QUESTION_CODES, confirmed_at__isnull=False
        ).count()
        if confirmed == len(QUESTION_CODES):
            done = DailySheet.objects.filter(pk=sheet.pk, completed_at__isnull=True).update(
                completed_at=now, completed_by=actor.get_username()
            )
            if done:
                record_audit(
                    actor, AuditAction.DAILYCHECK_COMPLETE, target_type="daily_sheet",
                    target_id=str(sheet.pk), remote_addr=remote_addr,
                    details={"unit": sheet.unit_id, "day": sheet.day.isoformat()},
                )  # fmt: skip
    answer.refresh_from_db()
    return answer


# --- statistics --------------------------------------------------------------------------------


def completion_stats(scope: DataScope, start: date, end: date) -> list[dict[str, Any]]:
    """Per case-handling unit in ``scope``: the days of the period, sheets generated, sheets
    completed, completed on the day itself, answers with records, and the completion rate
    (completed / days). Two queries whatever the number of units and days."""
    if end < start:
        raise DailyCheckError(
            ErrorCode.BAD_PERIOD, f"统计期间有误：结束日期{end}早于开始日期{start}", field="end"
        )
    days = (end - start).days + 1
    units = Unit.objects.filter(kind__in=SHEET_UNIT_KINDS).order_by("pk")
    if scope.unit_ids is not None:
        units = units.filter(pk__in=sorted(scope.unit_ids))
    if scope.own_only:
        units = units.none()
    unit_list = list(units.values("pk", "name", "kind"))
    ids = [u["pk"] for u in unit_list]
    rows = (
        DailySheet.objects.filter(day__gte=start, day__lte=end, unit_id__in=ids)
        .annotate(completed_on=TruncDate("completed_at"))
        .values("unit_id")
        .annotate(
            sheets=Count("pk", distinct=True),
            completed=Count("pk", filter=Q(completed_at__isnull=False), distinct=True),
            on_time=Count("pk", filter=Q(completed_on=F("day")), distinct=True),
        )
        .order_by()
    )
    by_unit = {r["unit_id"]: r for r in rows}
    findings = (
        DailyAnswer.objects.filter(
            sheet__day__gte=start, sheet__day__lte=end, sheet__unit_id__in=ids, count__gt=0
        )
        .values("sheet__unit_id")
        .annotate(n=Count("pk"), records=Sum("count"))
        .order_by()
    )
    by_unit_findings = {r["sheet__unit_id"]: r for r in findings}
    table = []
    for u in unit_list:
        r = by_unit.get(u["pk"], {})
        f = by_unit_findings.get(u["pk"], {})
        completed = int(r.get("completed", 0))
        table.append(
            {
                "unit_id": u["pk"],
                "unit_name": u["name"],
                "days": days,
                "sheets": int(r.get("sheets", 0)),
                "completed": completed,
                "on_time": int(r.get("on_time", 0)),
                "answers_with_records": int(f.get("n", 0)),
                "records": int(f.get("records") or 0),
                "rate": round(100.0 * completed / days, 1),
            }
        )
    return table


def default_period(today: date) -> tuple[date, date]:
    """The last 30 days up to ``today``."""
    return today - timedelta(days=29), today
