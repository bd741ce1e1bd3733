"""``{% once_token %}``: the hidden one-time token of a form that must not act twice on a double
click (``fazhi.core.forms.OnceForm``)."""

from __future__ import annotations

from uuid import uuid4

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def once_token() -> SafeString:
    return format_html('<input type="hidden" name="once" value="{}">', uuid4())
