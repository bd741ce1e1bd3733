"""The page walk on a running store (the `fazhi demo` county): as each login, follow every link
from 我的工作台 and report the pages and links checked and every dead link or unreadable text
(``fazhi.workbench.tests.walk``, the same walk as ``workbench/tests/test_walk.py``).

    FAZHI_DATA_DIR=~/.fazhi uv run python bench/walk_bench.py                 # the demo logins
    FAZHI_DATA_DIR=~/.fazhi uv run python bench/walk_bench.py minjing --read 3

``--read N`` reads N pages of each URL pattern for further links (every link target is still
opened and read); the default reads them all. Exits 1 when a problem was found.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from urllib.parse import parse_qs, urlsplit

DEMO_LOGINS = ["minjing", "fazhiyuan", "yewu", "fenguan", "suozhang", "juzhang", "fazhidadui"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("users", nargs="*", default=DEMO_LOGINS)
    parser.add_argument("--read", type=int, default=1_000_000, help="每种页面读取链接的页数")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import Resolver404, resolve

    from fazhi.workbench.tests.walk import walk

    settings.ALLOWED_HOSTS = ["*"]  # the test client's host

    def route_of(url: str) -> str:
        parts = urlsplit(url)
        try:
            route = str(resolve(parts.path).route)
        except Resolver404:
            route = parts.path
        return route + "?" + ",".join(sorted(parse_qs(parts.query)))

    pages = links = problems = 0
    for username in args.users:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        started = time.perf_counter()
        result = walk(client, username, per_route=args.read, route_of=route_of)
        seconds = time.perf_counter() - started
        print(f"{username}: {result.pages} pages, {result.links} links, "
              f"{len(result.problems)} problems, {seconds:.0f} s")  # fmt: skip
        for problem in result.problems[:50]:
            print("  " + problem)
        pages, links, problems = (
            pages + result.pages,
            links + result.links,
            problems + len(result.problems),
        )
    print(f"total: {len(args.users)} logins, {pages} pages, {links} links, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
