"""A small learned model beside the cue lexicon, measured only by leave one writer out.

    nice -n 19 .venv/bin/python bench/text_model.py

For each development writer of the hand-written set (``fazhi/intel/evalset``; w1, w2, w3 by
``quality.WRITERS``), a model is trained on the other writers' incident texts and scored on the
writer left out — words it has never seen, as a new writer's would be. Two models, numpy only:
character 1–3-gram logistic regression (L2, full-batch gradient descent) and multinomial naive
Bayes (binary features, Laplace smoothing), one per rule (ZN-JF-02: any escalation class
factual; ZN-JQ-01: any offence class factual). The text is folded first (``lexicon.fold``).

Beside them, the lexicon as it was before that writer was read (``bench/text_eval.py``'s
``SNAPSHOTS``: the honest, blind figure) and the union "lexicon or model": a text is flagged when
either flags it (the model at 0.5, and at 0.8 to keep precision). The model is not wired into
any rule; this script only says whether it would help on a writer nobody read.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings_test")

import django

django.setup()

from text_eval import SNAPSHOTS, _cues_with  # noqa: E402

from fazhi.intel import lexicon, quality  # noqa: E402

RULES = {"ZN-JF-02": quality.ESCALATION, "ZN-JQ-01": quality.OFFENCE}
MIN_DF = 2  # an n-gram seen in fewer training texts is left out
SURE = 0.8  # the model's probability for the union with the lexicon to hold precision


def grams(text: str) -> set[str]:
    t = lexicon.fold(text)
    return {t[i : i + n] for n in (1, 2, 3) for i in range(len(t) - n + 1)}


def matrix(texts: list[set[str]], vocab: dict[str, int]) -> np.ndarray:
    x = np.zeros((len(texts), len(vocab)), dtype=np.float32)
    for row, gs in enumerate(texts):
        for g in gs:
            col = vocab.get(g)
            if col is not None:
                x[row, col] = 1.0
    return x


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 400) -> np.ndarray:
    """Weights (bias last) of an L2 logistic regression by gradient descent (Adam)."""
    xb = np.hstack([x, np.ones((x.shape[0], 1), dtype=np.float32)])
    w = np.zeros(xb.shape[1], dtype=np.float64)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0.0]
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad * grad
        w -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + 1e-8)
    return w


def logistic_predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    xb = np.hstack([x, np.ones((x.shape[0], 1), dtype=np.float32)])
    return 1.0 / (1.0 + np.exp(-(xb @ w)))


def naive_bayes(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-feature log-likelihood ratio and the prior log-odds of a multinomial NB."""
    pos, neg = x[y == 1].sum(0) + 1.0, x[y == 0].sum(0) + 1.0
    ratio = np.log(pos / pos.sum()) - np.log(neg / neg.sum())
    prior = float(np.log((y == 1).sum() / max((y == 0).sum(), 1)))
    return ratio, prior


def counts(gold: np.ndarray, flagged: np.ndarray) -> quality.Counts:
    c = quality.Counts()
    for g, f in zip(gold, flagged, strict=True):
        c.add(bool(g), bool(f))
    return c


def main() -> None:
    rows = quality.incidents()
    rows = [r for r in rows if r["split"] == "dev"]
    texts = [grams(r["text"]) for r in rows]
    writers = np.array([r["writer"] for r in rows])
    gold = {
        rule: np.array(
            [any(r["labels"].get(c) == "factual" for c in classes) for r in rows], dtype=np.float64
        )
        for rule, classes in RULES.items()
    }
    first: dict[str, str] = {}  # writer -> the lexicon before it was read
    for w, commit, _ in SNAPSHOTS:
        first.setdefault(w, commit)
    lexicon_then = {commit: _cues_with(commit) for commit in set(first.values())}
    print("leave one writer out: trained on the other writers, scored on the one left out")
    for left in sorted(set(writers)):
        train, test = writers != left, writers == left
        df = Counter(g for gs, keep in zip(texts, train, strict=True) if keep for g in gs)
        vocab = {g: i for i, g in enumerate(sorted(g for g, n in df.items() if n >= MIN_DF))}
        x_train = matrix([t for t, k in zip(texts, train, strict=True) if k], vocab)
        x_test = matrix([t for t, k in zip(texts, test, strict=True) if k], vocab)
        then = lexicon_then[first[left]]
        ids = [r["id"] for r, k in zip(rows, test, strict=True) if k]
        print(f"  {left}: {int(test.sum())} texts; trained on {int(train.sum())} "
              f"({len(vocab)} n-grams); lexicon before {left} was read: {first[left]}")  # fmt: skip
        for rule in RULES:
            y_train, y_test = gold[rule][train], gold[rule][test]
            score = logistic_predict(logistic(x_train, y_train), x_test)
            lr, sure = score >= 0.5, score >= SURE
            ratio, prior = naive_bayes(x_train, y_train)
            nb = (x_test @ ratio + prior) >= 0
            lex = np.array([i in then.flagged.get(rule, set()) for i in ids])
            for name, flagged in (("lexicon (blind)", lex), ("char-gram LR", lr),
                                  ("char-gram NB", nb), ("lexicon or LR", lex | lr),
                                  (f"lexicon or LR≥{SURE}", lex | sure)):  # fmt: skip
                print(f"    {rule} {name:16} {counts(y_test, flagged).row()}")


if __name__ == "__main__":
    main()
