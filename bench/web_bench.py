"""Web benchmark of the workbench pages: real HTTP against a running server, signed-in users.

    # 1. provision bench users (one per unit role, in several units) in the server's database
    DATABASE_URL=... uv run python bench/web_bench.py users --count 10 --password 'Bench-2026!'
    # 2. drive the running server (gunicorn fazhi.wsgi -w 4 -b 127.0.0.1:8001)
    DATABASE_URL=... uv run python bench/web_bench.py http http://127.0.0.1:8001 \\
        --password 'Bench-2026!' --users 10 --seconds 30 --throughput-users 20
    # 3. queries per page on the database DATABASE_URL names (Django test client, no server)
    DATABASE_URL=... uv run python bench/web_bench.py queries

``http`` signs every bench user in through the login form (GET for the CSRF token, POST), one
session per simulated user, then runs two phases: N concurrent users (default 10) each
requesting the workbench, the findings list and a case page in turn (case ids sampled from the
cases that user may see), reporting p50/p95/max per page; then M concurrent users (default 20)
reporting throughput (requests per second). Any answer other than 200 counts as an error.
By default users send their next request as soon as the last one answered (a closed loop, the
hardest reading of "10 concurrent users"); ``--think S`` pauses S seconds on average between
requests, as people reading a page do.

``queries`` counts the SQL queries of each page for a user with little data and one with a lot
(a 民警 and a bureau-wide user), and for the smallest and the largest case: the counts must be
equal (pages issue a number of queries independent of the number of records).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ("workbench", "findings", "case")
BENCH_PREFIX = "bench"
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()


# --- users ------------------------------------------------------------------------------------


def provision(count: int, password: str) -> list[str]:
    """Create (or reset) ``count`` bench users: unit roles spread over the busiest units, plus
    民警 with cases and one bureau-wide user, so that every scope shape is exercised."""
    from django.db.models import Count

    from fazhi.accounts.models import Role
    from fazhi.accounts.services import provision_user, system_user
    from fazhi.records import models as m

    units = list(
        m.Unit.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n", "pk")[:count]
    )
    officers = list(
        m.Officer.objects.annotate(n=Count("led_cases"))
        .filter(n__gt=0, role="民警")
        .order_by("-n", "pk")[:count]
    )
    if not units or not officers:
        raise SystemExit("数据库里没有案件：请先导入数据（fazhi import）")
    names: list[str] = []
    actor = system_user()
    for i in range(count):
        username = f"{BENCH_PREFIX}{i + 1:02d}"
        if i == 0:
            provision_user(actor=actor, username=username, password=password,
                           role=Role.BUREAU_LEADER, unit=units[0].parent or units[0])  # fmt: skip
        elif i % 3 == 1:
            officer = officers[(i // 3) % len(officers)]
            provision_user(actor=actor, username=username, password=password,
                           role=Role.OFFICER, officer=officer)  # fmt: skip
        else:
            unit = units[i % len(units)]
            provision_user(actor=actor, username=username, password=password,
                           role=Role.LEGAL_OFFICER, unit=unit)  # fmt: skip
        names.append(username)
    return names


def sample_cases(usernames: list[str], per_user: int = 200) -> dict[str, list[str]]:
    """Case ids each user may see (so that case requests are real pages, not 404s)."""
    from django.contrib.auth import get_user_model

    from fazhi.core.scope import scope_of, visible
    from fazhi.records import models as m

    rng = random.Random(7)
    out: dict[str, list[str]] = {}
    for user in get_user_model().objects.filter(username__in=usernames):
        ids = list(
            visible(m.Case.objects.all(), scope_of(user)).values_list("pk", flat=True)[:5000]
        )
        out[user.username] = rng.sample(ids, min(per_user, len(ids)))
    return out


# --- HTTP -------------------------------------------------------------------------------------


class Session:
    """One signed-in browser: its own cookies, a keep-alive connection when the server allows."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.conn

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "fazhi-web-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the server closed the kept-alive connection: reconnect once
                conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            self.conn = None
        return response.status, dict(response.getheaders()), data

    def sign_in(self, username: str, password: str) -> None:
        status, _, page = self.request("GET", "/login/")
        match = _CSRF_FIELD.search(page.decode("utf-8", "replace"))
        if status != 200 or match is None:
            raise SystemExit(f"登录页打不开（{status}）")
        form = urlencode(
            {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password}
        )
        status, _, _ = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{username} 登录失败（{status}）：用户名或密码不对，或已被锁定")


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.times[page].append(seconds)
            if not ok:
                self.errors[page] += 1


