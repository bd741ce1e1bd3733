"""The UI shell: ``{% shell as sh %}`` gives the top bar of every page (name, role, unit, the
bell's count, the navigation every app declares on its ``AppConfig``). The formatters are
``fazhi.core.templatetags.display``."""

from __future__ import annotations

from typing import Any

from django import template

from fazhi.accounts.models import Role
from fazhi.accounts.scope import profile_of
from fazhi.core.registry import bell_count, nav_entries

register = template.Library()


def nav_for(role: str | None, *, is_staff: bool, path: str) -> list[dict[str, Any]]:
    """The top navigation: every app's ``NavEntry`` (``fazhi.core.registry``) this user may see."""
    items = []
    for entry in nav_entries():
        if entry.audience == "staff" and not is_staff:
            continue
        if entry.audience == "unit" and role in (None, Role.OFFICER):
            continue
        href = entry.href
        active = path == "/" if href == "/" else path.startswith(href)
        items.append({"key": entry.key, "label": entry.label, "href": href, "active": active})
    return items


@register.simple_tag(takes_context=True)
def shell(context: template.Context) -> dict[str, Any] | None:
    """The signed-in user's top bar, computed once per request (two queries)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(request, "_fazhi_shell", None)
    if cached is not None:
        return cached
    profile = profile_of(user)
    role = profile.role if profile else (Role.ADMIN if user.is_superuser else None)
    info = {
        "name": user.first_name or user.get_username(),
        "role": role or "未分配角色",
        "unit": profile.unit.name if profile and profile.unit else "",
        "unread": bell_count(user),
        "nav": nav_for(role, is_staff=user.is_staff, path=getattr(request, "path", "")),
    }
    if request is not None:
        request._fazhi_shell = info
    return info
