"""Masking of personal identifiers (身份证号, phone numbers) on every list and page.

The clear value is shown only on request, to users with ``accounts.unmask_pii`` who may see the
record, and each such request is written to the audit log (``accounts.views.unmask``). The fields
that may be revealed that way are registered here (``register_unmaskable``) by the app that owns
the model, at the bottom of its ``models.py``.

Three shapes are masked here and nowhere else: a field's value (``mask_id_number``,
``mask_phone``), free text (``mask_text``) and the facts of a finding (``mask_facts``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.db import models

MASK = "*"
_DIGITS = re.compile(r"\d")
# identifiers inside free text: a 身份证号 (18 or 15 characters, not part of a longer code) and
# mobile or landline numbers (not part of a longer number)
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(?:(?:\+?86[- ]?)?1\d{10}|0\d{2,3}-?\d{7,8})(?!\d)")


def is_id_number(text: str) -> bool:
    """Whether ``text`` (stripped) is one whole 身份证号 in shape: 18 characters (17 digits and a
    digit or X) or an old 15-digit number. The shape only, not the check character."""
    return _ID_NUMBER.fullmatch(text.strip()) is not None


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


# --- facts of a finding -----------------------------------------------------------------------

Kind = Literal["id_number", "phone"]


def _kind_of(key: str) -> Kind | None:
    """Whether a fact named ``key`` (a field such as ``person.id_number`` or
    ``incident.reporter_phone``, or a label such as 身份证号 or 报警电话) holds a 身份证号 or a
    phone. Only the name's end counts: ``repeat.phone_incidents`` lists incidents, not phones."""
    name = key.strip().rsplit(".", 1)[-1].lower()
    if name.endswith(("id_number", "身份证号", "身份证", "公民身份号码")):
        return "id_number"
    if name.endswith(("phone", "电话", "手机", "手机号", "联系方式")):
        return "phone"
    return None


def _mask_value(value: Any, kind: Kind | None) -> Any:
    if isinstance(value, str):
        if kind is not None and _DIGITS.search(value):
            return mask_id_number(value) if kind == "id_number" else mask_phone(value)
        return mask_text(value)
    if isinstance(value, (list, tuple)):
        return [_mask_value(v, kind) for v in value]
    if isinstance(value, Mapping):
        return {k: _mask_value(v, _kind_of(str(k)) or kind) for k, v in value.items()}
    return value


def mask_facts(facts: Any, *, unmasked: bool) -> Any:
    """The facts of a finding with every 身份证号 and phone number masked, recognised by the
    fact's name (field or label, e.g. ``person.id_number``, 报警电话) and, in any text, by pattern
    (``mask_text``). ``facts`` is the stored list of ``{"field", "label", "value"}`` or a mapping
    field → value; the result has the same shape and ``facts`` is left as it was. ``unmasked``
    (a user with ``accounts.unmask_pii`` where the access itself is audited, as an API call is)
    returns a copy unchanged."""
    if unmasked or not facts:
        return copy.deepcopy(facts)
    if isinstance(facts, Mapping):
        return {k: _mask_value(v, _kind_of(str(k))) for k, v in facts.items()}
    out = []
    for fact in facts:
        if isinstance(fact, Mapping) and "value" in fact:
            kind = _kind_of(str(fact.get("field") or "")) or _kind_of(str(fact.get("label") or ""))
            out.append({**fact, "value": _mask_value(fact["value"], kind)})
        else:
            out.append(_mask_value(fact, None))
    return out


# --- the fields an audited unmask may reveal --------------------------------------------------


@dataclass(frozen=True)
class Unmaskable:
    model: type[models.Model]
    field: str
    label: str
    kind: Kind


# (model name, field) → where the clear value lives
UNMASKABLE: dict[tuple[str, str], Unmaskable] = {}


def register_unmaskable(model: type[models.Model], field: str, *, label: str, kind: Kind) -> None:
    """Declare that ``model.field`` holds a 身份证号 or phone that a page shows masked and that
    ``accounts:unmask`` may reveal (audited, within the data scope; the model must be registered
    with ``fazhi.core.scope.register_scope``)."""
    UNMASKABLE[(str(model._meta.model_name), field)] = Unmaskable(model, field, label, kind)


def unmaskable_field(model: type[models.Model], kind: Kind) -> str | None:
    """The field of ``model`` registered as holding a value of ``kind``, if any."""
    name = model._meta.model_name
    for (model_name, field), spec in UNMASKABLE.items():
        if model_name == name and spec.kind == kind:
            return field
    return None
