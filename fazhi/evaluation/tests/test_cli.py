"""The CLI contract: ``fazhi evaluate --month … [--as-of] [--format json] [--publish]`` and
``fazhi evaluation check [FILE]``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.evaluation.models import Evaluation
from fazhi.evaluation.tests.conftest import sh


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_evaluate_prints_the_json_contract(world: Any) -> None:
    world.cases("south", 100, sh(2026, 10, 3), lead="zhang")
    problem = world.problem("zhang", act_at=sh(2026, 10, 5))
    data = json.loads(
        run("evaluate", "--month", "2026-10", "--as-of", "2026-11-10T12:00:00+08:00",
            "--format", "json")
    )  # fmt: skip
    assert data["month"] == "2026-10"
    assert data["scheme"] == "默认执法质量考评方案 2026.1"
    assert data["status"] == "draft"
    south = next(u for u in data["units"] if u["unit_id"] == "U-CN")
    assert {"unit_id", "score", "grade", "rank", "vetoes", "items"} <= set(south)
    assert south["items"] == [
        {
            "indicator": "DW-01",
            "points": 1.0,
            "record_type": "problem",
            "record_id": str(problem.pk),
        }
    ]
    zhang = next(o for o in data["officers"] if o["officer_id"] == "O-001")
    assert {"officer_id", "unit_id", "score", "grade", "rank", "items"} <= set(zhang)
    assert {row["role"] for row in data["leaders"]} >= {"法制员", "所队长"}


@pytest.mark.django_db
def test_evaluate_publish_publishes_and_a_named_actor_is_checked(world: Any) -> None:
    with pytest.raises(CommandError, match="只有法制大队或管理员"):
        run("evaluate", "--month", "2026-10", "--publish", "--actor", "li")
    out = run("evaluate", "--month", "2026-10", "--as-of", "2026-11-10T12:00", "--publish",
              "--actor", "zhou")  # fmt: skip
    assert "已发布" in out
    assert "城南派出所 张伟" in out
    assert Evaluation.objects.get(month="2026-10-01").status == "published"
    with pytest.raises(CommandError, match="已发布"):
        run("evaluate", "--month", "2026-10", "--publish")
    with pytest.raises(CommandError, match="YYYY-MM"):
        run("evaluate", "--month", "十月")


def test_check_accepts_the_default_and_refuses_a_forbidden_indicator(tmp_path: Path) -> None:
    assert "考评方案有效：默认执法质量考评方案 2026.1，共 15 个指标" in run("evaluation", "check")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "县局方案"\nversion = "1"\n[outside]\nweight = 0\n[[indicators]]\ncode = "X-1"\n'
        'name = "行政拘留数"\nsubject = "unit"\nsource = "problems"\nweight = 100\n'
        "deduction = 1\ncap = 10\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("evaluation", "check", str(bad), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert (
        "指标 X-1（行政拘留数）：名称「行政拘留数」属于禁止的考评指标「行政拘留数（行拘数）」"
        in (err.getvalue())
    )
