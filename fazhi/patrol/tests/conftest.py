"""Fixtures for the rule tests: the clean example cases, a loader, a patrol helper, mutators
and builders of small compliant record chains.

The rule tests start from ``clean-cases.jsonl`` (two fully compliant cases that patrol to zero
findings at 2026-10-08T10:00+08:00) and change one fact. Records are stored with the importer
(``import_bundle``), as in production; with ``FAZHI_TEST_LOADER=models`` (or when the importer
cannot be imported) they are written straight through the models with the FZX schema table
(``load_through_models``): these are tests of the patrol, not of the importer, and the suite
passes either way. A tiny store costs a few milliseconds.

Where a rule needs a record the clean cases lack (a 取保候审, a second case, a dispute incident),
a builder below adds a complete, compliant chain of records, so that the one fact the test then
changes is the only thing wrong.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fazhi.accounts.services import system_user
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
        _CLEAN = [
            json.loads(line)
            for line in CLEAN_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
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
# Loading records


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


def load_through_models(records: Iterable[dict[str, Any]]) -> None:
    """Store FZX records (dicts as in a .jsonl bundle) straight through the models.

    Fields FZX does not define go to ``extra`` (as the importer does, e.g. ``id_number_note``);
    officer lists become ordered link rows.
    """
    order = {name: i for i, name in enumerate(TYPE_ORDER)}
    items = sorted(records, key=lambda r: order[r["type"]])
    objs: dict[str, list[Any]] = {}
    links: dict[Any, list[Any]] = {}
    for rec in items:
        rt = BY_NAME[rec["type"]]
        kwargs: dict[str, Any] = {"id": rec["id"]}
        known = {"type", "id"}
        for spec in rt.fields:
            known.add(spec.name)
            if spec.kind is Kind.REFS:
                link_model, owner = rt.links[spec.name]
                for position, officer_id in enumerate(rec.get(spec.name) or []):
                    links.setdefault(link_model, []).append(
                        link_model(**{owner: rec["id"]}, officer_id=officer_id, position=position)
                    )
                continue
            kwargs[spec.column] = _value(spec, rec.get(spec.name, spec.default))
        kwargs["extra"] = {k: v for k, v in rec.items() if k not in known}
        objs.setdefault(rec["type"], []).append(rt.model(**kwargs))
    for name in TYPE_ORDER:
        if name in objs:
            BY_NAME[name].model.objects.bulk_create(objs[name])
    for model, rows in links.items():
        model.objects.bulk_create(rows)


def load_through_importer(records: Iterable[dict[str, Any]]) -> None:
    """Store FZX records with the importer (``fazhi.exchange.services.import_bundle``)."""
    from fazhi.exchange.services import import_bundle

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.jsonl"
        path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
        report = import_bundle([path], actor=system_user())
    assert report.ok, "\n".join(str(e) for e in report.errors)


def _importer_available() -> bool:
    try:
        from fazhi.exchange.services import import_bundle  # noqa: F401
    except ImportError:
        return False
    return True


# FAZHI_TEST_LOADER=models|importer chooses; by default the importer when it can be imported.
LOADER = os.environ.get("FAZHI_TEST_LOADER") or ("importer" if _importer_available() else "models")


def load_records(records: Iterable[dict[str, Any]]) -> None:
    """Store FZX records in the (empty, per-test) store."""
    records = list(records)
    if LOADER == "importer":
        load_through_importer(records)
    else:
        load_through_models(records)


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
# Identity numbers and compliant record chains

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(birth: str, sequence: str = "123", area: str = "330122") -> str:
    """A valid 身份证号 (GB 11643 check character) for a birth date ``YYYY-MM-DD``."""
    body = area + birth.replace("-", "") + sequence
    assert len(body) == 17
    total = sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def incident(rid: str, category: str, received_at: str, **fields: Any) -> dict[str, Any]:
    rec = {
        "type": "incident",
        "id": rid,
        "received_at": received_at,
        "source": "110",
        "category": category,
        "unit_id": "U1",
        "officer_ids": ["P1", "P2"],
        "address": "示范县城南街道和平路3号",
        "description": "报警人称与邻居发生争吵。",
        "reporter_name": "郑某",
        "reporter_phone": "13900000009",
        "arrived_at": None,
        "disposition": None,
        "disposed_at": None,
        "dispute_type": "邻里" if category == "纠纷" else None,
    }
    rec.update(fields)
    return rec


def criminal_case(
    cid: str, accepted_at: datetime, *, filed: bool = True, status: str = "侦查中", **fields: Any
) -> list[dict[str, Any]]:
    """A compliant 刑事 case: accepted, its 受案回执 half an hour later, filed one hour later."""
    rec = case(
        cid,
        "刑事",
        iso(accepted_at),
        filed_at=iso(accepted_at + timedelta(hours=1)) if filed else None,
        status=status,
    )
    rec.update(fields)
    receipt = event(f"{cid}-RC", "受案回执", iso(accepted_at + timedelta(minutes=30)), case_id=cid)
    return [rec, receipt]


def admin_case(
    cid: str, accepted_at: datetime, *, decided_at: datetime | None = None, **fields: Any
) -> list[dict[str, Any]]:
    """A compliant 行政 case: accepted and filed at once, 受案回执 half an hour later, and a 结案
    at ``decided_at`` (default: one day later), which answers ZA-QX-01 without a 处罚决定."""
    decided = decided_at or accepted_at + timedelta(days=1)
    rec = case(cid, "行政", iso(accepted_at), filed_at=iso(accepted_at), status="结案")
    rec.update(fields)
    return [
        rec,
        event(f"{cid}-RC", "受案回执", iso(accepted_at + timedelta(minutes=30)), case_id=cid),
        event(f"{cid}-END", "结案", iso(decided), case_id=cid),
    ]


def restriction_case(
    cid: str,
    kind: str,
    started_at: datetime,
    *,
    ended_at: datetime | None = None,
    deposit: float | None = 2000,
    birth: str = "1988-06-15",
) -> list[dict[str, Any]]:
    """A compliant 刑事 case (already 移送审查起诉, so GF-AJ-01 does not watch it) with one
    suspect ``{cid}-S`` under a non-custodial measure ``{cid}-M`` of ``kind`` (取保候审, 监视居住,
    指定居所监视居住) started at ``started_at``, with what that measure requires: the
    取保候审决定书, or the family notified of a 指定居所监视居住. A ``deposit`` counts only for
    取保候审; when the measure has ended, the deposit is returned an hour later."""
    accepted = started_at - timedelta(days=1)
    records = criminal_case(cid, accepted, status="移送审查起诉")
    pid, mid = f"{cid}-S", f"{cid}-M"
    records.append(
        person(
            pid, cid, name="吕某", id_number=id_number(birth), birth_date=birth, role="犯罪嫌疑人"
        )
    )
    records.append(
        measure(
            mid,
            kind,
            iso(started_at),
            case_id=cid,
            person_id=pid,
            ended_at=iso(ended_at) if ended_at else None,
            deposit_amount=deposit if kind == "取保候审" else None,
        )
    )
    if kind == "取保候审":
        records.append(
            document(
                f"{mid}-DOC",
                "取保候审决定书",
                iso(started_at - timedelta(minutes=30)),
                case_id=cid,
                measure_id=mid,
                person_id=pid,
            )
        )
        if ended_at is not None and deposit:
            records.append(
                event(
                    f"{mid}-RET",
                    "退还保证金",
                    iso(ended_at + timedelta(hours=1)),
                    case_id=cid,
                    person_id=pid,
                    measure_id=mid,
                )
            )
    if kind == "指定居所监视居住":
        records.append(
            event(
                f"{mid}-N",
                "通知家属",
                iso(started_at + timedelta(hours=2)),
                case_id=cid,
                person_id=pid,
                measure_id=mid,
            )
        )
    return records


def second_suspect(pid: str = "S-2", case_id: str = "C-OK") -> dict[str, Any]:
    birth = "1992-11-05"
    return person(
        pid,
        case_id,
        name="钱某",
        id_number=id_number(birth, "456"),
        birth_date=birth,
        role="犯罪嫌疑人",
    )


def custody_chain(
    kind: str, started_at: datetime, *, pid: str = "S-2", case_id: str = "C-OK"
) -> list[dict[str, Any]]:
    """A 刑事拘留 or 逮捕 of ``pid`` with everything due within 24 hours done in time: rights
    told, interrogated (1 h after), sent to the detention house, family told; a 拘留证 for a
    刑事拘留. Nothing is done about the 3-day (提请批准逮捕) or 2-month (羁押) limits."""
    mid = f"M-{pid}-{'JL' if kind == '刑事拘留' else 'DB'}"
    at = started_at
    records = [
        measure(mid, kind, iso(at), case_id=case_id, person_id=pid),
        event(
            f"{mid}-RIGHTS",
            "权利义务告知",
            iso(at + timedelta(minutes=30)),
            case_id=case_id,
            person_id=pid,
        ),
        transcript(
            f"{mid}-T",
            iso(at + timedelta(hours=1)),
            iso(at + timedelta(hours=2)),
            case_id=case_id,
            person_id=pid,
        ),
        event(
            f"{mid}-JAIL",
            "送看守所",
            iso(at + timedelta(hours=3)),
            case_id=case_id,
            person_id=pid,
            measure_id=mid,
        ),
        event(
            f"{mid}-NOTE",
            "通知家属",
            iso(at + timedelta(hours=4)),
            case_id=case_id,
            person_id=pid,
            measure_id=mid,
        ),
    ]
    if kind == "刑事拘留":
        records.append(
            document(
                f"{mid}-DOC",
                "拘留证",
                iso(at - timedelta(minutes=30)),
                case_id=case_id,
                measure_id=mid,
                person_id=pid,
            )
        )
    return records


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

    run_patrol(as_of=as_of, actor=system_user(), **kw)
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
    return (
        "\n".join(
            f"{f['rule']} {f['subject_type']}:{f['subject_id']} {f['status']} due={f['due_at']}"
            for f in findings
        )
        or "(no findings)"
    )


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


# ---------------------------------------------------------------------------------------------
# Deadline boundaries, the same five checks for every deadline rule


Records = list[dict[str, Any]]


@dataclass(frozen=True)
class DeadlineCase:
    """One deadline rule set up on (a variant of) the clean cases.

    ``build(records, done)`` changes the clean records so that the rule's required act happens
    at ``done`` (or not at all when ``done`` is None), and nothing else is wrong at any ``as_of``
    in [due - lead, due + 1 min]. ``due`` is the expected due time (hand-computed from
    rules.md), ``lead`` the expected warning lead.
    """

    rule: str
    subject_type: str
    subject_id: str
    due: datetime
    lead: timedelta
    build: Callable[[Records, datetime | None], Records]

    def __str__(self) -> str:
        return self.rule


def check_done_at_due(patrol: Callable[..., Records], records: Records, dc: DeadlineCase) -> None:
    # given the required act done exactly at the due time
    records = dc.build(records, dc.due)
    # when patrolled just after the due time
    findings = patrol(records, dc.due + MINUTE)
    # then it was in time: no finding at all
    assert findings == [], _show(findings)


def check_late(patrol: Callable[..., Records], records: Records, dc: DeadlineCase) -> None:
    # given the required act done one minute after the due time
    records = dc.build(records, dc.due + MINUTE)
    # when patrolled then
    findings = patrol(records, dc.due + MINUTE)
    # then exactly this rule reports the subject as done late, with the due and done times
    f = only(findings, dc.rule, dc.subject_type, dc.subject_id)
    assert f["status"] == "late"
    assert f["due_at"] == iso(dc.due)
    assert f["done_at"] == iso(dc.due + MINUTE)
    assert f["facts"]["deadline.late_by"] == "1分钟"


def check_overdue(patrol: Callable[..., Records], records: Records, dc: DeadlineCase) -> None:
    # given the required act not done
    records = dc.build(records, None)
    # when patrolled one minute after the due time
    findings = patrol(records, dc.due + MINUTE)
    # then exactly this rule reports the subject overdue
    f = only(findings, dc.rule, dc.subject_type, dc.subject_id)
    assert f["status"] == "overdue"
    assert f["due_at"] == iso(dc.due)
    assert f["done_at"] is None
    # and its facts say which closing record or time is not recorded, not only how late it is
    assert "未录入" in f["facts"]["deadline.missing"], f["facts"]


def check_warning(patrol: Callable[..., Records], records: Records, dc: DeadlineCase) -> None:
    # given the required act not done
    records = dc.build(records, None)
    # when patrolled one minute into the warning lead
    findings = patrol(records, dc.due - dc.lead + MINUTE)
    # then exactly this rule warns about the subject, with the coming due time
    f = only(findings, dc.rule, dc.subject_type, dc.subject_id)
    assert f["status"] == "warning"
    assert f["due_at"] == iso(dc.due)


def check_before_lead(patrol: Callable[..., Records], records: Records, dc: DeadlineCase) -> None:
    # given the required act not done
    records = dc.build(records, None)
    # when patrolled exactly when the warning lead begins (the time left equals the lead)
    findings = patrol(records, dc.due - dc.lead)
    # then nothing is reported yet
    assert findings == [], _show(findings)


def check_at_due_not_overdue(
    patrol: Callable[..., Records], records: Records, dc: DeadlineCase
) -> None:
    # given the required act not done
    records = dc.build(records, None)
    # when patrolled exactly at the due time
    findings = patrol(records, dc.due)
    # then it is still only a warning: overdue starts after the due time
    f = only(findings, dc.rule, dc.subject_type, dc.subject_id)
    assert f["status"] == "warning"


BOUNDARY_CHECKS = {
    "done-at-due": check_done_at_due,
    "done-1min-late": check_late,
    "overdue": check_overdue,
    "at-due-still-warning": check_at_due_not_overdue,
    "warning-in-lead": check_warning,
    "nothing-before-lead": check_before_lead,
}


def boundary_params(cases: list[DeadlineCase]) -> list[Any]:
    """pytest params: every deadline case × every boundary check."""
    return [
        pytest.param(dc, check, id=f"{dc.rule}-{name}")
        for dc in cases
        for name, check in BOUNDARY_CHECKS.items()
    ]
