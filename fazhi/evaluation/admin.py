"""Admin for the evaluation: read-only. Months are computed, checked and published, and appeals
filed and decided, through ``services`` (the pages and ``fazhi evaluate``), never edited here: a
published month is an immutable snapshot."""

from __future__ import annotations

from django.contrib import admin

from fazhi.core.adminkit import ReadOnlyAdmin, time_column
from fazhi.evaluation.models import Appeal, Evaluation, Score


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("month", "version", "status", "scheme_name", "scheme_version", "published")
    list_filter = ("status",)
    exclude = ("scheme_text",)
    published = time_column("published_at", "发布时间")


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = (
        "evaluation",
        "subject",
        "unit",
        "officer",
        "leader_role",
        "score",
        "grade",
        "rank",
    )
    list_filter = ("subject", "grade", "standing")
    list_select_related = ("evaluation", "unit", "officer")
    search_fields = ("unit__name", "officer__name", "officer__id")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "unit", "officer", "status", "filed_by", "filed", "decided_by")
    list_filter = ("status",)
    list_select_related = ("evaluation", "unit", "officer")
    filed = time_column("filed_at", "申诉时间")
