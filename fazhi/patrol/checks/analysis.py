"""Analysis checks (研判, ZN): suspicions from free text, for a person to confirm.

Each check builds an ``AnalysisQuery`` (see ``engine``): SQL selects the candidates (category,
disposition, no case, dispute incidents), a compiled regex skips texts that hold no cue at all,
and only the rest are segmented (``fazhi.intel.lexicon``) — in batches, never one query per
record. ZN-BL-01 works on the persisted MinHash/LSH index of ``fazhi.intel.duplicates``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from fazhi.core.timezones import SHANGHAI
from fazhi.intel import duplicates, learned, lexicon
from fazhi.intel.addresses import jurisdictions, place_key
from fazhi.intel.models import BoilerplateVersion
from fazhi.patrol.checks.common import first_incident_officer
from fazhi.patrol.engine import AnalysisQuery, EvalContext, Fact, Result
from fazhi.patrol.models import Finding, FindingStatus, RuleKind
from fazhi.patrol.registry import register
from fazhi.records import enums
from fazhi.records import models as m

_CHUNK = 2000

SUBCATEGORY_LABELS = lexicon.CUE_LABELS  # the lexicon's own names of its subcategories


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValueError(f"设置项 {name} = {value} 超出范围（{low}～{high}）")


def _fmt(value: datetime | None) -> str | None:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else None


def _chunked(qs: QuerySet[Any], subjects: tuple[str, ...] | None) -> Iterator[dict[str, Any]]:
    if subjects is None:
        yield from qs.iterator(chunk_size=_CHUNK)
        return
    for start in range(0, len(subjects), _CHUNK):
        yield from qs.filter(pk__in=subjects[start : start + _CHUNK])


def _cue_list(cues: Iterable[lexicon.Cue]) -> str:
    return "、".join(dict.fromkeys(c.term for c in cues))


def _by_incident(ctx: EvalContext) -> tuple[str, ...]:
    assert ctx.scope is not None
    return tuple(sorted(ctx.scope.incident_ids))


def _incident_rows(qs: QuerySet[m.Incident]) -> QuerySet[Any]:
    return qs.annotate(first_officer=first_incident_officer()).values(
        "pk", "category", "dispute_type", "description", "address", "reporter_phone",
        "received_at", "disposition", "disposed_at", "unit_id", "first_officer", "changed_at",
    )  # fmt: skip


def _batches(rows: Iterator[dict[str, Any]], size: int = _CHUNK) -> Iterator[list[dict[str, Any]]]:
    """Rows in lists of ``size``: the learned model's stored readings are looked up and written
    a batch at a time."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_batch(
    rows: list[dict[str, Any]], category: str, use_cues: bool, use_learned: bool
) -> tuple[dict[str, list[lexicon.Cue]], dict[str, learned.Suggestion | None]]:
    """The lexicon's cues of ``category`` in each row's text, and the learned model's
    suggestions for the rows whose text has none."""
    found = {
        row["pk"]: lexicon.find_cues(row["description"], category)
        if use_cues and lexicon.may_contain(row["description"], category) else []
        for row in rows
    }  # fmt: skip
    wanted = [(r["pk"], r["description"], r["changed_at"]) for r in rows if not found[r["pk"]]]
    return found, learned.suggest_many(wanted, category) if use_learned and wanted else {}


def _disputes(as_of: datetime) -> QuerySet[m.Incident]:
    """Dispute incidents: of category 纠纷, or with a dispute type."""
    typed = Q(dispute_type__isnull=False) & ~Q(dispute_type="")
    return m.Incident.objects.filter(
        Q(category=enums.IncidentCategory.DISPUTE) | typed, received_at__lte=as_of
    )


def _incident_suspicion(
    row: dict[str, Any], facts: list[Fact], explanation: str, score: float
) -> Result:
    """A suspicion about one incident row of ``_incident_rows`` (JQ-01, JF-01, JF-02)."""
    return Result(
        subject_type="incident",
        subject_id=row["pk"],
        status=FindingStatus.SUSPICION,
        unit_id=row["unit_id"],
        officer_id=row["first_officer"],
        case_id=None,
        facts=facts,
        explanation=explanation,
        trigger_at=row["received_at"],
        score=round(score, 4),
    )


def _learned_fact(suggestion: learned.Suggestion) -> Fact:
    """What the learned model said, for the finding's facts (keys as the page prints them): its
    probability, the n-grams that pushed it and the model's version."""
    return Fact("analysis.learned", "学习模型提示", {
        "概率": suggestion.probability,
        "依据字串": [g for g, _ in suggestion.pushed_by],
        "模型版本": suggestion.version,
    })  # fmt: skip


