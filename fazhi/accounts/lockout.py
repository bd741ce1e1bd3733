"""django-axes with a second, higher threshold per address across user names.

Axes locks out what ``AXES_LOCKOUT_PARAMETERS`` names once its failures reach
``AXES_FAILURE_LIMIT``. Given several parameter combinations (``[["username", "ip_address"],
"ip_address"]``) it compares the largest of their counts against that one limit (django-axes 8:
``AxesDatabaseHandler.get_failures`` takes the maximum, ``is_locked`` compares it with
``get_failure_limit``): there is no second threshold. Five failures per address would lock a
whole 派出所 behind one NAT address out after five typos of different officers; no limit per
address lets one address try a password on every user name (password spraying). So the handler
below keeps axes' per-username+address lockout and adds a lockout of the address once all its
failures, over every user name, reach ``AXES_ADDRESS_FAILURE_LIMIT``
(``FAZHI_ADDRESS_LOGIN_FAILURES``) within the cool-off time. It counts axes' own
``AccessAttempt`` rows, so the window, the clean-up and the administrator's reset
(``fazhi axes_reset_ip ADDRESS``) are axes' own.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address, for any user name, within the cool-off."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def address_locked(request: HttpRequest) -> bool:
    limit = int(getattr(settings, "AXES_ADDRESS_FAILURE_LIMIT", 0) or 0)
    return limit > 0 and address_failures(request) >= limit


class AddressThrottlingHandler(AxesDatabaseHandler):
    """``AXES_HANDLER``: the per-username+address count of axes, raised to the failure limit
    when the address as a whole has reached its own limit — so that axes' unchanged lockout
    logic (before the password is checked, and after each failure) locks the address out."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        if address_locked(request):
            request.fazhi_address_locked = True  # type: ignore[attr-defined]
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures
