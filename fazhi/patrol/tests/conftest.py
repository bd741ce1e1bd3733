"""Fixtures for the rule tests: the clean example cases, a loader, a patrol helper, mutators.

The rule tests start from ``clean-cases.jsonl`` (two fully compliant cases that patrol to zero
findings at 2026-10-08T10:00+08:00) and change one fact. Records are written straight through
the models with the FZX schema table (``fazhi.records.schema``): these are tests of the patrol,
not of the importer, and a tiny store written this way costs a few milliseconds.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fazhi.records.schema import BY_NAME, TYPE_ORDER, Kind

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A copy of the spec's example (spec/examples/clean-cases.jsonl), kept with the tests.
CLEAN_FILE = Path(__file__).parent / "data" / "clean-cases.jsonl"
# The moment at which the clean cases must produce no finding at all.
AS_OF = datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)

_CLEAN: list[dict[str, Any]] | None = None


def read_clean() -> list[dict[str, Any]]:
    global _CLEAN
    if _CLEAN is None:
        _CLEAN = [json.loads(line) for line in CLEAN_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return copy.deepcopy(_CLEAN)


# ---------------------------------------------------------------------------------------------
# Time helpers


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A Beijing time."""
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def iso(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat()


def t(text: str) -> str:
    """Shorthand for a Beijing time in a record: ``t("2026-09-30 10:00")``."""
    return iso(datetime.fromisoformat(text).replace(tzinfo=SHANGHAI))


def midnight_after(y: int, mo: int, d: int) -> datetime:
    """24:00 of the given day (as 00:00 of the next)."""
    return sh(y, mo, d) + timedelta(days=1)


MINUTE = timedelta(minutes=1)


# ---------------------------------------------------------------------------------------------
# Loading records through the models


def _value(spec: Any, raw: Any) -> Any:
    if raw is None:
        return None
    if spec.kind is Kind.TIME:
        moment = datetime.fromisoformat(raw)
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    if spec.kind is Kind.DATE:
        return date.fromisoformat(raw)
    if spec.kind is Kind.NUMBER:
        return Decimal(str(raw))
    return raw


def load_records(records: Iterable[dict[str, Any]]) -> None:
    """Store FZX records (dicts as in a .jsonl bundle) in the database through the models.

    Fields FZX does not define go to ``extra`` (as the importer does, e.g. ``id_number_note``).
    Officer lists become ordered link rows.
    """
    order = {name: i for i, name in enumerate(TYPE_ORDER)}
    items = sorted(records, key=lambda r: order[r["type"]])
    objs: dict[str, list[Any]] = {}
    links: list[Any] = []
    for rec in items:
        rt = BY_NAME[rec["type"]]
        kwargs: dict[str, Any] = {"id": rec["id"]}
        known = {"type", "id"}
        for spec in rt.fields:
            known.add(spec.name)
            if spec.kind is Kind.REFS:
                link_model, owner = rt.links[spec.name]
                for position, officer_id in enumerate(rec.get(spec.name) or []):
                    links.append(
                        link_model(
                            **{owner: rec["id"]}, officer_id=officer_id, position=position
                        )
                    )
                continue
            raw = rec.get(spec.name, spec.default)
            kwargs[spec.column] = _value(spec, raw)
        kwargs["extra"] = {k: v for k, v in rec.items() if k not in known}
        objs.setdefault(rec["type"], []).append(rt.model(**kwargs))
    for name in TYPE_ORDER:
        if name in objs:
            BY_NAME[name].model.objects.bulk_create(objs[name])
    by_model: dict[type, list[Any]] = {}
    for link in links:
        by_model.setdefault(type(link), []).append(link)
    for model, rows in by_model.items():
        model.objects.bulk_create(rows)


# ---------------------------------------------------------------------------------------------
# Mutators: small, explicit changes of one fact


def find(records: list[dict[str, Any]], rid: str) -> dict[str, Any]:
    matches = [r for r in records if r["id"] == rid]
    assert len(matches) == 1, f"expected exactly one record {rid}, found {len(matches)}"
    return matches[0]


def set_field(records: list[dict[str, Any]], rid: str, **values: Any) -> list[dict[str, Any]]:
    """Set fields of the record ``rid`` (in place); returns ``records`` for chaining."""
    rec = find(records, rid)
    for key, value in values.items():
        rec[key] = value
    return records


def drop(records: list[dict[str, Any]], *rids: str) -> list[dict[str, Any]]:
    """Remove the records ``rids`` (each must exist)."""
    for rid in rids:
        records.remove(find(records, rid))
    return records


def add(records: list[dict[str, Any]], *new: dict[str, Any]) -> list[dict[str, Any]]:
    """Append new records (ids must be new)."""
    for rec in new:
        assert not any(r["id"] == rec["id"] for r in records), f"{rec['id']} exists"
        records.append(rec)
    return records


def event(
    rid: str,
    kind: str,
    at: str,
    *,
    case_id: str | None = None,
    person_id: str | None = None,
    measure_id: str | None = None,
    property_id: str | None = None,
    note: str | None = None,
    officer_ids: list[str] | None = None,
) -> dict[str, Any]:
    """An FZX event record (``at`` ISO or ``t(...)`` text)."""
    rec: dict[str, Any] = {
        "type": "event",
        "id": rid,
        "kind": kind,
        "at": at,
        "case_id": case_id,
        "person_id": person_id,
        "measure_id": measure_id,
        "property_id": property_id,
        "officer_ids": officer_ids if officer_ids is not None else ["P1", "P2"],
    }
    if note is not None:
        rec["note"] = note
    return rec


def measure(
    rid: str,
    kind: str,
    started_at: str,
    *,
    case_id: str = "C-OK",
    person_id: str = "S-OK",
    ended_at: str | None = None,
    deposit_amount: float | None = None,
    extended_to: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "measure",
        "id": rid,
        "case_id": case_id,
        "person_id": person_id,
        "kind": kind,
        "started_at": started_at,
        "ended_at": ended_at,
        "approved_by": "P5",
        "document_no": f"{rid}-号",
        "deposit_amount": deposit_amount,
        "extended_to": extended_to,
    }


def document(
    rid: str,
    kind: str,
    issued_at: str,
    *,
    case_id: str = "C-OK",
    measure_id: str | None = None,
    person_id: str | None = "S-OK",
    signed: bool = True,
) -> dict[str, Any]:
    return {
        "type": "document",
        "id": rid,
        "case_id": case_id,
        "kind": kind,
        "number": f"{rid}-号",
        "issued_at": issued_at,
        "measure_id": measure_id,
        "person_id": person_id,
        "signed": signed,
    }


def person(rid: str, case_id: str, **fields: Any) -> dict[str, Any]:
    rec = {
        "type": "person",
        "id": rid,
        "case_id": case_id,
        "name": "某某",
        "id_number": "330122199004121231",
        "birth_date": "1990-04-12",
        "gender": "男",
        "role": "证人",
        "phone": None,
    }
    rec.update(fields)
    return rec


def transcript(rid: str, started_at: str, ended_at: str, **fields: Any) -> dict[str, Any]:
    rec = {
        "type": "transcript",
        "id": rid,
        "case_id": "C-OK",
        "person_id": "S-OK",
        "kind": "讯问",
        "started_at": started_at,
        "ended_at": ended_at,
        "venue_id": "V2",
        "officer_ids": ["P1", "P2"],
        "recorded": True,
        "guardian_present": None,
        "text": "问:以上笔录是否属实?答:属实。",
    }
    rec.update(fields)
    return rec


def case(rid: str, kind: str, accepted_at: str, **fields: Any) -> dict[str, Any]:
    rec = {
        "type": "case",
        "id": rid,
        "kind": kind,
        "cause": "盗窃" if kind == "刑事" else "殴打他人",
        "unit_id": "U1",
        "lead_officer_id": "P1",
        "officer_ids": ["P2"],
        "incident_id": None,
        "accepted_at": accepted_at,
        "filed_at": None,
        "status": "受案",
        "closed_at": None,
        "complex": False,
    }
    rec.update(fields)
    return rec


# ---------------------------------------------------------------------------------------------
# Running the patrol


def run(records: list[dict[str, Any]], as_of: datetime = AS_OF, **kw: Any) -> list[dict]:
    """Load ``records`` into the (empty) store, patrol at ``as_of``, return the open findings."""
    load_records(records)
    return patrol_store(as_of, **kw)


def patrol_store(as_of: datetime = AS_OF, **kw: Any) -> list[dict[str, Any]]:
    """Patrol the store as it is and return the open findings as ``finding_json`` dicts."""
    from fazhi.patrol.models import Finding
    from fazhi.patrol.services import finding_json, run_patrol

    run_patrol(as_of=as_of, actor="test", **kw)
    return [
        finding_json(f)
        for f in Finding.objects.open()
        .select_related("rule")
        .order_by("rule_id", "subject_type", "subject_id")
    ]


def keys(findings: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """(rule, subject_type, subject_id) of each finding: what a test compares with the expected."""
    return {(f["rule"], f["subject_type"], f["subject_id"]) for f in findings}


def only(findings: list[dict[str, Any]], rule: str, subject_type: str, subject_id: str) -> dict:
    """Assert that the findings are exactly one, of ``rule`` about that subject; return it."""
    assert keys(findings) == {(rule, subject_type, subject_id)}, _show(findings)
    return findings[0]


def _show(findings: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{f['rule']} {f['subject_type']}:{f['subject_id']} {f['status']} due={f['due_at']}"
        for f in findings
    ) or "(no findings)"


@pytest.fixture
def clean_records() -> list[dict[str, Any]]:
    """The parsed clean-cases.jsonl, a fresh copy for each test."""
    return read_clean()


@pytest.fixture
def patrol(db: Any) -> Callable[..., list[dict[str, Any]]]:
    """``patrol(records, as_of)``: load into the empty per-test store, patrol, open findings."""
    return run


@pytest.fixture
def rerun(db: Any) -> Callable[..., list[dict[str, Any]]]:
    """``rerun(as_of)``: patrol the store again (no loading)."""
    return patrol_store
