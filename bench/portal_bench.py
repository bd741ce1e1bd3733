"""Benchmark of the public portal (执法公开): real HTTP against a running server, anonymous
clients following cases with their query codes.

    # 1. issue a code for up to N cases of the server's database; writes code and phone tail
    DATABASE_URL=... uv run python bench/portal_bench.py codes --count 200 --out /tmp/codes.json
    # 2. drive the running server (gunicorn fazhi.wsgi -w 2 -b 127.0.0.1:8765)
    uv run python bench/portal_bench.py http http://127.0.0.1:8765 --codes /tmp/codes.json \\
        --clients 20 --seconds 30

Each client is a thread with its own cookie jar that loops over a whole query: GET /gongkai/
(the form and its CSRF cookie), POST the code (step 2's form), POST the phone's last four digits
(the progress page). Closed loop: the next request leaves as soon as the last one answered.
Reported per page: count, median, p95, max (ms), errors (any status but 200), and the throughput
of the whole run (requests per second, and whole queries per second).

All clients come from 127.0.0.1, so every query uses the right tail: wrong ones would lock the
address after GONGKAI_MAX_FAILURES, which is the point of the lock, not of this bench. The
verdict's time floor (GONGKAI_MIN_SECONDS, 150 ms by default) is part of what is measured.
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
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TICKET = re.compile(r'name="ticket" value="([^"]+)"')


def issue_codes(count: int, out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from fazhi.core.services import system_user
    from fazhi.gongkai import codes, services
    from fazhi.records import models as m

    system = system_user()
    issued: list[dict[str, str]] = []
    for case in m.Case.objects.order_by("pk").iterator():
        if len(issued) >= count:
            break
        parties = services.parties(case)
        if not parties or not services.eligible(case.pk):
            continue
        code = services.issue_code(actor=system, case=case, person_id=parties[0].pk).code
        issued.append({"code": code, "tail": codes.phone_tail(parties[0].phone)})
    out.write_text(json.dumps(issued), encoding="utf-8")
    print(f"{len(issued)} 个查询码已写入 {out}")


class Browser:
    """One anonymous client: a connection and a cookie jar."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode("utf-8", "replace")


def run_http(base: str, codes_file: Path, clients: int, seconds: float) -> dict[str, Any]:
    pairs = json.loads(codes_file.read_text(encoding="utf-8"))
    if not pairs:
        raise SystemExit("没有查询码：先运行 codes")
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    queries = [0]

    def timed(browser: Browser, name: str, method: str, path: str,
              form: dict[str, str] | None = None) -> str:  # fmt: skip
        started = time.perf_counter()
        status, text = browser.request(method, path, form)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            times[name].append(elapsed)
            if status != 200:
                errors[name] += 1
        return text

    def client(seed: int) -> None:
        rnd = random.Random(seed)
        browser = Browser(base)
        while time.monotonic() < stop:
            pair = rnd.choice(pairs)
            form_page = timed(browser, "query form (GET)", "GET", "/gongkai/")
            token = _CSRF.search(form_page)
            if not token:
                continue
            form = {"csrfmiddlewaretoken": token.group(1), "code": pair["code"]}
            step2 = timed(browser, "code (POST)", "POST", "/gongkai/", form)
            ticket, token2 = _TICKET.search(step2), _CSRF.search(step2)
            if not ticket or not token2:
                continue
            progress = timed(browser, "progress (POST tail)", "POST", "/gongkai/verify/", {
                "csrfmiddlewaretoken": token2.group(1), "ticket": ticket.group(1),
                "tail": pair["tail"]})  # fmt: skip
            if 'id="steps"' not in progress:
                with lock:
                    errors["progress (POST tail)"] += 1
            with lock:
                queries[0] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.monotonic() - started
    report: dict[str, Any] = {"clients": clients, "seconds": round(wall, 1), "pages": {}}
    total = 0
    for name, values in times.items():
        values.sort()
        total += len(values)
        report["pages"][name] = {
            "count": len(values),
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)], 1),
            "max_ms": round(values[-1], 1),
            "errors": errors[name],
        }
    report["requests_per_second"] = round(total / wall, 1)
    report["queries_per_second"] = round(queries[0] / wall, 1)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("codes", help="为数据库中的案件签发查询码（写出查询码与电话后四位）")
    c.add_argument("--count", type=int, default=200)
    c.add_argument("--out", type=Path, required=True)
    h = sub.add_parser("http", help="以并发匿名客户端压测运行中的服务")
    h.add_argument("base")
    h.add_argument("--codes", type=Path, required=True)
    h.add_argument("--clients", type=int, default=20)
    h.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    if args.command == "codes":
        issue_codes(args.count, args.out)
    else:
        print(json.dumps(run_http(args.base, args.codes, args.clients, args.seconds),
                         ensure_ascii=False, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
