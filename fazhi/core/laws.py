"""Laws as a person cites them: 《刑事诉讼法》第105条. Code and explanations name articles by
abbreviation (``CPL105``, the rule pack's ``CPL:85``) and the pack's legal basis by the law's full
title (《中华人民共和国刑事诉讼法》第85条); pages show the law's short Chinese name and the article,
with the abbreviation (and the full title) only in a tooltip
(``fazhi.core.templatetags.display.cite_laws``), and exports write the short name out
(``cite_plain``)."""

from __future__ import annotations

import re

# abbreviation → (short name, full title); the rule pack's [laws] table uses the same full titles
# (a test of the pack holds them together)
LAWS = {
    "CPL": ("刑事诉讼法", "中华人民共和国刑事诉讼法"),
    "CPR": ("公安机关办理刑事案件程序规定", "公安机关办理刑事案件程序规定"),
    "PSL": ("治安管理处罚法", "中华人民共和国治安管理处罚法"),
    "APR": ("公安机关办理行政案件程序规定", "公安机关办理行政案件程序规定"),
    "APL": ("行政处罚法", "中华人民共和国行政处罚法"),
    "AEL": ("行政强制法", "中华人民共和国行政强制法"),
}
ABBREVIATED = re.compile(r"(?<![A-Za-z])(" + "|".join(LAWS) + r")[: ]?(\d+)(?!\d)")
_BY_TITLE = {title: abbr for abbr, (_short, title) in LAWS.items()}
# a full title with its article, as the rule pack's basis writes it
TITLED = re.compile(
    "《("
    + "|".join(re.escape(t) for t in sorted(_BY_TITLE, key=len, reverse=True))
    + r")》第(\d+)条"
)


def citation(abbreviation: str, article: int | str) -> str:
    """``("CPL", 85)`` → 《刑事诉讼法》第85条."""
    return f"《{LAWS[abbreviation][0]}》第{article}条"


def tooltip(abbreviation: str, article: int | str) -> str:
    """``CPL85 《中华人民共和国刑事诉讼法》``: what the tooltip of a citation says."""
    return f"{abbreviation}{article} 《{LAWS[abbreviation][1]}》"


def citations(text: str) -> list[tuple[int, int, str, str]]:
    """Every cited article in ``text``: (start, end, abbreviation, article), in order."""
    found = [(m.start(), m.end(), m.group(1), m.group(2)) for m in ABBREVIATED.finditer(text)]
    found += [
        (m.start(), m.end(), _BY_TITLE[m.group(1)], m.group(2)) for m in TITLED.finditer(text)
    ]
    return sorted(found)


def cite_plain(text: str) -> str:
    """``text`` with every cited article (CPL105, 《中华人民共和国刑事诉讼法》第85条) as the
    law's short name and article, for exports."""
    out, at = [], 0
    for start, end, abbr, article in citations(text):
        out += [text[at:start], citation(abbr, article)]
        at = end
    return "".join([*out, text[at:]])
