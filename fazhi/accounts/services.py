"""accounts services: create or reset a user for an officer; the administration of accounts
(create a user, change his role, unit and officer, his access, his password, lift a sign-in
lockout: superusers and 管理员 only, each with a reason); and the log of a revealed identifier.
Every one writes its audit row in the transaction of the change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.accounts.error_codes import ErrorCode
from fazhi.accounts.models import Profile, Role
from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.services import record_audit
from fazhi.core.services import system_user as system_user  # re-exported: accounts' API
from fazhi.records.models import Officer, Unit

# Roles that may reveal 身份证号 and phone numbers (accounts.unmask_pii) from the start; any other
# user gets the permission only when an administrator grants it in the admin.
UNMASK_ROLES = frozenset({Role.LEGAL_BRIGADE, Role.ADMIN})
# Roles that sign in to the admin (数据管理).
STAFF_ROLES = frozenset({Role.LEGAL_BRIGADE, Role.ADMIN})


# the stubs type ValidationError.code/.message as str; ours are an ErrorCode (a str) and a str
class AccountError(DomainError, ValidationError):  # type: ignore[misc]
    """A refused change to an account, with a Chinese message naming the user. Still a
    ``ValidationError`` (what these services raised before), which the admin catches to say it
    on the form."""


def provision_user(
    *,
    actor: User,
    username: str,
    password: str | None,
    role: Role,
    officer: Officer | None = None,
    unit: Unit | None = None,
    display_name: str = "",
    superuser: bool = False,
) -> User:
    """Create the user (or reset its password and role) for ``officer`` in ``role``.

    ``password=None``: no password sign-in until one is set (as ``create_account``), for the
    officers' accounts a set-up script makes to act through the services (the demo's history)."""
    user_model: type[User] = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(username=username)
        if password is None:
            user.set_unusable_password()
        else:
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
            actor,
            AuditAction.ACCOUNT_CREATE if created else AuditAction.ACCOUNT_RESET,
            target_type="user",
            target_id=username,
            details={"role": role, "officer": officer.pk if officer else None},
        )
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


def can_manage_accounts(user: Any) -> bool:
    """Only superusers and 管理员 administer accounts: a role decides what a user sees (data
    scope) and may do, so 法制大队 staff, although they use the admin, cannot hand one out."""
    if user is None or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    return Profile.objects.filter(user=user, role=Role.ADMIN).exists()


def _account_admin(actor: User, doing: str) -> User:
    if not can_manage_accounts(actor):
        raise PermissionDenied(f"用户 {actor.get_username()} 无权{doing}（仅超级管理员和管理员）")
    return actor


def _need_reason(reason: str, doing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise AccountError(ErrorCode.REASON_REQUIRED, f"{doing}：必须填写理由", field="reason")
    return reason


def change_profile(
    user: User,
    *,
    actor: User,
    role: str,
    unit: Unit | None,
    officer: Officer | None,
    reason: str,
    remote_addr: str = "",
) -> Profile:
    """Give ``user`` a role, unit and officer (creating the profile if the user has none), with
    the admin and unmask permission that come with the role. ``actor`` (a username) must be a
    superuser or 管理员; the reason is required and kept in the audit row."""
    _account_admin(actor, "修改用户角色")
    reason = _need_reason(reason, f"修改用户 {user.get_username()} 的角色")
    if role not in Role.values:
        raise AccountError(
            ErrorCode.ROLE_INVALID,
            f"修改用户 {user.get_username()} 的角色：角色“{role}”无效",
            field="role",
        )
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
            actor, AuditAction.ACCOUNT_PROFILE, target_type="user", target_id=user.get_username(),
            remote_addr=remote_addr, details={"reason": reason, "before": before, "after": after},
        )  # fmt: skip
    return profile


def _profile_state(profile: Profile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {"role": profile.role, "unit": profile.unit_id, "officer": profile.officer_id}


def create_account(
    *,
    actor: User,
    username: str,
    password: str | None,
    role: str,
    unit: Unit | None,
    officer: Officer | None,
    reason: str,
    display_name: str = "",
    remote_addr: str = "",
) -> User:
    """Create ``username`` in ``role`` (``password`` None: no password sign-in until one is
    set). Unlike ``provision_user`` (set-up scripts) it refuses an existing username."""
    _account_admin(actor, "创建用户")
    reason = _need_reason(reason, f"创建用户 {username}")
    if role not in Role.values:
        raise AccountError(
            ErrorCode.ROLE_INVALID, f"创建用户 {username}：角色“{role}”无效", field="role"
        )
    user_model: type[User] = get_user_model()
    with transaction.atomic():
        if user_model.objects.filter(username=username).exists():
            raise AccountError(
                ErrorCode.USERNAME_TAKEN, f"用户名 {username} 已存在", field="username"
            )
        user = user_model(
            username=username, first_name=display_name or (officer.name if officer else username)
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        unit = unit or (officer.unit if officer else None)
        profile = Profile.objects.create(user=user, role=role, unit=unit, officer=officer)
        _follow_role(user, role, None)
        record_audit(
            actor, AuditAction.ACCOUNT_CREATE, target_type="user", target_id=username,
            remote_addr=remote_addr,
            details={"reason": reason, "profile": _profile_state(profile),
                     "password": bool(password)},
        )  # fmt: skip
    return user


def change_account(
    user: User,
    *,
    actor: User,
    display_name: str,
    is_active: bool,
    is_superuser: bool,
    permissions: Iterable[Permission],
    reason: str,
    remote_addr: str = "",
) -> User:
    """Change ``user``'s name, whether he may sign in, superuser status and admin permissions.
    Only a superuser makes or unmakes superusers; no one deactivates or demotes himself (the
    bureau would be left without an administrator by a slip). The admin (``is_staff``) follows
    the role, as ``change_profile`` sets it."""
    acting = _account_admin(actor, "修改用户")
    name = user.get_username()
    reason = _need_reason(reason, f"修改用户 {name}")
    if is_superuser != user.is_superuser and not acting.is_superuser:
        raise PermissionDenied(f"修改用户 {name}：只有超级管理员可以授予或取消超级管理员")
    if acting.pk == user.pk and (not is_active or (user.is_superuser and not is_superuser)):
        raise AccountError(
            ErrorCode.SELF_LOCKOUT, f"修改用户 {name}：不能停用自己或取消自己的超级管理员"
        )
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        before = _account_state(user)
        role = Profile.objects.filter(user=user).values_list("role", flat=True).first()
        user.first_name = display_name
        user.is_active, user.is_superuser = is_active, is_superuser
        user.is_staff = is_superuser or role in STAFF_ROLES
        user.save()
        user.user_permissions.set(list(permissions))
        after = _account_state(user)
        if after != before:
            record_audit(
                actor, AuditAction.ACCOUNT_CHANGE, target_type="user", target_id=name,
                remote_addr=remote_addr,
                details={"reason": reason, "before": before, "after": after},
            )  # fmt: skip
    return user


def _account_state(user: User) -> dict[str, Any]:
    perms = user.user_permissions.values_list("content_type__app_label", "codename")
    return {
        "display_name": user.first_name,
        "is_active": user.is_active,
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "permissions": sorted(f"{app}.{code}" for app, code in perms),
    }


def set_account_password(
    user: User, *, actor: User, password: str | None, reason: str, remote_addr: str = ""
) -> User:
    """Set ``user``'s password (None: password sign-in off). The audit row never holds it."""
    _account_admin(actor, "重设密码")
    reason = _need_reason(reason, f"重设用户 {user.get_username()} 的密码")
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
        record_audit(
            actor, AuditAction.ACCOUNT_PASSWORD, target_type="user", target_id=user.get_username(),
            remote_addr=remote_addr, details={"reason": reason, "usable": bool(password)},
        )  # fmt: skip
    return user


