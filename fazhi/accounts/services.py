"""accounts services: create or reset a user for an officer (audited)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fazhi.accounts.models import Profile, Role
from fazhi.core.services import record_audit
from fazhi.records.models import Officer, Unit


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
) -> AbstractBaseUser:
    """Create the user (or reset its password and role) for ``officer`` in ``role``."""
    user_model = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(username=username)
        user.set_password(password)
        user.first_name = display_name or (officer.name if officer else username)
        user.is_staff = superuser or role in (Role.LEGAL_BRIGADE, Role.ADMIN)
        user.is_superuser = superuser
        user.save()
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "officer": officer,
                "unit": unit or (officer.unit if officer else None),
                "role": role,
            },
        )
        record_audit(
            actor, "account.create" if created else "account.reset", target_type="user",
            target_id=username, details={"role": role, "officer": officer.pk if officer else None},
        )  # fmt: skip
    return user
