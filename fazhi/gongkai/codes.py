"""The query code: 12 characters drawn with ``secrets`` from an alphabet without look-alikes,
kept only as a keyed digest (HMAC-SHA256 under the site's secret key).

Why a keyed digest and not a slow password hash with a per-code salt (docs/security.md): the code
must be *found* from what a member of the public types, in one indexed query; a per-code salt
would mean trying every stored code. The code is random (31¹² ≈ 2⁵⁹), not a human password, so a
slow hash buys nothing against a stolen table that the key does not already give: without the
site's secret key a digest cannot even be tested. Online guessing is what matters, and the rate
limit (``throttle``) and the phone's last four digits answer it.
"""

from __future__ import annotations

import hmac
import re
import secrets

from django.utils.crypto import salted_hmac

# No 0/O, 1/I/L: read aloud over the phone or copied from a printed 受案回执 without doubt.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12
_SALT = "fazhi.gongkai.code"
_SEPARATORS = re.compile(r"[\s\-—_·.]")
FORMAT = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a person typed, as a code: upper case, spaces and dashes dropped."""
    return _SEPARATORS.sub("", text or "").upper()


def digest(code: str) -> str:
    """The stored form of ``code`` (64 hex characters). Computed for every query, known code or
    not, so that the work done does not tell them apart."""
    return salted_hmac(_SALT, normalise(code), algorithm="sha256").hexdigest()


def grouped(code: str) -> str:
    """For print: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def phone_tail(phone: str | None) -> str:
    """The last four digits of a phone, or "" when it has fewer."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


# Compared against when the code is unknown, so that the comparison is always made.
_NO_TAIL = "\x00\x00\x00\x00"


def tail_matches(given: str, phone: str | None) -> bool:
    expected = phone_tail(phone) or _NO_TAIL
    return hmac.compare_digest(given.encode(), expected.encode())
