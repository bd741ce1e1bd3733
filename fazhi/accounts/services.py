"""accounts services: create or reset a user for an officer, change a user's role, unit and
officer, and log the reveal of a masked identifier (all audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.accounts.models import Profile, Role
from fazhi.core.services import record_audit
from fazhi.records.models import Officer, Unit

# Roles that may reveal 身份证号 and phone numbers (accounts.unmask_pii) from the start; any other
# user gets the permission only when an administrator grants it in the admin.
UNMASK_ROLES = frozenset({Role.LEGAL_BRIGADE, Role.ADMIN})
# Roles that sign in to the admin (数据管理).
STAFF_ROLES = frozenset({Role.LEGAL_BRIGADE, Role.ADMIN})


def provision_user(
    *,
    actor: str,
    username: str,
    password: str,
    role: Role,
    officer: Officer | None = None,
    unit: Unit | None = None,
    display_name: str = "",
    superuser: bool = False,
) -> User:
    """Create the user (or reset its password and role) for ``officer`` in ``role``."""
    user_model: type[User] = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(username=username)
        user.set_password(password)
        user.first_name = display_name or (officer.name if officer else username)
        user.is_staff = superuser or role in STAFF_ROLES
        user.is_superuser = superuser
        user.save()
        previous_role = Profile.objects.filter(user=user).values_list("role", flat=True).first()
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "officer": officer,
                "unit": unit or (officer.unit if officer else None),
                "role": role,
            },
        )
        _follow_role(user, role, previous_role)
        record_audit(
            actor, "account.create" if created else "account.reset", target_type="user",
            target_id=username, details={"role": role, "officer": officer.pk if officer else None},
        )  # fmt: skip
    return user


def _follow_role(user: User, role: str, previous_role: str | None) -> None:
    """What comes with a role: the admin for 法制大队 and 管理员 (superusers keep it), and the
    unmask permission, which goes when the user moves out of a role that had it."""
    staff = user.is_superuser or role in STAFF_ROLES
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    unmask = Permission.objects.get(content_type__app_label="accounts", codename="unmask_pii")
    if role in UNMASK_ROLES:
        user.user_permissions.add(unmask)
    elif previous_role in UNMASK_ROLES:
        user.user_permissions.remove(unmask)


def can_change_profiles(user: Any) -> bool:
    """Only superusers and 管理员 give users their role, unit and officer: a role decides what a
    user sees (data scope) and may do, so 法制大队 staff cannot hand one out."""
    if user is None or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    return Profile.objects.filter(user=user, role=Role.ADMIN).exists()


def change_profile(
    user: User,
    *,
    actor: str,
    role: str,
    unit: Unit | None,
    officer: Officer | None,
    reason: str,
    remote_addr: str = "",
) -> Profile:
    """Give ``user`` a role, unit and officer (creating the profile if the user has none), with
    the admin and unmask permission that come with the role. ``actor`` (a username) must be a
    superuser or 管理员; the reason is required and kept in the audit row."""
    acting = get_user_model().objects.filter(username=actor).first()
    if not can_change_profiles(acting):
        raise PermissionDenied(f"用户 {actor} 无权修改用户角色（仅超级管理员和管理员）")
    reason = reason.strip()
    if not reason:
        raise ValidationError(f"修改用户 {user.get_username()} 的角色：必须填写修改理由")
    if role not in Role.values:
        raise ValidationError(f"修改用户 {user.get_username()} 的角色：角色“{role}”无效")
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        profile = Profile.objects.filter(user=user).first()
        before = _profile_state(profile)
        if profile is None:
            profile = Profile(user=user)
        profile.role, profile.unit, profile.officer = role, unit, officer
        after = _profile_state(profile)
        if after == before:
            return profile
        profile.save()
        _follow_role(user, role, before["role"] if before else None)
        record_audit(
            actor, "account.profile", target_type="user", target_id=user.get_username(),
            remote_addr=remote_addr, details={"reason": reason, "before": before, "after": after},
        )  # fmt: skip
    return profile


def _profile_state(profile: Profile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {"role": profile.role, "unit": profile.unit_id, "officer": profile.officer_id}


def record_unmask(
    *, actor: str, target_type: str, target_id: str, field: str, remote_addr: str
) -> None:
    """Log that ``actor`` revealed the clear value of ``target_type`` ``target_id``.``field``."""
    with transaction.atomic():
        record_audit(
            actor, "pii.unmask", target_type=target_type, target_id=target_id,
            remote_addr=remote_addr, details={"field": field},
        )  # fmt: skip