def _incident_facts(row: dict[str, Any]) -> list[Fact]:
    return [
        Fact("incident.category", "接警类别", row["category"]),
        Fact("incident.received_at", "接警时间", _fmt(row["received_at"])),
        Fact("incident.address", "地址", row["address"]),
        Fact("incident.disposition", "处置结果", row["disposition"]),
        Fact("incident.description", "警情内容", row["description"]),
    ]


# ---------------------------------------------------------------------------------------------
# ZN-JQ-01 疑似有案不立


@dataclass(frozen=True)
class CaselessParams:
    categories: tuple[str, ...] = ("刑事", "治安")
    dispositions: tuple[str, ...] = ("调解", "现场处置", "无效警情", "不予受案")


@register(
    "caseless_offence",
    kind=RuleKind.ANALYSIS,
    subject="incident",
    params=CaselessParams,
    settings={"use_cues": "bool", "use_learned": "bool", "category_score": "number",
              "cue_score": "number"},
)  # fmt: skip
def caseless_offence(params: CaselessParams, ctx: EvalContext) -> AnalysisQuery:
    """Incidents of an offence category, or whose text carries offence cues (negation-aware),
    disposed of without a case. Where the lexicon finds no offence cue at all, the learned model
    (``fazhi.intel.learned``) may suggest one: it counts as one class of cue and says so."""
    use_cues = bool(ctx.settings.get("use_cues", True))
    use_learned = use_cues and bool(ctx.settings.get("use_learned", True))
    category_score = float(ctx.settings.get("category_score", 0.6))
    cue_score = float(ctx.settings.get("cue_score", 0.3))
    _check_range("category_score", category_score, 0, 1)
    _check_range("cue_score", cue_score, 0, 1)
    categories = set(params.categories)

    def run(ctx: EvalContext) -> Iterator[Result]:
        cases = m.Case.objects.filter(incident_id=OuterRef("pk"), accepted_at__lte=ctx.as_of)
        qs = m.Incident.objects.filter(
            Q(disposed_at__isnull=True) | Q(disposed_at__lte=ctx.as_of),
            disposition__in=list(params.dispositions),
            received_at__lte=ctx.as_of,
        ).filter(~Exists(cases))
        if not use_cues:
            qs = qs.filter(category__in=list(categories))
        for batch in _batches(_chunked(_incident_rows(qs), ctx.subjects)):
            yield from _caseless_results(
                batch, *_read_batch(batch, "offence", use_cues, use_learned)
            )

    def _caseless_results(
        batch: list[dict[str, Any]],
        found: dict[str, list[lexicon.Cue]],
        suggestions: dict[str, learned.Suggestion | None],
    ) -> Iterator[Result]:
        for row in batch:
            in_category = row["category"] in categories
            cues = found[row["pk"]]
            positive = [c for c in cues if not c.negated]
            suggestion = suggestions.get(row["pk"])
            if not in_category and not positive and suggestion is None:
                continue
            subs = sorted({c.subcategory for c in positive})
            classes = len(subs) + (suggestion is not None)
            score = min(1.0, (category_score if in_category else 0.0) + cue_score * classes)
            reasons = []
            if in_category:
                reasons.append(f"接警类别为“{row['category']}”")
            if positive:
                kinds = "、".join(SUBCATEGORY_LABELS.get(s, s) for s in subs)
                reasons.append(f"警情内容含违法犯罪线索词：{_cue_list(positive)}（{kinds}）")
            if suggestion is not None:
                reasons.append("学习模型提示警情内容可能涉及违法犯罪（非词库命中）")
            negated = [c for c in cues if c.negated]
            facts = _incident_facts(row)
            facts.append(Fact("analysis.cues", "线索词", [c.term for c in positive]))
            if suggestion is not None:
                facts.append(_learned_fact(suggestion))
            lines = [
                "疑似有案不立："
                + "；".join(reasons)
                + f"，处置结果为“{row['disposition']}”，未受案立案。",
            ]
            if negated:
                lines.append(f"已排除否定表述中的词：{_cue_list(negated)}")
            if suggestion is not None:
                lines.append(suggestion.explanation())
            lines.append(f"研判分值 {score:.2f}（类别 {category_score}，每类线索 {cue_score}）")
            yield _incident_suspicion(row, facts, "\n".join(lines), score)

    return AnalysisQuery("incident", run, narrow=_by_incident)


