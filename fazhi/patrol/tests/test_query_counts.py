"""Set-based evaluation: the queries a rule issues do not grow with the records or findings.

The store is the clean cases copied ``n`` times (the copies share officers, venues and times, so
GF-XW-03 overlaps, and with the injected faults below every copy adds findings); every rule must
issue the same number of queries for 2 copies and for 4 (two, so that every rule already has
findings and has issued the queries that gather their facts).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.accounts.services import system_user
from fazhi.patrol.pack import load_pack
from fazhi.patrol.services import run_patrol
from fazhi.patrol.tests.conftest import load_records, read_clean
from fazhi.records.schema import BY_NAME, Kind

AS_OF = datetime(2026, 10, 8, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
SHARED = {"unit", "officer", "venue"}  # the organisation is not copied


def copies(n: int) -> list[dict[str, Any]]:
    clean = read_clean()
    records = [r for r in clean if r["type"] in SHARED]
    for k in range(n):
        for original in clean:
            if original["type"] in SHARED:
                continue
            record = dict(original, id=f"{original['id']}~{k}")
            for spec in BY_NAME[record["type"]].fields:
                value = record.get(spec.name)
                if spec.kind is Kind.REF and value and spec.target not in SHARED:
                    record[spec.name] = f"{value}~{k}"
            # faults, so that every copy adds findings of several rules
            if record["type"] == "venue_visit":
                record["safety_checked"] = False
            if record["type"] == "document":
                record["signed"] = False
            if record["type"] == "property":
                record["status"] = "待入库"
            if record["type"] == "case" and record["kind"] == "行政":
                record["closed_at"] = "2026-08-20T10:00:00+08:00"
            records.append(record)
    return records


def query_counts() -> dict[str, int]:
    counts = {}
    for rule in load_pack().rules:
        with CaptureQueriesContext(connection) as captured:
            run_patrol(as_of=AS_OF, actor=system_user(), codes=[rule.code])
        counts[rule.code] = len(captured.captured_queries)
    return counts


@pytest.mark.django_db
def test_queries_per_rule_do_not_grow_with_records_or_findings() -> None:
    # given two copies of the clean cases with faults, patrolled rule by rule
    # (each measured after a full run, so that both measure the same kind of rerun; findings
    # are written in batches of 500, which a first run of a large store would add)
    load_records(copies(2))
    findings_two = run_patrol(as_of=AS_OF, actor=system_user()).stats["found"]
    two = query_counts()
    # and two more copies (twice the records, and more than twice the findings)
    load_records(copies(4)[len(copies(2)) :])
    findings_four = run_patrol(as_of=AS_OF, actor=system_user()).stats["found"]
    four = query_counts()
    # then the findings grew, and no rule issued one query more
    assert findings_four >= 2 * findings_two > 0
    assert {code: (two[code], four[code]) for code in two if two[code] != four[code]} == {}
