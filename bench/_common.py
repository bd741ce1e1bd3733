"""What the bench scripts share: the bundle's truth header, a fresh database to import into, and a
bundle of changed records for the incremental patrol.

Imported as ``from _common import …``: the scripts run as ``python bench/NAME.py``, so their own
folder is first on ``sys.path``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any


def truth_header(bundle: Path, *, missing_ok: bool = False) -> dict[str, Any]:
    """The first line of the bundle's ``.truth.jsonl`` (its ``as_of``, seed, scale and counts);
    ``{}`` for a bundle without one when ``missing_ok``."""
    name = bundle.name
    for suffix in (".jsonl.gz", ".jsonl"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    truth = bundle.with_name(name + ".truth.jsonl")
    if missing_ok and not truth.exists():
        return {}
    return dict(json.loads(truth.read_text(encoding="utf-8").splitlines()[0]))


def fresh_database(url: str | None, workdir: Path, sqlite_name: str = "bench.sqlite3") -> str:
    """A database URL to import into: ``url``'s PostgreSQL database dropped and created again, or
    a new SQLite file in ``workdir`` when no URL is given."""
    if url is None:
        return f"sqlite:///{workdir / sqlite_name}"
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def moved_events(path: Path, count: int) -> int:
    """Write to ``path`` an FZX file changing ``count`` records: events of cases moved by 30
    hours (some become late, so findings change), to import before an incremental patrol.
    Needs Django set up; returns how many records were written."""
    from fazhi.records import models as m

    events = list(
        m.Event.objects.filter(case__isnull=False)
        .order_by("pk")[:count]
        .values("pk", "kind", "at", "case_id", "person_id", "measure_id", "property_id", "note")
    )
    links: dict[str, list[str]] = {}
    for eid, oid in (
        m.EventOfficer.objects.filter(event_id__in=[e["pk"] for e in events])
        .order_by("event_id", "position")
        .values_list("event_id", "officer_id")
    ):
        links.setdefault(eid, []).append(oid)
    with path.open("w", encoding="utf-8") as out:
        for e in events:
            record = {
                "type": "event", "id": e["pk"], "kind": e["kind"],
                "at": (e["at"] + timedelta(hours=30)).isoformat(), "case_id": e["case_id"],
                "person_id": e["person_id"], "measure_id": e["measure_id"],
                "property_id": e["property_id"], "note": e["note"],
                "officer_ids": links.get(e["pk"], []),
            }  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(events)
