"""Standards in the admin: read-only rows; a new standard is added through ``add_standard`` and a
new version published through ``revise_standard`` (both with a reason, audited). A published
version is never edited or deleted: pages and findings cite it by its version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminDateWidget, FilteredSelectMultiple
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from fazhi.core.adminkit import time_column
from fazhi.core.services import signed_in_user
from fazhi.patrol.models import Rule
from fazhi.standards.models import Standard
from fazhi.standards.services import StandardError, add_standard, revise_standard


class AddStandardForm(forms.ModelForm):
    reason = forms.CharField(
        label="新增理由", widget=forms.Textarea(attrs={"rows": 2}), help_text="记入审计日志"
    )

    class Meta:
        model = Standard
        fields = ["code", "title", "category", "text", "rules", "effective_from", "source"]

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if Standard.objects.filter(code=code).exists():
            raise forms.ValidationError(f"标准 {code} 已存在：请在该标准的页面发布新版本")
        return code


class RevisionForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    text = forms.CharField(label="标准内容", widget=forms.Textarea)
    rules = forms.ModelMultipleChoiceField(
        Rule.objects.order_by("code"), label="执行规则", required=False,
        widget=FilteredSelectMultiple("执行规则", is_stacked=False),
    )  # fmt: skip
    effective_from = forms.DateField(label="新版本生效日期", widget=AdminDateWidget)
    reason = forms.CharField(
        label="修订理由", widget=forms.Textarea(attrs={"rows": 2}), help_text="记入审计日志"
    )


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    form = AddStandardForm
    change_form_template = "admin/standards/standard/change_form.html"
    updated_at_time = time_column("updated_at", "修改时间")
    list_display = ["code", "title", "category", "version", "effective_from", "effective_to"]
    list_filter = ["category"]
    search_fields = ["code", "title", "text"]
    filter_horizontal = ["rules"]
    add_fields = [
        "code", "title", "category", "text", "rules", "effective_from", "source", "reason",
    ]  # fmt: skip
    view_fields = [
        "code", "version", "title", "category", "text", "rules", "effective_from",
        "effective_to", "source", "updated_by", "updated_at_time", "reason", "abolished_on",
        "abolished_by", "abolition_reason",
    ]  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return list(self.add_fields if obj is None else self.view_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else list(self.view_fields)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def can_revise(self, request: HttpRequest) -> bool:
        """Publishing a version is what the change permission stands for here."""
        return bool(request.user.has_perm("standards.change_standard"))

    def save_model(self, request: HttpRequest, obj: Standard, form: Any, change: bool) -> None:
        data = form.cleaned_data
        new = add_standard(
            actor=signed_in_user(request), code=data["code"], title=data["title"],
            category=data["category"], text=data["text"],
            rules=[r.code for r in data["rules"]], effective_from=data["effective_from"],
            reason=data["reason"], source=data["source"] or "本局文件",
        )  # fmt: skip
        obj.pk = new.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # add_standard linked the rules

    def get_urls(self) -> list[URLPattern]:
        revise = path(
            "<int:object_id>/revise/",
            self.admin_site.admin_view(self.revise_view),
            name="standards_standard_revise",
        )
        return [revise, *super().get_urls()]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        standard = Standard.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if standard is not None and self.can_revise(request) and _is_latest(standard):
            context["revise_url"] = reverse("admin:standards_standard_revise", args=[standard.pk])
        return super().change_view(request, object_id, form_url, context)

    def revise_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not self.can_revise(request):
            raise PermissionDenied("没有发布标准新版本的权限")
        standard = get_object_or_404(Standard, pk=object_id)
        if request.method == "POST":
            form = RevisionForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    new = revise_standard(
                        standard, actor=signed_in_user(request), title=data["title"],
                        text=data["text"], rules=[r.code for r in data["rules"]],
                        effective_from=data["effective_from"], reason=data["reason"],
                    )  # fmt: skip
                except StandardError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(
                        request,
                        f"已发布标准 {new.code} 第{new.version}版，{new.effective_from}起生效；"
                        f"第{standard.version}版至{new.effective_from}前一天失效。",
                    )
                    return HttpResponseRedirect(
                        reverse("admin:standards_standard_change", args=[new.pk])
                    )
        else:
            form = RevisionForm(
                initial={
                    "title": standard.title,
                    "text": standard.text,
                    "rules": list(standard.rules.all()),
                }
            )
        # AdminForm renders any form; django-stubs type it for ModelForms only
        fieldsets = [(None, {"fields": list(form.fields)})]
        adminform = helpers.AdminForm(form, fieldsets, {})  # type: ignore[arg-type]
        context = {
            **self.admin_site.each_context(request),
            "title": f"发布新版本：{standard}",
            "opts": self.opts,
            "original": standard,
            "adminform": adminform,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/standards/standard/revise.html", context)


def _is_latest(standard: Standard) -> bool:
    return not Standard.objects.filter(code=standard.code, version__gt=standard.version).exists()
