"""标准动态评估: the trend test on constructed series, the figures and the attention list on
hand-made findings and problems, and who may read them."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fazhi.patrol.models import Rule
from fazhi.rectification.models import Problem
from fazhi.standards.models import Standard
from fazhi.testing.scene import make_finding
from fazhi.tuning.dynamics import rule_dynamics, standard_dynamics
from fazhi.tuning.trend import mann_kendall

# --- the trend test ------------------------------------------------------------------------------


def test_a_steady_rise_is_rising_with_the_textbook_p_value() -> None:
    # given 1..10: S = 45, Var(S) = 10·9·25/18 = 125, z = 44/√125
    trend = mann_kendall([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert trend.s == 45
    assert trend.direction == "rising"
    assert trend.label == "上升"
    expected = math.erfc(44 / math.sqrt(125) / math.sqrt(2))
    assert trend.p_value == pytest.approx(expected, abs=1e-4)
    assert trend.slope == 1.0


def test_a_steady_fall_is_falling() -> None:
    trend = mann_kendall([30, 28, 27, 25, 22, 20, 18, 15, 14, 12, 10, 9])
    assert trend.direction == "falling"
    assert trend.slope < 0


def test_a_noisy_series_without_direction_is_flat() -> None:
    trend = mann_kendall([5, 3, 6, 4, 5, 3, 6, 4, 5, 3, 6, 4])
    assert trend.direction == "flat"
    assert trend.p_value is not None
    assert trend.p_value > 0.05


def test_one_odd_month_does_not_make_a_trend() -> None:
    # given a flat year with one spike: no trend (a two-month comparison would call it a rise)
    trend = mann_kendall([4, 4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 40])
    assert trend.direction == "flat"


def test_all_zeros_and_short_series_prove_nothing() -> None:
    assert mann_kendall([0] * 12).p_value is None
    assert mann_kendall([0] * 12).direction == "flat"
    assert mann_kendall([1, 5, 9]).direction == "flat"


def test_ties_reduce_the_variance() -> None:
    # given a rise with repeated values, the tie correction applies and it is still rising
    trend = mann_kendall([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6])
    assert trend.direction == "rising"


# --- the figures ---------------------------------------------------------------------------------


def _months_ago(n: int) -> Any:
    return timezone.now() - timedelta(days=30 * n + 1)


@pytest.mark.django_db
def test_a_rule_whose_violations_rise_month_by_month_needs_attention(scene: Any) -> None:
    # given GF-BA-01 found 1, 2, … times a month over the last eleven months
    b = scene.bureau
    k = 0
    for age in range(11, 0, -1):
        for _ in range(12 - age):
            k += 1
            make_finding(
                "GF-BA-01", subject_type="venue_visit", subject_id=f"V-R{k}", status="violation",
                unit=b.units["north"], officer=b.officers["zhao"], first_seen_at=_months_ago(age),
            )  # fmt: skip
    # when the dynamics are computed
    row = next(r for r in rule_dynamics(timezone.now()) if r.code == "GF-BA-01")
    # then it rises, significantly, and is listed with the reason; 城北 is its first unit
    assert row.trend.direction == "rising"
    assert any(reason.startswith("违规上升") for reason in row.attention)
    assert row.units[0][0] == "城北派出所"
    assert row.total >= k


@pytest.mark.django_db
def test_a_rule_mostly_dismissed_needs_attention_for_its_precision(scene: Any) -> None:
    # given twelve problems of GF-BA-01: ten 不予认定, two struck off
    b = scene.bureau
    for i in range(12):
        found = make_finding(
            "GF-BA-01", subject_type="venue_visit", subject_id=f"V-P{i}", status="violation",
            unit=b.units["north"], officer=b.officers["zhao"], is_open=False,
        )  # fmt: skip
        Problem.objects.create(
            finding=found, rule=found.rule, unit=b.units["north"], officer=b.officers["zhao"],
            severity="一般", status="dismissed" if i < 10 else "closed", source="auto",
            due_at=timezone.now(), created_by="system",
            finished_at=timezone.now() + timedelta(hours=5) if i >= 10 else None,
        )  # fmt: skip
    row = next(r for r in rule_dynamics(timezone.now()) if r.code == "GF-BA-01")
    assert row.precision["precision"] == pytest.approx(2 / 12, abs=1e-3)
    assert any(reason.startswith("精确率低") for reason in row.attention)
    assert row.fix_time is not None
    assert abs(row.fix_time - timedelta(hours=5)) < timedelta(minutes=1)
    # and the burden: 12 problems for one officer over twelve weeks = 1.0 a week
    assert row.burden == 1.0


@pytest.mark.django_db
def test_an_enabled_rule_never_triggered_for_a_year_is_listed(scene: Any) -> None:
    row = next(r for r in rule_dynamics(timezone.now()) if r.code == "XS-DB-01")
    assert row.total == 0
    assert any(reason.startswith("一年未触发") for reason in row.attention)
    # a disabled rule is not: nobody expects it to fire
    Rule.objects.filter(pk="XS-DB-01").update(enabled=False)
    row = next(r for r in rule_dynamics(timezone.now()) if r.code == "XS-DB-01")
    assert not any(reason.startswith("一年未触发") for reason in row.attention)


@pytest.mark.django_db
def test_a_standard_sums_its_rules_and_one_without_rules_is_written_practice(scene: Any) -> None:
    # given the scene's standard enforced by XS-JL-04 and a written standard with no rule
    scene.standard.rules.add(Rule.objects.get(pk="XS-JL-04"))
    Standard.objects.create(
        code="BZ-T-09", title="讯问前告知权利义务", category="执法办案", text="……",
        effective_from=(timezone.now() - timedelta(days=10)).date(),
    )  # fmt: skip
    now = timezone.now()
    rows = {s.code: s for s in standard_dynamics(now, rule_dynamics(now))}
    assert rows["BZ-T-01"].rules == ["XS-JL-04"]
    assert rows["BZ-T-01"].total == 1  # the scene's warning
    assert rows["BZ-T-09"].attention == ["尚无规则执行：仅为书面标准，无法动态评估"]


# --- who reads it --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["zhou", "wu", "admin"])
def test_bureau_wide_users_read_the_page_and_the_rule_pages_part(scene: Any, name: str) -> None:
    client = scene.client(name)
    page = client.get("/tuning/")
    assert page.status_code == 200
    assert "需要关注的规则" in page.content.decode()
    assert 'id="dynamics"' in client.get("/rules/XS-JL-04/").content.decode()
    assert "/tuning/" in client.get("/rules/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["li", "sun", "zhang", "chen"])
def test_unit_users_are_refused_and_see_no_link(scene: Any, name: str) -> None:
    client = scene.client(name)
    assert client.get("/tuning/").status_code == 403
    assert 'id="dynamics"' not in client.get("/rules/XS-JL-04/").content.decode()
    assert "/tuning/" not in client.get("/rules/").content.decode()
