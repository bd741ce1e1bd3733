"""The learned second opinion (``fazhi.intel.learned``): its data file, its scope, its word."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fazhi.intel import learned, lexicon


def _packaged() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(learned.MODEL_FILE.read_text(encoding="utf-8"))
    return data


def test_the_packaged_model_loads_checked_and_versioned() -> None:
    model = learned.load_model()
    assert model is not None
    assert set(model.categories) == set(lexicon.CATEGORIES)
    assert model.threshold == 0.8
    assert model.version == _packaged()["version"]
    assert model.trained_on["writers"] == {
        "w1": 240, "w2": 263, "w3": 296, "w4": 454, "w5": 410, "w6": 516, "w7": 488,
        "w8": 467, "w9": 477, "w10": 527, "w11": 539,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["categories"]["offence"]["weights"].update({"被盗": 9.0}), "版本号与内容不符"),
        (lambda d: d.update(scheme="words"), "格式或方案不符"),
    ],
)
def test_a_model_file_edited_by_hand_is_refused(change: Any, message: str) -> None:
    # given the packaged file changed without retraining (its version is the hash of the rest)
    data = _packaged()
    change(data)
    # when it is checked, then it is refused with a message that says why
    with pytest.raises(ValueError, match=message):
        learned.parse(data)


@pytest.mark.parametrize(
    ("categories", "threshold", "message"),
    [
        ({"offense": {"bias": 0.0, "weights": {}}}, 0.8, "类别 offense 未知"),
        ({"offence": {"bias": 0.0, "weights": {"被偷了吗": 1.0}}}, 0.8, "无效"),
        ({"offence": {"bias": 0.0, "weights": {"偷": float("nan")}}}, 0.8, "无效"),
        ({"offence": {"bias": 0.0, "weights": {"偷": 1.0}}}, 0.4, "阈值"),
        ({}, 0.8, "没有任何类别"),
    ],
)
def test_a_model_that_does_not_hold_together_is_refused(
    categories: dict[str, dict[str, Any]], threshold: float, message: str
) -> None:
    built = learned.build({}, threshold, {
        c: (float(e["bias"]), dict(e["weights"])) for c, e in categories.items()
    })  # fmt: skip
    with pytest.raises(ValueError, match=message):
        learned.parse(built)


def test_a_missing_model_file_means_no_suggestions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(learned, "MODEL_FILE", tmp_path / "none.json")
    learned.reload()
    try:
        assert learned.load_model() is None
        scam = "报警人称家里老人被人哄着买了三万块的保健品。"
        assert learned.suggest(scam, "offence", []) is None
    finally:
        monkeypatch.undo()
        learned.reload()


def test_the_model_reads_only_what_the_scope_model_leaves_factual() -> None:
    # a negated clause, a warning and a question are dropped before the model reads the text
    text = "双方发生口角，对方未持刀。民警提醒群众谨防电信诈骗。咨询：如果被骗了怎么办？已调解"
    kept = learned.scoped(text)
    assert "发生口角" in kept
    assert "已调解" in kept
    assert "未持刀" not in kept
    assert "谨防" not in kept
    assert "怎么办" not in kept


def test_the_model_is_asked_only_where_the_lexicon_is_silent() -> None:
    text = "报警人称家里老人被人哄着买了三万块的保健品，说能治癌症。"
    assert lexicon.find_cues(text, "offence") == []
    suggestion = learned.suggest(text, "offence", [])
    assert suggestion is not None
    assert suggestion.probability >= 0.8
    # a learned suggestion names n-grams of the text and says what it is
    assert all(g in lexicon.fold(text) for g, _ in suggestion.pushed_by)
    assert suggestion.explanation().startswith("学习模型提示（非词库命中")
    # where the lexicon found a cue, even a negated one, its scope model has the last word
    negated = lexicon.find_cues("对方未持刀。", "escalation")
    assert negated
    assert learned.suggest("对方未持刀。", "escalation", negated) is None
    # an ordinary quarrel is no suggestion
    assert learned.suggest("双方因琐事发生口角。", "offence", []) is None
    assert learned.suggest("双方因琐事发生口角。", "escalation", []) is None
