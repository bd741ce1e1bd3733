from __future__ import annotations

from typing import Any

import pytest

from fazhi.accounts.services import system_user
from fazhi.patrol.pack import load_pack
from fazhi.patrol.services import sync_rules
from fazhi.standards.services import sync_pack_standards


@pytest.fixture
def library(bureau: Any) -> Any:
    """The pack's rules and its seventeen standards (version 1, in force from 2026-01-01)."""
    sync_rules(load_pack())
    sync_pack_standards(actor=system_user())
    return bureau