def _paths(cases: list[str]) -> dict[str, Any]:
    return {
        "workbench": lambda rng: "/",
        "findings": lambda rng: "/findings/",
        "case": lambda rng: f"/cases/{rng.choice(cases)}/" if cases else "/",
    }


def _drive(
    session: Session, cases: list[str], until: float, results: Results, seed: int,
    think: float = 0.0,
) -> None:  # fmt: skip
    rng = random.Random(seed)
    paths = _paths(cases)
    i = seed
    while time.perf_counter() < until:
        page = PAGES[i % len(PAGES)]
        i += 1
        started = time.perf_counter()
        try:
            status, _, _ = session.request("GET", paths[page](rng))
            ok = status == 200
        except OSError:
            ok = False
        results.add(page, time.perf_counter() - started, ok)
        if think:
            time.sleep(rng.uniform(0, 2 * think))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run_phase(
    base: str, logins: list[tuple[str, str]], cases: dict[str, list[str]], users: int,
    seconds: float, think: float = 0.0,
) -> tuple[Results, float]:  # fmt: skip
    sessions = []
    for i in range(users):
        username, password = logins[i % len(logins)]
        session = Session(base)
        session.sign_in(username, password)
        sessions.append((session, cases.get(username, [])))
    results = Results()
    started = time.perf_counter()
    until = started + seconds
    with ThreadPoolExecutor(max_workers=users) as pool:
        for i, (session, user_cases) in enumerate(sessions):
            pool.submit(_drive, session, user_cases, until, results, i, think)
    return results, time.perf_counter() - started


