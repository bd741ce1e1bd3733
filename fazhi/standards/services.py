"""standards services: load the pack's standards, add a bureau's own standard, publish a
bureau's edits as new versions, abolish a standard (each audited, with its reason kept on the
version; the pages and the admin call these, they never edit a row). Import and export of the
library as a file are ``fazhi.standards.library``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.services import record_audit
from fazhi.patrol.models import Rule
from fazhi.standards.error_codes import ErrorCode
from fazhi.standards.models import Standard, StandardCategory
from fazhi.standards.permissions import can_edit_standards

PACK_DIR = Path(__file__).resolve().parent / "packs"
PACK_SOURCE = "随巡查规则包发布"
BUREAU_REVISION = "本局修订"


class StandardError(DomainError, ValueError):
    """A refused change to the standards, with a Chinese message naming the standard (still a
    ``ValueError``, as callers catching that expect)."""


def _require_editor(actor: User, what: str) -> None:
    if not can_edit_standards(actor):
        raise StandardError(
            ErrorCode.NOT_ALLOWED,
            f"用户 {actor.get_username()} 无权{what}：只有法制大队和管理员可以修改执法标准",
        )


@dataclass(frozen=True)
class SyncResult:
    created: int
    kept: int


def sync_pack_standards(pack: str = "cn-police-2026", *, actor: User) -> SyncResult:
    """Create the pack's standards that the store does not have yet (by code).

    A standard already present is kept as it is, so that a bureau's edits survive upgrades.
    The rules must have been synced first (run a patrol, or ``patrol.services.sync_rules``).
    """
    _require_editor(actor, f"载入标准包 {pack}")
    data = tomllib.loads((PACK_DIR / f"{pack}.toml").read_text(encoding="utf-8"))
    effective = date.fromisoformat(data["pack"]["effective_from"])
    problems: list[str] = []
    known_rules = set(Rule.objects.values_list("code", flat=True))
    created = kept = 0
    with transaction.atomic():
        for raw in data.get("standard", []):
            code = raw["code"]
            if raw["category"] not in StandardCategory.values:
                problems.append(f"标准 {code}：类别“{raw['category']}”无效")
                continue
            missing = [r for r in raw.get("rules", []) if r not in known_rules]
            if missing:
                problems.append(f"标准 {code}：规则 {', '.join(missing)} 不存在（请先同步规则包）")
                continue
            if Standard.objects.filter(code=code).exists():
                kept += 1
                continue
            standard = Standard.objects.create(
                code=code,
                title=raw["title"],
                category=raw["category"],
                text=raw["text"].strip(),
                effective_from=effective,
                source=PACK_SOURCE,  # the pack's code is for administrators
                reason=PACK_SOURCE,
                updated_by=actor.get_username(),
            )
            standard.rules.set(Rule.objects.filter(code__in=raw.get("rules", [])))
            created += 1
        if problems:
            raise StandardError(ErrorCode.PACK_INVALID, "\n".join(problems))
        if created:
            record_audit(
                actor, AuditAction.STANDARD_SYNC, target_type="standard_pack", target_id=pack,
                details={"created": created, "kept": kept},
            )  # fmt: skip
    return SyncResult(created, kept)


def add_standard(
    *,
    actor: User,
    code: str,
    title: str,
    category: str,
    text: str,
    rules: list[str],
    effective_from: date,
    reason: str,
    source: str = "本局文件",
) -> Standard:
    """Add a standard of the bureau's own (version 1); a standard that exists is revised."""
    code = code.strip()
    _require_editor(actor, f"新增标准 {code}")
    if not reason.strip():
        raise StandardError(
            ErrorCode.REASON_REQUIRED, f"新增标准 {code}：必须填写理由", field="reason"
        )
    if not code:
        raise StandardError(ErrorCode.CODE_REQUIRED, "新增标准：必须填写标准编号", field="code")
    if category not in StandardCategory.values:
        raise StandardError(
            ErrorCode.CATEGORY_INVALID, f"新增标准 {code}：类别“{category}”无效", field="category"
        )
    _check_rules(code, rules)
    with transaction.atomic():
        if Standard.objects.select_for_update().filter(code=code).exists():
            raise StandardError(
                ErrorCode.ALREADY_EXISTS, f"标准 {code} 已存在：请发布它的新版本", field="code"
            )
        new = Standard.objects.create(
            code=code, title=title, category=category, text=text, effective_from=effective_from,
            source=source, updated_by=actor.get_username(), updated_at=timezone.now(),
            reason=reason.strip(),
        )  # fmt: skip
        new.rules.set(Rule.objects.filter(code__in=rules))
        record_audit(
            actor, AuditAction.STANDARD_CREATE, target_type="standard", target_id=code,
            details={"version": 1, "reason": reason.strip(), "rules": sorted(rules)},
        )  # fmt: skip
    return new


