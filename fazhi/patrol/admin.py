"""Admin for rules (settings change only through ``change_rule``, with a reason), findings,
runs and holiday notices. Definitions come from the pack and are read-only here."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from fazhi.core.admin import ReadOnlyAdmin, UneditableAdmin
from fazhi.patrol.calendar_models import HolidayNotice, HolidayNoticeDay
from fazhi.patrol.models import Finding, PatrolRun, Rule, RuleChange
from fazhi.patrol.services import PatrolError, change_rule


class RuleSettingsForm(forms.ModelForm):
    settings_json = forms.CharField(
        label="本地标准设置（JSON，覆盖默认值）",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reason = forms.CharField(label="修改理由", widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Rule
        fields = ["enabled", "warn_only", "severity"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["settings_json"].initial = json.dumps(
            self.instance.overrides, ensure_ascii=False
        )

    def clean_settings_json(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("settings_json") or "{}"
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"不是有效的 JSON：{exc}") from None
        if not isinstance(value, dict):
            raise forms.ValidationError('应为 JSON 对象，如 {"limit": "12小时"}')
        return value


class RuleChangeInline(admin.TabularInline):
    model = RuleChange
    extra = 0
    can_delete = False
    readonly_fields = ["changed_at", "changed_by", "reason", "before", "after"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleSettingsForm
    list_display = ["code", "name", "kind", "default_severity", "severity", "enabled", "warn_only"]
    list_filter = ["kind", "enabled", "warn_only", "default_severity"]
    search_fields = ["code", "name"]
    readonly_fields = [
        "code", "pack", "name", "kind", "subject_type", "check_name", "default_severity",
        "basis", "help_text", "defaults", "overrides", "settings_changed_at",
    ]  # fmt: skip
    inlines = [RuleChangeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Rule, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            change_rule(
                Rule.objects.get(pk=obj.pk),
                actor=request.user.get_username(),
                reason=data["reason"],
                enabled=data["enabled"],
                warn_only=data["warn_only"],
                severity=data["severity"],
                settings=data["settings_json"],
            )
        except PatrolError as exc:
            messages.error(request, str(exc))


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["rule", "status", "severity", "subject_type", "subject_id", "unit", "due_at"]
    list_filter = ["is_open", "status", "severity", "rule"]
    search_fields = ["subject_id", "case__id"]
    list_select_related = ["rule", "unit"]
    show_full_result_count = False


@admin.register(PatrolRun)
class PatrolRunAdmin(UneditableAdmin):
    list_display = ["started_at", "as_of", "mode", "actor", "finished_at"]


class HolidayNoticeDayInline(admin.TabularInline):
    model = HolidayNoticeDay
    extra = 0


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "number", "entered_by", "entered_at"]
    inlines = [HolidayNoticeDayInline]
    readonly_fields = ["entered_by", "entered_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # notices are loaded with `fazhi holiday_notice load` (validated, audited)
        return False
