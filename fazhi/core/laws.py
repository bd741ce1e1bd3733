"""Laws as a person cites them: 《刑事诉讼法》第105条. Code and explanations name articles by
abbreviation (``CPL105``, the rule pack's ``CPL:85``); pages and exports show the law's short
Chinese name and the article, with the abbreviation only in a tooltip
(``fazhi.core.templatetags.display.cite_laws``)."""

from __future__ import annotations

import re

# abbreviation → the law's short name (the rule pack's [laws] table has the full titles)
LAWS = {
    "CPL": "刑事诉讼法",
    "CPR": "公安机关办理刑事案件程序规定",
    "PSL": "治安管理处罚法",
    "APR": "公安机关办理行政案件程序规定",
    "APL": "行政处罚法",
    "AEL": "行政强制法",
}
ABBREVIATED = re.compile(r"(?<![A-Za-z])(" + "|".join(LAWS) + r")[: ]?(\d+)(?!\d)")


def citation(abbreviation: str, article: int | str) -> str:
    """``("CPL", 85)`` → 《刑事诉讼法》第85条."""
    return f"《{LAWS[abbreviation]}》第{article}条"


def cite_plain(text: str) -> str:
    """``text`` with every abbreviated article (CPL105, APR35) written out, for exports."""
    return ABBREVIATED.sub(lambda m: citation(m.group(1), m.group(2)), text)
