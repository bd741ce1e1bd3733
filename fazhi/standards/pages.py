"""What the standards library adds to the patrol's pages: the standards a rule enforces (on the
rules list, a rule, and a finding of that rule)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from fazhi.core.scope import DataScope
from fazhi.patrol.models import Finding, Rule
from fazhi.standards.models import Standard


def rules_page(_: None, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    per_rule = Standard.rules.through.objects.values("rule_id").annotate(n=Count("pk")).order_by()
    return {"standards_per_rule": {row["rule_id"]: row["n"] for row in per_rule}}


def rule_page(rule: Rule, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    return {"standards": Standard.objects.filter(rules=rule).order_by("code", "-version")}


def finding_page(fd: Finding, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    return {"standards": Standard.objects.filter(rules=fd.rule).in_force().order_by("code")}
