"""A learned second opinion beside the cue lexicon (学习模型提示), for ZN-JQ-01 and ZN-JF-02.

The lexicon (``lexicon.py``) trails whoever writes next: each new writer's texts hold dangers
and offences said in words no list has. A character 1–3-gram logistic regression trained on the
hand-written evaluation set finds more of a writer it has never seen, and joined to the lexicon
this way it raised recall on every writer left out without costing precision
(docs/benchmarks.md, "Text intelligence, sixth pass"):

* it is asked only where the lexicon finds **no cue of the category at all** (not even a
  negated or non-factual one: where the lexicon speaks, its scope model has the last word);
* it reads only the clauses the scope model leaves factual (``scoped``): a clause with a
  negator, or after which a non-factual marker of ``scope.toml`` follows, is dropped, so
  "未持刀" or "咨询：如果…" teach and tell it nothing;
* it suggests only at a probability of at least the file's ``threshold`` (0.8, fixed before
  the measurement).

The weights are data: ``models/cue_model.json``, written by ``bench/text_model_scope.py
--write`` (trained on every development writer), versioned by the hash of its content and
checked when loaded (at start, ``apps.IntelConfig.ready``): a file that does not hold together
stops the start with a message. A suggestion says which n-grams pushed it, so the officer who
reviews it sees why — and the finding says it is a learned suggestion, not a lexicon match.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fazhi.intel import lexicon

MODEL_FILE = Path(__file__).resolve().parent / "models" / "cue_model.json"
SCHEME = "char1-3/fold/scoped-clauses/logistic"
FORMAT = 1
MAX_GRAM = 3
TOP = 5  # n-grams named in an explanation


@dataclass(frozen=True)
class CategoryModel:
    bias: float
    weights: dict[str, float]


@dataclass(frozen=True)
class Model:
    version: str
    threshold: float
    trained_on: dict[str, Any]
    categories: dict[str, CategoryModel]


@dataclass(frozen=True)
class Suggestion:
    category: str
    probability: float
    version: str
    # the n-grams of the text that pushed the score up most, with their weights
    pushed_by: tuple[tuple[str, float], ...]

    def explanation(self) -> str:
        grams = "、".join(f"“{g}”" for g, _ in self.pushed_by)
        return (
            f"学习模型提示（非词库命中，仅供参考，须人工核实）：概率 {self.probability:.2f}，"
            f"主要依据字串：{grams}（模型版本 {self.version}）"
        )


def scoped(text: str, cues: list[lexicon.Cue] | None = None) -> str:
    """``text`` folded, without the clauses the scope model marks non-factual: a clause holding
    a negator or a non-factual lexicon cue, or followed by a non-factual marker (``context_of``
    at its end). ``cues`` are the text's cues when known (found on the folded text)."""
    t = lexicon.fold(text)
    contexts = lexicon.may_have_context(t)
    kept: list[str] = []
    low = 0
    ends = [m.start() for m in lexicon._CLAUSE_END.finditer(t)] + [len(t)]
    for high in ends:
        clause = t[low:high]
        if clause.strip():
            drop = any(c.negated and low <= c.start < high for c in cues or ())
            drop = drop or lexicon.has_negator_word(clause)
            drop = drop or (contexts and bool(lexicon.context_of(t, max(high - 1, low), high)))
            if not drop:
                kept.append(clause)
        low = high + 1
    return "，".join(kept)


def grams(text: str) -> set[str]:
    """The character 1–3-grams of an already folded text."""
    return {text[i : i + n] for n in range(1, MAX_GRAM + 1) for i in range(len(text) - n + 1)}


def _digest(body: dict[str, Any]) -> str:
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha1(raw, usedforsecurity=False).hexdigest()[:12]


def _fail(why: str) -> ValueError:
    return ValueError(f"学习模型文件 {MODEL_FILE.name}：{why}")


def parse(data: Any) -> Model:
    """The model of a loaded file, checked: format, scheme, version (the hash of the rest),
    a threshold in (0.5, 1), known categories, finite weights of 1–3-character n-grams."""
    if not isinstance(data, dict):
        raise _fail("格式错误")
    if data.get("format") != FORMAT or data.get("scheme") != SCHEME:
        raise _fail(f"格式或方案不符（须为 format {FORMAT}、scheme {SCHEME}）")
    body = {k: v for k, v in data.items() if k != "version"}
    if data.get("version") != _digest(body):
        raise _fail(
            "版本号与内容不符（文件被改动过，须用 bench/text_model_scope.py --write 重新生成）"
        )
    threshold = data.get("threshold")
    if not isinstance(threshold, float) or not 0.5 < threshold < 1:
        raise _fail("阈值须在 0.5 与 1 之间")
    categories: dict[str, CategoryModel] = {}
    for category, entry in (data.get("categories") or {}).items():
        if category not in lexicon.CATEGORIES:
            raise _fail(f"类别 {category} 未知")
        bias, weights = entry.get("bias"), entry.get("weights")
        if not isinstance(bias, float) or not math.isfinite(bias) or not isinstance(weights, dict):
            raise _fail(f"类别 {category} 的参数格式错误")
        for gram, weight in weights.items():
            ok = isinstance(weight, float) and math.isfinite(weight)
            if not ok or not isinstance(gram, str) or not 1 <= len(gram) <= MAX_GRAM:
                raise _fail(f"类别 {category} 的字串 {gram!r} 或其权重无效")
        categories[category] = CategoryModel(bias, dict(weights))
    if not categories:
        raise _fail("没有任何类别的参数")
    return Model(str(data["version"]), threshold, dict(data.get("trained_on") or {}), categories)


