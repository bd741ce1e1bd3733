"""The evidence a legal officer reviews a ZN suspicion by (研判复核), read-only.

The evidence reaches beyond the finding's own record (the partner transcript of a ZN-BL-01, the
earlier incidents of a ZN-JF-01), and those records may belong to a unit the viewer may not see.
Such a record is named (its id, unit, and for an incident its date and category) but never shown:
no text, person, case, officers, address or phone. Scope is decided by ``fazhi.core.scope``.

Highlighting is built here as a list of ``Segment``s (plain text pieces, some marked) that the
templates render with autoescaping: record text is never marked safe, so a transcript holding
``<script>`` shows as text. Identifiers in free text (身份证号, phone numbers) are masked in place
with masks of the same length, so that stored character ranges still point at the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from fazhi.core.masking import mask_facts, mask_text
from fazhi.core.scope import DataScope, visible
from fazhi.disputes.models import Dispute
from fazhi.intel import lexicon
from fazhi.intel.addresses import normalise_address
from fazhi.patrol.checks.analysis import SUBCATEGORY_LABELS
from fazhi.patrol.models import Finding
from fazhi.records import models as m

BL01, JQ01, JF01, JF02 = "ZN-BL-01", "ZN-JQ-01", "ZN-JF-01", "ZN-JF-02"
ZN_RULES = (BL01, JQ01, JF01, JF02)
# rules whose suspicion may be confirmed as a dispute escalation (抄告) instead of a problem
DISPUTE_RULES = (JF01, JF02)


@dataclass(frozen=True)
class Mark:
    """A character range ``[start, end)`` of a text to highlight."""

    start: int
    end: int
    css: str = "hl"
    title: str = ""
    negated: bool = False
    index: int | None = None  # passage number shown to the reviewer (笔录雷同)


@dataclass(frozen=True)
class Segment:
    text: str
    mark: Mark | None = None


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """``text`` cut into plain and marked pieces. Ranges are clamped to the text; empty ones are
    dropped; a range overlapping an earlier one is merged into it (the earlier one's style wins),
    so every character appears exactly once and the pieces join back to ``text``."""
    size = len(text)
    ordered = sorted(
        (
            (max(0, min(mk.start, size)), max(0, min(mk.end, size)), i, mk)
            for i, mk in enumerate(marks)
        ),
        key=lambda x: (x[0], x[2]),
    )
    merged: list[tuple[int, int, Mark]] = []
    for start, end, _, mk in ordered:
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            s0, e0, m0 = merged[-1]
            merged[-1] = (s0, max(e0, end), m0)
        else:
            merged.append((start, end, mk))
    out: list[Segment] = []
    pos = 0
    for start, end, mk in merged:
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], mk))
        pos = end
    if pos < size:
        out.append(Segment(text[pos:]))
    return out


# --- facts ------------------------------------------------------------------------------------


def facts_of(finding: Finding) -> dict[str, Any]:
    """The finding's facts by field (the checks store a list of {field, label, value})."""
    out: dict[str, Any] = {}
    for fact in finding.facts or []:
        if isinstance(fact, dict) and "field" in fact:
            out[str(fact["field"])] = fact.get("value")
    return out


def _transcripts_seen(ids: Iterable[str], scope: DataScope) -> set[str]:
    """The transcripts of ``ids`` that ``scope`` may see (one query)."""
    wanted = [i for i in ids if i]
    rows = visible(m.Transcript.objects.filter(pk__in=wanted), scope).values_list("pk", flat=True)
    return set(rows)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width] + "…"


def summaries(findings: Sequence[Finding], scope: DataScope, width: int = 48) -> list[str]:
    """One line per finding for the queue and the panel: who is copied from whom, or the start
    of the incident text. A partner transcript out of ``scope`` is named by its id and unit
    only (two queries for the whole page, whatever its length)."""
    partners = {
        f.pk: str(facts_of(f).get("match.transcript_id") or "") for f in findings
        if f.rule_id == BL01
    }  # fmt: skip
    wanted = sorted({p for p in partners.values() if p})
    rows = m.Transcript.objects.filter(pk__in=wanted).values_list(
        "pk", "person__name", "case__unit__name"
    )
    info = {pk: (person, unit) for pk, person, unit in rows}
    seen = _transcripts_seen(wanted, scope) if wanted else set()
    out = []
    for f in findings:
        facts = mask_facts(facts_of(f), unmasked=False)
        if f.rule_id != BL01:
            out.append(_short(str(facts.get("incident.description") or ""), width))
            continue
        mine = facts.get("transcript.person") or "—"
        other = partners[f.pk] or "—"
        if other not in info:
            out.append(f"{mine} 与 笔录 {other}（已不在库中）")
            continue
        person, unit = info[other]
        if other in seen:
            out.append(f"{mine} 与 {person or '—'}（笔录 {other}）")
        else:
            out.append(f"{mine} 与 笔录 {other}（{unit or '—'}，不在您的数据范围内）")
    return out