# ---------------------------------------------------------------------------------------------
# ZN-JF-02 纠纷高危信号


@register(
    "dispute_escalation",
    kind=RuleKind.ANALYSIS,
    subject="incident",
    settings={"min_score": "number", "use_learned": "bool", "learned_score": "number"},
)
def dispute_escalation(params: Any, ctx: EvalContext) -> AnalysisQuery:
    """Dispute incidents whose text carries escalation cues (negation-aware), scored by the
    weights of the cue subcategories (``escalation.toml``). Where the lexicon finds no
    escalation cue at all, the learned model (``fazhi.intel.learned``) may suggest a danger,
    scored ``learned_score`` and said to be a learned suggestion."""
    min_score = float(ctx.settings.get("min_score", 0.2))
    use_learned = bool(ctx.settings.get("use_learned", True))
    learned_score = float(ctx.settings.get("learned_score", 0.25))
    _check_range("min_score", min_score, 0, 1)
    _check_range("learned_score", learned_score, 0, 1)

    def run(ctx: EvalContext) -> Iterator[Result]:
        for batch in _batches(_chunked(_incident_rows(_disputes(ctx.as_of)), ctx.subjects)):
            yield from _escalation_results(
                batch, *_read_batch(batch, "escalation", True, use_learned)
            )

    def _escalation_results(
        batch: list[dict[str, Any]],
        found: dict[str, list[lexicon.Cue]],
        suggestions: dict[str, learned.Suggestion | None],
    ) -> Iterator[Result]:
        for row in batch:
            cues = found[row["pk"]]
            if not cues:
                suggestion = suggestions.get(row["pk"])
                if suggestion is not None and learned_score >= min_score:
                    facts = _incident_facts(row)
                    facts.append(Fact("incident.dispute_type", "纠纷类型", row["dispute_type"]))
                    facts.append(_learned_fact(suggestion))
                    lines = [
                        "纠纷警情内容可能含升级信号（学习模型提示，非词库命中）",
                        suggestion.explanation(),
                        f"研判分值 {learned_score:.2f}（学习模型提示的分值）",
                    ]
                    yield _incident_suspicion(row, facts, "\n".join(lines), learned_score)
                continue
            positive = [c for c in cues if not c.negated]
            subs = sorted({c.subcategory for c in positive})
            weights = {s: lexicon.weight_of("escalation", s) for s in subs}
            score = min(1.0, sum(weights.values()) / 100)
            if not positive or score < min_score:
                continue
            parts = [
                f"{SUBCATEGORY_LABELS.get(s, s)}"
                f"（{_cue_list(c for c in positive if c.subcategory == s)}，{weights[s]}分）"
                for s in subs
            ]
            facts = _incident_facts(row)
            facts.append(Fact("incident.dispute_type", "纠纷类型", row["dispute_type"]))
            facts.append(Fact("analysis.cues", "升级信号", [c.term for c in positive]))
            facts.append(Fact("analysis.signals", "信号类别", subs))
            lines = ["纠纷警情内容含升级信号：" + "；".join(parts)]
            negated = [c for c in cues if c.negated]
            if negated:
                lines.append(f"已排除否定表述中的词：{_cue_list(negated)}")
            lines.append(f"研判分值 {score:.2f}（各类信号分值之和 ÷ 100，上限 1）")
            yield _incident_suspicion(row, facts, "\n".join(lines), score)

    return AnalysisQuery("incident", run, narrow=_by_incident)


# ---------------------------------------------------------------------------------------------
# ZN-JF-01 纠纷警情反复


def normalise_phone(phone: str | None) -> str:
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 7 else ""


def repeated_groups(
    items: list[tuple[datetime, str]], window: timedelta, min_count: int
) -> list[list[str]]:
    """Maximal runs of ``items`` (time, id), sorted by time, where every incident lies in some
    window of length ``window`` holding at least ``min_count`` incidents; one list per run."""
    items = sorted(items)
    flagged = [False] * len(items)
    j = 0
    for i in range(len(items)):
        j = max(j, i)
        while j + 1 < len(items) and items[j + 1][0] - items[i][0] <= window:
            j += 1
        if j - i + 1 >= min_count:
            for k in range(i, j + 1):
                flagged[k] = True
    groups: list[list[str]] = []
    current: list[str] = []
    for k, (at, ident) in enumerate(items):
        if flagged[k] and current and at - items[k - 1][0] <= window and flagged[k - 1]:
            current.append(ident)
        elif flagged[k]:
            if current:
                groups.append(current)
            current = [ident]
    if current:
        groups.append(current)
    return groups


