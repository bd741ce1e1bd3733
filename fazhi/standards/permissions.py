"""Who may change the standards library: one predicate, used by the admin's forms and by the
services themselves (``add_standard``, ``revise_standard``, ``sync_pack_standards``), so that a
wrong user is refused even from a shell. The standards are the rules' reasons, so whoever may
change the rules' settings may change them, and the operator's system account loads the pack."""

from __future__ import annotations

from typing import Any

from fazhi.core.services import is_system
from fazhi.patrol.permissions import can_change_rules


def can_edit_standards(user: Any) -> bool:
    return is_system(user) or can_change_rules(user)
