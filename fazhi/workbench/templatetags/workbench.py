"""Template tags of the UI shell and the workbench pages.

``{% shell as sh %}`` gives the top bar (name, role, unit, unread count, navigation by role);
the filters format legal clocks, finding facts and masked identity numbers.
"""

from __future__ import annotations

import importlib
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fazhi.accounts.models import Role
from fazhi.accounts.scope import profile_of
from fazhi.workbench.timeline import SUBJECT_LABELS

register = template.Library()

# (key, label, path, who may see it): "all", "unit" (everyone but 民警), "staff".
NAV: list[tuple[str, str, str, str]] = [
    ("home", "工作台", "/", "all"),
    ("findings", "发现", "/findings/", "all"),
    ("problems", "整改", "/problems/", "all"),
    ("daily", "每日十问", "/daily/", "unit"),
    ("disputes", "纠纷", "/disputes/", "all"),
    ("intel", "研判", "/intel/", "unit"),
    ("rules", "规则", "/rules/", "all"),
    ("standards", "标准", "/standards/", "all"),
    ("admin", "数据管理", "/admin/", "staff"),
]


def unread_notifications(user: Any) -> int:
    """The user's unread notifications, or 0 while the notifications app has no counter."""
    try:
        services = importlib.import_module("fazhi.notifications.services")
    except ImportError:
        return 0
    counter = getattr(services, "unread_count", None)
    return int(counter(user)) if counter is not None else 0


def nav_for(role: str | None, *, is_staff: bool, path: str) -> list[dict[str, Any]]:
    items = []
    for key, label, href, who in NAV:
        if who == "staff" and not is_staff:
            continue
        if who == "unit" and role in (None, Role.OFFICER):
            continue
        active = path == "/" if href == "/" else path.startswith(href)
        items.append({"key": key, "label": label, "href": href, "active": active})
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
        "unread": unread_notifications(user),
        "nav": nav_for(role, is_staff=user.is_staff, path=getattr(request, "path", "")),
    }
    if request is not None:
        request._fazhi_shell = info
    return info


# --- legal clocks ---------------------------------------------------------------------------


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分" if mins else f"{hours}小时"
    return f"{mins}分钟"


@register.filter
def time_left(due: datetime | None, now: datetime | None = None) -> str:
    """还剩 3小时20分 / 已超期 2天; empty without a due time."""
    if due is None:
        return ""
    delta = due - (now or timezone.now())
    if delta.total_seconds() >= 0:
        return f"还剩 {_span(delta)}"
    return f"已超期 {_span(-delta)}"


@register.filter
def clock_class(due: datetime | None, now: datetime | None = None) -> str:
    """CSS class of a clock: over (past due), soon (within 24 hours), ok, none."""
    if due is None:
        return "clock-none"
    delta = due - (now or timezone.now())
    if delta.total_seconds() < 0:
        return "clock-over"
    if delta <= timedelta(hours=24):
        return "clock-soon"
    return "clock-ok"


@register.filter
def elapsed(since: datetime | None, now: datetime | None = None) -> str:
    if since is None:
        return ""
    return _span(max((now or timezone.now()) - since, timedelta(0)))


# --- facts ----------------------------------------------------------------------------------

_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@register.filter
def fact_value(value: Any) -> str:
    """A finding fact as a person reads it: times in Beijing time, booleans as 是/否."""
    if value is None:
        return "未记录"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


@register.filter
def setting_label(key: str) -> str:
    from fazhi.workbench.rules import SETTING_LABELS

    return SETTING_LABELS.get(key, key)


@register.filter
def subject_label(subject_type: str) -> str:
    return SUBJECT_LABELS.get(subject_type, subject_type)


# --- links ----------------------------------------------------------------------------------

_SUBJECT_PAGES = {"case": "/cases/", "incident": "/incidents/", "person": "/persons/"}


@register.filter
def subject_url(finding: Any) -> str:
    """Where a finding's subject record is shown: its own page, or its place in the case."""
    base = _SUBJECT_PAGES.get(finding.subject_type)
    if base:
        return f"{base}{quote(finding.subject_id)}/"
    if finding.case_id:
        return (
            f"/cases/{quote(finding.case_id)}/#{finding.subject_type}-{quote(finding.subject_id)}"
        )
    return ""


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with ``changes`` applied (for pager links keeping filters)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"
