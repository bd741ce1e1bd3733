"""accounts services: create or reset a user for an officer, and log the reveal of a masked
identifier (both audited)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.db import transaction

from fazhi.accounts.models import Profile, Role
from fazhi.core.services import record_audit
from fazhi.records.models import Officer, Unit

# Roles that may reveal 身份证号 and phone numbers (accounts.unmask_pii) from the start; any other
# user gets the permission only when an administrator grants it in the admin.
UNMASK_ROLES = frozenset({Role.LEGAL_BRIGADE, Role.ADMIN})


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
        user.is_staff = superuser or role in (Role.LEGAL_BRIGADE, Role.ADMIN)
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
        unmask = Permission.objects.get(content_type__app_label="accounts", codename="unmask_pii")
        if role in UNMASK_ROLES:
            user.user_permissions.add(unmask)
        elif previous_role in UNMASK_ROLES:
            # moved out of a role that had it: the grant went with the role
            user.user_permissions.remove(unmask)
        record_audit(
            actor, "account.create" if created else "account.reset", target_type="user",
            target_id=username, details={"role": role, "officer": officer.pk if officer else None},
        )  # fmt: skip
    return user


def record_unmask(
    *, actor: str, target_type: str, target_id: str, field: str, remote_addr: str
) -> None:
    """Log that ``actor`` revealed the clear value of ``target_type`` ``target_id``.``field``."""
    with transaction.atomic():
        record_audit(
            actor, "pii.unmask", target_type=target_type, target_id=target_id,
            remote_addr=remote_addr, details={"field": field},
        )  # fmt: skip
