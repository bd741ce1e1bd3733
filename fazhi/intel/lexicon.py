"""Cue lexicons with negation: the words in free text that suggest an offence or an escalation.

The lexicons are data (``lexicons/*.toml``, one file per category plus ``negation.toml``), a
bureau edits them without touching code; a file of the same name in the directory named by the
``FAZHI_LEXICON_DIR`` setting (or environment variable) replaces the packaged one.

Recognition is by whole tokens: every cue, every excluded word that merely contains a cue
("杀虫剂") and every negation word is loaded into a private ``jieba`` tokenizer as a user
dictionary, and text is segmented without the HMM (which would glue unknown characters onto a
cue). A cue matches only when it is a token of its own, so "杀" is found in "扬言要杀了他" and not
in "杀虫剂". A cue is *negated* when a negation word precedes it in the same clause with no scope
breaker ("但", "而是" …) in between: "未被盗", "没有被打", "并未持刀", "否认扬言报复".
"""

from __future__ import annotations

import logging
import os
import re
import threading
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

PACKAGED = Path(__file__).resolve().parent / "lexicons"
CATEGORIES = ("offence", "escalation")
# The Chinese name of each subcategory of the packaged lexicons, as pages and facts show it
# (a finding's facts keep the code: ``analysis.signals`` = ["self_harm", "threat"]).
CUE_LABELS = {
    "theft": "盗窃", "robbery": "抢劫抢夺", "fraud": "诈骗敲诈", "assault": "伤害殴打",
    "sexual": "性侵害", "other": "其他违法犯罪", "weapon": "凶器", "self_harm": "自杀自伤",
    "threat": "威胁扬言", "revenge": "报复", "mental_illness": "精神异常",
}  # fmt: skip
# Clauses end at these; negation never reaches across them.
_CLAUSE_END = re.compile(r"[，。；！？,.;!?\n\r、：:]")
# A dictionary frequency that makes jieba's DAG prefer a listed word over any split of it.
_FREQ = 2_000_000


@dataclass(frozen=True)
class Cue:
    term: str
    category: str
    subcategory: str
    start: int
    end: int
    negated: bool


@dataclass(frozen=True)
class Lexicon:
    category: str
    terms: dict[str, str]  # term -> subcategory
    weights: dict[str, int]  # subcategory -> weight (escalation score)
    exclude: frozenset[str]


@dataclass(frozen=True)
class Negation:
    negators: frozenset[str]
    pseudo: frozenset[str]
    breakers: frozenset[str]


def lexicon_dir() -> Path | None:
    """The override directory: the ``FAZHI_LEXICON_DIR`` setting, else the environment."""
    try:
        from django.conf import settings

        configured = getattr(settings, "FAZHI_LEXICON_DIR", None)
    except Exception:  # settings not configured (a plain script): the environment decides
        configured = None
    raw = configured or os.environ.get("FAZHI_LEXICON_DIR")
    return Path(raw).expanduser() if raw else None


def _read(name: str) -> dict[str, Any]:
    override = lexicon_dir()
    path = override / name if override is not None else None
    if path is None or not path.exists():
        path = PACKAGED / name
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"词库文件 {path} 格式错误")
    return data


def _words(data: dict[str, Any], table: str, key: str, source: str) -> list[str]:
    value = data.get(table, {}).get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"词库文件 {source}：[{table}] {key} 须为非空字符串列表")
    return value


@cache
def load_lexicon(category: str) -> Lexicon:
    if category not in CATEGORIES:
        raise ValueError(f"未知的词库类别：{category}（可用：{'、'.join(CATEGORIES)}）")
    source = f"{category}.toml"
    data = _read(source)
    terms: dict[str, str] = {}
    for sub in data.get("terms", {}):
        for word in _words(data, "terms", sub, source):
            terms.setdefault(word, sub)
    weights = {str(k): int(v) for k, v in data.get("weights", {}).items()}
    exclude = frozenset(_words(data, "exclude", "words", source))
    return Lexicon(category, terms, weights, exclude)


@cache
def load_negation() -> Negation:
    data = _read("negation.toml")
    return Negation(
        frozenset(_words(data, "words", "negators", "negation.toml")),
        frozenset(_words(data, "words", "pseudo", "negation.toml")),
        frozenset(_words(data, "words", "scope_breakers", "negation.toml")),
    )


_lock = threading.Lock()


@cache
def tokenizer() -> Any:
    """A private jieba tokenizer with every lexicon word as a user-dictionary entry (the global
    one is left alone so that other code segmenting text is not affected)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    with _lock:
        tok.initialize()
        negation = load_negation()
        words: set[str] = set(negation.negators | negation.pseudo | negation.breakers)
        for category in CATEGORIES:
            lex = load_lexicon(category)
            words.update(lex.terms)
            words.update(lex.exclude)
        for word in sorted(words, key=len):
            # longer words get a higher frequency so that they win over their parts
            tok.add_word(word, freq=_FREQ * len(word))
    return tok


def reload() -> None:
    """Forget the loaded lexicons (after an edit, or in tests that override the directory)."""
    load_lexicon.cache_clear()
    load_negation.cache_clear()
    tokenizer.cache_clear()
    _prefilter.cache_clear()


def tokens(text: str) -> list[tuple[str, int, int]]:
    """``(word, start, end)`` tokens of ``text`` by the lexicon-aware tokenizer."""
    return list(tokenizer().tokenize(text, HMM=False))


def find_cues(text: str, category: str) -> list[Cue]:
    """Every cue of ``category`` in ``text``, negated ones included (``Cue.negated``)."""
    if not text:
        return []
    lex = load_lexicon(category)
    negation = load_negation()
    found: list[Cue] = []
    negated_from = -1  # position of the last negator still in scope, or -1
    for word, start, end in tokens(text):
        if _CLAUSE_END.fullmatch(word) or word in negation.breakers:
            negated_from = -1
            continue
        if word in negation.negators:
            negated_from = start
            continue
        sub = lex.terms.get(word)
        if sub is not None:
            found.append(Cue(word, category, sub, start, end, negated_from >= 0))
    return found


def positive_cues(text: str, category: str) -> list[Cue]:
    """The cues that are not negated."""
    return [cue for cue in find_cues(text, category) if not cue.negated]


def weight_of(category: str, subcategory: str) -> int:
    return load_lexicon(category).weights.get(subcategory, 0)


@cache
def _prefilter(category: str) -> re.Pattern[str]:
    terms = sorted(load_lexicon(category).terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms))


def may_contain(text: str | None, category: str) -> bool:
    """A cheap test (one compiled regex, in C) that ``text`` may hold a cue of ``category``:
    only texts that pass are segmented."""
    return bool(text) and _prefilter(category).search(text or "") is not None


__all__ = [
    "CATEGORIES",
    "Cue",
    "find_cues",
    "load_lexicon",
    "load_negation",
    "may_contain",
    "positive_cues",
    "reload",
    "tokens",
    "weight_of",
]
