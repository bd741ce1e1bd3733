"""One error type for every domain rule a service enforces.

A service refuses with a ``DomainError`` (in practice the app's own subclass: ``DisputeError``,
``StandardError`` …) carrying a ``code`` from the app's ``error_codes.ErrorCode`` enum, a Chinese
``message`` that names the record and field, and optionally the ``field``. The code's ``kind``
decides the HTTP status, so the pages (``core.middleware.DomainErrorMiddleware``) and the API
(the handler in ``api.views``) each map every domain error in one place.

Who may act at all stays Django's ``PermissionDenied`` (mapped to 403 by Django and by the API);
a domain error of kind ``NOT_ALLOWED`` is for a refusal the rules make about a record.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any


class Kind(IntEnum):
    """What went wrong, as the HTTP status it is answered with."""

    INVALID = 400  # the input is wrong: a missing reason, a value out of range
    NOT_ALLOWED = 403  # the rules refuse this to this user
    NOT_FOUND = 404  # the record named does not exist
    CONFLICT = 409  # the input is fine but the record's current state forbids it


class ErrorCode(StrEnum):
    """Base of each app's ``ErrorCode``: a stable English value (what the API sends), the kind,
    and a Chinese label (a generic message when the raise gives none)::

        class ErrorCode(core.errors.ErrorCode):
            REASON_REQUIRED = "reason_required", Kind.INVALID, "须填写理由"
    """

    kind: Kind
    label: str

    def __new__(cls, value: str, kind: Kind, label: str) -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.kind = kind
        member.label = label
        return member


class DomainError(Exception):
    """A refusal by a domain rule. ``str(error)`` is the Chinese message."""

    code: ErrorCode
    message: str
    field: str | None

    def __init__(self, code: ErrorCode, message: str = "", *, field: str | None = None) -> None:
        message = message or code.label
        super().__init__(message)
        # after super(): Django's ValidationError (a second base of some apps' errors) sets
        # its own ``code`` and ``message``
        self.code = code
        self.message = message
        self.field = field

    @property
    def status(self) -> int:
        return int(self.code.kind)

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """The body the API answers with (and what a test compares)."""
        return {"code": self.code.value, "message": self.message, "field": self.field}
