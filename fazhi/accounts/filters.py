"""The base of the list filters (django-filter ``FilterSet``s): one per list, shared by its page,
its .xlsx export and its API endpoint, as NetBox shares its filtersets between UI and REST.

A filter set is given the queryset already narrowed by ``core.scope.visible``: it only narrows
further, and the choices it offers (the units) are those in the user's scope. The page renders
``controls()``, the audit row gets ``summary()``, the API answers 400 with ``error_text()``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar, cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from fazhi.accounts.scope import units_below
from fazhi.core.scope import DataScope, visible
from fazhi.records.models import Unit

ALL = "全部"


def once(load: Callable[[], list[tuple[Any, str]]]) -> Callable[[], list[tuple[Any, str]]]:
    """Choices computed on first use and then kept: validating and rendering a select both read
    them, and a call that never reads them (the API without that parameter) costs no query."""
    return cache(load)


class ScopedFilterSet(django_filters.FilterSet):
    # the filters the page shows, in this order; the others are the API's only
    page_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: Any, queryset: QuerySet[Any], *, scope: DataScope) -> None:
        super().__init__(data, queryset)
        self.scope = scope

    def set_choices(self, name: str, load: Callable[[], list[tuple[Any, str]]]) -> None:
        self.filters[name].extra["choices"] = once(load)

    def scope_units(self) -> list[tuple[Any, str]]:
        """The units of the user's scope (none for a user who sees only his own records)."""
        if self.scope.own_only:
            return []
        units = visible(Unit.objects.order_by("pk"), self.scope).only("pk", "name")
        return [(u.pk, u.name) for u in units]

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # an invalid form narrows nothing more (the page shows why), as the list pages always did
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return self.apply(queryset, data)

    def apply(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def within_units(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """The rows of the unit ``value`` and every unit below it."""
        return queryset.filter(**{f"{name}__in": sorted(units_below(value))})

    def summary(self) -> dict[str, str]:
        """The applied filters, for the audit row."""
        data = self.form.cleaned_data if self.is_valid() else {}
        return {k: str(v) for k, v in data.items() if v not in (None, "")}

    def error_text(self) -> str:
        """The form's errors in one Chinese line, each named by its field."""
        parts = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else ""
            text = "；".join(str(e) for e in errors)
            parts.append(f"{label}（{name}）：{text}" if label else text)
        return "；".join(parts)

    def controls(self) -> list[dict[str, Any]]:
        """The page's filter controls as plain data, a select's options already escaped HTML:
        Django's widget templates, or a template loop, cost three renders per option and a
        bureau-wide user has two hundred units and fifty rules to choose from."""
        out = []
        fields = self.form.fields
        for name in self.page_fields:
            field = fields[name]
            raw = str(self.data.get(name, "")) if self.data else ""
            if isinstance(field, forms.ChoiceField):
                options = format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (v, mark_safe(" selected") if str(v) == raw else "", label)
                        for v, label in cast(list[tuple[Any, str]], field.choices)
                    ),
                )
                out.append({"name": name, "label": field.label, "options": options})
            else:
                out.append({"name": name, "label": field.label, "value": raw, "type": "date"})
        return out
