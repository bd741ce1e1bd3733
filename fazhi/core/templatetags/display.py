"""The formatters of every page and export: legal clocks (还剩 3小时20分 / 已超期 2天), local
times (2026-05-16 22:07), durations (1天3小时), the Chinese labels of codes (record types,
lexicon categories), booleans (是/否), missing values (—), laws by name and article, finding facts
as a person reads them, and pager links that keep the filters. Exports call the same functions
(``fact_value``, ``local_time`` …) so that a spreadsheet reads as the page does. People by name
and 警号 are ``fazhi.accounts.templatetags.people`` (accounts knows users)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from fazhi.core import labels
from fazhi.core.laws import citation, citations, tooltip

register = template.Library()

MISSING = "—"


# --- legal clocks ---------------------------------------------------------------------------


def span(delta: timedelta) -> str:
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
        return f"还剩 {span(delta)}"
    return f"已超期 {span(-delta)}"


@register.simple_tag
def clock(due: datetime | None, now: datetime | None = None) -> SafeString:
    """A legal clock as the page is drawn (还剩 3小时20分, in the class of its urgency), which
    ``core/clock.js`` keeps counting down on the reader's screen: ``data-due`` is the due time and
    ``data-now`` the server's moment of drawing, so that a wrong clock on the reader's computer
    does not move the count."""
    if due is None:
        return mark_safe("")
    now = now or timezone.now()
    return format_html(
        '<span class="clock {}" data-due="{}" data-now="{}">{}</span>',
        clock_class(due, now),
        due.isoformat(),
        now.isoformat(),
        time_left(due, now),
    )


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
    return span(max((now or timezone.now()) - since, timedelta(0)))


@register.filter
def duration(value: timedelta | float | int | None) -> str:
    """1天3小时 / 2小时5分 / 40分钟 (a timedelta or seconds); — without one."""
    if value is None or value == "":
        return MISSING
    delta = value if isinstance(value, timedelta) else timedelta(seconds=float(value))
    return span(abs(delta))


# --- times, codes, booleans, missing values ----------------------------------------------------

_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = parse_datetime(value)  # type: ignore[assignment]
        if moment is None:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment)


@register.filter
def local_time(value: Any, missing: str = MISSING) -> str:
    """A moment (aware datetime or ISO text) in Beijing time, ``2026-05-16 22:07``; a date as
    ``2026-05-16``; ``missing`` (—) without one."""
    moment = _moment(value)
    if moment is not None:
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return missing if value in (None, "") else str(value)


@register.filter
def label(value: Any, kind: str = "") -> str:
    """The Chinese label of a code (``venue_visit`` → 办案区使用, ``mental_illness`` → 精神异常),
    registered by the app that owns it (``fazhi.core.labels``); lists joined with 、."""
    if isinstance(value, list | tuple):
        return "、".join(labels.label(v, kind) for v in value)
    return labels.label(value, kind)


@register.filter
def yes_no(value: Any) -> str:
    """是 / 否, — when not recorded."""
    if value is None or value == "":
        return MISSING
    return "是" if value else "否"


@register.filter
def dash(value: Any) -> Any:
    """The value, or — when it is missing (None or empty; 0 and False are values)."""
    return MISSING if value is None or value == "" or value == [] else value


# --- laws -------------------------------------------------------------------------------------


@register.filter
def cite_laws(text: Any) -> SafeString:
    """``text`` (escaped) with every cited article (CPL105, APR35,
    《中华人民共和国刑事诉讼法》第85条) as the law's short name and article, 《刑事诉讼法》第105条,
    the abbreviation and the full title in its tooltip."""
    raw = "" if text is None else str(text)
    parts: list[str] = []
    at = 0
    for start, end, abbreviation, article in citations(raw):
        parts.append(str(conditional_escape(raw[at:start])))
        parts.append(
            str(
                format_html(
                    '<abbr title="{}">{}</abbr>',
                    tooltip(abbreviation, article),
                    citation(abbreviation, article),
                )
            )
        )
        at = end
    parts.append(str(conditional_escape(raw[at:])))
    return mark_safe("".join(parts))


# --- facts ----------------------------------------------------------------------------------


def _structural(value: Any) -> bool:
    return isinstance(value, list | tuple) and any(
        isinstance(v, list | tuple | dict) for v in value
    )


@register.filter
def readable_facts(facts: Any) -> list[dict[str, Any]]:
    """The facts a person reads: evidence kept for the review page (the character ranges of the
    shared passages of two transcripts, the other matches) is not a fact to print; the review
    page and the finding page show it as highlighted text."""
    return [f for f in facts or [] if isinstance(f, dict) and not _structural(f.get("value"))]


@register.filter
def fact_value(value: Any) -> str:
    """A finding fact as a person reads it: times in Beijing time, booleans as 是/否, codes by
    their Chinese label, lists joined with 、."""
    if value is None:
        return "未记录"
    if value is True:
        return "是"
    if value is False:
        return "否"
    moment = _moment(value)
    if moment is not None:
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list | tuple):
        return "、".join(fact_value(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{fact_value(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return labels.label(value) if labels.known(value) else str(value)


@register.inclusion_tag("core/_pager.html", takes_context=True)
def pager(context: template.Context, page: Any) -> dict[str, Any]:
    """Previous / next, jump to a page and choose the page size, keeping the list's filters."""
    from fazhi.core.paging import PAGE_SIZES

    return {"page": page, "sizes": PAGE_SIZES, "request": context["request"]}


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