def lift_lockouts(
    attempts: Iterable[AccessAttempt], *, actor: User, reason: str, remote_addr: str = ""
) -> int:
    """Lift sign-in lockouts early by deleting django-axes' failure counts, one audit row
    (``auth.unlock``) per username and address. Returns how many were lifted."""
    _account_admin(actor, "解除登录锁定")
    reason = _need_reason(reason, "解除登录锁定")
    lifted = 0
    with transaction.atomic():
        for attempt in AccessAttempt.objects.select_for_update().filter(
            pk__in=[a.pk for a in attempts]
        ):
            record_audit(
                actor,
                AuditAction.AUTH_UNLOCK,
                target_type="user",
                target_id=attempt.username or "",
                remote_addr=remote_addr,
                details={
                    "reason": reason,
                    "address": attempt.ip_address,
                    "failures": attempt.failures_since_start,
                },
            )
            attempt.delete()
            lifted += 1
    return lifted


def record_unmask(
    *, actor: User, target_type: str, target_id: str, field: str, remote_addr: str
) -> None:
    """Log that ``actor`` revealed the clear value of ``target_type`` ``target_id``.``field``."""
    with transaction.atomic():
        record_audit(
            actor, AuditAction.PII_UNMASK, target_type=target_type, target_id=target_id,
            remote_addr=remote_addr, details={"field": field},
        )  # fmt: skip
