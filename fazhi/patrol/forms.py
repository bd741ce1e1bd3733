"""The rule page's settings form (法制大队 and administrators only).

The form only parses what was typed; the change itself, its validation against the pack and the
record of who, when and why are ``fazhi.patrol.services.change_rule``.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User

from fazhi.patrol.models import Rule, RuleChange, Severity
from fazhi.patrol.pack import PackError, load_pack
from fazhi.patrol.services import PatrolError, change_rule

SETTING_LABELS = {
    "limit": "期限",
    "custody": "限制人身自由（期满不顺延）",
    "lead_fraction": "提前提醒比例",
    "lead_min": "最短提前提醒",
    "lead_max": "最长提前提醒",
    "cap": "延长上限",
    "cap_complex": "重大复杂案件延长上限",
    "extended_limit": "延长后期限",
    "extended_limit_complex": "重大复杂案件延长后期限",
    "extension_step": "每次延长",
    "max_extensions": "最多延长次数",
    "min_officers": "最少民警人数",
    "min_deposit": "保证金下限（元）",
    "min_deposit_minor": "未成年人保证金下限（元）",
    "chars_per_minute": "每分钟最多字数",
    "days": "天数",
    "min_jaccard": "相似度阈值",
    "min_alignment": "句子对齐阈值",
    "window_days": "统计窗口（天）",
    "min_count": "最少次数",
    "min_score": "最低分值",
    "cue_score": "升级迹象分值",
    "category_score": "类别分值",
    "use_cues": "使用升级迹象",
    "use_learned": "使用学习模型提示",
    "learned_score": "学习模型提示分值",
    "by_phone": "按电话归并",
    "by_address": "按地址归并",
}


def _allowed_settings(rule: Rule) -> dict[str, str]:
    try:
        return dict(load_pack(rule.pack).rule(rule.code).check.allowed_settings)
    except (PackError, KeyError, OSError):
        # A rule no longer in its pack: its settings can no longer be validated, so not changed.
        return {}


class RuleSettingsForm(forms.Form):
    enabled = forms.BooleanField(label="启用", required=False)
    warn_only = forms.BooleanField(label="仅提醒（不计违规）", required=False)
    severity = forms.ChoiceField(label="严重程度", required=False)
    reason = forms.CharField(
        label="修改理由", widget=forms.Textarea, required=True,
        error_messages={"required": "修改规则设置必须填写理由"},
    )  # fmt: skip

    def __init__(self, rule: Rule, data: Any = None) -> None:
        self.rule = rule
        self.kinds = _allowed_settings(rule)
        current = rule.settings
        initial: dict[str, Any] = {
            "enabled": rule.enabled,
            "warn_only": rule.warn_only,
            "severity": rule.severity,
        }
        super().__init__(data, initial=initial)
        cast(forms.ChoiceField, self.fields["severity"]).choices = [
            ("", f"按规则包（{rule.default_severity}）"),
            *Severity.choices,
        ]
        for key, kind in self.kinds.items():
            label = SETTING_LABELS.get(key, key)
            name = f"setting_{key}"
            if kind == "bool":
                self.fields[name] = forms.BooleanField(label=label, required=False)
            else:
                self.fields[name] = forms.CharField(label=label, required=False)
            self.fields[name].initial = current.get(key, "")
            self.fields[name].help_text = {"period": "如 24小时、3日、5个工作日、2个月"}.get(
                kind, ""
            )

    def setting_fields(self) -> list[Any]:
        return [self[f"setting_{key}"] for key in self.kinds]

    def _settings(self) -> dict[str, Any]:
        current = self.rule.settings
        changed: dict[str, Any] = {}
        for key, kind in self.kinds.items():
            raw = self.cleaned_data.get(f"setting_{key}")
            if kind == "bool":
                value: Any = bool(raw)
            else:
                text = str(raw or "").strip()
                if not text:
                    continue  # left empty: keep the current value
                try:
                    value = (
                        int(text) if kind == "int" else float(text) if kind == "number" else text
                    )
                except ValueError:
                    self.add_error(f"setting_{key}", f"“{text}”不是数值")
                    continue
            if value != current.get(key):
                changed[key] = value
        return changed

    def save(self, *, actor: User) -> RuleChange | None:
        """Apply the change through ``change_rule``; None (with form errors) when refused."""
        settings = self._settings()
        if self.errors:
            return None
        try:
            return change_rule(
                self.rule,
                actor=actor,
                reason=self.cleaned_data["reason"],
                enabled=self.cleaned_data["enabled"],
                warn_only=self.cleaned_data["warn_only"],
                severity=self.cleaned_data["severity"],
                settings=settings,
            )
        except PatrolError as exc:
            self.add_error(None, str(exc))
            return None


class WhatIfForm(forms.Form):
    """试运行: the proposed settings (only those typed differently from the current ones are
    tried) and the moment to try them at. The run itself is ``patrol.whatif.what_if``."""

    as_of = forms.DateTimeField(
        label="试运行时点", required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="留空为现在；如需看去年一年的数据，填去年年底",
    )  # fmt: skip

    def __init__(self, rule: Rule, data: Any = None) -> None:
        self.rule = rule
        self.kinds = _allowed_settings(rule)
        super().__init__(data)
        current = rule.settings
        for key, kind in self.kinds.items():
            name = f"setting_{key}"
            label = SETTING_LABELS.get(key, key)
            if kind == "bool":
                self.fields[name] = forms.BooleanField(label=label, required=False)
            else:
                self.fields[name] = forms.CharField(label=label, required=False)
            self.fields[name].initial = current.get(key, "")

    def setting_fields(self) -> list[Any]:
        return [self[f"setting_{key}"] for key in self.kinds]

    def proposal(self) -> dict[str, Any]:
        """The settings typed differently from the current ones (what the trial changes)."""
        current = self.rule.settings
        out: dict[str, Any] = {}
        for key, kind in self.kinds.items():
            raw = self.cleaned_data.get(f"setting_{key}")
            if kind == "bool":
                value: Any = bool(raw)
            else:
                text = str(raw or "").strip()
                if not text:
                    continue
                try:
                    value = (
                        int(text) if kind == "int" else float(text) if kind == "number" else text
                    )
                except ValueError:
                    self.add_error(f"setting_{key}", f"“{text}”不是数值")
                    continue
            if value != current.get(key):
                out[key] = value
        if not out and not self.errors:
            self.add_error(None, "请至少改动一项设置再试运行")
        return out


class AdoptForm(forms.Form):
    """Adopt a 试运行's proposal as the rule's settings (a recorded rule change)."""

    reason = forms.CharField(
        label="采纳理由", widget=forms.Textarea(attrs={"rows": 3}), required=True,
        error_messages={"required": "采纳试运行的设置必须填写理由"},
    )  # fmt: skip