@register(
    "dispute_repeat",
    kind=RuleKind.ANALYSIS,
    subject="incident",
    settings={
        "window_days": "int",
        "min_count": "int",
        "by_address": "bool",
        "by_phone": "bool",
    },
)
def dispute_repeat(params: Any, ctx: EvalContext) -> AnalysisQuery:
    """Three or more dispute incidents at one normalised address, or from one reporter phone,
    within 30 days (a sliding window). Groups span the whole store, so the rule is always
    evaluated in full (no ``narrow``): a new incident can join a group of old ones."""
    window_days = int(ctx.settings.get("window_days", 30))
    min_count = int(ctx.settings.get("min_count", 3))
    _check_range("window_days", window_days, 1, 366)
    _check_range("min_count", min_count, 2, 100)
    keys = []
    if ctx.settings.get("by_address", True):
        keys.append("address")
    if ctx.settings.get("by_phone", True):
        keys.append("phone")
    window = timedelta(days=window_days)

    def run(ctx: EvalContext) -> Iterator[Result]:
        rows: dict[str, dict[str, Any]] = {}
        buckets: dict[tuple[str, str], list[tuple[datetime, str]]] = defaultdict(list)
        # the same street in two counties is two places: addresses meet within a jurisdiction
        jurisdiction = jurisdictions()
        for row in _incident_rows(_disputes(ctx.as_of)).iterator(chunk_size=_CHUNK):
            rows[row["pk"]] = row
            if "address" in keys:
                place = place_key(row["address"] or "", jurisdiction.get(row["unit_id"]))
                if place:
                    buckets[("address", place)].append((row["received_at"], row["pk"]))
            if "phone" in keys:
                phone = normalise_phone(row["reporter_phone"])
                if phone:
                    buckets[("phone", phone)].append((row["received_at"], row["pk"]))
        reasons: dict[str, list[tuple[str, str, list[str]]]] = defaultdict(list)
        for (kind, key), items in buckets.items():
            if len(items) < min_count:
                continue
            for group in repeated_groups(items, window, min_count):
                for ident in group:
                    reasons[ident].append((kind, key, group))
        for ident in sorted(reasons):
            row = rows[ident]
            facts = _incident_facts(row)
            lines = []
            biggest = 0
            for kind, bucket, group in reasons[ident]:
                label = "同一地址" if kind == "address" else "同一报警电话"
                key = bucket.partition("|")[2] if kind == "address" else bucket
                times = sorted(rows[g]["received_at"] for g in group)
                biggest = max(biggest, len(group))
                facts.append(Fact(f"repeat.{kind}", label, key))
                facts.append(Fact(f"repeat.{kind}_incidents", f"{label}的纠纷警情", group))
                lines.append(
                    f"{label}（{key}）{_fmt(times[0])} 至 {_fmt(times[-1])} 共 {len(group)} 起"
                    f"纠纷警情，达到 {window_days} 日内 {min_count} 起：{'、'.join(group)}"
                )
            score = min(1.0, biggest / (min_count + 2))
            lines.append(f"研判分值 {score:.2f}（起数 ÷ {min_count + 2}，上限 1）")
            yield _incident_suspicion(row, facts, "纠纷警情反复：" + "\n".join(lines), score)

    return AnalysisQuery("incident", run, narrow=None)


# ---------------------------------------------------------------------------------------------
# ZN-BL-01 笔录雷同


