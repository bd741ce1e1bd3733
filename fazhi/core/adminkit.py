"""What the admin pages share: times shown to the second in local time, and a read-only base.

The admin (数据管理) changes nothing by itself: a page that changes state calls the app's service,
which checks the actor and writes the audit row; every other page is read-only. Django's zh-hans
DATETIME_FORMAT ("Y年n月j日 H:i") drops the seconds, and records, deadlines and audit rows are exact
to the second, so times are shown through ``local_seconds`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def local_seconds(value: datetime | None) -> str:
    """``2026-09-21 10:05:07`` in the site's time zone (Asia/Shanghai); "-" when empty, as the
    admin shows other empty values."""
    if value is None:
        return "-"
    return timezone.localtime(value).strftime(TIME_FORMAT)


def time_column(name: str, label: str) -> Callable[[Any, Any], str]:
    """A column / read-only field showing the date-time attribute ``name`` with its seconds."""

    @admin.display(description=label, ordering=name)
    def show(self: Any, obj: Any) -> str:
        return local_seconds(getattr(obj, name))

    show.__name__ = f"{name}_time"
    return show


class ReadOnlyAdmin(admin.ModelAdmin):
    """List, search and view only, for every user including superusers."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
