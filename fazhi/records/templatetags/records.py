"""Template filters naming records and linking to their pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import template

from fazhi.records.timeline import SUBJECT_LABELS

register = template.Library()


@register.filter
def subject_label(subject_type: str) -> str:
    return SUBJECT_LABELS.get(subject_type, subject_type)


# --- links ----------------------------------------------------------------------------------

_SUBJECT_PAGES = {
    "case": "/cases/", "incident": "/incidents/", "person": "/persons/", "officer": "/officers/",
}  # fmt: skip


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
