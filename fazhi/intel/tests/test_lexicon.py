"""Cue lexicons: recognition as whole tokens, and negation within the clause."""

from __future__ import annotations

from pathlib import Path

import pytest

from fazhi.intel import lexicon
from fazhi.intel.lexicon import find_cues, positive_cues

# (text, category, the cues found not negated, the cues found negated)
CASES = [
    ("报警人称其电动车被盗，要求民警帮助查找。", "offence", {"被盗"}, set()),
    ("报警人称电动车未被盗，系自己忘记停放位置。", "offence", set(), {"被盗"}),
    ("报警人称没有被打，只是发生口角。", "offence", set(), {"被打"}),
    ("没有被打，但手机被抢", "offence", {"被抢"}, {"被打"}),
    ("不是被盗而是被抢", "offence", {"被抢"}, {"被盗"}),
    ("报警人称在人民广场被打，现已离开。", "offence", {"被打"}, set()),
    ("网上购物遭遇诈骗，损失300元", "offence", {"诈骗"}, set()),
    ("不排除被盗可能", "offence", {"被盗"}, set()),
    ("未能追回被盗财物", "offence", {"被盗"}, set()),
    ("家里装了防盗门", "offence", set(), set()),
    ("对方手持菜刀在门口叫骂", "escalation", {"手持菜刀"}, set()),
    ("对方并未持刀，只是言语争执", "escalation", set(), {"持刀"}),
    ("称不想活了要自杀", "escalation", {"不想活", "自杀"}, set()),
    ("扬言要杀了他", "escalation", {"扬言", "杀了"}, set()),
    ("家中有杀虫剂，已收好", "escalation", set(), set()),
    ("否认扬言报复", "escalation", set(), {"扬言", "报复"}),
    ("邻居有精神病史，多次上门争吵", "escalation", {"精神病史"}, set()),
    ("现场无人持刀，双方情绪平稳", "escalation", set(), {"持刀"}),
    ("无人员受伤，未发现刀具", "escalation", set(), {"刀具"}),
    ("精神状态良好，经调解双方和好", "escalation", set(), set()),
    ("在一家饭店打工，因工钱发生争执", "escalation", set(), set()),
    ("对方称要去跳楼，后被劝下", "escalation", {"跳楼"}, set()),
]


@pytest.mark.parametrize(("text", "category", "positive", "negated"), CASES)
def test_cues_and_negation(text: str, category: str, positive: set[str], negated: set[str]) -> None:
    # when the text is searched for cues of the category
    cues = find_cues(text, category)
    # then exactly the expected cues are found, each negated or not as the clause says
    assert {c.term for c in cues if not c.negated} == positive
    assert {c.term for c in cues if c.negated} == negated


def test_cue_positions_and_subcategories() -> None:
    text = "报警人称对方扬言要喝农药"
    cues = positive_cues(text, "escalation")
    assert [(c.term, c.subcategory) for c in cues] == [("扬言", "threat"), ("喝农药", "self_harm")]
    assert all(text[c.start : c.end] == c.term for c in cues)
    assert {c.category for c in cues} == {"escalation"}


def test_prefilter_agrees_with_recognition() -> None:
    # a text that cannot contain a cue is skipped before segmentation; one that can is not
    assert not lexicon.may_contain("报警人称与邻居发生争吵。", "offence")
    assert lexicon.may_contain("电动车被盗", "offence")
    assert not lexicon.may_contain(None, "escalation")


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="未知的词库类别"):
        find_cues("文本", "weather")


def test_override_directory_replaces_a_lexicon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a bureau's own offence lexicon in FAZHI_LEXICON_DIR, adding a word
    own = (lexicon.PACKAGED / "offence.toml").read_text(encoding="utf-8")
    own = own.replace('theft = ["被盗"', 'theft = ["薅走", "被盗"')
    (tmp_path / "offence.toml").write_text(own, encoding="utf-8")
    monkeypatch.setenv("FAZHI_LEXICON_DIR", str(tmp_path))
    lexicon.reload()
    try:
        # then the new word is a cue, and the packaged words still are
        assert {c.term for c in positive_cues("地里的葱被人薅走了", "offence")} == {"薅走"}
        assert positive_cues("电动车被盗", "offence")
    finally:
        monkeypatch.delenv("FAZHI_LEXICON_DIR")
        lexicon.reload()
    assert positive_cues("地里的葱被人薅走了", "offence") == []


def test_malformed_lexicon_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "escalation.toml").write_text('[terms]\nweapon = "刀"\n', encoding="utf-8")
    monkeypatch.setenv("FAZHI_LEXICON_DIR", str(tmp_path))
    lexicon.reload()
    try:
        with pytest.raises(ValueError, match=r"escalation\.toml"):
            find_cues("持刀", "escalation")
    finally:
        monkeypatch.delenv("FAZHI_LEXICON_DIR")
        lexicon.reload()
