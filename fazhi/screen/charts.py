"""The ECharts options of the board (dark theme), from the numbers of ``board.board``: drawn by
``core/charts.js`` from JSON in the page, so no inline script is needed (CSP script-src 'self')."""

from __future__ import annotations

import json
from typing import Any

from fazhi.disputes.models import RiskColour

TEXT = "#c9d6ea"
AXIS = "#3a4a66"
PALETTE = ["#4fc3f7", "#ffb74d", "#e57373", "#81c784", "#ba68c8"]
RISK = {RiskColour.RED: "#e53935", RiskColour.YELLOW: "#fdd835", RiskColour.BLUE: "#1e88e5"}


def _base() -> dict[str, Any]:
    return {
        "backgroundColor": "transparent",
        "color": PALETTE,
        "textStyle": {"color": TEXT, "fontSize": 13},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "textStyle": {"color": TEXT}},
        "grid": {"left": 48, "right": 48, "top": 32, "bottom": 56},
    }


def _axis(kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "axisLine": {"lineStyle": {"color": AXIS}},
        "axisLabel": {"color": TEXT},
        "splitLine": {"lineStyle": {"color": AXIS, "type": "dashed"}},
        **extra,
    }


def units_chart(units: list[dict[str, Any]]) -> dict[str, Any] | None:
    rows = units[:15]
    if not rows:
        return None
    option = _base()
    option.update(
        {
            "xAxis": _axis(
                "category",
                data=[r["name"] for r in rows],
                axisLabel={"color": TEXT, "interval": 0, "rotate": 30},
            ),
            "yAxis": [
                _axis("value", name="问题数", minInterval=1),
                _axis("value", name="整改率%", min=0, max=100, splitLine={"show": False}),
            ],
            "series": [
                {"name": "待整改", "type": "bar", "data": [r["active"] for r in rows]},
                {"name": "整改超期", "type": "bar", "data": [r["overdue"] for r in rows]},
                {
                    "name": "本月整改率",
                    "type": "line",
                    "yAxisIndex": 1,
                    "data": [r["rate"] for r in rows],
                    "connectNulls": False,
                },
            ],
        }
    )
    return option


def disputes_chart(disputes: dict[str, Any]) -> dict[str, Any] | None:
    rows = disputes["units"]
    if not rows:
        return None
    option = _base()
    option.update(
        {
            "xAxis": _axis(
                "category",
                data=[r["name"] for r in rows],
                axisLabel={"color": TEXT, "interval": 0, "rotate": 30},
            ),
            "yAxis": _axis("value", minInterval=1),
            "series": [
                {
                    "name": label,
                    "type": "bar",
                    "stack": "risk",
                    "itemStyle": {"color": RISK[RiskColour(value)]},
                    "data": [r[value] for r in rows],
                }
                for value, label, _total in disputes["colours"]
            ],
        }
    )
    return option


def trend_chart(trend: dict[str, Any]) -> dict[str, Any]:
    option = _base()
    option.update(
        {
            "xAxis": _axis("category", data=trend["months"]),
            "yAxis": _axis("value", minInterval=1),
            "series": [
                {"name": name, "type": "line", "data": values} for name, values in trend["series"]
            ],
        }
    )
    return option


def options(data: dict[str, Any]) -> dict[str, str | None]:
    """The options as JSON for the charts' ``data-option`` attributes (the template escapes them):
    the board is swapped in by htmx, which drops ``<script>`` elements, so ``json_script`` would
    not survive the first refresh."""
    drawn = {
        "units": units_chart(data["units"]),
        "disputes": disputes_chart(data["disputes"]),
        "trend": trend_chart(data["trend"]),
    }
    return {
        key: None if option is None else json.dumps(option, ensure_ascii=False, default=str)
        for key, option in drawn.items()
    }
