from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def no_answer_floor(settings: Any) -> None:
    """The verdict's time floor (a defence against timing) would only slow the suite down."""
    settings.GONGKAI_MIN_SECONDS = 0