def _check_rules(code: str, rules: list[str]) -> None:
    unknown = set(rules) - set(Rule.objects.filter(code__in=rules).values_list("code", flat=True))
    if unknown:
        raise StandardError(
            ErrorCode.RULE_NOT_FOUND,
            f"标准 {code}：规则 {', '.join(sorted(unknown))} 不存在",
            field="rules",
        )


def revise_standard(
    standard: Standard,
    *,
    actor: User,
    title: str,
    text: str,
    rules: list[str],
    effective_from: date,
    reason: str,
) -> Standard:
    """Publish a new version of ``standard``: the old version ends the day before."""
    _require_editor(actor, f"修订标准 {standard.code}")
    if not reason.strip():
        raise StandardError(
            ErrorCode.REASON_REQUIRED, f"修订标准 {standard.code}：必须填写理由", field="reason"
        )
    if effective_from <= standard.effective_from:
        raise StandardError(
            ErrorCode.EFFECTIVE_DATE_INVALID,
            f"标准 {standard.code}：新版本生效日期必须晚于 {standard.effective_from}",
            field="effective_from",
        )
    _check_rules(standard.code, rules)
    with transaction.atomic():
        current = Standard.objects.select_for_update().get(pk=standard.pk)
        latest = Standard.objects.filter(code=current.code).order_by("-version").first()
        if latest is None or latest.pk != current.pk:
            raise StandardError(ErrorCode.NOT_LATEST, f"标准 {standard.code}：只能修订最新版本")
        if current.is_abolished:
            raise StandardError(
                ErrorCode.ABOLISHED,
                f"标准 {standard.code} 已于 {current.abolished_on} 废除，不能再修订",
            )
        current.effective_to = effective_from.fromordinal(effective_from.toordinal() - 1)
        current.save(update_fields=["effective_to"])
        new = Standard.objects.create(
            code=current.code,
            version=current.version + 1,
            title=title,
            category=current.category,
            text=text,
            effective_from=effective_from,
            # a bureau's revision of a pack standard is no longer the pack's text
            source=BUREAU_REVISION if current.source == PACK_SOURCE else current.source,
            updated_by=actor.get_username(),
            updated_at=timezone.now(),
            reason=reason.strip(),
        )
        new.rules.set(Rule.objects.filter(code__in=rules))
        record_audit(
            actor, AuditAction.STANDARD_REVISE, target_type="standard", target_id=current.code,
            details={"version": new.version, "reason": reason.strip(), "rules": rules},
        )  # fmt: skip
    return new


def abolish_standard(standard: Standard, *, actor: User, on: date, reason: str) -> Standard:
    """废除 ``standard`` from ``on``: its last version stops being in force the day before, and
    says when, by whom and why. Its versions stay, as the findings and pages cite them; an
    abolished standard is not revised again."""
    _require_editor(actor, f"废除标准 {standard.code}")
    if not reason.strip():
        raise StandardError(
            ErrorCode.REASON_REQUIRED, f"废除标准 {standard.code}：必须填写理由", field="reason"
        )
    with transaction.atomic():
        current = Standard.objects.select_for_update().get(pk=standard.pk)
        latest = Standard.objects.filter(code=current.code).order_by("-version").first()
        if latest is None or latest.pk != current.pk:
            raise StandardError(ErrorCode.NOT_LATEST, f"标准 {standard.code}：只能废除最新版本")
        if current.is_abolished:
            raise StandardError(
                ErrorCode.ABOLISHED, f"标准 {standard.code} 已于 {current.abolished_on} 废除"
            )
        if on <= current.effective_from:
            raise StandardError(
                ErrorCode.EFFECTIVE_DATE_INVALID,
                f"废除标准 {standard.code}：废除日期必须晚于第{current.version}版的生效日期 "
                f"{current.effective_from}",
                field="abolished_on",
            )
        _abolish(current, actor=actor, on=on, reason=reason.strip())
        record_audit(
            actor, AuditAction.STANDARD_ABOLISH, target_type="standard", target_id=current.code,
            details={"version": current.version, "on": on.isoformat(), "reason": reason.strip()},
        )  # fmt: skip
    return current


def _abolish(row: Standard, *, actor: User, on: date, reason: str) -> None:
    row.effective_to = on - timedelta(days=1)
    row.abolished_on = on
    row.abolished_by = actor.get_username()
    row.abolished_at = timezone.now()
    row.abolition_reason = reason
    row.save(
        update_fields=[
            "effective_to", "abolished_on", "abolished_by", "abolished_at", "abolition_reason"
        ]
    )  # fmt: skip
