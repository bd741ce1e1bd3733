"""Settings for the test suite (pytest-django) and the lint tools (mypy's django plugin,
``makemigrations --check``): the production settings — ``FAZHI_DEBUG`` stays off, so tests see
what a bureau runs — with a signing key made up for this process, since nothing a test signs has
to outlive it. Production refuses to start without a key of its own (``fazhi.config.secret_key``);
this is how ``make test`` and ``make lint`` still need no setup."""

from __future__ import annotations

import os
import secrets

os.environ.setdefault("FAZHI_SECRET_KEY", "test-" + secrets.token_urlsafe(40))

from fazhi.settings import *  # noqa: F403
