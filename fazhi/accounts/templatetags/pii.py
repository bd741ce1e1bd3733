"""Masked 身份证号 and phone numbers in templates.

    {% load pii %}
    {% pii_id person %}                 身份证号 of a Person
    {% pii_phone person %}              phone of a Person
    {% pii_phone incident %}            报警电话 of an Incident
    {% pii_id "110101199001011237" %}   a bare value: masked, never revealable
    {% pii_phone party %}               a party: any model with a registered phone field
    {{ text|mask_pii }}                 free text with every 身份证号 and phone in it masked
    {% for fact in f.facts|masked_facts %}   the facts of a finding, masked (mask_facts)

Users with ``accounts.unmask_pii`` also get a small 显示 button (htmx) next to a record's field
that fetches the clear value from ``accounts:unmask``, which checks the data scope and writes the
audit row. Masked text and facts have no button: the clear value is on the record's own page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fazhi.accounts.scope import UNMASK_PERMISSION
from fazhi.core.masking import (
    mask_facts,
    mask_id_number,
    mask_phone,
    mask_text,
    unmaskable_field,
)

register = template.Library()


def _render(
    context: template.Context, obj: Any, field: str | None, mask: Callable[[str | None], str]
) -> SafeString | str:
    if obj is None or isinstance(obj, str):
        return mask(obj)
    value = getattr(obj, field or "", None)
    if not value:
        return ""
    masked = mask(value)
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(UNMASK_PERMISSION):
        return masked
    query = urlencode({"type": obj._meta.model_name, "id": obj.pk, "field": field})
    return format_html(
        '<span class="pii">{} <button type="button" class="unmask" hx-get="{}" '
        'hx-target="closest .pii" hx-swap="outerHTML" '
        'title="显示完整号码（将记入审计日志）">显示</button></span>',
        masked,
        f"{reverse('accounts:unmask')}?{query}",
    )


@register.simple_tag(takes_context=True)
def pii_id(context: template.Context, obj: Any) -> SafeString | str:
    """The masked 身份证号 of a person, a dispute party … (or of a bare value)."""
    field = (
        None if obj is None or isinstance(obj, str) else unmaskable_field(type(obj), "id_number")
    )
    return _render(context, obj, field, mask_id_number)


@register.simple_tag(takes_context=True)
def pii_phone(context: template.Context, obj: Any) -> SafeString | str:
    """The masked phone of a person or a dispute party, or the masked 报警电话 of an incident (or
    a bare value)."""
    bare = obj is None or isinstance(obj, str)
    field = None if bare else unmaskable_field(type(obj), "phone")
    return _render(context, obj, field, mask_phone)


@register.filter
def mask_pii(text: Any) -> str:
    """Free text (an incident description, a note, an explanation) with every 身份证号 and phone
    number in it masked."""
    return mask_text(None if text is None else str(text))


@register.filter
def masked_facts(facts: Any) -> Any:
    """The facts of a finding as every page shows them: 身份证号 and phones masked."""
    return mask_facts(facts or [], unmasked=False)
