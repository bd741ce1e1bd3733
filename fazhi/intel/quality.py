"""Precision and recall of the text rules on the hand-written evaluation set (``evalset/``).

The set is data written by hand (see ``evalset/README.md``): transcripts in copy families and
incident texts labelled per cue class. This module only reads it and scores the library's own
functions on it — no database — so the bench script (``bench/text_eval.py``) and the floor test
(``tests/test_evalset.py``) measure exactly what the rules run.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi.intel import duplicates, learned, lexicon

EVALSET = Path(__file__).resolve().parent / "evalset"
ESCALATION = ("weapon", "self_harm", "threat", "revenge", "mental_illness")
OFFENCE = ("theft", "robbery", "fraud", "assault", "sexual", "other")
STATUSES = ("factual", "negated", "belief", "enquiry", "prevention", "hypothetical", "denial")
SPLITS = ("dev", "held", "all")
# The held-out part: the files of this folder, written apart by someone who never saw the rules'
# patterns; every file directly in ``evalset/`` is development (README "Split").
HELDOUT = "heldout"
# Who wrote which development file (evalset/README.md "Who wrote which files"): writer 1 wrote
# the first files while the rules were tuned (never blind), writers 2 to 11 wrote blind and
# were measured once as held-out before their files were read. Persons, families and events are
# named per writer (writer 3's ``F-01`` is not writer 1's ``F01``; two writers both invented a
# 蒋涛), so pairs compare them within a writer. A development file not listed is a writer of its
# own (its stem); every held-out file is the writer ``held``.
WRITERS = {
    "transcripts_1": "w1", "transcripts_2": "w1", "transcripts_3": "w1",
    "incidents_1": "w1", "incidents_2": "w1", "incidents_3": "w1", "incidents_4": "w1",
    "transcripts_4": "w2", "incidents_5": "w2",
    "transcripts_5": "w3", "incidents_6": "w3",
    "transcripts_6": "w4", "incidents_7": "w4",
    "transcripts_7": "w5", "incidents_8": "w5",
    "transcripts_8": "w6", "incidents_9": "w6",
    "transcripts_9": "w7", "incidents_10": "w7",
    "transcripts_10": "w8", "incidents_11": "w8",
    "transcripts_11": "w9", "incidents_12": "w9",
    "transcripts_12": "w10", "incidents_13": "w10",
    "transcripts_13": "w11", "incidents_14": "w11",
}  # fmt: skip
SPLIT_LABELS = {"dev": "开发部分", "held": "留出部分", "all": "全部"}


def _read(pattern: str) -> list[dict[str, Any]]:
    """The rows of the files matching ``pattern``, each tagged ``split``: ``held`` for a file in
    ``evalset/heldout/`` (when that folder exists), ``dev`` for a file directly in ``evalset/``."""
    rows: list[dict[str, Any]] = []
    for split, folder in (("dev", EVALSET), ("held", EVALSET / HELDOUT)):
        for path in sorted(folder.glob(pattern)):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    try:
                        row = json.loads(line)
                    except ValueError as exc:
                        raise ValueError(f"{path.name} 第 {number} 行：{exc}") from exc
                    row["split"] = split
                    row["writer"] = WRITERS.get(path.stem, path.stem) if split == "dev" else split
                    rows.append(row)
    return rows


def has_heldout() -> bool:
    """Whether the held-out part exists (``evalset/heldout/`` with a file of texts)."""
    return any(row["split"] == "held" for row in transcripts() + incidents())


def _unique(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for row in rows:
        if row["id"] in seen:
            raise ValueError(f"{row['id']}：编号重复")
        seen.add(row["id"])
    return rows


def transcripts() -> list[dict[str, Any]]:
    return _unique(_read("transcripts_*.jsonl"))


def incidents() -> list[dict[str, Any]]:
    rows = _unique(_read("incidents_*.jsonl"))
    for row in rows:
        for cls, status in row["labels"].items():
            if cls not in ESCALATION + OFFENCE or status not in STATUSES:
                raise ValueError(f"{row['id']}：未知的标注 {cls}={status}")
    return rows


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, predicted: bool) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def row(self) -> str:
        return (f"P {self.precision:.3f}  R {self.recall:.3f}  "
                f"(tp {self.tp}, fp {self.fp}, fn {self.fn}, tn {self.tn})")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# ZN-BL-01


@dataclass(frozen=True)
class LabelledPair:
    a: str
    b: str
    copy: bool
    edits: frozenset[str]
    edit_rate: float
    same_event: bool
    split: str


def labelled_pairs(docs: list[dict[str, Any]]) -> list[LabelledPair]:
    """Every unordered pair of documents of different persons within one part (persons,
    families and events are named per writer: the held-out writer's ``F-01`` is not ours, and two
    writers' 蒋涛 are two people)."""
    out: list[LabelledPair] = []
    for x, y in itertools.combinations(docs, 2):
        if x["split"] != y["split"]:
            continue
        same_writer = x.get("writer") == y.get("writer")
        if same_writer and x["person"] == y["person"]:
            continue
        copy = same_writer and x["family"] == y["family"]
        split = x["split"]
        out.append(LabelledPair(
            x["id"], y["id"], copy, frozenset(x["edits"]) | frozenset(y["edits"]) if copy
            else frozenset(), max(x["edit_rate"], y["edit_rate"]),
            same_writer and x["event"] == y["event"], split,
        ))  # fmt: skip
    return out


# A scorer gets the documents' texts and returns, for a pair of ids, its (Jaccard, alignment)
# (absent when the rule would not compare them: not candidates, or too short to judge).
Scores = dict[tuple[str, str], tuple[float, float]]
PairScorer = Callable[[dict[str, str], list[LabelledPair]], Scores]


def score_pairs(texts: dict[str, str], pairs: list[LabelledPair]) -> Scores:
    """What ZN-BL-01 does: seed and corpus-learned boilerplate, index candidates, verification."""
    return duplicates.score_corpus(texts, [(p.a, p.b) for p in pairs])


# Copies retyped by another writer (``bench/text_eval.py --punctuation``): every copy (each
# family's later documents; its first stays as written) with commas throughout (一逗到底) or cut
# at every comma of its answers. ZN-BL-01 should find the copies alike.
RETYPE: dict[str, Callable[[str], str]] = {
    "commas": lambda t: "\n".join(re.sub(r"。(?!$)", "，", line) for line in t.split("\n")),
    "cuts": lambda t: "\n".join(
        line.replace("，", "。") if line.startswith("答") else line for line in t.split("\n")
    ),
}


def retyped_scorer(kind: str) -> PairScorer:
    """``score_pairs`` of the corpus with every copy retyped by ``RETYPE[kind]``."""
    firsts: dict[str, str] = {}
    for doc in transcripts():
        firsts.setdefault(doc["split"] + doc["family"], doc["id"])
    originals = set(firsts.values())

    def scorer(texts: dict[str, str], pairs: list[LabelledPair]) -> Scores:
        changed = {k: t if k in originals else RETYPE[kind](t) for k, t in texts.items()}
        return score_pairs(changed, pairs)

    return scorer


@dataclass
class DuplicateReport:
    threshold: float
    min_alignment: float
    by_split: dict[str, Counts] = field(default_factory=dict)
    by_edit: dict[str, Counts] = field(default_factory=dict)  # recall per edit kind (all splits)
    same_event: Counts = field(default_factory=Counts)
    curve: list[tuple[str, float, float, float, float, float]] = field(default_factory=list)


def evaluate_duplicates(
    threshold: float, min_alignment: float = 0.0, scorer: PairScorer = score_pairs
) -> DuplicateReport:
    """ZN-BL-01 at ``threshold`` (Jaccard) and ``min_alignment`` (0: off); the curve varies the
    Jaccard threshold with the alignment off, then the alignment threshold alone."""
    docs = transcripts()
    pairs = labelled_pairs(docs)
    # each part is a store of its own (its boilerplate learned from its own texts), so the
    # development figures do not move when the held-out part is added
    scores: Scores = {}
    for part in ("dev", "held"):
        texts = {d["id"]: d["text"] for d in docs if d["split"] == part}
        if texts:
            scores.update(scorer(texts, [p for p in pairs if p.split == part]))
    report = DuplicateReport(threshold, min_alignment, {s: Counts() for s in SPLITS})

    def holds(p: LabelledPair, j_min: float, al_min: float) -> bool:
        j, al = scores.get((p.a, p.b), (0.0, 0.0))
        return duplicates.verdict(j, al, j_min, al_min) is not None

    for p in pairs:
        predicted = holds(p, threshold, min_alignment)
        report.by_split[p.split].add(p.copy, predicted)
        report.by_split["all"].add(p.copy, predicted)
        if p.copy:
            for kind in p.edits or {"exact"}:
                report.by_edit.setdefault(kind, Counts()).add(True, predicted)
        elif p.same_event:
            report.same_event.add(False, predicted)
    for kind in ("jaccard", "alignment"):
        for t in [x / 100 for x in range(30, 100, 5)]:
            dev, held = Counts(), Counts()
            for p in pairs:
                hit = holds(p, t, 0.0) if kind == "jaccard" else holds(p, 2.0, t)
                (dev if p.split == "dev" else held).add(p.copy, hit)
            report.curve.append((kind, t, dev.precision, dev.recall, held.precision, held.recall))
    return report


# ---------------------------------------------------------------------------------------------
# ZN-JQ-01 and ZN-JF-02 cues


@dataclass
class CueReport:
    by_class: dict[str, dict[str, Counts]] = field(default_factory=dict)  # class -> split -> counts
    by_rule: dict[str, dict[str, Counts]] = field(default_factory=dict)  # rule -> split -> counts
    # per status: how many mentions of that status were reported as a cue (for factual: recall)
    # status -> split (and "all") -> [flagged, total]
    by_status: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # rule -> writer (w1, w2, w3 …, held) -> counts: how the rules do on each writer's words
    by_writer: dict[str, dict[str, Counts]] = field(default_factory=dict)
    # rule -> ids of the texts the rule found and should have (true positives)
    hits: dict[str, set[str]] = field(default_factory=dict)
    # rule -> ids of the texts the rule flagged (true or false positives)
    flagged: dict[str, set[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # rule -> split -> the texts flagged by the learned suggestion alone (tp and fp)
    learned: dict[str, dict[str, Counts]] = field(default_factory=dict)


# the pseudo-class of a learned suggestion (``learned.suggest``): it counts for the rule (the
# rule flags the text), never for a cue class
LEARNED = "learned"


def lexicon_classes(text: str, category: str) -> set[str]:
    """The classes the lexicon finds as facts (no learned suggestion)."""
    return {cue.subcategory for cue in lexicon.positive_cues(text, category)}


def found_classes(text: str, category: str) -> set[str]:
    """What the rules find: the lexicon's classes, or, where the lexicon finds no cue of the
    category at all, the learned model's suggestion (``LEARNED``)."""
    cues = lexicon.find_cues(text, category)
    found = {cue.subcategory for cue in cues if not cue.negated}
    if not cues and learned.suggest(text, category, cues) is not None:
        found.add(LEARNED)
    return found


def evaluate_cues(finder: Callable[[str, str], set[str]] = found_classes) -> CueReport:
    report = CueReport()
    for row in incidents():
        split = row["split"]
        labels: dict[str, str] = row["labels"]
        for rule, category, classes in (("ZN-JF-02", "escalation", ESCALATION),
                                        ("ZN-JQ-01", "offence", OFFENCE)):  # fmt: skip
            found = finder(row["text"], category)
            for cls in classes:
                gold = labels.get(cls) == "factual"
                predicted = cls in found
                for s in (split, "all"):
                    report.by_class.setdefault(cls, defaultdict(Counts))[s].add(gold, predicted)
                status = labels.get(cls, "absent")
                for s in (split, "all"):
                    tally = report.by_status.setdefault(status, {}).setdefault(s, [0, 0])
                    tally[0] += predicted
                    tally[1] += 1
                if gold != predicted:
                    kind = "漏报" if gold else "误报"
                    report.errors.append(f"{row['id']} {kind} {cls}（{status}）：{row['text']}")
            gold_rule = any(labels.get(c) == "factual" for c in classes)
            for s in (split, "all"):
                report.by_rule.setdefault(rule, defaultdict(Counts))[s].add(gold_rule, bool(found))
            writer = row.get("writer", split)
            report.by_writer.setdefault(rule, defaultdict(Counts))[writer].add(
                gold_rule, bool(found)
            )
            if found == {LEARNED}:
                learned_only = report.learned.setdefault(rule, defaultdict(Counts))
                for s in (split, "all"):
                    learned_only[s].add(gold_rule, True)
            if found:
                report.flagged.setdefault(rule, set()).add(row["id"])
                if gold_rule:
                    report.hits.setdefault(rule, set()).add(row["id"])
    return report


def _measured(counts: Counts) -> bool:
    return counts.tp + counts.fp + counts.fn + counts.tn > 0


NO_HELDOUT = "held-out: none yet (no texts in evalset/heldout/) — to be measured by main's owner"


def format_report(dup: DuplicateReport, cues: CueReport) -> Iterable[str]:
    held = _measured(dup.by_split["held"]) or any(
        _measured(splits["held"]) for splits in cues.by_rule.values()
    )
    if not held:
        yield NO_HELDOUT
    yield f"ZN-BL-01 (min_jaccard {dup.threshold}, min_alignment {dup.min_alignment})"
    for s in SPLITS:
        if s == "held" and not held:
            continue
        yield f"  {s:5} {dup.by_split[s].row()}"
    flagged, total = dup.same_event.fp, dup.same_event.fp + dup.same_event.tn
    yield f"  same-event non-copies flagged: {flagged} of {total}"
    yield "  recall by edit kind (all parts):"
    for kind, c in sorted(dup.by_edit.items()):
        yield f"    {kind:9} {c.tp}/{c.tp + c.fn} = {c.recall:.2f}"
    yield "  curve (measure threshold: dev P/R, held P/R):"
    for kind, t, dp, dr, hp, hr in dup.curve:
        tail = f"  {hp:.3f}/{hr:.3f}" if held else "  —"
        yield f"    {kind:9} {t:.2f}: {dp:.3f}/{dr:.3f}{tail}"
    for rule, splits in cues.by_rule.items():
        yield f"{rule} (any class factual)"
        for s in SPLITS:
            if s == "held" and not held:
                continue
            yield f"  {s:5} {splits[s].row()}"
        for s, c in sorted(cues.learned.get(rule, {}).items()):
            if s != "all":
                yield f"  {s:5} flagged by the learned suggestion alone: {c.tp} right, {c.fp} wrong"
    yield "cue rules by writer (each writer's texts, the rules as they stand):"
    for rule, writers in cues.by_writer.items():
        for writer, c in sorted(writers.items()):
            yield f"  {rule} {writer:5} {c.row()}"
    yield "cue classes (all parts; dev / held recall and precision):"
    for cls, splits in cues.by_class.items():
        a, d, h = splits["all"], splits["dev"], splits["held"]
        tail = f"  held P {h.precision:.2f} R {h.recall:.2f}" if held else ""
        yield f"  {cls:14} {a.row()}  dev P {d.precision:.2f} R {d.recall:.2f}{tail}"
    yield "mentions reported as a cue, by status (flagged / all; dev, held):"
    for status, tallies in sorted(cues.by_status.items()):
        parts = [f"{s} {tallies[s][0]}/{tallies[s][1]}" for s in ("dev", "held") if s in tallies]
        flagged, total = tallies["all"]
        yield f"  {status:12} {flagged}/{total}  ({', '.join(parts)})"


# ---------------------------------------------------------------------------------------------
# The recorded figures the rule pages show (``evalset/figures.json``)

FIGURES = EVALSET / "figures.json"
RULES = ("ZN-BL-01", "ZN-JQ-01", "ZN-JF-02")


def score_row(tp: int, fp: int, fn: int) -> dict[str, Any]:
    counts = Counts(tp, fp, fn)
    return {"precision": round(counts.precision, 3), "recall": round(counts.recall, 3),
            "tp": tp, "fp": fp, "fn": fn}  # fmt: skip


def evalset_figures(dup: DuplicateReport, cues: CueReport) -> dict[str, dict[str, Any]]:
    """``{rule: {split: score_row}}`` of the hand-written set at the pack's settings; a part
    with nothing in it (no held-out folder yet) is ``None``."""
    out: dict[str, dict[str, Any]] = {}
    for rule in RULES:
        by_split = dup.by_split if rule == "ZN-BL-01" else cues.by_rule[rule]
        out[rule] = {
            s: score_row(by_split[s].tp, by_split[s].fp, by_split[s].fn)
            if _measured(by_split[s]) else None
            for s in SPLITS
        }  # fmt: skip
    return out


def recorded_figures() -> dict[str, Any]:
    """The figures last written by ``bench/text_eval.py --write`` (the hand-written set) and
    ``bench/zn_bench.py --record`` (the generator's truth); empty when there are none."""
    if not FIGURES.exists():
        return {}
    data: dict[str, Any] = json.loads(FIGURES.read_text(encoding="utf-8"))
    return data


def rule_figures(code: str) -> dict[str, Any] | None:
    """What a rule's page shows: its figures on the hand-written set and on the generator's
    truth, or ``None`` for a rule that has none."""
    data = recorded_figures()
    evalset = data.get("evalset", {}).get(code)
    generator = data.get("generator", {})
    truth = generator.get("rules", {}).get(code)
    if evalset is None and truth is None:
        return None
    labels = {"dev": "手写评测集·开发部分", "held": "手写评测集·留出部分"}
    return {
        "evalset": evalset,
        # a part not measured (the held-out part before it is written) is shown as 待测
        "evalset_rows": [(labels[s], evalset.get(s)) for s in ("dev", "held")] if evalset else [],
        "size": data.get("size"),
        "truth": truth,
        "scale": SCALE_LABELS.get(generator.get("scale", ""), generator.get("scale")),
        "seed": generator.get("seed"),
    }


SCALE_LABELS = {"demo": "演示县", "county": "县级", "city": "市级", "province": "省级"}


def _write(data: dict[str, Any]) -> None:
    FIGURES.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")  # fmt: skip


def record_evalset(dup: DuplicateReport, cues: CueReport) -> None:
    data = recorded_figures()
    data["evalset"] = evalset_figures(dup, cues)
    data["size"] = {"transcripts": len(transcripts()), "incidents": len(incidents())}
    _write(data)


def record_generator(scale: str, seed: int, rules: dict[str, dict[str, Any]]) -> None:
    data = recorded_figures()
    data["generator"] = {"scale": scale, "seed": seed, "rules": rules}
    _write(data)


def default_alignment() -> float:
    """The pack's default ``min_alignment`` of ZN-BL-01: the middle of the development part's
    alignment plateau with every copy found (0.30–0.35, precision 1.000 throughout; with clauses
    as units the lowest copy that needs the alignment aligns at 0.41, hand-written non-copies at
    0.07 or less); generated stock-phrased stores flag nothing outside their truth from 0.30 up
    (docs/benchmarks.md, third pass)."""
    return 0.35


def default_threshold() -> float:
    """The pack's default ``min_jaccard`` of ZN-BL-01 (the top of the development plateau)."""
    return 0.6
