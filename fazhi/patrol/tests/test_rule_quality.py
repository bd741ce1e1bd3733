"""The text rules' pages show their measured precision and recall (issue 17): on the
hand-written evaluation set's development and held-out parts, and on the generator's truth, as
recorded in ``fazhi/intel/evalset/figures.json`` by ``bench/text_eval.py --write`` and
``bench/zn_bench.py --record``; a rule without figures shows none."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.defaultfilters import floatformat

from fazhi.intel import quality

pytestmark = pytest.mark.django_db


def test_a_text_rule_page_shows_its_recorded_precision_and_recall(scene: Any) -> None:
    # given the recorded figures of ZN-JQ-01
    figures = quality.rule_figures("ZN-JQ-01")
    assert figures is not None
    assert figures["evalset"] is not None
    # when the 法制大队 opens the rule's page
    html = scene.client("zhou").get("/rules/ZN-JQ-01/").content.decode()
    # then the quality table holds the development and held-out figures, as recorded
    table = re.search(r'<table id="rule-quality">.*?</table>', html, re.S)
    assert table is not None
    text = table.group()
    for label, split in (("开发部分", "dev"), ("留出部分", "held")):
        row = figures["evalset"][split]
        if row is None:  # a part not measured yet (no evalset/heldout/ folder)
            assert re.search(rf"{label}</td><td colspan=\"3\"[^>]*>待测</td>", text), (label, text)
            continue
        # the page's own formatter (Django's floatformat rounds 0.965 up; "%.2f" down)
        precision, recall = floatformat(row["precision"], 2), floatformat(row["recall"], 2)
        assert re.search(
            rf"{label}</td><td>{precision}</td><td>{recall}</td>"
            rf"<td>{row['tp']} / {row['fp']} / {row['fn']}</td>",
            text,
        ), (label, text)
    if figures["truth"] is not None:
        assert f"模拟数据真值（{figures['scale']}，种子 {figures['seed']}）" in text


def test_a_rule_without_figures_shows_no_quality_table(scene: Any) -> None:
    # given a rule that reads no text; when its page is opened; then there is no quality table
    assert quality.rule_figures("XS-JL-04") is None
    html = scene.client("zhou").get("/rules/XS-JL-04/").content.decode()
    assert 'id="rule-quality"' not in html
    assert "识别质量" not in html


def test_the_measured_settings_are_the_packs() -> None:
    # given the pack's ZN-BL-01; then the evaluation measures at its default settings
    from fazhi.patrol.pack import load_pack

    rule = load_pack().rule("ZN-BL-01")
    assert rule.defaults["min_jaccard"] == quality.default_threshold()
    assert rule.defaults["min_alignment"] == quality.default_alignment()
