"""抑制 (inhibition): a finding that follows from another open finding — a deadline timed from a
start time that SJ-03 reports as recorded after its end, say — is shown under it and pushes no
problem or notice of its own while the other stays open. The relations are data (the pack's
[[inhibit]] table, synced to ``RuleInhibition``); here they become set-based queries.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from fazhi.patrol.models import Finding, InhibitMatch, RuleInhibition


def inhibiting(prefix: str = "") -> QuerySet[Finding]:
    """For ``Exists(...)`` over findings (``prefix=""``) or over rows that reach one
    (``prefix="finding__"``): an open finding of a rule that inhibits the outer finding's rule,
    on the same subject record (or, for a case match, the same case)."""

    def outer(name: str) -> OuterRef:
        return OuterRef(prefix + name)

    return Finding.objects.filter(
        Q(is_open=True, rule__inhibits__target_id=outer("rule_id"))
        & (
            Q(
                rule__inhibits__match=InhibitMatch.SUBJECT,
                subject_type=outer("subject_type"),
                subject_id=outer("subject_id"),
            )
            | Q(rule__inhibits__match=InhibitMatch.CASE, case_id=outer("case_id"))
        )
    )


def inhibited_q(prefix: str = "") -> Q:
    """A filter: the finding (reached through ``prefix``) is held back by another open one."""
    return Q(Exists(inhibiting(prefix)))


def inhibitors_of(findings: Iterable[Finding]) -> dict[int, Finding]:
    """For each given finding that is held back, the open finding holding it back (the oldest
    when there are several): two queries, whatever the number of findings."""
    ids = [f.pk for f in findings]
    if not ids:
        return {}
    first = inhibiting().order_by("pk").values("pk")[:1]
    pairs = dict(
        Finding.objects.filter(pk__in=ids)
        .annotate(_by=Subquery(first))
        .filter(_by__isnull=False)
        .values_list("pk", "_by")
    )
    sources = Finding.objects.select_related("rule").in_bulk(set(pairs.values()))
    return {pk: sources[by] for pk, by in pairs.items() if by in sources}


def followers_of(finding: Finding) -> QuerySet[Finding]:
    """The open findings ``finding`` holds back (nothing when it is closed)."""
    if not finding.is_open:
        return Finding.objects.none()
    relations = list(RuleInhibition.objects.filter(source_id=finding.rule_id))
    wanted = Q(pk__in=[])
    for rel in relations:
        if rel.match == InhibitMatch.SUBJECT:
            wanted |= Q(
                rule_id=rel.target_id,
                subject_type=finding.subject_type,
                subject_id=finding.subject_id,
            )
        elif finding.case_id:
            wanted |= Q(rule_id=rel.target_id, case_id=finding.case_id)
    return Finding.objects.filter(wanted, is_open=True).exclude(pk=finding.pk)
