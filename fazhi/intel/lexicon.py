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
from dataclasses import dataclass, field
from functools import cache, lru_cache
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
    # not a fact: negated, or in a non-factual context (``context`` says which)
    negated: bool
    # "" (a fact), "negated", or a scope.toml kind: belief, enquiry, prevention, hypothetical,
    # denial
    context: str = ""
    pattern: str = ""  # the patterns.toml pattern that found it ("" for a lexicon word)


CONTEXTS = ("negated", "belief", "enquiry", "prevention", "hypothetical", "denial")
CONTEXT_LABELS = {
    "negated": "否定", "belief": "误认", "enquiry": "咨询", "prevention": "防范提醒",
    "hypothetical": "假设担心", "denial": "经核不实",
}  # fmt: skip
_SCOPE_TABLES = (
    "before_clause", "before_sentence", "after_clause", "after_sentence", "after_report"
)  # fmt: skip
# scope.toml tables that are not context kinds: [finding] markers (the officer's own finding),
# [reported] markers (reported speech: what follows is what someone said happened) and
# [confirmed] markers (a later finding that what was reported is so) and [follow_up] markers
# (the checking that a later correction comes from: 民警到场, 经核实, 后来 …)
_SCOPE_OTHER = ("finding", "reported", "confirmed", "follow_up", "asked_if", "restated")
_SENTENCE_END = re.compile(r"[。！？!?\n\r]")
_GAP_CLASS = r"[^，。；！？,;!?\n\r]"
# the gap of a pattern whose ``span`` is "sentence": it may cross a comma, never a sentence end
_SENTENCE_GAP_CLASS = r"[^。！？!?\n\r]"
SPANS = ("clause", "sentence")


@dataclass(frozen=True)
class Pattern:
    name: str
    category: str
    subcategory: str
    regex: re.Pattern[str]
    examples: tuple[str, ...]
    counter: tuple[str, ...]
    # False for a pattern of pretence (冒充, 以…为由): that what was said turned out untrue is
    # the offence itself, so the [after_sentence] markers of scope.toml do not reach it
    corrected: bool = True


@dataclass(frozen=True)
class Scope:
    # table -> kind -> markers
    markers: dict[str, dict[str, tuple[str, ...]]]
    # a cue preceded in its sentence by one of these is what the officer found (经查, 经核实 …):
    # the after-sentence markers, which correct what someone reported, do not reach it
    findings: tuple[str, ...] = ()
    # reported speech (称, 说 …): what follows is what someone said happened
    reported: tuple[str, ...] = ()
    # a later finding that the report is so (属实, 证实 …): [after_report] markers do not hold
    confirmed: tuple[str, ...] = ()
    # a check after the report (民警到场, 经核实, 后来 …): an [after_report] marker counts only
    # after one of these ("称车被盗。邻居的狗走丢了，原来是跑到了河边" corrects nothing)
    follow_up: tuple[str, ...] = ()
    # [asked_if]: (question markers, condition markers): a cue after a condition in a sentence
    # that asks ("咨询：要是有人拿刀上门，…算不算正当防卫") is supposed, unless reported speech
    # comes between ("咨询：对方说不还钱就打断他的腿，该怎么办" reports a threat made)
    asked_if: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    # [restated]: (record markers, label words, corrections): a quotation of an earlier record or
    # claim, opened right after a record marker (原记录“…”, 所报“…”) or closed right before a
    # label word (“…”定性有误), is judged by what follows it ("复核：原记录“扬言报复”，调听录音，
    # 系依法维权，不属威胁"); a correction after it makes every cue quoted a belief
    restated: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = ((), (), ())
    # category or subcategory -> table -> kind -> markers: markers that hold for one category's
    # or one class's cues only ([offence.before_clause]: a wish or a condition is no offence, but
    # it is a danger sign; [mental_illness.after_sentence]: "家属称其没有精神病" corrects the
    # illness, not the knife or the jump told before it in the sentence)
    by_category: dict[str, dict[str, dict[str, tuple[str, ...]]]] = field(default_factory=dict)


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


