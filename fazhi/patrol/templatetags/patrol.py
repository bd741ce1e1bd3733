"""Template filters of the rule pages."""

from __future__ import annotations

from django import template

from fazhi.patrol.forms import SETTING_LABELS

register = template.Library()


@register.filter
def setting_label(key: str) -> str:
    return SETTING_LABELS.get(key, key)
