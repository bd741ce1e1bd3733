"""The patrol on a generated county: every injected violation found and nothing else, and an
incremental run leaves exactly the findings a full run leaves.

The generator's ground truth (``*.truth.jsonl``) lists every violation it injected, the ZN
analysis rules' suspicions included (``test_analysis_generated.py`` checks those rule by rule).
Warnings are not in the truth (in-flight cases near ``as_of`` legitimately produce them) and are
compared between runs, not against the truth.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from fazhi.accounts.services import system_user
from fazhi.exchange.services import import_bundle
from fazhi.patrol.models import Finding, FindingStatus, PatrolRun
from fazhi.patrol.pack import load_pack
from fazhi.patrol.services import run_patrol
from fazhi.records import models as m

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SEED = 11


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("generated") / "demo.jsonl.gz"
    call_command("generate", "--scale", "demo", "--seed", str(SEED), "--out", str(out),
                 stdout=io.StringIO())  # fmt: skip
    lines = out.with_name("demo.truth.jsonl").read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    truth = {
        (row["rule"], row["subject_type"], row["subject_id"]): row["status"]
        for row in map(json.loads, lines[1:])
    }
    return {"bundle": out, "as_of": datetime.fromisoformat(header["as_of"]), "truth": truth}


def _open_findings() -> set[tuple[str, str, str, str, str]]:
    return set(
        Finding.objects.open().values_list(
            "rule_id", "subject_type", "subject_id", "status", "digest"
        )
    )


def _event_record(event: m.Event, **changes: Any) -> dict[str, Any]:
    record = {
        "type": "event", "id": event.pk, "kind": event.kind, "at": event.at.isoformat(),
        "case_id": event.case_id, "person_id": event.person_id, "measure_id": event.measure_id,
        "property_id": event.property_id, "note": event.note,
        "officer_ids": list(
            event.officer_links.order_by("position").values_list("officer_id", flat=True)
        ),
        **event.extra,
    }  # fmt: skip
    record.update(changes)
    return record


def test_generated_county_precision_and_recall_are_one(generated: dict[str, Any]) -> None:
    # given the generated demo county imported
    assert import_bundle([generated["bundle"]], actor=system_user()).ok
    # when it is patrolled at the generator's as_of
    run_patrol(as_of=generated["as_of"], actor=system_user())
    found = {
        (rule, subject_type, subject_id): status
        for rule, subject_type, subject_id, status, _ in _open_findings()
        if status != FindingStatus.WARNING
    }
    # the rules the pack has: the generator also injects those still waiting for their checks
    # (synth's test_generate PENDING)
    in_pack = {rule.code for rule in load_pack().rules}
    truth = {k: v for k, v in generated["truth"].items() if k[0] in in_pack}
    # then every injected violation is found with its status, and nothing else
    assert sorted(set(found) - set(truth)) == [], "findings the generator did not inject"
    assert sorted(set(truth) - set(found)) == [], "injected violations the patrol missed"
    assert {k: v for k, v in found.items() if truth[k] != v} == {}
    # and every rule family is represented
    assert {rule.split("-")[0] for rule, _, _ in truth} >= {"XS", "ZA", "JQ", "GF", "SJ"}


def test_incremental_equals_full_after_changes_and_time(
    generated: dict[str, Any], tmp_path: Path
) -> None:
    # given the county imported and patrolled in full
    assert import_bundle([generated["bundle"]], actor=system_user()).ok
    as_of = generated["as_of"]
    run_patrol(as_of=as_of, actor=system_user())
    # and then ~300 records changed through a real import: acts moved late, measures released
    # early or kept open, transcripts stripped of their recording
    changes: list[dict[str, Any]] = []
    for event in m.Event.objects.filter(case__isnull=False).order_by("pk")[:200]:
        changes.append(_event_record(event, at=(event.at + timedelta(hours=30)).isoformat()))
    for measure in m.Measure.objects.filter(ended_at__isnull=False).order_by("pk")[:50]:
        changes.append({
            "type": "measure", "id": measure.pk, "case_id": measure.case_id,
            "person_id": measure.person_id, "kind": measure.kind,
            "started_at": measure.started_at.isoformat(), "ended_at": None,
            "approved_by": measure.approved_by_id, "document_no": measure.document_no,
            "deposit_amount": float(measure.deposit_amount) if measure.deposit_amount else None,
            "extended_to": None, **measure.extra,
        })  # fmt: skip
    bundle = tmp_path / "changes.jsonl"
    bundle.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in changes), "utf-8")
    assert import_bundle([bundle], actor=system_user()).ok
    later = as_of + timedelta(days=1, hours=5)
    # when an incremental run goes a day further, and then a full run at the same time
    incremental = run_patrol(as_of=later, actor=system_user(), mode="incremental")
    after_incremental = _open_findings()
    full = run_patrol(as_of=later, actor=system_user(), mode="full")
    after_full = _open_findings()
    # then the incremental run was really incremental, and left exactly what the full run leaves
    assert incremental.mode == "incremental", incremental.stats.get("fallback")
    assert full.stats["created"] == full.stats["updated"] == full.stats["closed"] == 0
    assert after_incremental == after_full
    # and the changes did change the findings (a test that cannot fail proves nothing)
    first_run = PatrolRun.objects.order_by("started_at", "id").first()
    assert first_run is not None
    assert incremental.stats["created"] + incremental.stats["updated"] > 0


def test_incremental_falls_back_to_full_when_records_were_deleted(
    generated: dict[str, Any], tmp_path: Path
) -> None:
    assert import_bundle([generated["bundle"]], actor=system_user()).ok
    run_patrol(as_of=generated["as_of"], actor=system_user())
    # given an event deleted by an import
    event = m.Event.objects.filter(kind="通知家属").order_by("pk").first()
    assert event is not None
    bundle = tmp_path / "delete.jsonl"
    bundle.write_text(json.dumps({"type": "event", "id": event.pk, "deleted": True}), "utf-8")
    assert import_bundle([bundle], actor=system_user()).ok
    # when an incremental run is asked for
    run = run_patrol(as_of=generated["as_of"], actor=system_user(), mode="incremental")
    # then it ran in full and said why; the measure whose family notice vanished is now overdue
    assert run.mode == "full"
    assert "删除" in run.stats["fallback"]
    assert Finding.objects.open().filter(subject_id=event.measure_id, status="overdue").exists()


def test_incremental_refuses_to_narrow_when_as_of_goes_back(generated: dict[str, Any]) -> None:
    assert import_bundle([generated["bundle"]], actor=system_user()).ok
    run_patrol(as_of=generated["as_of"], actor=system_user())
    run = run_patrol(
        as_of=generated["as_of"] - timedelta(days=2), actor=system_user(), mode="incremental"
    )
    assert run.mode == "full"
    assert "早于" in run.stats["fallback"]
