"""What the review app adds to other apps' pages: on a 笔录雷同 finding's page, the two
transcripts with their shared passages highlighted (the same evidence as the review page), never
the character ranges the patrol stored."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from fazhi.core.scope import DataScope
from fazhi.patrol.models import Finding
from fazhi.review.evidence import BL01, transcript_evidence


def finding_page(finding: Finding, request: HttpRequest, scope: DataScope) -> dict[str, Any] | None:
    if finding.rule_id != BL01:
        return None
    evidence = transcript_evidence(finding, scope)
    html = render_to_string(
        "review/_finding_evidence.html", {"ev": evidence, "f": finding}, request=request
    )
    return {"evidence_html": html}
