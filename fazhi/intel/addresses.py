"""Chinese address normalisation: one spelling per place, so that repeated reports match.

Steps, in order (each is documented in docs/text-intelligence.md):

1. Unicode NFKC: full-width letters, digits and punctuation become half-width ("３幢" → "3幢").
2. Whitespace and punctuation removed; "-"/"－"/"—" between numbers kept as a separator.
3. Chinese numerals become Arabic (``cn2an``): "三单元" → "3单元", "十二号" → "12号",
   "二〇三室" → "203室" (digit-by-digit runs without 十/百/千 are read digit by digit).
4. Administrative prefixes dropped: province (…省/自治区), city (…市/州/盟/地区) and district or
   county (…区/县/旗) at the start, never a 小区/社区/园区 or a 菜市场.
5. Building forms unified: "3栋" = "3幢" = "3号楼" = "3座" → "3栋"; "301房"/"301户" → "301室";
   "5层"/"5楼" (a floor) → "5层"; "3-2-301" → "3栋2单元301室".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import cn2an

_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
_CN_RUN = re.compile(f"[{_CN_DIGITS}]+")
_DIGIT_BY_DIGIT = dict(zip("零〇一二两三四五六七八九", "00122345678" + "9", strict=True))
# A numeral that is part of a name rather than a number: kept as it is.
_NAMED = re.compile(r"^(?:一家|一些|一直|一起|一点|三角|万达|万科|千岛)")

_SPACE_PUNCT = re.compile(r"[\s,，.。;；:：、'\"“”‘’()（）\[\]【】<>《》/\\#＃·]+")
_DASH = re.compile(r"[－—–~～_]")

_PROVINCE = re.compile(r"^[^省区市县]{2,8}?(?:省|自治区|特别行政区)")
_CITY = re.compile(r"^[^市区县]{2,8}?(?<![超菜夜集门])(?:市|自治州|盟|地区)(?!场)")
_DISTRICT = re.compile(r"^[^区县市]{2,8}?(?<![小社园校景厂营超菜夜集门])(?:区|县|旗|市)(?!场)")

_BUILDING = re.compile(r"(\d+)(?:号楼|号栋|号幢|栋|幢|座|号座)")
_ROOM = re.compile(r"(\d+)(?:号房|房间|房|户|号室)")
_FLOOR = re.compile(r"(\d+)(?:楼层|楼|层)(?!\d*[栋幢座])")
_TRIPLE = re.compile(r"(\d+)-(\d+)-(\d+)(?:室)?$")
_PAIR_ROOM = re.compile(r"(\d+)栋(\d+)-(\d+)(?:室)?$")
_UNIT_ROOM = re.compile(r"(\d+)单元(\d+)$")


def _arabic(run: str) -> str:
    if not any(ch in run for ch in "十百千万"):
        return "".join(_DIGIT_BY_DIGIT[ch] for ch in run)
    try:
        return str(cn2an.cn2an(run.replace("〇", "零"), "smart"))
    except (ValueError, KeyError, IndexError):
        return run


def _numerals(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _CN_RUN.finditer(text):
        if _NAMED.match(text, match.start()):
            continue
        out.append(text[pos : match.start()])
        out.append(_arabic(match.group()))
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _strip_prefixes(text: str) -> str:
    for pattern in (_PROVINCE, _CITY, _DISTRICT):
        match = pattern.match(text)
        # keep at least something after the prefix: "城南区" alone stays what it is
        if match and len(text) > match.end() + 1:
            text = text[match.end() :]
    return text


@lru_cache(maxsize=65536)
def normalise_address(text: str) -> str:
    """One spelling of ``text`` (see the module docstring); "" for an empty address."""
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text)
    s = _DASH.sub("-", s)
    s = _SPACE_PUNCT.sub("", s)
    s = _numerals(s)
    s = _strip_prefixes(s)
    s = _BUILDING.sub(r"\1栋", s)
    s = _TRIPLE.sub(r"\1栋\2单元\3室", s)
    s = _PAIR_ROOM.sub(r"\1栋\2单元\3室", s)
    s = _ROOM.sub(r"\1室", s)
    s = _FLOOR.sub(r"\1层", s)
    s = _UNIT_ROOM.sub(r"\1单元\2室", s)
    return s.lower()


__all__ = ["normalise_address"]


# Bureaus whose area is one address space: the same street name and number in two counties (the
# generator and real cities both have a 迎春路 in several counties) are two places. Normalising
# drops the 县/区 prefix, so repeated-place matching is done within one jurisdiction.
JURISDICTION_KINDS = frozenset({"县局", "分局"})


def jurisdictions() -> dict[str, str]:
    """Each unit's jurisdiction: its nearest 县局/分局 (itself included), else the root unit.
    One query; a bureau has at most a few thousand units."""
    from fazhi.records.models import Unit

    units = {pk: (parent, kind) for pk, parent, kind in Unit.objects.values_list(
        "pk", "parent_id", "kind"
    )}  # fmt: skip
    found: dict[str, str] = {}
    for start in units:
        walked: list[str] = []
        unit = start
        while unit not in found:
            parent, kind = units[unit]
            if kind in JURISDICTION_KINDS or parent is None or parent not in units:
                found[unit] = unit
                break
            walked.append(unit)
            unit = parent
        for step in walked:
            found[step] = found[unit]
    return found


def place_key(address: str, jurisdiction: str | None) -> str:
    """The key under which reports of one place meet: the normalised address within its
    jurisdiction; empty when the address is too short to identify a place."""
    normal = normalise_address(address)
    if len(normal) < 4:
        return ""
    return f"{jurisdiction or ''}|{normal}"
