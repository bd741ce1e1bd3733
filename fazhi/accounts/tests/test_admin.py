"""A user's role, unit and officer change only through ``change_profile``: superusers and 管理员,
with a reason, audited; from the admin and from a shell alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from fazhi.accounts.models import Profile, Role
from fazhi.accounts.services import change_profile
from fazhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(bureau: Any, name: str) -> Client:
    client = Client(REMOTE_ADDR="10.4.4.4")
    client.force_login(bureau.users[name])
    return client


def _change_url(bureau: Any, name: str) -> str:
    return f"/admin/accounts/profile/{bureau.users[name].profile.pk}/change/"


def _zhang_to_legal_officer(reason: str) -> dict[str, str]:
    return {"role": Role.LEGAL_OFFICER, "unit": "U-CN", "officer": "O-001", "reason": reason}


def test_a_role_changed_in_the_admin_is_audited_with_the_reason_and_the_actor(bureau: Any) -> None:
    # when the superuser makes zhang (民警) 城南's 法制员, giving a reason
    response = _client(bureau, "admin").post(
        _change_url(bureau, "zhang"), _zhang_to_legal_officer("所务会任命为法制员")
    )
    # then the profile is changed and one audit row says who, why and what was before
    assert response.status_code == 302
    assert Profile.objects.get(user__username="zhang").role == Role.LEGAL_OFFICER
    event = AuditEvent.objects.get(action="account.profile")
    assert (event.actor, event.target_type, event.target_id, event.remote_addr) == (
        "admin", "user", "zhang", "10.4.4.4",
    )  # fmt: skip
    assert event.details["reason"] == "所务会任命为法制员"
    assert event.details["before"] == {"role": "民警", "unit": "U-CN", "officer": "O-001"}
    assert event.details["after"]["role"] == "法制员"


def test_a_role_change_without_a_reason_is_refused_in_the_admin(bureau: Any) -> None:
    # when the superuser changes zhang's role without a reason
    response = _client(bureau, "admin").post(
        _change_url(bureau, "zhang"), _zhang_to_legal_officer("")
    )
    # then the form comes back with the reason marked, and nothing changed
    assert response.status_code == 200
    assert "修改理由" in response.content.decode()
    assert response.context["adminform"].form.errors["reason"]
    assert Profile.objects.get(user__username="zhang").role == Role.OFFICER
    assert not AuditEvent.objects.filter(action="account.profile").exists()


def test_a_staff_user_who_is_not_an_administrator_cannot_change_roles(bureau: Any) -> None:
    # given zhou (法制大队, staff, not a superuser) holding the admin's change permission
    zhou = bureau.users["zhou"]
    zhou.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="change_profile")
    )
    # when he makes himself 管理员 in the admin
    response = _client(bureau, "zhou").post(
        _change_url(bureau, "zhou"),
        {"role": Role.ADMIN, "unit": "U-FZ", "officer": "O-008", "reason": "我自己"},
    )
    # then he is refused and his role is unchanged
    assert response.status_code == 403
    assert Profile.objects.get(user__username="zhou").role == Role.LEGAL_BRIGADE
    assert not AuditEvent.objects.filter(action="account.profile").exists()


def test_a_profile_cannot_be_deleted_in_the_admin(bureau: Any) -> None:
    client = _client(bureau, "admin")
    url = _change_url(bureau, "zhang").replace("/change/", "/delete/")
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Profile.objects.filter(user__username="zhang").exists()


def test_change_profile_refuses_a_wrong_actor_even_from_a_shell(bureau: Any) -> None:
    zhang = bureau.users["zhang"]
    args = {"role": Role.CHIEF, "unit": bureau.units["south"], "officer": None, "reason": "调整"}
    # when 法制大队 (zhou), a 局领导 (wu) or an unknown name change zhang's role
    # then each is refused in Chinese
    for actor in ("zhou", "wu", "nobody"):
        with pytest.raises(PermissionDenied, match="无权修改用户角色"):
            change_profile(zhang, actor=actor, **args)
    # and a missing reason or an unknown role are refused even for the superuser
    with pytest.raises(ValidationError, match="理由"):
        change_profile(zhang, actor="admin", **{**args, "reason": " "})
    with pytest.raises(ValidationError, match="角色“队长”无效"):
        change_profile(zhang, actor="admin", **{**args, "role": "队长"})
    assert Profile.objects.get(user=zhang).role == Role.OFFICER
    assert not AuditEvent.objects.filter(action="account.profile").exists()


def test_a_non_superuser_administrator_may_change_roles(bureau: Any) -> None:
    # given qian, 管理员 without being a superuser
    from fazhi.accounts.services import provision_user

    provision_user(actor="test", username="qian", password=bureau.password, role=Role.ADMIN)
    # when qian changes zhang's role from a shell
    change_profile(
        bureau.users["zhang"], actor="qian", role=Role.CHIEF, unit=bureau.units["south"],
        officer=bureau.officers["zhang"], reason="任命",
    )  # fmt: skip
    # then it is done and audited under his name
    assert Profile.objects.get(user__username="zhang").role == Role.CHIEF
    assert AuditEvent.objects.get(action="account.profile").actor == "qian"


def test_leaving_the_legal_brigade_takes_the_admin_and_unmask_away(bureau: Any) -> None:
    # when zhou moves from 法制大队 to 城南's 民警
    change_profile(
        bureau.users["zhou"], actor="admin", role=Role.OFFICER, unit=bureau.units["south"],
        officer=bureau.officers["zhou"], reason="调任城南派出所",
    )  # fmt: skip
    # then he no longer signs in to the admin nor reveals numbers
    zhou = get_user_model().objects.get(username="zhou")  # fresh permission cache
    assert not zhou.is_staff
    assert not zhou.has_perm("accounts.unmask_pii")


def test_a_role_given_to_a_new_user_in_the_admin_is_audited(bureau: Any) -> None:
    # given qian, a user created without a role
    qian = get_user_model().objects.create_user("qian")
    # when the superuser gives him 法制大队 in the admin
    response = _client(bureau, "admin").post(
        "/admin/accounts/profile/add/",
        {"user": qian.pk, "role": Role.LEGAL_BRIGADE, "unit": "U-FZ", "reason": "新调入法制大队"},
    )
    # then he has the role, the admin and the unmask permission, and the audit row says so
    assert response.status_code == 302
    qian = get_user_model().objects.get(pk=qian.pk)
    assert (qian.profile.role, qian.profile.unit_id, qian.is_staff) == ("法制大队", "U-FZ", True)
    assert qian.has_perm("accounts.unmask_pii")
    event = AuditEvent.objects.get(action="account.profile", target_id="qian")
    assert (event.actor, event.details["before"]) == ("admin", None)
