"""The monthly evaluation computed per 县局/分局 on the Celery workers (``fazhi.core.fanout``).

A subject's score reads only the records of its own unit (a unit's, a leader's) or of itself (an
officer's, whose unit is its county's), so the month is cut by the subject's unit: one part per
county bureau and one for the units of none (``records.bureaus.unit_parts``). A part computes and
scores its subjects (``compute.compute`` with the part's unit filter) and hands them back as its
result; it writes nothing else, so a part killed or sent twice has nothing to undo. The ranking
compares subjects across the counties, so the caller ranks every part's rows together and stores
the version in one transaction with its one audit row, exactly as one process does
(``services.compute_month``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from fazhi.core import fanout
from fazhi.evaluation import compute as calc
from fazhi.evaluation.scheme import Scheme, parse
from fazhi.records.bureaus import unit_filter, unit_parts

KIND = "evaluation"


def compute_part(params: dict[str, Any], key: str) -> dict[str, Any]:
    """The scored (unranked) subjects of one part (the workers call it)."""
    scheme = parse(params["scheme"])
    rows, summary = calc.compute(
        scheme,
        date.fromisoformat(params["month"]),
        datetime.fromisoformat(params["as_of"]),
        partial(unit_filter, params, key),
        ranked=False,
    )
    return {"rows": [dump(row) for row in rows], "summary": summary}


def fanned_compute(
    scheme: Scheme, month: date, as_of: datetime
) -> tuple[list[calc.SubjectRow], dict[str, Any]]:
    """``compute.compute`` with the subjects scored by the workers and ranked here."""
    params, keys = unit_parts()
    params.update(scheme=scheme.text, month=month.isoformat(), as_of=as_of.isoformat())
    results = fanout.fan_out(KIND, params, keys)
    rows = [load(scheme, data) for key in keys for data in results[key]["rows"]]
    calc.rank_all(rows)
    return rows, results[keys[0]]["summary"]


def dump(row: calc.SubjectRow) -> dict[str, Any]:
    """A scored row as JSON (what ``compute_month`` stores of it, nothing lost)."""
    return {
        "subject": row.subject, "unit_id": row.unit_id, "officer_id": row.officer_id,
        "leader_role": row.leader_role, "workload": row.workload, "case_count": row.case_count,
        "vetoes": row.vetoes, "indicators": row.indicators,
        "items": [_item(entry) for entry in row.items],
        "withdrawn": [_item(entry) for entry in row.withdrawn],
        "score": None if row.score is None else str(row.score), "grade": row.grade,
        "standing": row.standing,
    }  # fmt: skip


def load(scheme: Scheme, data: dict[str, Any]) -> calc.SubjectRow:
    indicators = {ind.code: ind for ind in scheme.indicators}

    def item(entry: list[Any]) -> tuple[Any, str, str, datetime | None, Decimal]:
        code, record_type, record_id, at, points = entry
        at = datetime.fromisoformat(at) if at is not None else None
        return indicators[code], record_type, record_id, at, Decimal(points)

    return calc.SubjectRow(
        data["subject"], data["unit_id"], data["officer_id"], leader_role=data["leader_role"],
        workload=data["workload"], case_count=data["case_count"], vetoes=data["vetoes"],
        items=[item(e) for e in data["items"]], withdrawn=[item(e) for e in data["withdrawn"]],
        indicators=data["indicators"],
        score=None if data["score"] is None else Decimal(data["score"]), grade=data["grade"],
        standing=data["standing"],
    )  # fmt: skip


def _item(entry: tuple[Any, str, str, datetime | None, Decimal]) -> list[Any]:
    ind, record_type, record_id, at, points = entry
    return [ind.code, record_type, record_id, at.isoformat() if at else None, str(points)]
