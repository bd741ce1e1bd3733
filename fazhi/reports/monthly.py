"""月考评: the month's published evaluation (``fazhi.evaluation``): the units' ranking with score,
grade and movement against the previous month's published ranking, the grades of officers and
middle leaders, the vetoes, the best and worst officers, and the typical cases.

The scores are the version page's: the month's published version, ``visible`` in the report's
scope, ranks as stored; the movement is the previous month's published rank of the same subject
(as the version page computes it). A month not yet published yields a report saying so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F

from fazhi.core.scope import DataScope, visible
from fazhi.core.templatetags.display import label
from fazhi.evaluation.models import Evaluation, EvaluationStatus, Grade, Score, SubjectKind
from fazhi.reports import common
from fazhi.reports.document import Chart, ReportDoc, Section, Sub, Table
from fazhi.reports.periods import Period

EXTREMES = 10


@dataclass
class MonthlyData:
    period: Period
    evaluation: Evaluation | None
    units: list[dict[str, Any]]  # unit_id, name, score, grade, rank, previous_rank, vetoes
    grades: dict[str, dict[str, int]]  # subject → grade → count
    vetoes: list[dict[str, Any]]
    best: list[dict[str, Any]]
    worst: list[dict[str, Any]]

    @property
    def totals(self) -> dict[str, Any]:
        return {
            "published": self.evaluation is not None,
            "version": self.evaluation.version if self.evaluation else None,
            "units": len(self.units),
            "vetoes": len(self.vetoes),
            "excellent": sum(g.get(Grade.EXCELLENT, 0) for g in self.grades.values()),
            "fail": sum(g.get(Grade.FAIL, 0) for g in self.grades.values()),
        }


def _previous_month(first: date) -> date:
    return first.replace(year=first.year - (first.month == 1), month=(first.month - 2) % 12 + 1)


def published(first: date) -> Evaluation | None:
    return Evaluation.objects.filter(month=first, status=EvaluationStatus.PUBLISHED).first()


def _scored(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        **row,
        "name": names.get(row.get("officer_id") or "", "") or row.get("unit__name", ""),
        "score": None if row["score"] is None else float(row["score"]),
    }


def compute(period: Period, scope: DataScope, unit_id: str | None, now: datetime) -> MonthlyData:
    ev = published(period.first)
    if ev is None:
        return MonthlyData(period, None, [], {}, [], [], [])
    scores = visible(Score.objects.filter(evaluation=ev), scope)
    order = (F("rank").asc(nulls_last=True), "unit_id", "officer_id")
    fields = ("pk", "subject", "unit_id", "unit__name", "officer_id", "leader_role", "score",
              "grade", "rank", "standing", "vetoes")  # fmt: skip
    units = list(scores.filter(subject=SubjectKind.UNIT).order_by(*order).values(*fields))
    before = dict(
        Score.objects.filter(
            evaluation__month=_previous_month(period.first),
            evaluation__status=EvaluationStatus.PUBLISHED,
            subject=SubjectKind.UNIT,
            unit_id__in=[u["unit_id"] for u in units],
        ).values_list("unit_id", "rank")
    )
    grades: dict[str, dict[str, int]] = {}
    for row in scores.values("subject", "grade").annotate(n=Count("pk")).order_by():
        grades.setdefault(row["subject"], {})[row["grade"] or ""] = row["n"]
    vetoed = list(scores.exclude(vetoes=[]).order_by("subject", "unit_id", "officer_id")
                  .values(*fields))  # fmt: skip
    ranked = scores.filter(subject=SubjectKind.OFFICER, rank__isnull=False)
    best = list(ranked.order_by("rank", "officer_id").values(*fields)[:EXTREMES])
    worst = list(ranked.order_by("-rank", "officer_id").values(*fields)[:EXTREMES])
    officers = common.officer_names(
        r["officer_id"] for r in [*vetoed, *best, *worst] if r["officer_id"]
    )
    out_units = []
    for u in units:
        row = _scored(u, {})
        row["previous_rank"] = before.get(u["unit_id"])
        out_units.append(row)
    return MonthlyData(
        period, ev, out_units, grades,
        [_scored(r, officers) for r in vetoed],
        [_scored(r, officers) for r in best],
        [_scored(r, officers) for r in worst],
    )  # fmt: skip


def movement(rank: int | None, previous: int | None) -> str:
    if rank is None or previous is None:
        return "—"
    if rank < previous:
        return f"上升{previous - rank}位"
    if rank > previous:
        return f"下降{rank - previous}位"
    return "持平"


def _score_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def document(data: MonthlyData) -> ReportDoc:
    title = f"执法质量考评情况通报（{data.period.label}）"
    ev = data.evaluation
    if ev is None:
        return ReportDoc(
            kind="monthly", title=title, scope_name="", period_label=data.period.label,
            lead=f"{data.period.label}的执法质量考评结果尚未发布，本期不通报考评结果。",
            sections=[], summary=data.totals,
        )  # fmt: skip
    ranking = Table(
        "表1 各单位考评排名",
        ["名次", "单位", "得分", "等次", "上月名次", "名次变化", "一票否决"],
        [[u["rank"] if u["rank"] is not None else "—", u["unit__name"], _score_text(u["score"]),
          common.text(u["grade"]), common.text(u["previous_rank"]),
          movement(u["rank"], u["previous_rank"]), "是" if u["vetoes"] else "否"]
         for u in data.units],
        [8, 24, 10, 10, 10, 12, 10],
    )  # fmt: skip
    subjects = dict(SubjectKind.choices)
    grade_rows = []
    for subject, counts in sorted(data.grades.items()):
        grade_rows.append([
            subjects.get(subject, subject), *(counts.get(g, 0) for g in Grade.values),
            counts.get("", 0), sum(counts.values()),
        ])  # fmt: skip
    grades = Table(
        "表2 考评等次分布", ["考评对象", *Grade.labels, "未评等次", "合计"], grade_rows,
        [12, 10, 10, 10, 10, 10],
    )  # fmt: skip
    vetoes = Table(
        "表3 一票否决",
        ["考评对象", "单位", "民警", "否决事项"],
        [[subjects.get(v["subject"], v["subject"]), v["unit__name"], v["name"] or "—",
          "、".join(label(x.get("kind", "")) for x in v["vetoes"])] for v in data.vetoes],
        [12, 24, 20, 40],
    )  # fmt: skip

    def officer_table(caption: str, rows: list[dict[str, Any]]) -> Table:
        return Table(
            caption, ["名次", "民警", "单位", "得分", "等次"],
            [[r["rank"], r["name"], r["unit__name"], _score_text(r["score"]),
              common.text(r["grade"])] for r in rows],
            [8, 20, 24, 10, 10],
        )  # fmt: skip

    scored = [u for u in data.units if u["score"] is not None]
    chart = Chart(
        "各单位考评得分", "barh", [u["unit__name"] for u in scored],
        [("得分", [u["score"] for u in scored])],
    )  # fmt: skip
    t = data.totals
    top = data.units[0]["unit__name"] if data.units else "—"
    lead = (
        f"{data.period.label}执法质量考评结果已于 {common.when(ev.published_at)} 发布"
        f"（第{ev.version}版，考评方案“{ev.scheme_name}”{ev.scheme_version}）。"
        f"参与考评单位 {t['units']} 个，排名第一的是{top}；评为优秀 {t['excellent']} 个（人），"
        f"不达标 {t['fail']} 个（人），一票否决 {t['vetoes']} 个（人）。现将考评情况通报如下。"
    )
    first = Section("一、单位考评排名", [ranking])
    if scored:
        first.blocks.append(chart)
    return ReportDoc(
        kind="monthly",
        title=title,
        scope_name="",
        period_label=data.period.label,
        lead=lead,
        sections=[
            first,
            Section("二、考评等次分布", [grades]),
            Section(
                "三、一票否决情况",
                [
                    "本月有以下考评对象被一票否决，等次为不达标。"
                    if data.vetoes
                    else "本月没有一票否决的考评对象。",
                    vetoes,
                ],
            ),
            Section(
                "四、民警考评情况",
                [
                    Sub("（一）得分靠前的民警"),
                    officer_table("表4 得分靠前的民警", data.best),
                    Sub("（二）得分靠后的民警"),
                    officer_table("表5 得分靠后的民警", data.worst),
                ],
            ),
            # Best and worst cases are picked by the evaluation; this version of it picks none.
            Section("五、典型案例", ["本月考评未选取优秀案例和问题案例。"]),
        ],
        summary=t,
    )
