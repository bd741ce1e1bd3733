"""What changed between two versions, compared as a Chinese reader reads."""

from __future__ import annotations

from fazhi.standards.diff import Piece, compare, text_pieces


def test_a_changed_number_and_an_added_phrase_read_as_two_changes() -> None:
    old, new = "警情24小时内处置完毕，并录入系统。", "警情12小时内处置完毕，并及时录入系统。"
    pieces = text_pieces(old, new)
    assert pieces == [
        Piece("same", "警情"), Piece("del", "24"), Piece("ins", "12"),
        Piece("same", "小时内处置完毕，并"), Piece("ins", "及时"), Piece("same", "录入系统。"),
    ]  # fmt: skip


def test_a_replaced_phrase_is_one_change_not_a_scatter_of_characters() -> None:
    # "二十四" and "十二" share a character; the one-character run between changes is folded in
    pieces = text_pieces("接警后二十四小时内处置", "接警后十二小时内处置")
    assert pieces == [
        Piece("same", "接警后"), Piece("del", "二十四"), Piece("ins", "十二"),
        Piece("same", "小时内处置"),
    ]  # fmt: skip


def test_the_summary_names_every_kind_of_change() -> None:
    change = compare(
        "警情处置规范", "警务流程", "24小时内处置。", ["JQ-01", "JQ-03"],
        "警情处置时限规范", "执法办案", "12小时内处置。", ["JQ-01", "JQ-02"],
    )  # fmt: skip
    assert change.summary == (
        "标题由“警情处置规范”改为“警情处置时限规范”；类别由警务流程改为执法办案；"
        "增加执行规则 JQ-02；不再由规则 JQ-03 执行；内容删去 2 字、增加 2 字"
    )
    same = compare("t", "c", "x", ["A"], "t", "c", "x", ["A"])
    assert (same.text, same.summary) == ([], "内容未变（仅生效日期不同）")
