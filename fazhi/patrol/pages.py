"""What the patrol adds to the record pages (``records.views``): the findings about a record,
and on a case page the findings as timeline lines and the deadlines they time as clocks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fazhi.core.scope import DataScope, visible
from fazhi.patrol.inhibition import inhibitors_of
from fazhi.patrol.models import Finding, RuleKind, status_rows
from fazhi.records import models as m
from fazhi.records.timeline import SUBJECT_LABELS, Clock, Item

HOME_ROWS = 10


def case_page(case: m.Case, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    found = list(case.findings.select_related("rule").order_by("-is_open", "due_at", "pk"))
    # 抑制: a finding that follows from another of this case is listed under it, not on its own
    by_pk = {fd.pk: fd for fd in found}
    nested: set[int] = set()
    for pk, source in inhibitors_of([fd for fd in found if fd.is_open]).items():
        if source.pk in by_pk:
            holder = by_pk[source.pk]
            if not hasattr(holder, "followers"):
                holder.followers = []  # type: ignore[attr-defined]
            holder.followers.append(by_pk[pk])  # type: ignore[attr-defined]
            nested.add(pk)
    lines = [
        Item(
            fd.due_at or fd.trigger_at or fd.first_seen_at, "finding", "巡查发现", str(fd.pk),
            f"{fd.rule_id} {fd.rule.name}", finding=fd,
        )
        for fd in found
        if fd.pk not in nested
    ]  # fmt: skip
    return {
        "findings": found,
        "open_findings": sum(1 for f in found if f.is_open),
        "timeline": lines,
        # a held-back deadline is timed from a time in doubt: no clock of its own either
        **_deadline_clocks(case, [fd for fd in found if fd.pk not in nested]),
    }


def _deadline_clocks(case: m.Case, found: list[Finding]) -> dict[str, Any]:
    """The clocks of open deadline findings whose act is not done yet; a measure one of them
    times is named by its person and kind and gets no clock of its own."""
    clocks: list[Clock] = []
    timed: set[str] = set()
    for fd in found:
        if not fd.is_open or fd.rule.kind != RuleKind.DEADLINE or fd.done_at is not None:
            continue
        subject = f"{SUBJECT_LABELS.get(fd.subject_type, fd.subject_type)} {fd.subject_id}"
        if fd.subject_type == "measure":
            timed.add(fd.subject_id)
            held = case.running_measures.get(fd.subject_id)
            if held is not None:
                subject = f"{held.person.name} · {held.kind}（在执行）"
        clocks.append(
            Clock(fd.rule.name, subject, fd.trigger_at, fd.due_at, fd.get_status_display(), fd)
        )
    return {"clocks": clocks, "timed_measures": timed}


def _subject_findings(subject_type: str, pk: str, scope: DataScope) -> Any:
    return visible(
        Finding.objects.filter(subject_type=subject_type, subject_id=pk), scope
    ).select_related("rule")


def incident_page(incident: m.Incident, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    return {"findings": _subject_findings("incident", incident.pk, scope)}


def person_page(person: m.Person, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    return {"findings": _subject_findings("person", person.pk, scope)}


def officer_page(officer: m.Officer, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    found = visible(Finding.objects.filter(officer=officer), scope)
    counts = found.filter(is_open=True).status_totals()
    return {
        "status_rows": status_rows(counts),
        "open_total": counts.get("total") or 0,
        "closed_total": found.filter(is_open=False).count(),
        "open_findings": found.filter(is_open=True)
        .select_related("rule")
        .order_by("due_at", "-pk")[:HOME_ROWS],
    }
