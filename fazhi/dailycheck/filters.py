"""The daily sheets' filters (``DailySheetFilterSet``), used by the API's
``GET /api/v1/daily/sheets``; the pages show one day's sheets per unit, chosen by the URL."""

from __future__ import annotations

import django_filters

from fazhi.accounts.filters import ScopedFilterSet


class DailySheetFilterSet(ScopedFilterSet):
    # any real day: an exact match, so a far one finds nothing rather than an error
    day = django_filters.DateFilter(label="日期", field_name="day")
    within = django_filters.CharFilter(
        label="单位（含下级单位）", field_name="unit_id", method="within_units"
    )
