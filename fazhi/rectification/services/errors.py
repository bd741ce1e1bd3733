"""``RectificationError``: a refusal by the rectification rules (``error_codes.ErrorCode``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from fazhi.core.errors import DomainError


# the stubs type ValidationError.code/.message as str; ours are an ErrorCode (a str) and a str
class RectificationError(DomainError, ValidationError):  # type: ignore[misc]
    """A refused rectification step, with a Chinese message naming the problem or finding.

    Still a ``ValidationError`` (what these services raised before), so the pages, the review
    queue and the admin that catch that to re-display a form keep working."""