def _passages(value: Any) -> list[tuple[int, int, int, int]]:
    out = []
    for item in value or []:
        if isinstance(item, (list, tuple)) and len(item) == 4:
            try:
                a, b, c, d = (int(x) for x in item)
            except (TypeError, ValueError):
                continue
            out.append((a, b, c, d))
    return out


# --- ZN-BL-01: two transcripts side by side ---------------------------------------------------


def _transcripts(ids: Sequence[str]) -> dict[str, m.Transcript]:
    links = Prefetch(
        "officer_links",
        queryset=m.TranscriptOfficer.objects.select_related("officer").order_by("position"),
    )
    rows = (
        m.Transcript.objects.filter(pk__in=[i for i in ids if i])
        .select_related("person", "case", "case__unit")
        .prefetch_related(links)
    )
    return {t.pk: t for t in rows}


def _restricted_transcript(t: m.Transcript) -> dict[str, Any]:
    """A transcript the viewer may not see: that it exists, its id and unit, nothing else."""
    unit = t.case.unit if t.case_id else None
    return {
        "restricted": True,
        "id": t.pk,
        "unit": unit.name if unit else "",
    }


def transcript_evidence(finding: Finding, scope: DataScope) -> dict[str, Any]:
    """Both transcripts, their persons, officers and times, with the shared passages marked in
    both texts (numbered alike, so that passage 3 on the left is passage 3 on the right). A
    transcript out of ``scope`` (the partner, usually, of another unit) is only named."""
    facts = facts_of(finding)
    other_id = str(facts.get("match.transcript_id") or "")
    found = _transcripts([finding.subject_id, other_id])
    seen = _transcripts_seen(found, scope)
    passages = _passages(facts.get("match.passages"))
    mine, theirs = found.get(finding.subject_id), found.get(other_id)
    # the ranges were computed on the texts as they were at the patrol: an edit since then
    # shifts them, which the reviewer must be told
    stale = bool(
        mine and theirs and any(mine.text[a:b] != theirs.text[c:d] for a, b, c, d in passages)
    )
    shared = sum(max(0, b - a) for a, b, _, _ in passages)

    def side(t: m.Transcript | None, ranges: list[tuple[int, int]]) -> dict[str, Any] | None:
        if t is None:
            return None
        if t.pk not in seen:
            return _restricted_transcript(t)
        marks = [
            Mark(s, e, css="shared", title=f"雷同段落 {i}", index=i)
            for i, (s, e) in enumerate(ranges, start=1)
        ]
        return {
            "transcript": t,
            "person": t.person,
            "officers": [link.officer for link in t.officer_links.all()],
            "segments": segments(mask_text(t.text), marks),
        }

    return {
        "kind": "transcripts",
        "mine": side(mine, [(a, b) for a, b, _, _ in passages]),
        "theirs": side(theirs, [(c, d) for _, _, c, d in passages]),
        "other_id": other_id,
        "other_seen": other_id in seen,
        "jaccard": facts.get("match.jaccard", finding.score),
        "passages": len(passages),
        "shared_chars": shared,
        "stale": stale,
        "others": facts.get("match.others") or [],
    }


def explanation(finding: Finding, proof: dict[str, Any]) -> str:
    """The finding's explanation as the review page shows it: identifiers masked, and a partner
    transcript the viewer may not see named by its unit instead of its person (findings of
    ZN-BL-01 made before the check stopped storing the partner's person name it)."""
    text = mask_text(finding.explanation)
    if proof.get("kind") != "transcripts" or proof.get("other_seen"):
        return text
    facts = facts_of(finding)
    person = facts.get("match.person")
    theirs = proof.get("theirs") or {}
    if person:
        other = proof["other_id"]
        unit = theirs.get("unit") or "不在您的数据范围内"
        text = text.replace(f"笔录 {other}（{mask_text(str(person))}）", f"笔录 {other}（{unit}）")
    return text


# --- incident text with cues ------------------------------------------------------------------


def cue_segments(text: str, category: str) -> tuple[list[Segment], list[lexicon.Cue]]:
    """The incident text with every cue of ``category`` marked by subcategory; negated cues are
    marked too (shown struck through, “（否定）”). Cues are found on the clear text, the pieces
    are masked (same length, so the spans hold)."""
    cues = lexicon.find_cues(text, category)
    marks = [
        Mark(
            c.start,
            c.end,
            css=f"cue cue-{c.subcategory}",
            title=SUBCATEGORY_LABELS.get(c.subcategory, c.subcategory)
            + ("（否定表述，不计）" if c.negated else ""),
            negated=c.negated,
        )
        for c in cues
    ]
    return segments(mask_text(text), marks), cues


