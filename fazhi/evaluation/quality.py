"""The case-quality score of 最优/最差案件 and the settings of the 案件剖析 and the 诚信档案
warning, read from ``schemes/quality.toml`` and validated (refused whole, naming the key).

**Case-quality score** (案件质量分): a case closed in the month starts from 100 and loses, per
item, what the file sets: each problem about the case by its severity (不予认定 ones do not
count), each of those problems rectified late or still unfixed past its due time, each
review of the case decided against it (撤销, 变更, 确认违法 …), each complaint about it found
true, each deadline finding on it that ran over (超期, 超期办理: timeliness). Never below
zero. It is computed set-based, one query with a counting subquery per part, over every case
closed in the month; nothing in it counts fines, detentions or arrests (a case is not better
for hitting harder).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from fazhi.evaluation.compute import month_bounds
from fazhi.patrol.models import Finding, FindingStatus
from fazhi.records import enums
from fazhi.records import models as m
from fazhi.rectification.models import Problem, ProblemStatus

QUALITY_PATH = Path(__file__).resolve().parent / "schemes" / "quality.toml"

ADVERSE_DEFAULT = ("撤销", "变更", "确认违法", "责令履行", "赔偿", "纠正")
TRUE_RESULTS = (enums.ComplaintResult.TRUE, enums.ComplaintResult.PARTLY_TRUE)

# key -> (default, least, most) of every number the file may set, per section
NUMBERS: dict[str, dict[str, tuple[int, int, int]]] = {
    "cases": {
        "problem_minor": (5, 0, 100), "problem_serious": (10, 0, 100),
        "problem_grave": (20, 0, 100), "overdue_rectification": (5, 0, 100),
        "review_lost": (20, 0, 100), "complaint_true": (10, 0, 100),
        "late_deadline": (5, 0, 100), "shown": (20, 1, 200),
    },
    "analysis": {"due_working_days": (10, 1, 60), "remind_working_days": (2, 0, 30)},
    "warning": {
        "window_days": (90, 7, 366), "signals_needed": (2, 1, 6), "grave_problems": (2, 1, 100),
        "overdue_rectifications": (2, 1, 100), "complaints_true": (1, 1, 100),
        "reviews_lost": (1, 1, 100), "disciplines": (1, 1, 100), "interviews": (1, 1, 100),
    },
}  # fmt: skip
LISTS = {"cases": {"review_outcomes"}}

# What each part of the score is called on the page (the columns of the explanation).
PARTS = (
    ("problem_minor", "一般问题"),
    ("problem_serious", "较重问题"),
    ("problem_grave", "严重问题"),
    ("overdue_rectification", "整改超期"),
    ("review_lost", "监督救济不利结果"),
    ("complaint_true", "投诉查实"),
    ("late_deadline", "超期办理"),
)
# The 诚信档案 warning's signals, in the order shown.
SIGNALS = (
    ("grave_problems", "严重问题"),
    ("overdue_rectifications", "整改超期"),
    ("complaints_true", "投诉查实"),
    ("reviews_lost", "监督救济不利结果"),
    ("disciplines", "惩戒处理"),
    ("interviews", "约谈提醒"),
)


class QualityError(ValueError):
    """The file is wrong: every problem, in Chinese, naming the key."""


@dataclass(frozen=True)
class Quality:
    cases: dict[str, int]
    review_outcomes: tuple[str, ...]
    analysis: dict[str, int]
    warning: dict[str, int]

    @property
    def shown(self) -> int:
        return self.cases["shown"]


def parse(text: str) -> Quality:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QualityError(f"设置文件不是有效的 TOML：{exc}") from None
    problems: list[str] = []
    values: dict[str, dict[str, int]] = {}
    for section in sorted(set(data) - set(NUMBERS)):
        problems.append(f"未知的设置节 [{section}]")
    outcomes: tuple[str, ...] = ADVERSE_DEFAULT
    for section, keys in NUMBERS.items():
        given = data.get(section, {})
        if not isinstance(given, dict):
            problems.append(f"[{section}] 应为一节设置")
            given = {}
        for key in sorted(set(given) - set(keys) - LISTS.get(section, set())):
            problems.append(f"[{section}] 中的 {key} 不是可用的设置")
        values[section] = {}
        for key, (default, least, most) in keys.items():
            value = given.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(f"[{section}] {key} 应为整数")
            elif not least <= value <= most:
                problems.append(f"[{section}] {key} 应在 {least} 到 {most} 之间，现为 {value}")
            else:
                values[section][key] = value
        if section == "cases" and "review_outcomes" in given:
            raw = given["review_outcomes"]
            if not isinstance(raw, list) or not raw:
                problems.append("[cases] review_outcomes 应为非空的结果列表")
            else:
                bad = [str(v) for v in raw if v not in enums.ReviewOutcome.values]
                if bad:
                    problems.append(
                        f"[cases] review_outcomes 中「{'、'.join(bad)}」不是执法监督救济的结果"
                    )
                outcomes = tuple(str(v) for v in raw)
    if problems:
        raise QualityError("；".join(problems))
    return Quality(values["cases"], outcomes, values["analysis"], values["warning"])


@cache
def _load(path: Path, mtime: float) -> Quality:
    return parse(path.read_text(encoding="utf-8"))


def load(path: Path = QUALITY_PATH) -> Quality:
    """The settings file, read again when it changes."""
    return _load(path, path.stat().st_mtime)


# --- the case-quality score ---------------------------------------------------------------------


def _count(qs: QuerySet[Any]) -> Coalesce:
    """A correlated count over ``qs`` (rows with a ``case_id`` filtered by ``OuterRef('pk')``)."""
    counted = qs.order_by().values("case_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def candidates(
    month: date, q: Quality, *, now: datetime, cases: QuerySet[m.Case] | None = None
) -> QuerySet[m.Case]:
    """The cases closed in ``month``, each annotated with the count of every part
    (``n_<part>``), its deduction (``deducted``) and its score (``quality``): one query."""
    start, end = month_bounds(month)
    qs = (cases if cases is not None else m.Case.objects.all()).filter(
        closed_at__gte=start, closed_at__lt=end
    )
    problems = Problem.objects.filter(case_id=OuterRef("pk")).exclude(
        status=ProblemStatus.DISMISSED
    )
    late = Q(fixed_at__gt=F("due_at")) | Q(fixed_at__isnull=True, due_at__lt=now)
    parts: dict[str, Any] = {
        "n_problem_minor": _count(problems.filter(severity="一般")),
        "n_problem_serious": _count(problems.filter(severity="较重")),
        "n_problem_grave": _count(problems.filter(severity="严重")),
        "n_overdue_rectification": _count(problems.filter(late)),
        "n_review_lost": _count(
            m.Review.objects.filter(case_id=OuterRef("pk"), outcome__in=q.review_outcomes)
        ),
        "n_complaint_true": _count(
            m.Complaint.objects.filter(case_id=OuterRef("pk"), result__in=TRUE_RESULTS)
        ),
        "n_late_deadline": _count(
            Finding.objects.filter(
                case_id=OuterRef("pk"), status__in=(FindingStatus.OVERDUE, FindingStatus.LATE)
            )
        ),
    }
    qs = qs.annotate(**parts)
    deducted: Any = Value(0)
    for key, _label in PARTS:
        deducted = deducted + F(f"n_{key}") * Value(q.cases[key])
    qs = qs.annotate(deducted=ExpressionWrapper(deducted, output_field=IntegerField()))
    return qs.annotate(
        quality=Greatest(Value(100) - F("deducted"), Value(0), output_field=IntegerField())
    )


@dataclass(frozen=True)
class Ranked:
    """A month's candidates ranked: how many, and the best and worst cases, annotated."""

    total: int
    best: list[m.Case]
    worst: list[m.Case]


