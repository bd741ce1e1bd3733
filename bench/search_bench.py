"""Search benchmark: the top bar's search page (``/search/?q=…``) on a loaded database, per role.

    DATABASE_URL=postgres://…/city uv run python bench/search_bench.py [--rounds 5] [--seed 1]

The database must hold imported data (``fazhi import`` of a generated city) and the search
app's migration (on PostgreSQL: the trigram indexes). The script provisions one bench user per
scope shape — a 民警 with the most cases, the 法制员 and the 所队长 of the busiest 派出所, a
法制大队 user (the whole bureau) — then, for each user, requests the results page in process
(Django's test client: middleware, session, the search service with its audit row, the
template; no HTTP server) for queries sampled from the data with a fixed seed: a case number,
its cause, an incident number, a piece of an address, a reporter's name, a person's name and its
first two characters, a whole 身份证号, an officer's name and 警号, a problem number and a rule's
name, and a query nothing matches. It prints p50/p95/max per user and per query kind, and
over all requests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Bench-search-2026!"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()


def provision() -> dict[str, Any]:
    """One user per scope shape (created once, reused by later runs)."""
    from django.contrib.auth.models import User
    from django.db.models import Count

    from fazhi.accounts.models import Role
    from fazhi.accounts.services import provision_user, system_user
    from fazhi.records import models as m

    officer = (
        m.Officer.objects.annotate(n=Count("led_cases"))
        .filter(role="民警")
        .order_by("-n", "pk")
        .first()
    )
    station = m.Unit.objects.annotate(n=Count("cases")).order_by("-n", "pk").first()
    root = m.Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if officer is None or station is None or root is None:
        raise SystemExit("数据库里没有案件：请先导入数据（fazhi import）")
    wanted = {
        "bench-search-officer": (Role.OFFICER, {"officer": officer}),
        "bench-search-legal": (Role.LEGAL_OFFICER, {"unit": station}),
        "bench-search-chief": (Role.CHIEF, {"unit": station}),
        "bench-search-brigade": (Role.LEGAL_BRIGADE, {"unit": root}),
    }
    users = {}
    for username, (role, where) in wanted.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = provision_user(
                actor=system_user(), username=username, password=PASSWORD, role=role, **where
            )
        users[username] = user
    return users


def sample_queries(seed: int) -> list[tuple[str, str]]:
    """(what, query) pairs drawn from the data with a fixed seed."""
    from fazhi.patrol.models import Rule
    from fazhi.records import models as m
    from fazhi.rectification.models import Problem

    rng = random.Random(seed)

    def pick(queryset: Any, field: str) -> Any:
        count = queryset.count()
        if not count:
            return None
        return queryset.order_by("pk").values_list(field, flat=True)[rng.randrange(count)]

    out: list[tuple[str, str]] = []
    for _ in range(3):
        case_id = pick(m.Case.objects.all(), "pk")
        out.append(("案件编号", case_id))
        out.append(("案由", pick(m.Case.objects.all(), "cause")))
        out.append(("警情编号", pick(m.Incident.objects.all(), "pk")))
        address = pick(m.Incident.objects.all(), "address")
        start = rng.randrange(max(len(address) - 6, 1))
        out.append(("地址片段", address[start : start + rng.choice((3, 4, 6))]))
        out.append(
            ("报警人", pick(m.Incident.objects.exclude(reporter_name=None), "reporter_name"))
        )
        name = pick(m.Person.objects.all(), "name")
        out.append(("人员姓名", name))
        out.append(("姓名开头两字", name[:2]))
        out.append(("身份证号", pick(m.Person.objects.exclude(id_number=None), "id_number")))
        out.append(("民警姓名", pick(m.Officer.objects.all(), "name")))
        out.append(("警号", pick(m.Officer.objects.all(), "pk")))
        problem = pick(Problem.objects.all(), "pk")
        if problem is not None:
            out.append(("问题编号", f"#{problem}"))
        rule = pick(Rule.objects.all(), "name")
        if rule is not None:
            out.append(("规则名称", rule[:4]))
        out.append(("无结果", "没有这样的记录"))
    return [(what, q) for what, q in out if q and len(q.strip()) >= 2]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def line(label: str, values: list[float]) -> str:
    return (
        f"{label:<24} n={len(values):<4} p50 {statistics.median(values):7.1f} ms  "
        f"p95 {percentile(values, 95):7.1f} ms  max {max(values):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="times each query is asked")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client, override_settings

    users = provision()
    queries = sample_queries(args.seed)
    shape = f"{len(queries)} 个查询 × {len(users)} 个用户 × {args.rounds} 轮"
    print(f"数据库 {connection.vendor}；{shape}")
    by_user: dict[str, list[float]] = defaultdict(list)
    by_what: dict[str, list[float]] = defaultdict(list)
    every: list[float] = []
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        for username, user in users.items():
            client = Client()
            client.force_login(user)
            client.get("/search/", {"q": "预热"})  # the session, the templates, the connection
            for _ in range(args.rounds):
                for what, q in queries:
                    started = time.perf_counter()
                    response = client.get("/search/", {"q": q})
                    ms = (time.perf_counter() - started) * 1000
                    if response.status_code != 200:
                        raise SystemExit(f"{username} {q!r}: HTTP {response.status_code}")
                    by_user[username].append(ms)
                    by_what[what].append(ms)
                    every.append(ms)
    for username, values in by_user.items():
        print(line(username, values))
    for what, values in by_what.items():
        print(line(what, values))
    print(line("全部", every))


if __name__ == "__main__":
    main()
