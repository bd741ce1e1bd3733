"""Template filters of the rule pages."""

from __future__ import annotations

import re
from typing import Any

from django import template

from fazhi.core.templatetags.display import fact_value
from fazhi.patrol.forms import SETTING_LABELS

register = template.Library()

_WORD = re.compile(r"[a-z][a-z_]*[a-z]")


@register.filter
def setting_label(key: str) -> str:
    return SETTING_LABELS.get(key, key)


@register.filter
def rule_help(rule: Any) -> str:
    """A rule's help text with each setting it names (``window_days``, ``min_jaccard``) given as
    the bureau's current value, as an officer reads it: "30 日内发生 3 起"."""
    current = rule.settings

    def value(match: re.Match[str]) -> str:
        key = match.group(0)
        if key in current:
            return fact_value(current[key])
        return SETTING_LABELS.get(key, key)

    return _WORD.sub(value, rule.help_text or "")