@register(
    "transcript_duplicate",
    kind=RuleKind.ANALYSIS,
    subject="transcript",
    settings={"min_jaccard": "number", "min_alignment": "number"},
)
def transcript_duplicate(params: Any, ctx: EvalContext) -> AnalysisQuery:
    """Transcripts of different persons that are near-identical once the boilerplate (seed
    list and corpus-learned) is removed: candidates from the persisted index (MinHash/LSH bands
    and rare sentence sketch keys), verified by the exact shingle Jaccard of the normalised texts
    and, when ``min_alignment`` > 0, by the sentence alignment (``duplicates.verdict``)."""
    min_jaccard = float(ctx.settings.get("min_jaccard", 0.6))
    _check_range("min_jaccard", min_jaccard, duplicates.MIN_SCORE, 1)
    min_alignment = float(ctx.settings.get("min_alignment", 0.0))
    if min_alignment:
        _check_range("min_alignment", min_alignment, duplicates.MIN_SCORE, 1)
    code = "ZN-BL-01"

    def narrow(ctx: EvalContext) -> tuple[str, ...]:
        assert ctx.scope is not None
        duplicates.sync_index()
        latest = BoilerplateVersion.objects.order_by("-learned_at", "-id").first()
        if latest is None or not latest.patrolled:
            # relearned boilerplate changes every score: re-check every transcript
            return tuple(m.Transcript.objects.order_by("pk").values_list("pk", flat=True))
        touched = set(ctx.scope.transcript_ids)
        case_ids = sorted(ctx.scope.case_ids)
        for start in range(0, len(case_ids), _CHUNK):
            touched.update(
                m.Transcript.objects.filter(
                    case_id__in=case_ids[start : start + _CHUNK]
                ).values_list("pk", flat=True)
            )
        subjects = set(touched)
        for a, b in duplicates.candidate_pairs(touched):
            subjects.update((a, b))
        # earlier partners: their finding may no longer hold
        subjects.update(
            Finding.objects.filter(rule_id=code, is_open=True).values_list("subject_id", flat=True)
        )
        return tuple(sorted(subjects))

    def run(ctx: EvalContext) -> Iterator[Result]:
        pairs = duplicates.find_matches(min_jaccard, ctx.subjects, min_alignment)
        if ctx.subjects is None:
            BoilerplateVersion.objects.filter(patrolled=False).update(patrolled=True)
        by_transcript: dict[str, list[tuple[duplicates.Match, duplicates.Info]]] = {}
        infos: dict[str, duplicates.Info] = {}
        for pair in pairs:
            infos[pair.a.id], infos[pair.b.id] = pair.a, pair.b
            by_transcript.setdefault(pair.a.id, []).append((pair.match_for(pair.a.id), pair.b))
            by_transcript.setdefault(pair.b.id, []).append((pair.match_for(pair.b.id), pair.a))
        # the partner is named by its id and unit only: its person, case and officers are
        # another record's, which the viewer of this finding may not be allowed to see (the
        # review page shows them from the transcript itself to those who may)
        unit_names = dict(
            m.Unit.objects.filter(
                pk__in={i.unit_id for i in infos.values() if i.unit_id}
            ).values_list("pk", "name")
        )
        for tid in sorted(by_transcript):
            me = infos[tid]
            matches = sorted(by_transcript[tid], key=lambda x: (-x[0].jaccard, x[1].id))
            best, other = matches[0]
            shared = sum(e - s for s, e, _, _ in best.passages)
            other_unit = unit_names.get(other.unit_id or "", other.unit_id or "—")
            facts = [
                Fact("transcript.kind", "笔录类别", me.kind),
                Fact("transcript.started_at", "开始时间", _fmt(me.started_at)),
                Fact("transcript.person", "人员", me.person_name),
                Fact("transcript.officers", "询问/讯问人", "、".join(me.officers)),
                Fact("match.transcript_id", "雷同笔录", other.id),
                Fact("match.unit", "雷同笔录单位", other_unit),
                Fact("match.jaccard", "相似度", best.jaccard),
                Fact("match.passages", "雷同段落", [list(p) for p in best.passages]),
            ]
            if len(matches) > 1:
                facts.append(
                    Fact("match.others", "其他雷同笔录",
                         [{"transcript_id": o.id, "jaccard": mm.jaccard} for mm, o in matches[1:]])
                )  # fmt: skip
            lines = [
                f"笔录雷同：去除套话（权利告知、表头、结束语等）后，本笔录（{me.person_name}）"
                f"与笔录 {other.id}（{other_unit}）的相似度为 {best.jaccard:.2f}"
                f"（字符 {duplicates.SHINGLE} 元组重合度，数字、标点、全半角不计；"
                f"或启用时的逐句对齐比例），达到阈值。",
                f"两份笔录分属不同人员；相同段落 {len(best.passages)} 处，共 {shared} 字。",
            ]
            if len(matches) > 1:
                lines.append(f"另与 {len(matches) - 1} 份笔录雷同。")
            yield Result(
                subject_type="transcript",
                subject_id=tid,
                status=FindingStatus.SUSPICION,
                unit_id=me.unit_id,
                officer_id=me.lead_officer_id,
                case_id=me.case_id,
                facts=facts,
                explanation="\n".join(lines),
                trigger_at=me.started_at,
                score=best.jaccard,
            )

    return AnalysisQuery("transcript", run, narrow=narrow)
