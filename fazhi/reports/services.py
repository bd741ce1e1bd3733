"""reports services: generate a report (its numbers, the .docx and the .xlsx annex, the stored
row with its 文号), open one for download, and the tick's schedule. Every call takes an
explicit actor, checked by ``permissions``, and writes an audit row.

The four kinds have one shape (``KINDS``): ``compute(period, scope, unit_id, now)`` returns the
numbers, computed set-based with the queries the pages use, and ``document(data)`` the
``ReportDoc`` that ``docx.render`` and ``xlsx.render`` draw."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.services import once_per_submission, record_audit
from fazhi.reports import common, daily, docx, monthly, permissions, quarterly, weekly, xlsx
from fazhi.reports.document import Letterhead, ReportDoc
from fazhi.reports.error_codes import ErrorCode
from fazhi.reports.models import Report, ReportKind
from fazhi.reports.periods import (
    DAILY,
    MONTHLY,
    QUARTERLY,
    WEEKLY,
    Period,
    ReportError,
    parse_period,
    period_containing,
)

KINDS: dict[str, ModuleType] = {
    DAILY: daily,
    WEEKLY: weekly,
    MONTHLY: monthly,
    QUARTERLY: quarterly,
}
FORMATS = ("docx", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
REPORT_DIR = "reports"


def report_root() -> Path:
    return Path(settings.DATA_DIR) / REPORT_DIR


@dataclass
class Built:
    period: Period
    doc: ReportDoc
    data: Any


def build(kind: str, period_text: str, unit_id: str | None, now: datetime | None = None) -> Built:
    """The numbers and the document of one report, nothing stored (the tests compare the
    numbers with the pages')."""
    if kind not in KINDS:
        raise ReportError(ErrorCode.KIND_INVALID, f"报告种类“{kind}”有误：应为日、周、月或季报告")
    period = parse_period(kind, period_text)
    now = now or timezone.now()
    scope = common.report_scope(unit_id)
    module = KINDS[kind]
    data = module.compute(period, scope, unit_id, now)
    doc: ReportDoc = module.document(data)
    doc.scope_name = common.scope_name(unit_id)
    return Built(period, doc, data)


def letterhead(year: int, seq: int, signed_on: date) -> Letterhead:
    bureau = common.issuer_name()
    issuer = f"{bureau}法制大队"
    return Letterhead(
        issuer=issuer, mark=issuer, number=f"{bureau[:1] or '公'}公法〔{year}〕{seq}号",
        signed_on=signed_on,
    )  # fmt: skip


def render(doc: ReportDoc, head: Letterhead) -> dict[str, bytes]:
    return {"docx": docx.render(doc, head), "xlsx": xlsx.render(doc, head)}


def _store(kind: str, period: str, unit_id: str | None, files: dict[str, bytes]) -> dict[str, str]:
    folder = report_root() / kind
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{period}-{unit_id or 'all'}-{uuid.uuid4().hex[:8]}"
    paths = {}
    for fmt, content in files.items():
        relative = f"{kind}/{stem}.{fmt}"
        (report_root() / relative).write_bytes(content)
        paths[fmt] = relative
    return paths


def _issue(kind: str, period_text: str, unit_id: str | None, *, actor: User, now: datetime,
           scheduled: bool, remote_addr: str = "") -> Report:  # fmt: skip
    started = time.monotonic()
    built = build(kind, period_text, unit_id, now)
    signed_on = timezone.localtime(now).date()
    year = signed_on.year
    for _attempt in range(3):  # two reports issued at once both take the next number: retry
        with transaction.atomic():
            last = Report.objects.filter(year=year).aggregate(n=Max("seq"))["n"] or 0
            head = letterhead(year, last + 1, signed_on)
            files = render(built.doc, head)
            paths = _store(kind, built.period.key, unit_id, files)
            try:
                with transaction.atomic():
                    report = Report.objects.create(
                        kind=kind, period=built.period.key, period_label=built.period.label,
                        unit_id=unit_id, year=year, seq=last + 1, number=head.number,
                        title=built.doc.title, scheduled=scheduled, generated_at=now,
                        generated_by=actor.get_username(), seconds=time.monotonic() - started,
                        docx_path=paths["docx"], xlsx_path=paths["xlsx"],
                        docx_size=len(files["docx"]), xlsx_size=len(files["xlsx"]),
                        summary=built.doc.summary,
                    )  # fmt: skip
            except IntegrityError:
                for p in paths.values():
                    (report_root() / p).unlink(missing_ok=True)
                if scheduled and _scheduled(kind, built.period.key, unit_id).exists():
                    raise
                continue
            record_audit(
                actor, AuditAction.REPORT_GENERATE, target_type="reports.report",
                target_id=str(report.pk), remote_addr=remote_addr,
                details={"kind": kind, "period": built.period.key, "unit": unit_id or "",
                         "number": head.number, "scheduled": scheduled},
            )  # fmt: skip
            return report
    raise ReportError(ErrorCode.PERIOD_INVALID, "报告编号分配冲突，请稍后重试")


@once_per_submission(AuditAction.REPORT_GENERATE, lambda pk: Report.objects.get(pk=pk))
def generate_report(
    *,
    actor: User,
    kind: str,
    period: str,
    unit_id: str | None = None,
    now: datetime | None = None,
    remote_addr: str = "",
) -> Report:
    """Generate, store and audit one report of ``kind`` for ``period`` over the whole bureau
    (``unit_id`` None) or one unit, by a user whose role and scope allow it."""
    permissions.require_report_on(actor, unit_id)
    return _issue(kind, period, unit_id, actor=actor, now=now or timezone.now(),
                  scheduled=False, remote_addr=remote_addr)  # fmt: skip


def open_report(
    report: Report, fmt: str, *, actor: User, remote_addr: str = "", via: str = ""
) -> tuple[Path, str]:
    """The stored file of ``report`` in ``fmt`` and the name to download it as; audited (``via``:
    how an API call was authenticated, for its row)."""
    permissions.require_report_on(actor, report.unit_id)
    if fmt not in FORMATS:
        raise ReportError(ErrorCode.FORMAT_INVALID, f"报告格式“{fmt}”有误：应为 docx 或 xlsx")
    path = report_root() / (report.docx_path if fmt == "docx" else report.xlsx_path)
    if not path.is_file():
        raise ReportError(ErrorCode.FILE_MISSING, f"报告 {report.number} 的文件不存在")
    record_audit(
        actor, AuditAction.REPORT_DOWNLOAD, target_type="reports.report",
        target_id=str(report.pk), remote_addr=remote_addr,
        details={"format": fmt, "number": report.number, **({"via": via} if via else {})},
    )  # fmt: skip
    name = f"{report.title}{'' if fmt == 'docx' else '附件'}.{fmt}"
    return path, name


def write_file(kind: str, period: str, unit_id: str | None, out: Path, *, actor: User,
               now: datetime | None = None) -> Report:  # fmt: skip
    """The CLI: generate and store the report, and copy its ``.docx`` or ``.xlsx`` to ``out``."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ReportError(
            ErrorCode.FORMAT_INVALID, f"输出文件“{out}”须以 .docx 或 .xlsx 结尾", field="out"
        )
    report = generate_report(actor=actor, kind=kind, period=period, unit_id=unit_id, now=now)
    path, _name = open_report(report, fmt, actor=actor)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(path.read_bytes())
    return report


# --- the schedule ---------------------------------------------------------------------------


def _at(day: date) -> datetime:
    hour, minute = (int(x) for x in settings.REPORT_TIME.split(":", 1))
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(
        hour=hour, minute=minute))  # fmt: skip


def due_periods(now: datetime) -> list[tuple[str, Period]]:
    """The bureau reports the schedule has issued by ``now``: yesterday's 日巡查 from the daily
    time, last week's 周通报 from the weekday's time, last month's 月考评 from the day of the
    month, last quarter's 季分析 from the day of the quarter's first month."""
    today = timezone.localtime(now).date()
    out = []
    if now >= _at(today):
        out.append((DAILY, period_containing(DAILY, today - timedelta(days=1))))
    monday = today - timedelta(days=today.weekday())
    issue = monday + timedelta(days=settings.REPORT_WEEKDAY - 1)
    if issue <= today and now >= _at(issue):
        out.append((WEEKLY, period_containing(WEEKLY, monday - timedelta(days=1))))
    first = today.replace(day=1)
    if today.day >= settings.REPORT_MONTH_DAY and now >= _at(first.replace(
            day=settings.REPORT_MONTH_DAY)):  # fmt: skip
        out.append((MONTHLY, period_containing(MONTHLY, first - timedelta(days=1))))
    quarter = first.replace(month=(first.month - 1) // 3 * 3 + 1)
    issue_q = quarter.replace(day=settings.REPORT_QUARTER_DAY)
    if today >= issue_q and now >= _at(issue_q):
        out.append((QUARTERLY, period_containing(QUARTERLY, quarter - timedelta(days=1))))
    return out


def _scheduled(kind: str, period: str, unit_id: str | None) -> QuerySet[Report]:
    """The scheduled report of ``kind`` for ``period`` over the bureau (``None``) or a unit."""
    return Report.objects.filter(kind=kind, period=period, scheduled=True, unit_id=unit_id)


def scheduled_scopes() -> list[str | None]:
    """What the tick issues each due report for: the whole bureau (``None``), then, unless
    ``REPORT_UNITS`` is off, each unit whose own users read reports (``permissions.reading_units``),
    its report computed in that unit's scope."""
    return [None, *(permissions.reading_units() if settings.REPORT_UNITS else [])]


def tick_reports(now: datetime, actor: User) -> dict[str, Any]:
    """The tick's step: issue the reports the schedule has made due and that are not yet issued,
    the bureau's and each reading unit's (each period once per scope: unique constraints over
    the scheduled reports)."""
    issued: list[str] = []
    if not settings.REPORT_SCHEDULE:
        return {"issued": issued, "schedule": "off"}
    due = due_periods(now)
    scopes = scheduled_scopes()
    done = set(
        Report.objects.filter(scheduled=True, period__in=[p.key for _, p in due])
        .values_list("kind", "period", "unit_id")
    )  # fmt: skip
    for kind, period in due:
        for unit_id in scopes:
            if (kind, period.key, unit_id) in done:
                continue
            try:
                report = _issue(kind, period.key, unit_id, actor=actor, now=now, scheduled=True)
            except IntegrityError:  # another tick issued it meanwhile
                continue
            issued.append(report.number)
    return {"issued": issued, "units": len(scopes) - 1}


def kind_label(kind: str) -> str:
    return dict(ReportKind.choices).get(kind, kind)
