"""Masking of personal identifiers (身份证号, phone numbers) on every list and page.

The clear value is shown only on request, to users with ``accounts.unmask_pii`` who may see the
record, and each such request is written to the audit log (``accounts.views.unmask``).
"""

from __future__ import annotations

import re

MASK = "*"
_DIGITS = re.compile(r"\d")
# identifiers inside free text: a 身份证号 (18 or 15 characters, not part of a longer code) and
# mobile or landline numbers (not part of a longer number)
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(?:(?:\+?86[- ]?)?1\d{10}|0\d{2,3}-?\d{7,8})(?!\d)")


def mask_id_number(value: str | None) -> str:
    """``110101199001011237`` → ``110101********1237``: the region code (first 6) and the last
    4 stay, the birth date and sequence are hidden. 15-digit (old) numbers the same way."""
    if not value:
        return ""
    text = str(value).strip()
    if len(text) <= 10:
        # too short to be a real number: show only the last 2 characters
        return MASK * max(len(text) - 2, 0) + text[-2:]
    return text[:6] + MASK * (len(text) - 10) + text[-4:]


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``; landlines keep the area code and the last 4 digits
    (``010-62345678`` → ``010-****5678``, ``0755 8888 1234`` → ``0755 **** 1234``); numbers
    too short to mask sensibly keep only their last 2 digits."""
    if not value:
        return ""
    text = str(value).strip()
    digits = _DIGITS.findall(text)
    count = len(digits)
    if count == 0:
        return MASK * len(text)
    if count == 13 and digits[:3] == ["8", "6", "1"]:
        keep_front = 5  # +86 and the mobile operator prefix
    elif count == 11 and digits[0] == "1":
        keep_front = 3  # mobile: operator prefix
    elif digits[0] == "0" and count >= 10:
        keep_front = 4 if digits[1] not in "12" else 3  # 010, 02x: 3; other area codes: 4
    elif count >= 11:
        keep_front = 3
    else:
        keep_front = 0
    keep_back = 4 if count >= 8 else 2
    # replace the middle digits in place, keeping separators (-, space, +86 …) where they are
    out: list[str] = []
    seen = 0
    for char in text:
        if char.isdigit():
            seen += 1
            hidden = keep_front < seen <= count - keep_back
            out.append(MASK if hidden else char)
        else:
            out.append(char)
    return "".join(out)


def mask_text(text: str | None) -> str:
    """``text`` with every 身份证号 and phone number in it masked; the length stays the same (so
    that stored character ranges into the text still point at the same words)."""
    if not text:
        return ""
    text = _ID_NUMBER.sub(lambda mt: mask_id_number(mt.group()), str(text))
    return _PHONE.sub(lambda mt: mask_phone(mt.group()), text)
