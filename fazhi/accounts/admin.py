"""Accounts in the admin (数据管理): every change goes through ``accounts.services`` (superusers and
管理员 only, with a reason, audited), never by saving a row.

- 用户: created with ``create_account``, changed with ``change_account``, password set with
  ``set_account_password``; never deleted (deactivate instead: audit rows name the user).
- 用户角色: a role, unit and officer are given with ``change_profile``.
- 登录失败与锁定: django-axes' counts under a Chinese name; ``lift_lockouts`` lifts one early.
- Groups are not used (roles are), and django-axes' own English pages are not shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import axes.admin  # noqa: F401  (registers its pages now, so that they can be taken off below)
import django.contrib.auth.admin as auth_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from fazhi.accounts.models import LoginLockout, Profile, Role
from fazhi.accounts.services import (
    can_manage_accounts,
    change_account,
    change_profile,
    create_account,
    lift_lockouts,
    set_account_password,
)
from fazhi.core.adminkit import ReadOnlyAdmin, time_column
from fazhi.core.services import client_addr, signed_in_user
from fazhi.records.models import Officer, Unit

for _model in (Group, User, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def _reason_field(label: str = "修改理由") -> forms.CharField:
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": 2}), help_text="记入审计日志"
    )


class AccountAdminMixin:
    """Add and change for account administrators only; delete for no one."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        allowed = super().has_add_permission(request, *args)  # type: ignore[misc]
        return bool(allowed) and can_manage_accounts(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]
        return bool(allowed) and can_manage_accounts(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- 用户角色 -------------------------------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    reason = _reason_field()

    class Meta:
        model = Profile
        fields = ["user", "role", "unit", "officer"]


@admin.register(Profile)
class ProfileAdmin(AccountAdminMixin, admin.ModelAdmin):
    form = ProfileForm
    list_display = ["user", "role", "unit", "officer"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name"]
    raw_id_fields = ["user", "officer", "unit"]
    fields = ["user", "role", "unit", "officer", "reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Profile, form: Any, change: bool) -> None:
        data = form.cleaned_data
        profile = change_profile(
            obj.user, actor=signed_in_user(request), role=data["role"], unit=data["unit"],
            officer=data["officer"], reason=data["reason"], remote_addr=client_addr(request),
        )  # fmt: skip
        obj.pk = profile.pk  # the admin's message and redirect after an add need it


# --- 用户 ----------------------------------------------------------------------------------------

# The request of the password page, for the form's save() (Django's view builds the form itself).
_password_request: ContextVar[HttpRequest | None] = ContextVar("_password_request", default=None)


@contextmanager
def _acting(request: HttpRequest) -> Iterator[None]:
    token = _password_request.set(request)
    try:
        yield
    finally:
        _password_request.reset(token)


class AccountCreationForm(AdminUserCreationForm):
    first_name = forms.CharField(label="姓名", max_length=150, required=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    unit = forms.ModelChoiceField(
        Unit.objects.order_by("id"), label="单位", required=False,
        help_text="不填则为所选民警的单位",
    )  # fmt: skip
    officer = forms.CharField(label="民警编号", required=False, help_text="该用户对应的民警")
    reason = _reason_field("创建理由")

    def clean_officer(self) -> Officer | None:
        code = str(self.cleaned_data.get("officer") or "").strip()
        if not code:
            return None
        officer = Officer.objects.filter(pk=code).first()
        if officer is None:
            raise forms.ValidationError(f"民警编号 {code} 不存在")
        return officer


DEFAULT_ACTIONS = {"add": "增加", "change": "修改", "view": "查看"}


class PermissionField(forms.ModelMultipleChoiceField):
    """The permissions that mean something here, named in Chinese: Django stores the default ones
    as "Can add …" in English, and grants for pages the admin does not show, or to delete (no
    page deletes), would do nothing."""

    def label_from_instance(self, obj: Any) -> str:
        action = DEFAULT_ACTIONS.get(obj.codename.split("_", 1)[0])
        model = obj.content_type.model_class()
        if action is None or model is None:
            return str(obj.name)
        return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {action}"


def _meaningful_permissions() -> QuerySet[Permission]:
    shown = ContentType.objects.get_for_models(*admin.site._registry, for_concrete_models=False)
    default = Q(content_type__in=shown.values()) & Q(codename__regex=r"^(add|change|view)_")
    custom = ~Q(codename__regex=r"^(add|change|delete|view)_")
    return Permission.objects.filter(default | custom).select_related("content_type")


class AccountChangeForm(UserChangeForm):
    reason = _reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user_permissions"] = PermissionField(
            _meaningful_permissions().order_by("content_type__app_label", "codename"),
            label="用户权限", required=False, widget=FilteredSelectMultiple("权限", False),
            help_text="超级管理员自动拥有全部权限；法制大队和管理员查看完整号码的权限随角色授予。",
        )  # fmt: skip


class PasswordForm(AdminPasswordChangeForm):
    # Django's warning is an untranslated literal; the list's id is what its script looks for
    usable_password_help_text = (
        "是否允许该用户用密码登录。"
        '<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
        "禁用后，该用户当前的密码将丢失。</li></ul>"
    )
    reason = _reason_field("重设理由")

    def save(self, commit: bool = True) -> Any:
        request = _password_request.get()
        if request is None:  # only the admin's password page builds this form
            raise PermissionDenied("只能在数据管理的重设密码页面使用")
        usable = self.cleaned_data["set_usable_password"]
        self.user = set_account_password(
            self.user, actor=signed_in_user(request),
            password=self.cleaned_data["password1"] if usable else None,
            reason=self.cleaned_data["reason"], remote_addr=client_addr(request),
        )  # fmt: skip
        return self.user


@admin.register(User)
class AccountAdmin(AccountAdminMixin, auth_admin.UserAdmin):
    add_form_template = "admin/accounts/account_add_form.html"
    form = AccountChangeForm
    add_form = AccountCreationForm
    change_password_form = PasswordForm
    last_login_time = time_column("last_login", "上次登录")
    joined = time_column("date_joined", "创建时间")
    list_display = [
        "username", "first_name", "is_active", "is_staff", "is_superuser", "last_login_time",
    ]  # fmt: skip
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name"]
    filter_horizontal = ["user_permissions"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name",)}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")}),
        ("重要日期", {"fields": ("last_login_time", "joined")}),
        ("修改理由", {"fields": ("reason",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username", "first_name", "usable_password", "password1", "password2",
                    "role", "unit", "officer", "reason",
                ),
            },
        ),
    )  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # usernames are never renamed (audit rows name them); the admin follows the role
        return ["username", "is_staff", "last_login_time", "joined"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        actor, addr = signed_in_user(request), client_addr(request)
        if not change:
            usable = data.get("set_usable_password")
            user = create_account(
                actor=actor, username=data["username"],
                password=data["password1"] if usable else None, role=data["role"],
                unit=data["unit"], officer=data["officer"], display_name=data["first_name"],
                reason=data["reason"], remote_addr=addr,
            )  # fmt: skip
            obj.pk = user.pk
            return
        change_account(
            obj, actor=actor, display_name=data["first_name"], is_active=data["is_active"],
            is_superuser=data["is_superuser"], permissions=data["user_permissions"],
            reason=data["reason"], remote_addr=addr,
        )  # fmt: skip

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the service set the permissions

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        with _acting(request):
            return super().user_change_password(request, id, form_url)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # a rule only the service knows (no self-demotion): say it, change nothing
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())


