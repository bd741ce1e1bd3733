"""What the bench scripts share: the bundle's truth header and a fresh database to import into.

Imported as ``from _common import …``: the scripts run as ``python bench/NAME.py``, so their own
folder is first on ``sys.path``.
"""

from __future__ import annotations

import json
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
