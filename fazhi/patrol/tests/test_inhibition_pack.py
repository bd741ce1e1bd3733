"""The pack's [[inhibit]] table: validated when the pack loads, synced to ``RuleInhibition``."""

from __future__ import annotations

import pytest

from fazhi.patrol.models import RuleInhibition
from fazhi.patrol.pack import PackError, load_pack, load_pack_text
from fazhi.patrol.services import sync_rules

HEAD = '[pack]\ncode = "ok"\n[laws]\nCPR = "x"\n'
RULES = """
[[rule]]
code = "JQ-03"
name = "受案未出具回执"
kind = "deadline"
check = "case_event"
severity = "一般"
params = { event_kinds = ["受案回执"] }
settings = { limit = "24小时", custody = false }

[[rule]]
code = "JQ-01"
name = "警情未及时处置"
kind = "deadline"
check = "incident_disposal"
severity = "一般"
params = { categories = ["刑事"] }
settings = { limit = "24小时", custody = false }

[[rule]]
code = "SJ-03"
name = "时间顺序错误"
kind = "condition"
check = "time_order"
severity = "一般"
"""


def _inhibit(
    source: str, targets: str, match: str = "subject", reason: str = "起算时间错误"
) -> str:
    return (
        f'\n[[inhibit]]\nsource = "{source}"\ntargets = {targets}\nmatch = "{match}"\n'
        f'reason = "{reason}"\n'
    )


def test_an_inhibition_between_rules_of_the_pack_loads() -> None:
    # given SJ-03 inhibiting the deadlines of the same record
    pack = load_pack_text(HEAD + RULES + _inhibit("SJ-03", '["JQ-03", "JQ-01"]'))
    # then the relation is part of the pack
    (rel,) = pack.inhibitions
    assert (rel.source, rel.targets, rel.match) == ("SJ-03", ("JQ-03", "JQ-01"), "subject")


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        (_inhibit("SJ-99", '["JQ-03"]'), "SJ-99 不在规则包中"),
        (_inhibit("SJ-03", '["XS-JL-01"]'), "XS-JL-01 不在规则包中"),
        (_inhibit("SJ-03", '["SJ-03"]'), "不能抑制自身"),
        (_inhibit("SJ-03", "[]"), "非空"),
        (_inhibit("SJ-03", '["JQ-03"]', match="unit"), "match"),
        (_inhibit("SJ-03", '["JQ-03"]', reason=""), "reason"),
        # a case deadline and an incident deadline never name the same record
        (_inhibit("JQ-03", '["JQ-01"]'), "对象"),
        (_inhibit("SJ-03", '["JQ-03"]') + _inhibit("JQ-03", '["SJ-03"]', match="case"), "循环"),
    ],
    ids=["unknown-source", "unknown-target", "self", "empty", "bad-match", "no-reason",
         "subject-mismatch", "cycle"],
)  # fmt: skip
def test_a_bad_inhibition_refuses_the_pack_naming_it(table: str, needle: str) -> None:
    # given a pack whose inhibition table has one mistake / when loaded / then refused, named
    with pytest.raises(PackError) as refused:
        load_pack_text(HEAD + RULES + table)
    assert any(needle in p for p in refused.value.problems), refused.value.problems


@pytest.mark.django_db
def test_the_bureau_pack_inhibits_the_deadlines_of_a_record_whose_times_are_reversed() -> None:
    # given the shipped pack / when its rules are synced
    pack = load_pack()
    sync_rules(pack)
    # then SJ-03 holds back the deadlines timed from the same measure, case, incident, visit
    targets = set(
        RuleInhibition.objects.filter(source_id="SJ-03").values_list("target_id", flat=True)
    )
    assert {"XS-JL-01", "XS-LA-01", "JQ-01", "GF-BA-04"} <= targets
    assert all(r.kind == "deadline" for r in pack.rules if r.code in targets)
    # and a relation the pack drops is removed on the next sync, one it keeps stays
    RuleInhibition.objects.create(source_id="SJ-01", target_id="SJ-02", match="subject",
                                  reason="旧关系")  # fmt: skip
    sync_rules(pack)
    assert not RuleInhibition.objects.filter(source_id="SJ-01").exists()
    assert RuleInhibition.objects.filter(source_id="SJ-03").count() == len(targets)