def http_bench(args: argparse.Namespace) -> dict[str, Any]:
    setup_django()
    from django.contrib.auth import get_user_model

    usernames = list(
        get_user_model()
        .objects.filter(username__startswith=BENCH_PREFIX)
        .order_by("username")
        .values_list("username", flat=True)[: args.users]
    )
    if not usernames:
        raise SystemExit("没有 bench 用户：先运行 web_bench.py users")
    cases = sample_cases(usernames)
    logins = [(u, args.password) for u in usernames]
    report: dict[str, Any] = {"url": args.url, "users": len(usernames)}
    # warm-up: every worker process loads templates and opens its database connection
    run_phase(args.url, logins, cases, min(4, len(logins)), args.warmup)
    results, wall = run_phase(args.url, logins, cases, args.users, args.seconds, args.think)
    per_page = {}
    for page in PAGES:
        times = results.times.get(page, [])
        if not times:
            continue
        per_page[page] = {
            "requests": len(times),
            "errors": results.errors.get(page, 0),
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(_percentile(times, 0.95) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
        }
    report["latency"] = {
        "concurrent": args.users, "think_seconds": args.think, "seconds": round(wall, 1),
        "pages": per_page,
    }  # fmt: skip
    results, wall = run_phase(args.url, logins, cases, args.throughput_users, args.seconds)
    total = sum(len(t) for t in results.times.values())
    report["throughput"] = {
        "concurrent": args.throughput_users,
        "seconds": round(wall, 1),
        "requests": total,
        "errors": sum(results.errors.values()),
        "requests_per_second": round(total / wall, 1),
    }
    return report


def print_http(report: dict[str, Any]) -> None:
    lat = report["latency"]
    print(
        f"{report['url']}：{lat['concurrent']} 个并发登录用户，{lat['seconds']} 秒，"
        f"请求间停顿 {lat['think_seconds']} 秒"
    )
    print(f"{'页面':<10}{'请求':>8}{'错误':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for page, row in lat["pages"].items():
        print(
            f"{page:<12}{row['requests']:>8}{row['errors']:>6}{row['p50_ms']:>10}"
            f"{row['p95_ms']:>10}{row['max_ms']:>10}"
        )
    tp = report["throughput"]
    print(
        f"吞吐量：{tp['concurrent']} 个并发用户 {tp['requests_per_second']} 请求/秒"
        f"（{tp['requests']} 个请求，错误 {tp['errors']}，{tp['seconds']} 秒）"
    )


# --- queries per page -------------------------------------------------------------------------


def query_counts() -> dict[str, Any]:
    """Queries of each page for small and large data in the current database."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fazhi.accounts.models import Role
    from fazhi.core.scope import scope_of, visible
    from fazhi.patrol.models import Finding
    from fazhi.records import models as m

    users = list(
        get_user_model()
        .objects.filter(username__startswith=BENCH_PREFIX, profile__role=Role.LEGAL_OFFICER)
        .order_by("username")
    )
    if len(users) < 2:
        raise SystemExit("没有 bench 用户：先运行 web_bench.py users")

    def measure(user: Any, path: str) -> tuple[int, int]:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get(path)  # warm-up: content types, template loading, permission cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        return response.status_code, len(queries)

    # the same role with the least and the most findings in scope: the same page and panels
    by_findings = sorted(
        (visible(Finding.objects.open(), scope_of(u)).count(), u.username, u) for u in users
    )
    # (at least one: an empty list page skips its page query, one query less)
    nonempty = [row for row in by_findings if row[0] > 0] or by_findings
    (few, _, few_user), (many, _, many_user) = nonempty[0], nonempty[-1]
    # the cases with the fewest and the most recorded acts, among cases with events and
    # transcripts (an empty prefetch costs no query, so an empty case would need fewer)
    per_case = (
        m.Event.objects.filter(case_id__in=m.Transcript.objects.values("case_id"))
        .values("case_id")
        .annotate(n=Count("pk"))
    )
    smallest = per_case.order_by("n", "case_id").values_list("case_id", "n").first()
    largest = per_case.order_by("-n", "case_id").values_list("case_id", "n").first()
    admin = get_user_model().objects.filter(username=f"{BENCH_PREFIX}01").first()
    report: dict[str, Any] = {"pages": []}
    for page, path in [("workbench", "/"), ("findings", "/findings/")]:
        s_status, s_q = measure(few_user, path)
        l_status, l_q = measure(many_user, path)
        report["pages"].append(
            {"page": page, "small": {"records": few, "queries": s_q, "status": s_status},
             "large": {"records": many, "queries": l_q, "status": l_status}}
        )  # fmt: skip
    if smallest and largest and admin is not None:
        s_status, s_q = measure(admin, f"/cases/{smallest[0]}/")
        l_status, l_q = measure(admin, f"/cases/{largest[0]}/")
        report["pages"].append(
            {"page": "case", "small": {"records": smallest[1], "queries": s_q, "status": s_status},
             "large": {"records": largest[1], "queries": l_q, "status": l_status}}
        )  # fmt: skip
    report["constant"] = all(
        p["small"]["queries"] == p["large"]["queries"] for p in report["pages"]
    )
    return report


def print_queries(report: dict[str, Any]) -> None:
    print(f"{'页面':<10}{'少量数据 记录/查询':>20}{'大量数据 记录/查询':>20}")
    for row in report["pages"]:
        small, large = row["small"], row["large"]
        print(
            f"{row['page']:<12}{small['records']:>14} / {small['queries']:<4}"
            f"{large['records']:>14} / {large['queries']:<4}"
        )
    print("查询数与记录数无关" if report["constant"] else "注意：查询数随记录数变化")


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    users = sub.add_parser("users", help="创建或重置 bench 用户")
    users.add_argument("--count", type=int, default=10)
    users.add_argument("--password", required=True)
    web = sub.add_parser("http", help="对运行中的服务做 HTTP 压测")
    web.add_argument("url", help="如 http://127.0.0.1:8001")
    web.add_argument("--password", required=True)
    web.add_argument("--users", type=int, default=10, help="测延迟时的并发用户数")
    web.add_argument("--throughput-users", type=int, default=20, help="测吞吐量时的并发用户数")
    web.add_argument("--seconds", type=float, default=30.0, help="每个阶段的时长")
    web.add_argument("--warmup", type=float, default=5.0)
    web.add_argument(
        "--think", type=float, default=0.0,
        help="测延迟时每个用户两次请求之间的平均停顿秒数（默认 0：不停顿，最严格）",
    )  # fmt: skip
    web.add_argument("--json", type=Path, help="结果另存为 JSON")
    queries = sub.add_parser("queries", help="统计每个页面的查询数（少量与大量数据）")
    queries.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.mode == "users":
        setup_django()
        print("已创建：" + "、".join(provision(args.count, args.password)))
        return
    if args.mode == "http":
        report = http_bench(args)
        print_http(report)
    else:
        report = query_counts()
        print_queries(report)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
