"""Charts as PNG images in memory, drawn by matplotlib (Agg, no display) with the Noto CJK font
installed on the machine (fonts-noto-cjk), found through fontconfig once. Without a CJK font the
chart still renders, its Chinese as empty boxes, and the report says so under the chart."""

from __future__ import annotations

import io
import shutil
import subprocess
import warnings
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.axes import Axes

from fazhi.reports.document import Chart

PALETTE = ["#c00000", "#1f4e79", "#ed7d31", "#548235", "#7030a0", "#808080"]
COLOURS = {"红色": "#d00000", "黄色": "#e6b800", "蓝色": "#1f6fd0"}


@cache
def cjk_font() -> str | None:
    """The file of a CJK font (Noto Sans CJK preferred), or ``None`` when the machine has none."""
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(
                ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10,
                check=False,
            ).stdout  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            out = ""
        files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
        for want in ("NotoSansCJK-Regular", "NotoSansCJK", "NotoSerifCJK-Regular"):
            for f in files:
                if want in f:
                    return f
        if files:
            return files[0]
    return None


def font_name() -> str | None:
    path = cjk_font()
    if path is None:
        return None
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def render(chart: Chart) -> bytes:
    """The chart as a PNG (150 dpi, 16 × 9 cm)."""
    name = font_name()
    params: Any = {"font.family": [name, "DejaVu Sans"] if name else ["DejaVu Sans"],
              "axes.unicode_minus": False, "font.size": 9}  # fmt: skip
    with plt.rc_context(params), warnings.catch_warnings():
        # without a CJK font every Chinese glyph warns; the report notes it once instead
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        fig, ax = plt.subplots(figsize=(6.3, 3.5), dpi=150)
        try:
            _draw(ax, chart)
            ax.set_title(chart.title)
            if len(chart.series) > 1:
                ax.legend(fontsize=8)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
        finally:
            plt.close(fig)
    return buf.getvalue()


def _draw(ax: Axes, chart: Chart) -> None:
    cats = chart.categories or ["—"]
    n = max(len(chart.series), 1)
    if chart.kind == "line":
        for i, (label, values) in enumerate(chart.series):
            ax.plot(cats, values, marker="o", label=label, color=PALETTE[i % len(PALETTE)])
    elif chart.kind == "barh":
        label, values = chart.series[0] if chart.series else ("", [0.0] * len(cats))
        ax.barh(cats, values or [0.0] * len(cats), color=PALETTE[1])
        ax.invert_yaxis()
    elif chart.kind == "stacked":
        bottom = [0.0] * len(cats)
        for i, (label, values) in enumerate(chart.series):
            colour = COLOURS.get(label, PALETTE[i % len(PALETTE)])
            ax.bar(cats, values, bottom=bottom, label=label, color=colour)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    else:
        width = 0.8 / n
        xs = range(len(cats))
        for i, (label, values) in enumerate(chart.series):
            ax.bar([x + i * width - 0.4 + width / 2 for x in xs], values, width, label=label,
                   color=PALETTE[i % len(PALETTE)])  # fmt: skip
        ax.set_xticks(list(xs))
        ax.set_xticklabels(cats, rotation=30, ha="right")
