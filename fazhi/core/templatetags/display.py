"""The formatters of every page: legal clocks (还剩 3小时20分 / 已超期 2天), finding facts as a
person reads them, and pager links that keep the filters."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

register = template.Library()


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
