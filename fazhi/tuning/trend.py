"""Whether a monthly series rises, falls or stays flat, by a test rather than by eye: the
Mann–Kendall trend test (no assumption on the distribution of counts, robust to one odd month),
with the variance corrected for ties and the normal approximation with continuity correction,
two-sided; and Sen's slope (the median of the pairwise slopes) for how fast.

A series shorter than ``MIN_POINTS`` or without any variation is "flat" with no p-value: two
months, or twelve zeros, prove nothing either way.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

MIN_POINTS = 6
ALPHA = 0.05


@dataclass(frozen=True)
class Trend:
    direction: str  # "rising", "falling", "flat"
    label: str  # 上升, 下降, 平稳
    p_value: float | None
    slope: float  # Sen's slope: change per month
    s: int  # the Mann-Kendall S statistic


LABELS = {"rising": "上升", "falling": "下降", "flat": "平稳"}


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def mann_kendall(series: Sequence[float], alpha: float = ALPHA) -> Trend:
    n = len(series)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    s = sum(_sign(series[j] - series[i]) for i, j in pairs)
    slopes = [(series[j] - series[i]) / (j - i) for i, j in pairs]
    slope = float(median(slopes)) if slopes else 0.0
    if n < MIN_POINTS or len(set(series)) == 1:
        return Trend("flat", LABELS["flat"], None, slope, s)
    ties = Counter(series).values()
    variance = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18
    if variance <= 0:
        return Trend("flat", LABELS["flat"], None, slope, s)
    z = (s - _sign(s)) / math.sqrt(variance)
    p = math.erfc(abs(z) / math.sqrt(2))  # two-sided
    direction = "flat" if p >= alpha else ("rising" if s > 0 else "falling")
    return Trend(direction, LABELS[direction], round(p, 4), slope, s)
