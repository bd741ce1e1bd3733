"""The hand-written evaluation set (``evalset/``) as a test with floors.

The floors are what the rules reach today on the development and the held-out parts (see
docs/benchmarks.md for the figures and the command); the issue's target is 0.9 everywhere, and
where a floor is lower the gap is said there. A change that makes a rule worse on text nobody
here generated fails this test.
"""

from __future__ import annotations

import pytest

from fazhi.intel import quality

# (rule, split) -> (precision floor, recall floor)
# (ZN-JQ-01's held-out recall, 0.719, is below the issue's 0.9: docs/benchmarks.md)
CUE_FLOORS = {
    ("ZN-JF-02", "dev"): (0.95, 0.95),
    ("ZN-JF-02", "held"): (0.95, 0.95),
    ("ZN-JQ-01", "dev"): (0.9, 0.95),
    ("ZN-JQ-01", "held"): (0.9, 0.7),
}


def test_the_set_is_large_varied_and_well_labelled() -> None:
    docs, incidents = quality.transcripts(), quality.incidents()  # labels are checked on loading
    assert len(docs) + len(incidents) >= 300
    pairs = quality.labelled_pairs(docs)
    assert sum(p.copy for p in pairs) >= 30
    kinds = set().union(*(p.edits for p in pairs if p.copy))
    assert {"names", "numbers", "reorder", "insert", "delete", "synonyms", "reword",
            "dialect", "typos", "width"} <= kinds  # fmt: skip
    statuses = {s for row in incidents for s in row["labels"].values()}
    assert statuses == set(quality.STATUSES)
    assert len({d["id"] for d in docs}) == len(docs)
    assert len({r["id"] for r in incidents}) == len(incidents)


def test_bl01_floors() -> None:
    # at the pack's settings (Jaccard 0.6 or alignment 0.5, stock sentences never matched): dev
    # 10 of 11 copies, held-out 16 of 21 (below the 0.9: docs/benchmarks.md), and no
    # statement of another witness of the same event taken for a copy
    report = quality.evaluate_duplicates(quality.default_threshold(), quality.default_alignment())
    for split, recall in (("dev", 0.9), ("held", 0.75)):
        counts = report.by_split[split]
        assert counts.precision >= 0.95, (split, counts.row())
        assert counts.recall >= recall, (split, counts.row())
    assert report.same_event.fp == 0


@pytest.mark.parametrize(("rule", "split"), sorted(CUE_FLOORS))
def test_cue_rule_floors(rule: str, split: str) -> None:
    report = quality.evaluate_cues()
    counts = report.by_rule[rule][split]
    p_floor, r_floor = CUE_FLOORS[(rule, split)]
    assert counts.precision >= p_floor, counts.row()
    assert counts.recall >= r_floor, counts.row()


def test_non_factual_mentions_are_rarely_taken_for_facts() -> None:
    report = quality.evaluate_cues()
    for status in ("negated", "enquiry", "prevention", "hypothetical"):
        flagged, total = report.by_status[status]
        assert flagged == 0, status
    for status in ("belief", "denial"):
        flagged, total = report.by_status[status]
        assert flagged <= total // 4, status


def test_the_figures_the_rule_pages_show_are_the_figures_of_today() -> None:
    # given the figures recorded for the rule pages (bench/text_eval.py --write)
    recorded = quality.recorded_figures()
    # when the set is measured now at the pack's settings
    now = quality.evalset_figures(
        quality.evaluate_duplicates(quality.default_threshold(), quality.default_alignment()),
        quality.evaluate_cues(),
    )
    # then they are the same: an edit of a lexicon or the set must re-record them
    assert recorded["evalset"] == now
    assert recorded["size"] == {
        "transcripts": len(quality.transcripts()),
        "incidents": len(quality.incidents()),
    }