def source_path(name: str) -> Path:
    """The lexicon file ``name`` as read: the bureau's own folder first, else the packaged one."""
    override = lexicon_dir()
    path = override / name if override is not None else None
    return path if path is not None and path.exists() else PACKAGED / name


def _read(name: str) -> dict[str, Any]:
    path = source_path(name)
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"词库文件 {path} 格式错误")
    return data


def words_of(data: dict[str, Any], table: str, key: str, source: str) -> list[str]:
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
        for word in words_of(data, "terms", sub, source):
            terms.setdefault(word, sub)
    weights = {str(k): int(v) for k, v in data.get("weights", {}).items()}
    exclude = frozenset(words_of(data, "exclude", "words", source))
    return Lexicon(category, terms, weights, exclude)


@cache
def load_negation() -> Negation:
    data = _read("negation.toml")
    return Negation(
        frozenset(words_of(data, "words", "negators", "negation.toml")),
        frozenset(words_of(data, "words", "pseudo", "negation.toml")),
        frozenset(words_of(data, "words", "scope_breakers", "negation.toml")),
    )


def _part(part: str, groups: dict[str, list[str]], where: str) -> str:
    alternatives: list[str] = []
    for alt in part.split("|"):
        if alt.startswith("{") and alt.endswith("}"):
            name = alt[1:-1]
            if name not in groups:
                raise ValueError(f"词库文件 patterns.toml：{where} 引用了未定义的词组 {{{name}}}")
            alternatives.extend(groups[name])
        elif alt:
            alternatives.append(alt)
        else:
            raise ValueError(f"词库文件 patterns.toml：{where} 有空的候选词")
    return trie_regex(alternatives)


def trie_regex(words: list[str] | set[str] | frozenset[str]) -> str:
    """One regex for a set of plain words, their shared prefixes factored out (被(?:盗|偷|骗)):
    Python's ``re`` tries an alternation's branches one by one at every position, so a city's
    millions of texts cost the number of branches; a trie tries one branch per next character.
    At each node the continuation is greedy, so the longest word wins as with longest-first
    alternatives (跳下去 over 跳)."""
    root: dict[str, Any] = {}
    for word in set(words):
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            # a single character needs no group for the optional
            single = len(branches) == 1 and len(body) == 1
            return body + "?" if single else f"(?:{body})?"
        return body

    return "(?:" + build(root) + ")"


@cache
def load_patterns() -> tuple[Pattern, ...]:
    """The cue patterns of ``patterns.toml``, checked: known categories and subcategories,
    defined groups, a gap of 0–12, unique names, and every example found, every counter-example
    not (a pattern that misses its own examples is a broken edit)."""
    data = _read("patterns.toml")
    raw_groups = data.get("groups", {})
    groups: dict[str, list[str]] = {}
    for name, words in raw_groups.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ValueError(f"词库文件 patterns.toml：[groups] {name} 须为非空字符串列表")
        groups[str(name)] = list(words)
    out: list[Pattern] = []
    seen: set[str] = set()
    for number, entry in enumerate(data.get("pattern", []), 1):
        where = f"第 {number} 条句式"
        name = entry.get("name")
        if not isinstance(name, str) or not name or name in seen:
            raise ValueError(f"词库文件 patterns.toml：{where} 缺少名称或名称重复")
        seen.add(name)
        where = f"句式 {name}"
        category, sub = entry.get("category"), entry.get("subcategory")
        if category not in CATEGORIES:
            raise ValueError(f"词库文件 patterns.toml：{where} 的类别 {category} 未知")
        if sub not in set(load_lexicon(category).terms.values()) | set(
            load_lexicon(category).weights
        ):
            raise ValueError(f"词库文件 patterns.toml：{where} 的子类 {sub} 不在 {category} 词库中")
        seq, gap = entry.get("seq"), entry.get("gap", 0)
        if not isinstance(seq, list) or not seq or not all(isinstance(p, str) for p in seq):
            raise ValueError(f"词库文件 patterns.toml：{where} 的 seq 须为非空字符串列表")
        if not isinstance(gap, int) or not 0 <= gap <= 12:
            raise ValueError(f"词库文件 patterns.toml：{where} 的 gap 须为 0 到 12 的整数")
        span = entry.get("span", "clause")
        if span not in SPANS:
            raise ValueError(f"词库文件 patterns.toml：{where} 的 span 须为 clause 或 sentence")
        gap_class = _GAP_CLASS if span == "clause" else _SENTENCE_GAP_CLASS
        joiner = f"{gap_class}{{0,{gap}}}?"
        regex = re.compile(joiner.join(_part(p, groups, where) for p in seq))
        examples = tuple(entry.get("examples", []))
        counter = tuple(entry.get("counter", []))
        corrected = entry.get("corrected", True)
        if not isinstance(corrected, bool):
            raise ValueError(f"词库文件 patterns.toml：{where} 的 corrected 须为 true 或 false")
        pattern = Pattern(name, category, sub, regex, examples, counter, corrected)
        for example in examples:
            if not regex.search(example):
                raise ValueError(f"词库文件 patterns.toml：{where} 找不到自己的例句“{example}”")
        for example in counter:
            if regex.search(example):
                raise ValueError(f"词库文件 patterns.toml：{where} 误中了反例“{example}”")
        out.append(pattern)
    return tuple(out)


