"""A user's role, unit and officer change only through ``change_profile``: superusers and 管理员,
with a reason, audited; from the admin and from a shell alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from fazhi.accounts.error_codes import ErrorCode
from fazhi.accounts.models import Profile, Role
from fazhi.accounts.services import AccountError, change_profile, system_user
from fazhi.core.errors import DomainError
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
    # when 法制大队 (zhou), a 局领导 (wu) or a user without a role change zhang's role
    # then each is refused in Chinese
    nobody = User.objects.create(username="nobody")
    for actor in (bureau.users["zhou"], bureau.users["wu"], nobody):
        with pytest.raises(PermissionDenied, match="无权修改用户角色"):
            change_profile(zhang, actor=actor, **args)
    # and a missing reason or an unknown role are refused even for the superuser
    with pytest.raises(ValidationError, match="理由"):
        change_profile(zhang, actor=bureau.users["admin"], **{**args, "reason": " "})
    with pytest.raises(ValidationError, match="角色“队长”无效"):
        change_profile(zhang, actor=bureau.users["admin"], **{**args, "role": "队长"})
    assert Profile.objects.get(user=zhang).role == Role.OFFICER
    assert not AuditEvent.objects.filter(action="account.profile").exists()


def test_a_non_superuser_administrator_may_change_roles(bureau: Any) -> None:
    # given qian, 管理员 without being a superuser
    from fazhi.accounts.services import provision_user

    qian = provision_user(
        actor=system_user(), username="qian", password=bureau.password, role=Role.ADMIN
    )
    # when qian changes zhang's role from a shell
    change_profile(
        bureau.users["zhang"], actor=qian, role=Role.CHIEF, unit=bureau.units["south"],
        officer=bureau.officers["zhang"], reason="任命",
    )  # fmt: skip
    # then it is done and audited under his name
    assert Profile.objects.get(user__username="zhang").role == Role.CHIEF
    assert AuditEvent.objects.get(action="account.profile").actor == "qian"


def test_leaving_the_legal_brigade_takes_the_admin_and_unmask_away(bureau: Any) -> None:
    # when zhou moves from 法制大队 to 城南's 民警
    change_profile(
        bureau.users["zhou"],
        actor=bureau.users["admin"],
        role=Role.OFFICER,
        unit=bureau.units["south"],
        officer=bureau.officers["zhou"],
        reason="调任城南派出所",
    )
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


# --- users, their passwords and sign-in lockouts ------------------------------------------------


def test_a_user_created_in_the_admin_gets_his_role_and_an_audit_row(bureau: Any) -> None:
    # when the superuser creates qian, 城南's 法制员, giving a reason
    response = _client(bureau, "admin").post(
        "/admin/auth/user/add/",
        {"username": "qian", "first_name": "钱明", "usable_password": "true",
         "password1": "Qian-Mima-2026!", "password2": "Qian-Mima-2026!",
         "role": Role.LEGAL_OFFICER, "unit": "U-CN", "officer": "", "reason": "新任法制员"},
    )  # fmt: skip
    # then qian exists with the role and signs in with that password
    assert response.status_code == 302
    qian = get_user_model().objects.get(username="qian")
    assert (qian.first_name, qian.profile.role, qian.profile.unit_id) == ("钱明", "法制员", "U-CN")
    assert qian.check_password("Qian-Mima-2026!")
    assert not qian.is_staff
    # and the audit row says who created him and why, without the password
    event = AuditEvent.objects.get(action="account.create", target_id="qian")
    assert (event.actor, event.remote_addr, event.details["reason"]) == (
        "admin", "10.4.4.4", "新任法制员",
    )  # fmt: skip
    assert "Qian-Mima-2026!" not in str(event.details)


def _user_change(bureau: Any, name: str, **changes: Any) -> dict[str, Any]:
    user = bureau.users[name]
    return {
        "first_name": user.first_name, "is_active": "on",
        "user_permissions": list(user.user_permissions.values_list("pk", flat=True)),
        "reason": "", **changes,
    }  # fmt: skip


def test_a_permission_granted_in_the_admin_is_audited(bureau: Any) -> None:
    unmask = Permission.objects.get(content_type__app_label="accounts", codename="unmask_pii")
    zhao = bureau.users["zhao"]
    # given the user's page offers the permissions in Chinese (Django stores "Can add …")
    page = _client(bureau, "admin").get(f"/admin/auth/user/{zhao.pk}/change/").content.decode()
    assert "查看完整身份证号和电话号码" in page
    assert "执法标准 | 修改" in page
    assert "Can add" not in page
    # when the superuser lets zhao reveal numbers, giving a reason
    response = _client(bureau, "admin").post(
        f"/admin/auth/user/{zhao.pk}/change/",
        _user_change(bureau, "zhao", user_permissions=[unmask.pk], reason="办理专案需要"),
    )
    # then zhao has the permission, and the audit row has before, after and the reason
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=zhao.pk).has_perm("accounts.unmask_pii")
    event = AuditEvent.objects.get(action="account.change", target_id="zhao")
    assert (event.actor, event.details["reason"]) == ("admin", "办理专案需要")
    assert event.details["before"]["permissions"] == []
    assert event.details["after"]["permissions"] == ["accounts.unmask_pii"]


def test_a_user_change_without_a_reason_is_refused_with_a_chinese_page(bureau: Any) -> None:
    zhao = bureau.users["zhao"]
    # when the superuser deactivates zhao without a reason
    response = _client(bureau, "admin").post(
        f"/admin/auth/user/{zhao.pk}/change/", _user_change(bureau, "zhao", is_active="")
    )
    # then the form comes back, titled in Chinese, and zhao still signs in
    assert response.status_code == 200
    assert "<title>错误：" in response.content.decode()
    assert "Error:" not in response.content.decode()
    assert get_user_model().objects.get(pk=zhao.pk).is_active
    assert not AuditEvent.objects.filter(action="account.change").exists()


def test_a_staff_user_with_the_change_permission_cannot_make_a_superuser(bureau: Any) -> None:
    # given zhou (法制大队, staff, not a superuser) holding the admin's user change permission
    bureau.users["zhou"].user_permissions.add(
        Permission.objects.get(content_type__app_label="auth", codename="change_user")
    )
    zhang = bureau.users["zhang"]
    # when he makes zhang a superuser in the admin
    response = _client(bureau, "zhou").post(
        f"/admin/auth/user/{zhang.pk}/change/",
        _user_change(bureau, "zhang", is_superuser="on", reason="方便工作"),
    )
    # then he is refused, and zhang is as he was
    assert response.status_code == 403
    assert not get_user_model().objects.get(pk=zhang.pk).is_superuser
    assert not AuditEvent.objects.filter(action="account.change").exists()


def test_a_password_set_in_the_admin_is_audited_without_the_password(bureau: Any) -> None:
    zhang = bureau.users["zhang"]
    # when the superuser sets zhang's password, giving a reason
    response = _client(bureau, "admin").post(
        f"/admin/auth/user/{zhang.pk}/password/",
        {"password1": "Zhang-Xin-2026!", "password2": "Zhang-Xin-2026!", "reason": "忘记密码"},
    )
    # then zhang signs in with it, and the audit row has the reason but not the password
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=zhang.pk).check_password("Zhang-Xin-2026!")
    event = AuditEvent.objects.get(action="account.password", target_id="zhang")
    assert event.details == {"reason": "忘记密码", "usable": True}


def test_a_user_cannot_be_deleted_in_the_admin(bureau: Any) -> None:
    zhang = bureau.users["zhang"]
    response = _client(bureau, "admin").post(
        f"/admin/auth/user/{zhang.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert get_user_model().objects.filter(pk=zhang.pk).exists()


def test_no_one_demotes_himself_and_only_superusers_make_superusers(bureau: Any) -> None:
    from fazhi.accounts.services import change_account, provision_user

    admin_user = bureau.users["admin"]
    # the superuser cannot take his own superuser status or deactivate himself
    with pytest.raises(ValidationError, match="不能停用自己"):
        change_account(
            admin_user,
            actor=bureau.users["admin"],
            display_name="admin",
            is_active=True,
            is_superuser=False,
            permissions=[],
            reason="试试",
        )
    # a 管理员 who is not a superuser cannot make one
    qian = provision_user(
        actor=system_user(), username="qian", password=bureau.password, role=Role.ADMIN
    )
    with pytest.raises(PermissionDenied, match="只有超级管理员"):
        change_account(
            bureau.users["zhang"], actor=qian, display_name="张伟", is_active=True,
            is_superuser=True, permissions=[], reason="试试",
        )  # fmt: skip
    assert get_user_model().objects.get(username="admin").is_superuser


@pytest.fixture
def lockout(bureau: Any) -> Any:
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(
        username="zhang", ip_address="10.9.9.9", user_agent="Firefox", failures_since_start=5,
        get_data="", post_data="", http_accept="*/*", path_info="/login/",
    )  # fmt: skip


def test_a_lockout_is_lifted_in_the_admin_with_a_reason_and_audited(
    bureau: Any, lockout: Any
) -> None:
    from axes.models import AccessAttempt

    client = _client(bureau, "admin")
    url = "/admin/accounts/loginlockout/"
    # given the lockouts page lists zhang's lockout in Chinese
    page = client.get(url).content.decode()
    assert "zhang" in page
    assert "10.9.9.9" in page
    # when the superuser lifts it without a reason, he is asked for one and nothing happens
    chosen = {"action": "lift", "_selected_action": [lockout.pk]}
    asked = client.post(url, chosen)
    assert asked.status_code == 200
    assert "解除理由" in asked.content.decode()
    assert client.post(url, {**chosen, "apply": "1", "reason": ""}).status_code == 200
    assert AccessAttempt.objects.filter(pk=lockout.pk).exists()
    # when he gives one, the lockout is gone and the audit row says who, whom and why
    done = client.post(url, {**chosen, "apply": "1", "reason": "本人电话确认"})
    assert done.status_code == 302
    assert not AccessAttempt.objects.filter(pk=lockout.pk).exists()
    event = AuditEvent.objects.get(action="auth.unlock")
    assert (event.actor, event.target_id, event.details["reason"]) == (
        "admin",
        "zhang",
        "本人电话确认",
    )
    assert event.details["address"] == "10.9.9.9"


def test_the_admin_index_is_chinese_throughout(bureau: Any) -> None:
    # when the superuser opens the admin
    response = _client(bureau, "admin").get("/admin/")
    html = response.content.decode()
    # then the site is titled in Chinese and every section and page listed has a Chinese name
    assert response.status_code == 200
    assert "智慧法制监督平台 · 数据管理" in html
    assert "Django" not in html

    def chinese(text: str) -> bool:
        return any("\u4e00" <= ch <= "\u9fff" for ch in text)

    for app in response.context["app_list"]:
        assert chinese(str(app["name"])), app["name"]
        for model in app["models"]:
            assert chinese(str(model["name"])), (app["app_label"], model["object_name"])
    # and neither groups (unused: roles are) nor django-axes' English pages are offered
    for gone in ("/admin/auth/group/", "/admin/axes/"):
        assert gone not in html
    assert _client(bureau, "admin").get("/admin/axes/accessattempt/").status_code == 404


def test_an_account_refusal_is_a_domain_error_and_still_a_validation_error(bureau: Any) -> None:
    from fazhi.accounts.services import create_account

    # when the superuser creates a user whose name is taken
    with pytest.raises(AccountError) as refused:
        create_account(
            actor=bureau.users["admin"], username="zhang", password=None, role=Role.OFFICER,
            unit=None, officer=None, reason="新调入",
        )  # fmt: skip
    # then it is a domain error: a conflict (409) on the field username, in Chinese
    error = refused.value
    assert isinstance(error, DomainError)
    assert isinstance(error, ValidationError)
    assert (error.code, error.status, error.field) == (ErrorCode.USERNAME_TAKEN, 409, "username")
    assert error.messages == ["用户名 zhang 已存在"]