def _legend(cues: Sequence[lexicon.Cue], category: str) -> list[dict[str, Any]]:
    subs: dict[str, dict[str, Any]] = {}
    for c in cues:
        row = subs.setdefault(
            c.subcategory,
            {
                "subcategory": c.subcategory,
                "label": SUBCATEGORY_LABELS.get(c.subcategory, c.subcategory),
                "weight": lexicon.weight_of(category, c.subcategory) if category == "escalation"
                else None,
                "terms": [],
                "negated": [],
            },
        )  # fmt: skip
        (row["negated"] if c.negated else row["terms"]).append(c.term)
    for row in subs.values():
        row["terms"] = list(dict.fromkeys(row["terms"]))
        row["negated"] = list(dict.fromkeys(row["negated"]))
    return sorted(subs.values(), key=lambda r: r["subcategory"])


def _incident(pk: str) -> m.Incident | None:
    links = Prefetch(
        "officer_links",
        queryset=m.IncidentOfficer.objects.select_related("officer").order_by("position"),
    )
    return m.Incident.objects.filter(pk=pk).select_related("unit").prefetch_related(links).first()


def incident_evidence(finding: Finding) -> dict[str, Any]:
    """ZN-JQ-01 (offence cues, and why no case) and ZN-JF-02 (escalation cues, its dispute)."""
    category = "offence" if finding.rule_id == JQ01 else "escalation"
    incident = _incident(finding.subject_id)
    out: dict[str, Any] = {"kind": "incident", "category": category, "incident": incident}
    if incident is None:
        return out
    segs, cues = cue_segments(incident.description, category)
    out.update(
        segments=segs,
        legend=_legend(cues, category),
        officers=[link.officer for link in incident.officer_links.all()],
        dispute=Dispute.objects.filter(incident_id=incident.pk).first(),
    )
    if finding.rule_id == JQ01:
        out["cases"] = list(
            m.Case.objects.filter(incident_id=incident.pk).order_by("accepted_at", "pk")
        )
    return out


# --- ZN-JF-01: the group of incidents ---------------------------------------------------------


def _restricted_incident(i: m.Incident) -> dict[str, Any]:
    """An incident the viewer may not see: named (id, unit, date, category), not shown."""
    return {
        "restricted": True,
        "id": i.pk,
        "unit": i.unit.name if i.unit_id else "",
        "received_at": i.received_at,
        "category": i.category,
    }


def repeat_evidence(finding: Finding, scope: DataScope) -> dict[str, Any]:
    """Each group the incident belongs to (same normalised address, or same reporter phone),
    with its incidents in time order and their disputes (four queries in all). The incidents of
    a group may be other units': those out of ``scope`` are named, not shown."""
    facts = facts_of(finding)
    shown = mask_facts(facts, unmasked=False)  # the group's key may be a phone
    groups: list[dict[str, Any]] = []
    for kind, label in (("address", "同一地址"), ("phone", "同一报警电话")):
        ids = facts.get(f"repeat.{kind}_incidents")
        if ids:
            key = str(shown.get(f"repeat.{kind}") or "")
            groups.append({"kind": kind, "label": label, "key": key, "ids": [str(i) for i in ids]})
    all_ids = sorted({i for g in groups for i in g["ids"]} | {finding.subject_id})
    incidents = {i.pk: i for i in m.Incident.objects.filter(pk__in=all_ids).select_related("unit")}
    seen = set(
        visible(m.Incident.objects.filter(pk__in=all_ids), scope).values_list("pk", flat=True)
    )
    disputes = {d.incident_id: d for d in Dispute.objects.filter(incident_id__in=sorted(seen))}
    for g in groups:
        rows = [incidents[i] for i in g["ids"] if i in incidents]
        rows.sort(key=lambda i: (i.received_at, i.pk))
        g["rows"] = [
            {
                "incident": i,
                "normalised": normalise_address(i.address or ""),
                "dispute": disputes.get(i.pk),
                "text": mask_text(i.description),
                "me": i.pk == finding.subject_id,
            }
            if i.pk in seen
            else _restricted_incident(i)
            for i in rows
        ]
        g["hidden"] = sum(1 for i in rows if i.pk not in seen)
        g["missing"] = [i for i in g["ids"] if i not in incidents]
    mine = finding.subject_id
    return {
        "kind": "repeat",
        "groups": groups,
        "incident": incidents.get(mine) if mine in seen else None,
        "dispute": disputes.get(mine),
    }


def evidence(finding: Finding, scope: DataScope) -> dict[str, Any]:
    """The evidence of ``finding`` as a user of ``scope`` may see it."""
    if finding.rule_id == BL01:
        return transcript_evidence(finding, scope)
    if finding.rule_id == JF01:
        return repeat_evidence(finding, scope)
    return incident_evidence(finding)
