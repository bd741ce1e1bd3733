"""The scheme as validated data: the shipped default loads; unknown keys, bad numbers, unknown
sources are refused naming the indicator and field; every forbidden indicator is refused by name,
whether it hides in the name, the source or the parameters."""

from __future__ import annotations

import pytest

from fazhi.evaluation.scheme import SchemeError, load, parse

HEAD = """
name = "测试方案"
version = "1"
[outside]
weight = 0
"""


def scheme_text(**indicator: object) -> str:
    fields = {
        "code": '"T-01"', "name": '"执法问题"', "subject": '"unit"', "source": '"problems"',
        "weight": "100", "deduction": "1", "cap": "20",
    }  # fmt: skip
    for key, value in indicator.items():
        fields[key] = str(value)
    body = "\n".join(f"{k} = {v}" for k, v in fields.items() if v != "")
    return HEAD + "\n[[indicators]]\n" + body + "\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(SchemeError) as caught:
        parse(text)
    return caught.value.problems


def test_the_shipped_default_is_valid_and_short() -> None:
    # given the shipped default / when loaded
    scheme = load()
    # then it names its basis and keeps each subject's indicators short, weights adding to 100
    assert "第137号" in scheme.basis
    for subject in ("unit", "officer", "leader"):
        assert 0 < len(scheme.for_subject(subject)) <= 6
    assert sum(i.weight for i in scheme.for_subject("unit")) + scheme.outside_weight == 100
    assert scheme.veto_safety_kinds == ("死亡", "重伤", "脱逃", "刑讯逼供", "违规使用警械武器")
    assert scheme.veto_review_kinds == ("执法过错追究",)


def test_a_minimal_scheme_parses() -> None:
    scheme = parse(scheme_text())
    assert [i.code for i in scheme.indicators] == ["T-01"]


# each forbidden indicator by the word a bureau would write for it
FORBIDDEN = [
    ("罚没款数额", "罚没款数额"),
    ("刑事拘留数", "刑事拘留数（刑拘数）"),
    ("刑拘数", "刑事拘留数（刑拘数）"),
    ("行政拘留数", "行政拘留数（行拘数）"),
    ("行拘数", "行政拘留数（行拘数）"),
    ("发案数", "发案数"),
    ("破案率", "破案率"),
    ("退查率", "退查率（退回补充侦查率）"),
    ("退回补充侦查率", "退查率（退回补充侦查率）"),
    ("批捕率", "批捕率"),
    ("劳教数", "劳教数"),
    ("行政处罚数", "处罚、拘留或逮捕的数量（打击处理数）"),
    ("逮捕人数", "处罚、拘留或逮捕的数量（打击处理数）"),
    ("arrest_count", "处罚、拘留或逮捕的数量（打击处理数）"),
]


@pytest.mark.parametrize(("word", "label"), FORBIDDEN)
def test_a_forbidden_indicator_in_the_name_is_refused_by_name(word: str, label: str) -> None:
    # given an indicator named after a forbidden one / when loaded / then refused naming it
    problems = problems_of(scheme_text(name=f'"{word}"'))
    assert any(f"禁止的考评指标「{label}」" in p and "T-01" in p for p in problems), problems


@pytest.mark.parametrize(("word", "label"), FORBIDDEN)
def test_a_forbidden_indicator_as_the_source_is_refused_by_name(word: str, label: str) -> None:
    problems = problems_of(scheme_text(source=f'"{word}"'))
    assert any(f"来源「{word}」属于禁止的考评指标「{label}」" in p for p in problems), problems


@pytest.mark.parametrize(("word", "label"), FORBIDDEN)
def test_a_forbidden_indicator_in_the_parameters_is_refused_by_name(word: str, label: str) -> None:
    # given a harmless name and source, and the forbidden count hidden in a parameter
    problems = problems_of(scheme_text(params=f'{{ target = "{word}" }}'))
    assert any(f"参数「{word}」属于禁止的考评指标「{label}」" in p for p in problems), problems


def test_counting_supplementary_investigations_as_a_target_is_refused() -> None:
    # 退回补充侦查 among the review kinds an indicator counts is the 退查率 by another name
    text = scheme_text(
        source='"reviews"', params='{ kinds = ["退回补充侦查"], outcomes = ["撤销"] }'
    )
    assert any("退查率" in p for p in problems_of(text))


def test_unknown_keys_bad_numbers_and_unknown_sources_are_each_named() -> None:
    text = scheme_text(colour='"红"', deduction='"两分"', source='"dispute_followups"', cap="150")
    problems = problems_of(text + "\n[grades]\nexcellent = 120\nfoo = 1\n")
    assert any("T-01" in p and "未知的配置项「colour」" in p for p in problems)
    assert any("T-01" in p and "deduction" in p and "两分" in p for p in problems)
    assert any("T-01" in p and "未知的数据来源" in p and "dispute_followups" in p for p in problems)
    assert any("T-01" in p and "cap" in p for p in problems)
    assert any("[grades] excellent" in p for p in problems)
    assert any("[grades] 中未知的配置项「foo」" in p for p in problems)


def test_a_cap_above_the_weight_and_weights_not_adding_up_are_refused() -> None:
    problems = problems_of(scheme_text(weight="30", cap="40"))
    assert any("封顶 cap（40）不应超过分值 weight（30）" in p for p in problems)
    problems = problems_of(scheme_text(weight="30", cap="20"))
    assert problems == ["单位指标的分值合计（含外部评议分值）应为100，而不是 30"]


def test_a_source_for_another_subject_and_a_bad_parameter_value_are_refused() -> None:
    problems = problems_of(
        scheme_text(source='"safety_events"', subject='"officer"', params='{ kinds = ["火灾"] }')
    )
    assert any("不能用于民警考评" in p for p in problems)
    problems = problems_of(scheme_text(params='{ severities = ["特别严重"] }'))
    assert any("params.severities 中「特别严重」不是可用的值" in p for p in problems)
