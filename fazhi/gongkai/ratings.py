"""The portal's ratings as the evaluation reads them (its outside-rating indicator)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Count

from fazhi.gongkai.models import Rating


def unit_ratings(start: datetime, end: datetime, as_of: datetime) -> dict[str, tuple[Decimal, int]]:
    """Per unit, the average score and the number of ratings of its milestones in
    ``[start, end)`` (the month of the act rated, as every indicator), made by ``as_of``. One
    aggregate query."""
    rows = (
        Rating.objects.filter(milestone_at__gte=start, milestone_at__lt=end, created_at__lte=as_of)
        .values_list("unit_id")
        .annotate(average=Avg("score"), n=Count("pk"))
        .order_by()
    )
    return {unit_id: (Decimal(str(average)), n) for unit_id, average, n in rows}