def ranked(
    month: date, q: Quality, *, now: datetime, cases: QuerySet[m.Case] | None = None
) -> Ranked:
    """The ``q.shown`` best and worst of ``candidates``. The scores of every candidate are read
    in one scan (a city's month has thousands) and ranked here: ordering the annotated set twice
    in SQL cost two more full scans of the correlated counts. Only the rows shown are then read
    whole, with their parts."""
    annotated: Any = candidates(month, q, now=now, cases=cases)
    scored = list(annotated.values_list("pk", "quality", "closed_at"))
    # ties broken by closing time, then by the case number
    best = sorted(scored, key=lambda r: (-r[1], r[2], r[0]))[: q.shown]
    worst = sorted(scored, key=lambda r: (r[1], r[2], r[0]))[: q.shown]
    chosen = {r[0] for r in best} | {r[0] for r in worst}
    rows = {
        c.pk: c
        for c in candidates(
            month, q, now=now, cases=m.Case.objects.filter(pk__in=chosen)
        ).select_related("unit", "lead_officer")
    }
    for row in rows.values():
        row.parts = explain(row, q)  # type: ignore[attr-defined]
    return Ranked(
        total=len(scored), best=[rows[r[0]] for r in best], worst=[rows[r[0]] for r in worst]
    )


def explain(case: Any, q: Quality) -> list[dict[str, Any]]:
    """The parts of one annotated case's score: label, count, points each, points lost."""
    out = []
    for key, label in PARTS:
        n = int(getattr(case, f"n_{key}", 0) or 0)
        out.append({"part": key, "label": label, "count": n, "each": q.cases[key],
                    "points": n * q.cases[key]})  # fmt: skip
    return out
