"""The learned model with the lexicon's scope model in front, measured only by leave one writer out.

    nice -n 19 .venv/bin/python bench/text_model_scope.py

Sixth pass of issue 17 (docs/benchmarks.md, "Text intelligence, sixth pass"; six writers since
the eighth pass). For each development writer, the character-gram logistic regression of
``text_model.py`` is trained on the other writers' incident texts and scored on the one left
out. Everything lexical — the lexicon's cues and its scope model — is taken **blind** for the
writer left out: the lexicon files as they were before that writer was read
(``text_eval.SNAPSHOTS``). Variants:

(a) ``scoped``: the model sees only the clauses the scope model leaves factual: a clause is
    dropped when it holds a negator, when a blind lexicon cue in it is non-factual, or when
    ``lexicon.context_of`` at its end finds a non-factual marker (belief, enquiry, prevention,
    hypothetical, denial); training and test texts alike.
(b) ``second opinion``: the lexicon's verdict, and the model's only where the blind lexicon finds
    no cue of the category at all (not even a non-factual one), at a high threshold fixed in
    advance (0.8 and 0.9; none chosen on any writer).
(c) ``per class``: one model per cue class (label: that class factual); the rule flags a text
    when a class model is sure and the lexicon finds no cue of that class (class-level second
    opinion), against the rule-level model.

No hyperparameter is chosen on the writer tested: n-grams 1–3, MIN_DF 2, L2 1e-3, 400 Adam steps
and the thresholds are ``text_model.py``'s, fixed before this pass.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings_test")

import django

django.setup()

from django.test.utils import override_settings  # noqa: E402
from scipy import sparse  # noqa: E402
from text_eval import SNAPSHOTS, _snapshot  # noqa: E402
from text_model import MIN_DF, counts  # noqa: E402

from fazhi.intel import learned, lexicon, quality  # noqa: E402

scoped = learned.scoped

RULES = {"ZN-JF-02": ("escalation", quality.ESCALATION), "ZN-JQ-01": ("offence", quality.OFFENCE)}
SURE = (0.8, 0.9)


def matrix(texts: list[set[str]], vocab: dict[str, int]) -> sparse.csr_matrix:
    """Binary features, a bias column last (``text_model.matrix`` as a sparse matrix)."""
    rows, cols = [], []
    for row, gs in enumerate(texts):
        for col in sorted({vocab[g] for g in gs if g in vocab} | {len(vocab)}):
            rows.append(row)
            cols.append(col)
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(texts), len(vocab) + 1))


def logistic(
    xb: sparse.csr_matrix, y: np.ndarray, l2: float = 1e-3, steps: int = 400
) -> np.ndarray:
    """``text_model.logistic`` (the same L2 logistic regression by Adam, the same settings) on a
    sparse matrix with its bias column."""
    w = np.zeros(xb.shape[1], dtype=np.float64)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    lr, b1, b2 = 0.05, 0.9, 0.999
    xt = xb.T.tocsr()
    for t in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xt @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0.0]
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad * grad
        w -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + 1e-8)
    return w


def logistic_predict(w: np.ndarray, xb: sparse.csr_matrix) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(xb @ w)))


def grams_of(t: str) -> set[str]:
    return {t[i : i + n] for n in (1, 2, 3) for i in range(len(t) - n + 1)}


def blind_view(commit: str, rows: list[dict]) -> dict[str, dict]:
    """Per text, with the lexicon files at ``commit``: the classes found as facts, the classes
    with any cue at all, and the scoped text."""
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        _snapshot(commit, Path(tmp))
        with override_settings(FAZHI_LEXICON_DIR=tmp):
            lexicon.reload()
            try:
                for r in rows:
                    cues = [c for cat in ("escalation", "offence")
                            for c in lexicon.find_cues(r["text"], cat)]  # fmt: skip
                    out[r["id"]] = {
                        "facts": {c.subcategory for c in cues if not c.negated},
                        "any": {c.subcategory for c in cues},
                        "scoped": scoped(r["text"], cues),
                    }
            finally:
                lexicon.reload()
    return out


def write_model() -> None:
    """Train on every development writer (the scope model in front is today's lexicon's) and
    write ``fazhi/intel/models/cue_model.json``."""
    rows = [r for r in quality.incidents() if r["split"] == "dev"]
    texts = [grams_of(learned.scoped(r["text"], [c for cat in lexicon.CATEGORIES
                                                  for c in lexicon.find_cues(r["text"], cat)]))
             for r in rows]  # fmt: skip
    df = Counter(g for gs in texts for g in gs)
    vocab = {g: i for i, g in enumerate(sorted(g for g, n in df.items() if n >= MIN_DF))}
    x = matrix(texts, vocab)
    names = sorted(vocab, key=vocab.__getitem__)
    categories: dict[str, tuple[float, dict[str, float]]] = {}
    for rule, (category, classes) in RULES.items():
        y = np.array([any(r["labels"].get(c) == "factual" for c in classes) for r in rows],
                     dtype=np.float64)  # fmt: skip
        w = logistic(x, y)
        weights = {g: round(float(w[i]), 4) for i, g in enumerate(names) if abs(w[i]) >= 1e-4}
        categories[category] = (round(float(w[-1]), 4), weights)
        print(f"{rule}: {len(weights)} n-grams, bias {w[-1]:.3f}")
    writers = Counter(r["writer"] for r in rows)
    trained_on = {"texts": len(rows), "writers": dict(sorted(writers.items())),
                  "min_df": MIN_DF, "l2": 1e-3, "steps": 400, "labels": "rule level",
                  "command": "bench/text_model_scope.py --write"}  # fmt: skip
    data = learned.build(trained_on, SURE[0], categories)
    learned.MODEL_FILE.parent.mkdir(exist_ok=True)
    learned.MODEL_FILE.write_text(
        json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    learned.reload()
    print(f"written: {learned.MODEL_FILE} (version {data['version']})")


def main() -> None:
    if "--write" in sys.argv[1:]:
        write_model()
        return
    rows = [r for r in quality.incidents() if r["split"] == "dev"]
    writers = np.array([r["writer"] for r in rows])
    first: dict[str, str] = {}
    for w, commit, _ in SNAPSHOTS:
        first.setdefault(w, commit)
    # each writer's texts seen through the lexicon before it; the training writers' texts through
    # the same blind lexicon (the scope model in front is the one the tested writer would meet)
    views = {c: blind_view(c, rows) for c in set(first.values())}
    print("blind views done", file=sys.stderr, flush=True)
    classes = quality.ESCALATION + quality.OFFENCE
    gold_c = {c: np.array([r["labels"].get(c) == "factual" for r in rows], dtype=np.float64)
              for c in classes}  # fmt: skip
    table: list[tuple[str, str, str, quality.Counts]] = []
    for left in sorted(set(writers)):
        view = views[first[left]]
        train, test = writers != left, writers == left
        ids = [r["id"] for r in rows]
        for kind in ("full", "scoped"):
            texts = [grams_of(lexicon.fold(r["text"])) if kind == "full"
                     else grams_of(view[r["id"]]["scoped"]) for r in rows]  # fmt: skip
            df = Counter(g for gs, k in zip(texts, train, strict=True) if k for g in gs)
            vocab = {g: i for i, g in enumerate(sorted(g for g, n in df.items() if n >= MIN_DF))}
            x_tr = matrix([t for t, k in zip(texts, train, strict=True) if k], vocab)
            x_te = matrix([t for t, k in zip(texts, test, strict=True) if k], vocab)
            test_ids = [i for i, k in zip(ids, test, strict=True) if k]
            for rule, (_cat, cls) in RULES.items():
                y = np.max([gold_c[c] for c in cls], axis=0)
                lex = np.array([bool(view[i]["facts"] & set(cls)) for i in test_ids])
                silent = np.array([not (view[i]["any"] & set(cls)) for i in test_ids])
                score = logistic_predict(logistic(x_tr, y[train]), x_te)
                if kind == "full":
                    table.append((left, rule, "lexicon (blind)", counts(y[test], lex)))
                table.append((left, rule, f"{kind} LR≥0.5", counts(y[test], score >= 0.5)))
                for t in SURE:
                    table.append((left, rule, f"lex or {kind} LR≥{t}",
                                  counts(y[test], lex | (score >= t))))  # fmt: skip
                    table.append((left, rule, f"lex, {kind} LR≥{t} where lex silent",
                                  counts(y[test], lex | (silent & (score >= t)))))  # fmt: skip
                if kind == "scoped":
                    # (c) one model per class, a class-level second opinion
                    extra = {t: np.zeros(int(test.sum()), dtype=bool) for t in SURE}
                    any_model = np.zeros(int(test.sum()), dtype=bool)
                    for c in cls:
                        if gold_c[c][train].sum() < 5:
                            continue
                        s = logistic_predict(logistic(x_tr, gold_c[c][train]), x_te)
                        any_model |= s >= 0.5
                        c_silent = np.array([c not in view[i]["any"] for i in test_ids])
                        for t in SURE:
                            extra[t] |= c_silent & (s >= t)
                    table.append((left, rule, "per-class LR≥0.5", counts(y[test], any_model)))
                    for t in SURE:
                        table.append((left, rule, f"lex, per-class LR≥{t} where class silent",
                                      counts(y[test], lex | extra[t])))  # fmt: skip
        print(f"{left} done", file=sys.stderr, flush=True)
    for left, rule, name, c in table:
        print(f"{left} {rule} {name:42} {c.row()}")
    print("mean over writers (P, R):")
    names = list(dict.fromkeys(n for _, _, n, _ in table))
    for rule in RULES:
        for name in names:
            cs = [c for _, r, n, c in table if r == rule and n == name]
            p = float(np.mean([c.precision for c in cs]))
            r_ = float(np.mean([c.recall for c in cs]))
            print(f"  {rule} {name:42} P {p:.3f} R {r_:.3f}")


if __name__ == "__main__":
    main()
