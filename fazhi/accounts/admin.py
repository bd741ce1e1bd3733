"""Users' roles in the admin: a role, unit and officer are given only through
``accounts.services.change_profile`` (superusers and 管理员, with a reason, audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from fazhi.accounts.models import Profile
from fazhi.accounts.services import can_change_profiles, change_profile
from fazhi.core.services import client_addr


class ProfileForm(forms.ModelForm):
    reason = forms.CharField(
        label="修改理由", widget=forms.Textarea(attrs={"rows": 2}), help_text="记入审计日志"
    )

    class Meta:
        model = Profile
        fields = ["user", "role", "unit", "officer"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    form = ProfileForm
    list_display = ["user", "role", "unit", "officer"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name"]
    raw_id_fields = ["user", "officer", "unit"]
    fields = ["user", "role", "unit", "officer", "reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user"] if obj is not None else []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and can_change_profiles(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and can_change_profiles(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # a user without a role sees nothing; take the account away by deactivating the user
        return False

    def save_model(self, request: HttpRequest, obj: Profile, form: Any, change: bool) -> None:
        data = form.cleaned_data
        profile = change_profile(
            obj.user, actor=request.user.get_username(), role=data["role"], unit=data["unit"],
            officer=data["officer"], reason=data["reason"], remote_addr=client_addr(request),
        )  # fmt: skip
        obj.pk = profile.pk  # the admin's message and redirect after an add need it
