"""Test fixtures of the security setup, for ``fazhi/conftest.py`` to import.

django-axes refuses ``authenticate()`` calls without a request (a lockout needs the address), and
Django's test ``Client.login()`` makes exactly such a call. ``axes_off_for_client_login`` turns
axes off for one test, so ``client.login(...)`` works; sign-ins through the real login page and
``client.force_login`` work either way. Tests of the lockout itself use ``axes_on``.

Wire it in ``fazhi/conftest.py`` (autouse for every app)::

    from fazhi.accounts.tests.fixtures import axes_off_for_client_login  # noqa: F401
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def axes_off_for_client_login(settings: Any) -> None:
    settings.AXES_ENABLED = False


@pytest.fixture
def axes_on(settings: Any) -> None:
    """django-axes on, as in production (pytest runs autouse fixtures first, so this wins)."""
    settings.AXES_ENABLED = True