def _scope_tables(data: dict[str, Any], prefix: str) -> dict[str, dict[str, tuple[str, ...]]]:
    markers: dict[str, dict[str, tuple[str, ...]]] = {}
    for table in _SCOPE_TABLES:
        kinds = data.get(table, {})
        for kind in kinds:
            if kind not in CONTEXTS:
                raise ValueError(f"词库文件 scope.toml：[{prefix}{table}] 的语境 {kind} 未知")
        markers[table] = {
            str(kind): tuple(words_of(data, table, str(kind), "scope.toml")) for kind in kinds
        }
    return markers


@cache
def load_scope() -> Scope:
    data = _read("scope.toml")
    markers = _scope_tables(data, "")
    by_category: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
    subcategories = {
        sub for cat in CATEGORIES
        for sub in {*load_lexicon(cat).terms.values(), *load_lexicon(cat).weights}
    }  # fmt: skip
    for table in data:
        if table in CATEGORIES or table in subcategories:
            inner = data[table]
            unknown = [t for t in inner if t not in _SCOPE_TABLES]
            if not isinstance(inner, dict) or unknown:
                raise ValueError(
                    f"词库文件 scope.toml：未知的表 [{table}.{unknown[0]}]"
                    if unknown
                    else f"词库文件 scope.toml：[{table}] 格式错误"
                )
            by_category[table] = _scope_tables(inner, f"{table}.")
        elif table not in _SCOPE_TABLES + _SCOPE_OTHER:
            raise ValueError(f"词库文件 scope.toml：未知的表 [{table}]")
    findings = tuple(words_of(data, "finding", "markers", "scope.toml"))
    reported = tuple(words_of(data, "reported", "markers", "scope.toml"))
    confirmed = tuple(words_of(data, "confirmed", "markers", "scope.toml"))
    follow_up = tuple(words_of(data, "follow_up", "markers", "scope.toml"))
    asked_if = (
        tuple(words_of(data, "asked_if", "questions", "scope.toml")),
        tuple(words_of(data, "asked_if", "conditions", "scope.toml")),
    )
    restated = (
        tuple(words_of(data, "restated", "records", "scope.toml")),
        tuple(words_of(data, "restated", "labels", "scope.toml")),
        tuple(words_of(data, "restated", "corrections", "scope.toml")),
    )
    return Scope(
        markers, findings=findings, reported=reported, confirmed=confirmed,
        follow_up=follow_up, asked_if=asked_if, restated=restated, by_category=by_category,
    )  # fmt: skip


# full-width digits and Latin letters (０-９, Ａ-Ｚ, ａ-ｚ) to half-width
_FULLWIDTH = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
              for c in range(r[0], r[1] + 1)}  # fmt: skip


@cache
def _fold_table() -> dict[int, int]:
    """fold.toml as a ``str.translate`` table: one character for one, so positions hold."""
    data = _read("fold.toml").get("fold", {})
    source = "".join(str(data.get("from", "")).split())
    target = "".join(str(data.get("to", "")).split())
    if len(source) != len(target):
        raise ValueError("词库文件 fold.toml：from 与 to 的字数须相同")
    table = {ord(a): ord(b) for a, b in zip(source, target, strict=True)}
    if data.get("fullwidth", False):
        table.update(_FULLWIDTH)
    return table


def fold(text: str) -> str:
    """``text`` with traditional characters simplified and full-width letters and digits made
    half-width (fold.toml), one character for one: a cue's offsets hold in the typed text."""
    return text.translate(_fold_table())


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
    load_patterns.cache_clear()
    load_scope.cache_clear()
    tokenizer.cache_clear()
    _tokens.cache_clear()
    _prefilter.cache_clear()
    _fold_table.cache_clear()
    _markers.cache_clear()
    _common_markers.cache_clear()
    _negators.cache_clear()


@cache
def _negators() -> re.Pattern[str] | None:
    words = load_negation().negators
    return re.compile(trie_regex(set(words))) if words else None


def has_negator_word(clause: str) -> bool:
    """Whether a token of ``clause`` is a negator: segmented only when a negator is a substring
    of it at all (a token that is a negator is one)."""
    found = _negators()
    if found is None or found.search(clause) is None:
        return False
    negators = load_negation().negators
    return any(word in negators for word, _, _ in tokens(clause))


def tokens(text: str) -> list[tuple[str, int, int]]:
    """``(word, start, end)`` tokens of ``text`` by the lexicon-aware tokenizer."""
    return list(_tokens(text))


@lru_cache(maxsize=4)
def _tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    # the rules look for both categories in one text in turn: it is segmented once
    return tuple(tokenizer().tokenize(text, HMM=False))


def _bounds(text: str, start: int, end: int, stop: re.Pattern[str]) -> tuple[int, int]:
    """The start and end of the clause (or sentence) around ``text[start:end]``."""
    low = start
    while low > 0 and not stop.match(text, low - 1):
        low -= 1
    high = end
    while high < len(text) and not stop.match(text, high):
        high += 1
    return low, high


def context_of(
    text: str, start: int, end: int, corrected: bool = True, category: str = "",
    subcategory: str = "",
) -> str:  # fmt: skip
    """The non-factual context of the cue at ``text[start:end]`` by scope.toml ("" if none);
    ``corrected`` False leaves the after-sentence markers out (a pattern of pretence);
    ``category``'s and ``subcategory``'s own tables ([offence.before_clause],
    [assault.after_sentence] …) hold beside the common ones."""
    loaded = load_scope()
    scope = loaded.markers
    c_low, c_high = _bounds(text, start, end, _CLAUSE_END)
    s_low, s_high = _bounds(text, start, end, _SENTENCE_END)
    found = _found_by_officer(text[s_low:start], loaded)
    # what follows a check corrects the cue only when the cue is reported speech (称, 怀疑 …, not
    # the officer's own finding) and nothing later confirms it (属实, 证实 …). The check may come
    # in a later clause of the cue's own sentence: a dispatcher types the report, the visit and
    # its result with commas ("报警人称被人打了，民警到场后对方称只是推了一下，没打")
    later = text[c_high:]
    checked = min((at for m in loaded.follow_up if (at := later.find(m)) >= 0), default=-1)
    if _examined(text[s_low:start], loaded):
        # the check comes first and quotes the claim to judge it ("经核实，报警人所称“被人砍伤”
        # 系其自己摔倒"): what follows the cue is the check's result
        later, checked = text[end:], 0
    reported = (
        checked >= 0
        and not found
        and any(marker in text[s_low:start] for marker in loaded.reported)
        and not _confirms(later, loaded.confirmed)
    )
    windows = {
        "before_clause": text[c_low:start],
        "before_sentence": text[s_low:start],
        "after_clause": text[end : c_high + 1],
        "after_sentence": text[end:s_high],
        "after_report": later[checked:] if checked >= 0 else "",
    }
    own = loaded.by_category.get(category, {})
    own_class = loaded.by_category.get(subcategory, {}) if subcategory else {}
    if _asked_if(text[s_low:start], loaded):
        return "hypothetical"
    for table in _SCOPE_TABLES:
        if (not reported or not corrected) and table == "after_report":
            continue
        for source in (scope, own, own_class):
            # a category's own [after_sentence] markers (an attempt that failed: 挂断电话, 未转账)
            # reach a pattern of pretence too: a failed attempt corrects nothing that was said
            if table == "after_sentence" and (found or (not corrected and source is scope)):
                continue
            for kind, markers in source.get(table, {}).items():
                if _markers(markers).search(windows[table]):
                    return kind
    return ""


