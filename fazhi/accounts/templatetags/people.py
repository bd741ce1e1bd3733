"""People by name and 警号 in templates, never by login name.

    {% load people %}
    {{ problem.created_by|person }}       张伟（O-001）; 系统（自动） for the tick

``person`` asks once per request for every login name it has met (``fazhi.accounts.people``).
"""

from __future__ import annotations

from typing import Any

from django import template

from fazhi.accounts.people import people_names, person_name

register = template.Library()


@register.simple_tag(takes_context=True)
def person_of(context: template.Context, username: str | None) -> str:
    """Like ``|person``, with every user's name read once per page (for long tables)."""
    request = context.get("request")
    cache: dict[str, str] | None = getattr(request, "_fazhi_people", None)
    if cache is None:
        cache = people_names()
        if request is not None:
            request._fazhi_people = cache
    if not username:
        return "—"
    return cache.get(username, username)


@register.filter
def person(username: Any) -> str:
    """A login name as the person: 姓名（警号）."""
    return person_name(None if username is None else str(username))
