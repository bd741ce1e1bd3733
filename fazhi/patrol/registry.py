"""The registry of checks: the executable part of a rule, named in the rule pack.

A rule in the pack (data) names a check and gives it structural ``params`` and bureau-changeable
``settings``; the check (code) builds the set-based query. The registry lets the pack loader
refuse a rule whose check, params or settings do not exist before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fazhi.patrol.models import RuleKind

SettingType = Literal["period", "bool", "int", "number"]

# Settings every deadline rule has (rules.md, "How a rule reports").
DEADLINE_SETTINGS: Mapping[str, SettingType] = {
    "limit": "period",
    "custody": "bool",
    "lead_fraction": "number",
    "lead_min": "period",
    "lead_max": "period",
}


@dataclass(frozen=True)
class NoParams:
    pass


@dataclass(frozen=True)
class CheckDef:
    name: str
    kind: RuleKind
    subject_type: str
    build: Callable[..., Any]
    params: type = NoParams
    settings: Mapping[str, SettingType] = field(default_factory=dict)
    # How the check's subject queryset is narrowed to what an incremental run must re-check;
    # ``None`` means the check cannot be narrowed and is always evaluated in full.
    scope: Callable[..., Any] | None = None

    @property
    def allowed_settings(self) -> Mapping[str, SettingType]:
        if self.kind == RuleKind.DEADLINE:
            return {**DEADLINE_SETTINGS, **self.settings}
        return self.settings


CHECKS: dict[str, CheckDef] = {}


def register(
    name: str,
    *,
    kind: RuleKind,
    subject: str,
    params: type = NoParams,
    settings: Mapping[str, SettingType] | None = None,
    scope: Callable[..., Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(build: Callable[..., Any]) -> Callable[..., Any]:
        if name in CHECKS:
            raise RuntimeError(f"check {name!r} registered twice")
        CHECKS[name] = CheckDef(name, kind, subject, build, params, settings or {}, scope)
        return build

    return decorate
