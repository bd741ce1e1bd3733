"""Who may change the standards library: one predicate, used by the pages (which forms to show,
and their POSTs), the admin's forms and the services themselves (``add_standard``,
``revise_standard``, ``abolish_standard``, ``sync_pack_standards``, ``library.import_library``),
so that a wrong user is refused even from a shell. The standards are the rules' reasons, so
whoever may change the rules' settings may change them, and the operator's system account loads
the pack and imports files from the console.

Reading the library, and exporting it as a file (the same text the pages show), is for every
signed-in user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from fazhi.core.services import is_system
from fazhi.patrol.permissions import can_change_rules


def can_edit_standards(user: Any) -> bool:
    return is_system(user) or can_change_rules(user)


def require_edit_standards(user: Any) -> None:
    """For the pages: a refused user gets the 403 page before any form is read."""
    if not can_edit_standards(user):
        raise PermissionDenied("只有法制大队和管理员可以修改执法标准")
