"""Admin for rules, findings, runs and holiday notices: read-only, except that a holiday notice is
entered through ``save_notice`` (a reason, audited), as the ``holiday_notice`` command does.

A rule's settings change on the rule's page (``change_rule``: 法制大队 and administrators, with a
reason); definitions come from the pack. Findings and runs are written by patrols only.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from fazhi.core.adminkit import ReadOnlyAdmin, time_column
from fazhi.core.services import signed_in_user
from fazhi.patrol.calendar_models import HolidayNotice, HolidayNoticeDay, save_notice
from fazhi.patrol.models import Finding, PatrolRun, Rule, RuleChange, WhatIfRun
from fazhi.patrol.periods import HolidayNoticeData, NoticeError


def rule_page(code: str) -> str | None:
    """The URL of the rule's page, wherever the pages app puts it."""
    for name in ("patrol:rule", "workbench:rule"):
        try:
            return reverse(name, args=[code])
        except NoReverseMatch:
            continue
    return None


class RuleChangeInline(admin.TabularInline):
    model = RuleChange
    extra = 0
    can_delete = False
    changed_at_time = time_column("changed_at", "修改时间")
    fields = readonly_fields = (
        "changed_at_time", "changed_by", "reason", "before", "after", "whatif",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rule)
class RuleAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "default_severity", "severity", "enabled", "warn_only"]
    list_filter = ["kind", "enabled", "warn_only", "default_severity"]
    search_fields = ["code", "name"]
    settings_changed = time_column("settings_changed_at", "设置变更时间")
    fields = readonly_fields = (
        "settings_page", "code", "pack", "name", "kind", "subject_type", "check_name",
        "default_severity", "severity", "enabled", "warn_only", "basis", "help_text", "defaults",
        "overrides", "settings_changed",
    )  # fmt: skip
    inlines = [RuleChangeInline]

    @admin.display(description="修改设置")
    def settings_page(self, obj: Rule) -> str:
        url = rule_page(obj.code)
        if url is None:
            return "在规则页修改（法制大队和管理员，须填写理由）"
        return format_html('<a href="{}">到规则页修改设置</a>（法制大队和管理员，须填写理由）', url)


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    due = time_column("due_at", "期限")
    list_display = ["rule", "status", "severity", "subject_type", "subject_id", "unit", "due"]
    list_filter = ["is_open", "status", "severity", "rule"]
    search_fields = ["subject_id", "case__id"]
    list_select_related = ["rule", "unit"]
    show_full_result_count = False


@admin.register(PatrolRun)
class PatrolRunAdmin(ReadOnlyAdmin):
    started = time_column("started_at", "开始时间")
    as_of_time = time_column("as_of", "巡查时点")
    finished = time_column("finished_at", "完成时间")
    list_display = ["started", "as_of_time", "mode", "actor", "finished"]


@admin.register(WhatIfRun)
class WhatIfRunAdmin(ReadOnlyAdmin):
    """试运行 are run from the rule page or ``fazhi whatif`` (patrol.whatif), never edited."""

    created = time_column("created_at", "运行时间")
    as_of_time = time_column("as_of", "试运行时点")
    list_display = ["pk", "rule_code", "rule_name", "created", "as_of_time", "created_by"]
    list_filter = ["rule_code"]


_DATE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _dates(text: str) -> list[str]:
    return [part for part in _DATE_SEPARATORS.split(text.strip()) if part]


class HolidayNoticeForm(forms.ModelForm):
    rest_days = forms.CharField(
        label="休息日", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="通知中放假的每一天，格式如 2027-10-01，每行一个或用逗号分隔",
    )  # fmt: skip
    work_days = forms.CharField(
        label="调休上班日", widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text="通知中调休上班的周六、周日",
    )  # fmt: skip
    replace = forms.BooleanField(
        label="更正已录入的同年通知", required=False, help_text="同年已有通知时须勾选，原通知被替换"
    )
    reason = forms.CharField(
        label="录入理由", widget=forms.Textarea(attrs={"rows": 2}), help_text="记入审计日志"
    )

    class Meta:
        model = HolidayNotice
        fields = ["year", "title", "number"]

    def validate_unique(self) -> None:
        pass  # a year already entered is refused or replaced in clean(), per ``replace``

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            notice = HolidayNoticeData.from_json(
                {
                    "year": data.get("year"),
                    "title": data.get("title", ""),
                    "number": data.get("number", ""),
                    "rest_days": _dates(data.get("rest_days", "")),
                    "work_days": _dates(data.get("work_days", "")),
                }
            )
        except NoticeError as exc:
            raise forms.ValidationError(exc.problems) from None
        existing = HolidayNotice.objects.filter(year=notice.year).first()
        if existing is not None and not data.get("replace"):
            self.add_error(
                "replace",
                f"{notice.year}年的通知已录入（《{existing.title}》）；如需更正，请勾选此项",
            )
        data["notice"] = notice
        return data


class HolidayNoticeDayInline(admin.TabularInline):
    model = HolidayNoticeDay
    extra = 0
    can_delete = False
    fields = readonly_fields = ("date", "kind")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(admin.ModelAdmin):
    """Entered (or corrected) through ``save_notice``, never edited or deleted row by row."""

    form = HolidayNoticeForm
    entered = time_column("entered_at", "录入时间")
    list_display = ["year", "title", "number", "entered_by", "entered"]
    inlines = [HolidayNoticeDayInline]
    add_fields = ["year", "title", "number", "rest_days", "work_days", "replace", "reason"]
    view_fields = ["year", "title", "number", "entered_by", "entered"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return list(self.add_fields if obj is None else self.view_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else list(self.view_fields)

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []  # the days are typed in the add form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: HolidayNotice, form: Any, change: bool) -> None:
        data = form.cleaned_data
        notice: HolidayNoticeData = data["notice"]
        saved, replaced = save_notice(
            notice, actor=signed_in_user(request), reason=data["reason"],
            replace=bool(data["replace"]), source="数据管理",
        )  # fmt: skip
        obj.pk = saved.pk
        for warning in notice.warnings():
            messages.warning(request, f"提醒：{warning}")
        if replaced:
            messages.info(
                request, f"已更正{notice.year}年节假日安排，涉及该年的期限将在下次巡查时重新计算。"
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # save_notice stored the days
