"""Alert fatigue benchmark: notifications per officer per week over the demo county's replayed
year, one message per finding (``notice_grouping = none``) against digests per case and per day.

    nice -n 10 uv run python bench/alerts_bench.py [--seed 2026] [--as-of 2026-12-07T07:00+08:00]
        [--variants none,case,day] [--workdir DIR]

Generates the demo county (``fazhi generate --scale demo``) into a scratch directory, imports it
into a scratch SQLite database, syncs the rule pack and its standards, and gives every active
officer an account (as ``fazhi demo``'s replay does for those who act, so that every officer's
notices are delivered and counted, not only the demo logins'). That database is copied once per
variant; each copy gets its ``notice_grouping`` through ``change_policy`` (as the 法制大队 would),
then the demo's year is replayed (``workbench.replay``: the real patrol, tick and people's acts
at past moments, the same seed, so every variant sees the same history). Counted afterwards, per
variant: the notifications (rows a person sees and the unread count counts) and the messages in
them (a digest's items), per officer per week over the year, for every account and for the
民警 alone, and the busiest officer-week. Prints a Markdown table and one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_AS_OF = "2026-12-07T07:00:00+08:00"


def _django(db: Path, workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["FAZHI_DATA_DIR"] = str(workdir)
    os.environ.pop("FAZHI_WEBHOOK_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_SECRET_KEY", "bench-only-secret-key-not-for-production-use")
    import django

    django.setup()


def prepare(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """The imported demo county with an account for every officer, in ``prepared.sqlite3``."""
    _django(workdir / "prepared.sqlite3", workdir)
    from django.core.management import call_command

    from fazhi.accounts.models import Profile, Role
    from fazhi.accounts.services import provision_user, system_user
    from fazhi.exchange.services import import_bundle
    from fazhi.patrol.pack import load_pack
    from fazhi.patrol.services import sync_rules
    from fazhi.records import models as m
    from fazhi.records.enums import OfficerRole, UnitKind
    from fazhi.standards.services import sync_pack_standards
    from fazhi.workbench.replay import ACCOUNT_ROLES

    call_command("migrate", verbosity=0, interactive=False)
    bundle = workdir / f"demo-{args.seed}.jsonl.gz"
    t0 = time.perf_counter()
    call_command("generate", scale="demo", seed=args.seed, out=str(bundle), as_of=args.as_of,
                 verbosity=0)  # fmt: skip
    report = import_bundle([bundle], actor=system_user())
    assert report.ok, report.errors[:5]
    sync_rules(load_pack())
    sync_pack_standards(actor=system_user())
    have = set(Profile.objects.exclude(officer=None).values_list("officer_id", flat=True))
    for officer in m.Officer.objects.filter(active=True).select_related("unit").order_by("pk"):
        if officer.pk in have:
            continue
        role = ACCOUNT_ROLES.get(OfficerRole(officer.role), Role.OFFICER)
        if officer.unit.kind == UnitKind.LEGAL_BRIGADE:
            role = Role.LEGAL_BRIGADE
        provision_user(actor=system_user(), username=f"officer-{officer.pk}".lower(),
                       password=None, role=role, officer=officer)  # fmt: skip
    return {
        "records": report.total,
        "officers": m.Officer.objects.filter(active=True).count(),
        "prepare_seconds": round(time.perf_counter() - t0, 1),
    }


def variant(args: argparse.Namespace, workdir: Path, grouping: str) -> dict[str, Any]:
    """Replay the year on a copy of the prepared store with ``grouping``; count the notices."""
    db = workdir / f"{grouping}.sqlite3"
    shutil.copyfile(workdir / "prepared.sqlite3", db)
    _django(db, workdir)
    from django.contrib.auth import get_user_model

    from fazhi.accounts.models import Role
    from fazhi.accounts.services import system_user
    from fazhi.core.timezones import SHANGHAI
    from fazhi.notifications.models import Notification
    from fazhi.rectification.services.policy import change_policy
    from fazhi.workbench.replay import history_start, replay

    as_of = datetime.fromisoformat(args.as_of)
    start = history_start(as_of)
    brigade = get_user_model().objects.filter(profile__role=Role.LEGAL_BRIGADE).order_by("pk")[0]
    change_policy(actor=brigade, reason="基准测试：通知合并方式", notice_grouping=grouping)
    t0 = time.perf_counter()
    replay(as_of=as_of, start=start, seed=args.seed, actor=system_user())
    seconds = round(time.perf_counter() - t0, 1)
    weeks = (as_of - start) / timedelta(weeks=1)
    accounts = dict(
        get_user_model().objects.exclude(profile__officer=None).values_list("pk", "profile__role")
    )
    rows = list(
        Notification.objects.filter(user_id__in=list(accounts)).values_list(
            "user_id", "kind", "created_at", "item_count", "group_key"
        )
    )

    def figures(users: set[int]) -> dict[str, Any]:
        mine = [r for r in rows if r[0] in users]
        messages = sum(r[3] if r[4] else 1 for r in mine)
        per_week: Counter[tuple[int, str]] = Counter(
            (r[0], r[2].astimezone(SHANGHAI).strftime("%G-W%V")) for r in mine
        )
        busy = sorted(per_week.values())
        return {
            "accounts": len(users),
            "notified": len({r[0] for r in mine}),
            "notifications": len(mine),
            "messages": messages,
            "per_officer_week": round(len(mine) / max(len(users), 1) / weeks, 3),
            "per_notified_officer_week": round(
                len(mine) / max(len({r[0] for r in mine}), 1) / weeks, 3
            ),
            "busiest_officer_week": busy[-1] if busy else 0,
            "p90_officer_week": busy[int(0.9 * (len(busy) - 1))] if busy else 0,
            "by_kind": dict(Counter(r[1] for r in mine).most_common()),
        }

    return {
        "grouping": grouping,
        "replay_seconds": seconds,
        "weeks": round(weeks, 1),
        "all": figures(set(accounts)),
        "officers": figures({u for u, role in accounts.items() if role == Role.OFFICER}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--as-of", default=DEFAULT_AS_OF)
    parser.add_argument("--variants", default="none,case,day")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # a child process's part
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="fazhi-alerts-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.stage == "prepare":
        print(json.dumps(prepare(args, workdir)))
        return
    if args.stage:
        print(json.dumps(variant(args, workdir, args.stage), ensure_ascii=False))
        return

    def child(stage: str) -> dict[str, Any]:
        # a process each: Django binds its database once, at setup
        out = subprocess.run(
            [sys.executable, __file__, "--stage", stage, "--seed", str(args.seed),
             "--as-of", args.as_of, "--workdir", str(workdir)],
            check=True, capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))

    result: dict[str, Any] = {"seed": args.seed, "as_of": args.as_of, **child("prepare")}
    result["variants"] = [child(g) for g in args.variants.split(",")]
    print("| 通知合并方式 | 通知（条） | 其中消息 | 每人每周（全部账号） "
          "| 每人每周（民警） | 最忙的民警周 | 回放用时 |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for v in result["variants"]:
        a, o = v["all"], v["officers"]
        print(f"| {v['grouping']} | {a['notifications']:,} | {a['messages']:,} | "
              f"{a['per_officer_week']} | {o['per_officer_week']} | "
              f"{o['busiest_officer_week']} | {v['replay_seconds']} s |")  # fmt: skip
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
