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
CUE_FLOORS = {
    ("ZN-JF-02", "dev"): (0.9, 0.85),
    ("ZN-JF-02", "held"): (0.9, 0.9),
    ("ZN-JQ-01", "dev"): (0.9, 0.85),
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
    report = quality.evaluate_duplicates(quality.default_threshold())
    for split in ("dev", "held"):
        counts = report.by_split[split]
        assert counts.precision >= 0.95, (split, counts.row())
        assert counts.recall >= 0.5, (split, counts.row())
    # with the sentence alignment on (min_alignment 0.5) copies with heavier edits are found
    # (those the fingerprint candidates still reach: see docs/benchmarks.md)
    aligned = quality.evaluate_duplicates(quality.default_threshold(), 0.5)
    for split in ("dev", "held"):
        counts = aligned.by_split[split]
        assert counts.precision >= 0.95, (split, counts.row())
        assert counts.recall >= 0.75, (split, counts.row())
    assert aligned.same_event.fp == 0


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