# --- 登录失败与锁定 -------------------------------------------------------------------------------


class LiftForm(forms.Form):
    reason = _reason_field("解除理由")


@admin.register(LoginLockout)
class LoginLockoutAdmin(ReadOnlyAdmin):
    last_attempt = time_column("attempt_time", "最近失败时间")
    list_display = ["who", "address", "failures", "locked", "last_attempt"]
    search_fields = ["username", "ip_address"]
    fields = readonly_fields = ("who", "address", "failures", "locked", "last_attempt", "agent")
    actions = ["lift"]

    @admin.display(description="用户名")
    def who(self, obj: LoginLockout) -> str:
        return obj.username or "-"

    @admin.display(description="来源地址")
    def address(self, obj: LoginLockout) -> str:
        return obj.ip_address or "-"

    @admin.display(description="连续失败次数")
    def failures(self, obj: LoginLockout) -> int:
        return obj.failures_since_start

    @admin.display(description="已锁定", boolean=True)
    def locked(self, obj: LoginLockout) -> bool:
        return bool(obj.failures_since_start >= settings.AXES_FAILURE_LIMIT)

    @admin.display(description="浏览器")
    def agent(self, obj: LoginLockout) -> str:
        return obj.user_agent

    @admin.action(description="解除锁定（清除失败次数）")
    def lift(self, request: HttpRequest, queryset: QuerySet[LoginLockout]) -> HttpResponse | None:
        if not can_manage_accounts(request.user):
            raise PermissionDenied("只有超级管理员和管理员可以解除登录锁定")
        form = LiftForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = lift_lockouts(
                list(queryset), actor=signed_in_user(request),
                reason=form.cleaned_data["reason"], remote_addr=client_addr(request),
            )  # fmt: skip
            messages.success(request, f"已解除{count}条登录锁定。")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "解除登录锁定",
            "opts": self.opts,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/loginlockout/lift.html", context)