@cache
def load_model() -> Model | None:
    """The packaged model, checked; ``None`` when the file is absent (no learned suggestions)."""
    if not MODEL_FILE.exists():
        return None
    try:
        data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise _fail(f"不是有效的 JSON（{exc}）") from exc
    return parse(data)


def build(
    trained_on: dict[str, Any],
    threshold: float,
    categories: dict[str, tuple[float, dict[str, float]]],
) -> dict[str, Any]:
    """The file's content for trained parameters (its version the hash of the rest)."""
    body: dict[str, Any] = {
        "format": FORMAT,
        "scheme": SCHEME,
        "threshold": threshold,
        "trained_on": trained_on,
        "categories": {
            c: {"bias": bias, "weights": weights} for c, (bias, weights) in categories.items()
        },
    }
    return {"version": _digest(body), **body}


def probability(model: CategoryModel, text_grams: set[str]) -> float:
    # fsum: exactly rounded whatever the order, and a set's order changes with each process's
    # hash seed — a stored reading must be the same number in every worker
    z = model.bias + math.fsum(model.weights.get(g, 0.0) for g in text_grams)
    return 1.0 / (1.0 + math.exp(-z))


def suggest(text: str | None, category: str, cues: list[lexicon.Cue]) -> Suggestion | None:
    """The model's suggestion for ``text`` when the lexicon found no cue of ``category`` at all
    (``cues`` empty) and the scoped text scores at least the threshold; else ``None``."""
    model = load_model()
    if cues or model is None or category not in model.categories:
        return None
    return _suggest(text, category, model)[0]


def _suggest(text: str | None, category: str, model: Model) -> tuple[Suggestion | None, float]:
    """The suggestion for a text with no cue of ``category`` (or ``None``), and its probability."""
    if not text:
        return None, 0.0
    own = model.categories[category]
    # the clauses of the other category's non-factual cues are dropped too, as in training
    others = [
        cue for other in lexicon.CATEGORIES if other != category
        if lexicon.may_contain(text, other) for cue in lexicon.find_cues(text, other)
    ]  # fmt: skip
    text_grams = grams(scoped(text, others))
    p = probability(own, text_grams)
    if p < model.threshold:
        return None, p
    # words, not single characters, are what an officer can read: n-grams of two or three
    # characters first, by weight, then single characters if too few
    pushed = sorted(
        ((g, own.weights[g]) for g in text_grams if own.weights.get(g, 0.0) > 0),
        key=lambda gw: (len(gw[0]) == 1, -gw[1], gw[0]),
    )
    # the n-grams a longer pushing n-gram already holds say nothing more
    named: list[tuple[str, float]] = []
    for g, w in pushed:
        if len(named) == TOP:
            break
        if not any(g in longer for longer, _ in named):
            named.append((g, round(w, 3)))
    return Suggestion(category, round(p, 4), model.version, tuple(named)), p


def basis() -> str:
    """The version of what a suggestion depends on besides the text: the model, the lexicon
    files as read (a bureau's own folder first), and the code that scopes and scores (a code
    change invalidates what was stored under the old code)."""
    model = load_model()
    h = hashlib.sha1(usedforsecurity=False)
    h.update((model.version if model else "-").encode())
    for name in sorted(p.name for p in lexicon.PACKAGED.glob("*.toml")):
        h.update(name.encode() + b"\0" + lexicon.source_path(name).read_bytes())
    for module in (lexicon.__file__, __file__):
        h.update(Path(module).read_bytes())
    return h.hexdigest()[:16]


def suggest_many(
    rows: list[tuple[str, str | None, datetime]], category: str
) -> dict[str, Suggestion | None]:
    """``suggest`` for incidents whose text has no cue of ``category`` (``rows``: id, text,
    changed_at), read from ``IncidentSuggestion`` where the incident and the ``basis`` are
    unchanged since, computed and stored otherwise."""
    from fazhi.intel.models import IncidentSuggestion

    model = load_model()
    if model is None or category not in model.categories or not rows:
        return {pk: None for pk, _, _ in rows}
    version = basis()
    stored = {
        pk: (at, p, pushed)
        for pk, at, p, pushed in IncidentSuggestion.objects.filter(
            category=category, basis=version, incident_id__in=[pk for pk, _, _ in rows]
        ).values_list("incident_id", "source_changed_at", "probability", "pushed_by")
    }
    out: dict[str, Suggestion | None] = {}
    fresh: list[IncidentSuggestion] = []
    for pk, text, changed_at in rows:
        known = stored.get(pk)
        if known is not None and known[0] == changed_at:
            _, p, pushed = known
            out[pk] = (
                Suggestion(category, round(p, 4), model.version, tuple((g, w) for g, w in pushed))
                if p >= model.threshold else None
            )  # fmt: skip
            continue
        suggestion, p = _suggest(text, category, model)
        out[pk] = suggestion
        fresh.append(
            IncidentSuggestion(
                incident_id=pk, category=category, basis=version, source_changed_at=changed_at,
                probability=p,
                pushed_by=[list(gw) for gw in suggestion.pushed_by] if suggestion else [],
            )
        )  # fmt: skip
    IncidentSuggestion.objects.bulk_create(
        fresh,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["incident", "category"],
        update_fields=["basis", "source_changed_at", "probability", "pushed_by"],
    )
    return out


def reload() -> None:
    load_model.cache_clear()


__all__ = [
    "Model",
    "Suggestion",
    "basis",
    "load_model",
    "parse",
    "scoped",
    "suggest",
    "suggest_many",
]