@cache
def _common_markers() -> re.Pattern[str] | None:
    """Every marker ``context_of`` can answer from for a cue of no category: the common tables'
    markers and the question markers of [asked_if]."""
    loaded = load_scope()
    words = {m for table in loaded.markers.values() for ms in table.values() for m in ms}
    words.update(m for table in loaded.by_category.get("", {}).values()
                 for ms in table.values() for m in ms)  # fmt: skip
    words.update(loaded.asked_if[0])
    return re.compile(trie_regex(words)) if words else None


def may_have_context(text: str) -> bool:
    """Whether ``context_of`` (no category) can find a context for a cue in ``text``: every
    window it reads lies in ``text``, so a text holding none of its markers has none. Reading a
    text's clauses one by one costs a hundred times this test."""
    found = _common_markers()
    return found is not None and found.search(text) is not None


@cache
def _markers(markers: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled trie for a kind's markers (the same as ``any(m in window …)``, in C)."""
    return re.compile(trie_regex(set(markers)))


def _asked_if(before: str, scope: Scope) -> bool:
    """A question marker, then a condition marker, precede the cue in its sentence, with no
    reported speech after the question marker: the cue is a supposition asked about."""
    questions, conditions = scope.asked_if
    at = max((before.rfind(marker) for marker in questions), default=-1)
    if at < 0:
        return False
    rest = before[at:]
    first = min((i for m in conditions if (i := rest.find(m)) >= 0), default=-1)
    # reported speech before the condition reports a threat that was made ("咨询：丈夫说如果她
    # 敢回娘家就弄死她"); after it, the speech is supposed too ("咨询：如果有人在网上说要轻生")
    return first >= 0 and not any(m in rest[:first] for m in scope.reported)


def _examined(before: str, scope: Scope) -> bool:
    """A finding marker (经核实 …) and then reported speech (所称, 称 …) precede the cue in its
    sentence: the officer quotes what someone claimed in order to judge it."""
    at = max((before.rfind(marker) for marker in scope.findings), default=-1)
    return at >= 0 and any(marker in before[at:] for marker in scope.reported)


def _found_by_officer(before: str, scope: Scope) -> bool:
    """A finding marker (经查, 经核实 …) precedes the cue in its sentence and no reported speech
    (称, 所称 …) comes between: the cue is what the officer found, not what someone claimed."""
    at = max((before.rfind(marker) for marker in scope.findings), default=-1)
    if at < 0:
        return False
    return not any(marker in before[at:] for marker in scope.reported)


def _excluded(text: str, start: int, end: int, exclude: frozenset[str]) -> bool:
    """A match is excluded when a listed look-alike word reaches across its edge (刀削面 over
    拿刀); a listed word wholly inside the match (剪刀 in 拿着一把剪刀) is the pattern's own."""
    for word in exclude:
        at = text.find(word, max(0, start - len(word) + 1))
        while at != -1 and at < end:
            if at + len(word) > start and (at < start or at + len(word) > end):
                return True
            at = text.find(word, at + 1)
    return False


def find_cues(text: str, category: str) -> list[Cue]:
    """Every cue of ``category`` in ``text`` — lexicon words and pattern matches — with those
    that are not facts marked (``Cue.negated``, ``Cue.context``)."""
    if not text:
        return []
    text = fold(text)
    lex = load_lexicon(category)
    negation = load_negation()
    found: list[Cue] = []
    negated_from = -1  # position of the last negator still in scope, or -1
    negated_at: list[tuple[int, int]] = []  # (negator, clause end): ranges a negator governs
    for word, start, end in _tokens(text):
        if _CLAUSE_END.fullmatch(word) or word in negation.breakers:
            if negated_from >= 0:
                negated_at.append((negated_from, start))
            negated_from = -1
            continue
        if word in negation.negators:
            negated_from = start if negated_from < 0 else negated_from
            continue
        sub = lex.terms.get(word)
        if sub is not None:
            found.append(Cue(word, category, sub, start, end, negated_from >= 0))
    if negated_from >= 0:
        negated_at.append((negated_from, len(text)))
    # a span may carry cues of two subcategories (同归于尽 is self-harm and a threat), never two
    # of one: a lexicon word wins over a pattern of its subcategory at the same place
    taken = [(c.start, c.end, c.subcategory) for c in found]
    for pattern in load_patterns():
        if pattern.category != category:
            continue
        for match in pattern.regex.finditer(text):
            start, end = match.span()
            if any(s < end and start < e and sub == pattern.subcategory for s, e, sub in taken):
                continue  # a cue of this subcategory already stands there
            if _excluded(text, start, end, lex.exclude):
                continue
            negated = any(low <= start < high for low, high in negated_at)
            found.append(Cue(match.group(), category, pattern.subcategory, start, end, negated,
                             pattern=pattern.name))  # fmt: skip
            taken.append((start, end, pattern.subcategory))
    found.sort(key=lambda c: (c.start, c.end))
    uncorrected = {p.name: p for p in load_patterns() if not p.corrected}
    out: list[Cue] = []
    for cue in found:
        corrected = uncorrected.get(cue.pattern) is None
        context = (
            "negated" if cue.negated
            else context_of(text, cue.start, cue.end, corrected, category, cue.subcategory)
        )  # fmt: skip
        if not context and _denied_later(text, cue, found):
            context = "denial"
        if not context and _restated_corrected(text, cue, found):
            context = "belief"
        out.append(Cue(cue.term, cue.category, cue.subcategory, cue.start, cue.end,
                       bool(context), context, cue.pattern))  # fmt: skip
    return out


def _confirms(rest: str, markers: tuple[str, ...]) -> bool:
    """Whether ``rest`` confirms what was reported: a [confirmed] marker in a clause with no
    negator. A confirmation of the opposite is none — "两名顾客也证实对方没有拿刀", "未能查实",
    "尚未抓获" (tenth pass: the eighth writer's 处警反馈, where 证实 held the knife reported as
    a fact after the witnesses had denied it)."""
    for marker in markers:
        at = rest.find(marker)
        while at >= 0:
            low, high = _bounds(rest, at, at + len(marker), _CLAUSE_END)
            if not has_negator_word(rest[low:high]):
                return True
            at = rest.find(marker, at + 1)
    return False


def _denied_later(text: str, cue: Cue, found: list[Cue]) -> bool:
    """Reported, then denied in the same sentence: the cue follows reported speech (称, 说 …)
    and the same word comes again, negated, later in the sentence — "称对方扬言报复，经询问对方
    无报复想法". Only the same word: another word negated later ("男方持刀，女方未持刀") is a
    different fact."""
    s_low, s_high = _bounds(text, cue.start, cue.end, _SENTENCE_END)
    scope = load_scope()
    if not any(marker in text[s_low : cue.start] for marker in scope.reported):
        return False
    if any(
        other.negated and other.term == cue.term and cue.end <= other.start < s_high
        for other in found
    ):
        return True
    # a check after the report (民警到场后, 经核实 …) that finds no such thing, said in other
    # words of the same class: "称有人要跳楼，民警联系到本人，无轻生意图", "称有学生要打群架，民警
    # 到场后未发现打架情况" — unless something later confirms the report
    if _confirms(text[cue.end :], scope.confirmed):
        return False
    examined = _examined(text[s_low : cue.start], scope)
    return any(
        other.negated and other.subcategory == cue.subcategory and cue.end <= other.start < s_high
        and (examined or any(m in text[cue.end : other.start] for m in scope.follow_up))
        for other in found
    )  # fmt: skip


# Quotation marks: (opening, closing). A straight quote opens and closes alike: a cue is inside
# one when an odd number of them precede it.
_QUOTES = (("“", "”"), ("「", "」"), ("『", "』"), ('"', '"'))
# what may stand between a record marker and its quotation (处警反馈中“…”, 原记录：“…”)
_RECORD_GAP = 2


def _quotation(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the quotation holding ``text[start:end]`` (opening mark to closing mark), or
    None when the cue is not quoted."""
    for opening, closing in _QUOTES:
        if opening == closing:
            if text.count(opening, 0, start) % 2 == 0:
                continue
            low = text.rfind(opening, 0, start)
        else:
            low = text.rfind(opening, 0, start)
            if low < 0 or text.rfind(closing, 0, start) > low:
                continue
        high = text.find(closing, end)
        if low >= 0 and high >= 0:
            return low, high + 1
    return None


def _restated_corrected(text: str, cue: Cue, found: list[Cue]) -> bool:
    """A restated record corrected: the cue is quoted from an earlier record or claim (a record
    marker just before the quotation, 原记录“…” / 所报“…” / 处警反馈中“…”, or a label word just
    after it, “…”定性有误), what follows the quotation corrects it — a correction marker, or a
    cue of the same class as one quoted, negated ("原报“持刀伤人”，经查…对方手中并无刀具") — and
    nothing confirms it. The quotation is one claim: corrected as a whole. A review note (警情
    复核) restates what the 110 record or the caller said in order to judge it; the first
    record's words are no fact of their own."""
    records, labels, corrections = load_scope().restated
    if not records and not labels:
        return False
    quoted = _quotation(text, cue.start, cue.end)
    if quoted is None:
        return False
    low, high = quoted
    before = text[max(0, low - _RECORD_GAP - 8) : low]
    after = text[high : high + 4]
    if not any(
        (at := before.rfind(marker)) >= 0 and len(before) - at - len(marker) <= _RECORD_GAP
        for marker in records
    ) and not any(after.startswith(label) for label in labels):
        return False
    rest = text[high:]
    scope = load_scope()
    if _confirms(rest, scope.confirmed):
        return False
    if any(marker in rest for marker in corrections):
        return True
    inside = {c.subcategory for c in found if low <= c.start and c.end <= high}
    return any(c.negated and c.subcategory in inside and c.start >= high for c in found)


def positive_cues(text: str, category: str) -> list[Cue]:
    """The cues that are not negated."""
    return [cue for cue in find_cues(text, category) if not cue.negated]


def weight_of(category: str, subcategory: str) -> int:
    return load_lexicon(category).weights.get(subcategory, 0)


@cache
def _prefilter(category: str) -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    # the lexicon words as one trie, then each pattern on its own: one alternation of every
    # pattern (gaps and all) was slower than the patterns searched one by one, each of which
    # starts with a trie of plain words that ``re`` scans for quickly
    words = re.compile(trie_regex(set(load_lexicon(category).terms)))
    return words, tuple(p.regex for p in load_patterns() if p.category == category)


def may_contain(text: str | None, category: str) -> bool:
    """A cheap test (compiled regexes, in C) that ``text`` may hold a cue of ``category``: only
    texts that pass are segmented."""
    if not text:
        return False
    folded = fold(text)
    words, patterns = _prefilter(category)
    return words.search(folded) is not None or any(p.search(folded) for p in patterns)


__all__ = [
    "CATEGORIES",
    "Cue",
    "find_cues",
    "fold",
    "load_lexicon",
    "load_negation",
    "may_contain",
    "positive_cues",
    "reload",
    "tokens",
    "weight_of",
]
