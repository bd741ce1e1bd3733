"""The synthetic county generator: determinism, the FZX contract, clean data and exact truth."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import itertools
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.core.management import call_command

from fazhi.patrol.pack import load_pack
from fazhi.records.schema import BY_NAME, Kind
from fazhi.synth import incidents, names, transcripts
from fazhi.synth.injections.registry import RULES
from fazhi.synth.periods import parse_iso
from fazhi.synth.services import Options, generate, truth_path
from fazhi.synth.tests import oracle

# In the catalogue and the generator, not yet in the pack (see the test below): empty since
# GF-CW-03 joined the pack with the recorded return dates of FZX v1.1.
PENDING: set[str] = set()
RULES_MD = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "rules.md"
AS_OF = "2026-11-01T00:00:00+08:00"
DEADLINE_RULES = {
    code for code, spec in RULES.items()
    if {v for v, _, _ in spec.variants} >= {"overdue", "late"}
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("demo") / "demo.jsonl"
    call_command(
        "generate", "--scale", "demo", "--seed", "1", "--out", str(out), stdout=io.StringIO()
    )
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    lines = truth_path(out).read_bytes().splitlines()
    rows = [orjson.loads(line) for line in lines[1:]]
    return {"out": out, "records": records, "header": orjson.loads(lines[0]), "truth": rows}


def by_type(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        out[rec["type"]].append(rec)
    return out


def subjects(rows: list[dict[str, Any]], *rules: str) -> set[str]:
    return {r["subject_id"] for r in rows if r["rule"] in rules}


# --- determinism --------------------------------------------------------------------------


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path: Path, demo) -> None:
    # given two gzip runs with the demo's seed and one with another seed
    a = generate(Options("demo", 1, tmp_path / "a.jsonl.gz"))
    b = generate(Options("demo", 1, tmp_path / "b.jsonl.gz"))
    c = generate(Options("demo", 2, tmp_path / "c.jsonl.gz"))
    # then the same seed gives identical data and truth, byte for byte
    assert a.out.read_bytes() == b.out.read_bytes()
    assert a.truth.read_bytes() == b.truth.read_bytes()
    # and compression changes nothing but the container: it is the plain run's content
    assert gzip.decompress(a.out.read_bytes()) == demo["out"].read_bytes()
    # and another seed gives other data
    assert gzip.decompress(c.out.read_bytes()) != demo["out"].read_bytes()
    assert c.truth.read_bytes() != a.truth.read_bytes()


# --- truth ----------------------------------------------------------------------------------


def test_truth_file_is_named_after_the_data_file() -> None:
    assert truth_path(Path("x/out.jsonl")) == Path("x/out.truth.jsonl")
    assert truth_path(Path("x/out.jsonl.gz")) == Path("x/out.truth.jsonl")


def test_truth_header_records_the_run(demo) -> None:
    header = demo["header"]
    assert header["as_of"] == AS_OF
    assert header["seed"] == 1
    assert header["scale"] == "demo"
    counts = by_type(demo["records"])
    assert header["counts"] == {name: len(counts[name]) for name in header["counts"]}
    assert sum(header["findings"].values()) == len(demo["truth"])


def test_every_rule_code_of_the_catalogue_is_injected(demo) -> None:
    # given the rule codes of rules.md (the generator's table must match it)
    if not RULES_MD.exists():
        pytest.skip("shared/spec/rules.md is not beside the repository")
    catalogue = set(
        re.findall(r"^\| ((?:XS|ZA|JQ|GF|SJ|ZN|LX)-[A-Z0-9-]+) \|", RULES_MD.read_text(), re.M)
    )
    assert len(catalogue) == 60
    # Rules that read FZX v1.1 records are injected but not in the pack yet; they leave PENDING
    # when their checks join it (these asserts make sure they do).
    assert catalogue >= PENDING
    in_pack = {rule.code for rule in load_pack().rules}
    assert not PENDING & in_pack
    assert in_pack == catalogue - PENDING
    codes = catalogue
    assert set(RULES) == codes
    # then the demo truth has each of them, and both statuses of every deadline rule
    seen = {(r["rule"], r["status"]) for r in demo["truth"]}
    assert {rule for rule, _ in seen} == codes
    for code in DEADLINE_RULES:
        assert {(code, "overdue"), (code, "late")} <= seen, code
    assert {status for _, status in seen} == {"overdue", "late", "violation", "suspicion"}


def test_truth_rows_are_unique_and_name_written_records(demo) -> None:
    rows = demo["truth"]
    keys = [(r["rule"], r["subject_type"], r["subject_id"]) for r in rows]
    assert len(keys) == len(set(keys))
    written = {(rec["type"], rec["id"]) for rec in demo["records"]}
    assert all((r["subject_type"], r["subject_id"]) in written for r in rows)


def test_the_truth_is_exactly_what_rules_md_implies(demo) -> None:
    # given an independent plain reading of every rule of rules.md
    verdict, truth = oracle.check(str(demo["out"]), str(truth_path(demo["out"])))
    # then no subject depends on a reading rules.md leaves open (holidays, matching, cues)
    assert verdict.ambiguous == []
    # and the findings it derives are exactly the truth file's rows
    assert verdict.findings - truth == set()
    assert truth - verdict.findings == set()


def test_a_rate_overrides_the_default_and_unknown_codes_are_refused(tmp_path: Path) -> None:
    summary = generate(
        Options("demo", 3, tmp_path / "r.jsonl", rates={"XS-JL-02": 0.0, "ZN-JF-02": 0.01})
    )
    rows = [orjson.loads(x) for x in summary.truth.read_bytes().splitlines()[1:]]
    assert not [r for r in rows if r["rule"] == "XS-JL-02"]
    # 1% of a quarter county's ~3,250 disputes
    assert len([r for r in rows if r["rule"] == "ZN-JF-02"]) == round(0.01 * 13000 * 0.25)
    with pytest.raises(ValueError, match="XX-99"):
        generate(Options("demo", 3, tmp_path / "x.jsonl", rates={"XX-99": 0.1}))


# --- the FZX contract -----------------------------------------------------------------------


def _check_value(kind: Kind, value: Any, choices: Any) -> str | None:
    if kind in (Kind.STR, Kind.TEXT, Kind.REF):
        return None if isinstance(value, str) and value else "not a string"
    if kind is Kind.ENUM:
        return None if value in choices.values else f"{value!r} not in the enumeration"
    if kind is Kind.TIME:
        return None if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", value) else "time"
    if kind is Kind.DATE:
        dt.date.fromisoformat(value)
        return None
    if kind is Kind.BOOL:
        return None if isinstance(value, bool) else "not a bool"
    if kind is Kind.NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "not a number"
    if kind is Kind.REFS:
        return None if isinstance(value, list) and all(isinstance(x, str) for x in value) else "ids"
    return f"unknown kind {kind}"


def test_every_record_validates_against_the_schema(demo) -> None:
    # given the ids written per type
    records = demo["records"]
    ids: dict[str, set[str]] = defaultdict(set)
    errors: list[str] = []
    for rec in records:
        assert rec["type"] in BY_NAME
        assert len(rec["id"]) <= 64
        if rec["id"] in ids[rec["type"]]:
            errors.append(f"duplicate {rec['type']} {rec['id']}")
        ids[rec["type"]].add(rec["id"])
    # then every field is of its kind, enumerations are closed and references resolve
    for rec in records:
        spec = BY_NAME[rec["type"]]
        assert set(rec) - {"type", "id"} <= spec.field_names, rec
        for field in spec.fields:
            value = rec.get(field.name)
            if value is None:
                if field.required:
                    errors.append(f"{rec['type']} {rec['id']}: {field.name} missing")
                continue
            problem = _check_value(field.kind, value, field.choices)
            if problem:
                errors.append(f"{rec['type']} {rec['id']}: {field.name} {problem}")
            targets = (
                [value] if field.kind is Kind.REF else value if field.kind is Kind.REFS else []
            )
            for target in targets:
                if target not in ids[field.target or ""]:
                    errors.append(f"{rec['type']} {rec['id']}: {field.name} → {target} dangling")
    assert errors == []


def test_nothing_happens_after_as_of(demo) -> None:
    as_of = parse_iso(AS_OF)
    late = []
    for rec in demo["records"]:
        for name in ("received_at", "arrived_at", "disposed_at", "accepted_at", "filed_at",
                     "closed_at", "started_at", "ended_at", "seized_at", "at", "entered_at",
                     "left_at", "issued_at", "unrelated_at", "uploaded_at",
                     "deleted_at", "decided_at"):  # fmt: skip
            if rec.get(name) and parse_iso(rec[name]) > as_of:
                late.append((rec["type"], rec["id"], name))
    assert late == []
    # and the year before as_of is covered: incidents from every month
    months = {rec["received_at"][:7] for rec in demo["records"] if rec["type"] == "incident"}
    assert len(months) >= 12


def test_identity_numbers_are_valid_except_the_injected_ones(demo) -> None:
    injected = subjects(demo["truth"], "SJ-01")
    wrong_birth = subjects(demo["truth"], "SJ-02")
    persons = by_type(demo["records"])["person"]
    for person in persons:
        number = person["id_number"]
        if number is None:
            continue
        assert names.id_number_valid(number) == (person["id"] not in injected), person
        if person["birth_date"] and person["id"] not in wrong_birth:
            assert person["birth_date"].replace("-", "") == number[6:14]
    # and suspects and offenders always carry one, but for the SJ-04 injections
    missing = {
        p["id"] for p in persons
        if p["role"] in {"犯罪嫌疑人", "违法行为人"} and not p["id_number"]
    }  # fmt: skip
    assert missing == subjects(demo["truth"], "SJ-04") & {p["id"] for p in persons}


def test_no_clean_officer_sits_in_two_transcripts_at_once(demo) -> None:
    allowed = subjects(demo["truth"], "GF-XW-03")
    booked: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for tr in by_type(demo["records"])["transcript"]:
        for officer in tr["officer_ids"]:
            booked[officer].append((tr["started_at"], tr["ended_at"], tr["id"]))
    clashes = set()
    for intervals in booked.values():
        intervals.sort()
        for (_, end, a), (start, _, b) in itertools.pairwise(intervals):
            if start < end:
                clashes |= {a, b}
    assert clashes == allowed


def test_clean_transcripts_of_different_persons_are_not_near_duplicates(demo) -> None:
    # given a sample of the clean transcripts of one kind (the most alike ones)
    copied = subjects(demo["truth"], "ZN-BL-01")
    sample = [
        tr for tr in by_type(demo["records"])["transcript"]
        if tr["id"] not in copied and tr["kind"] == "讯问"
    ][:400]  # fmt: skip
    grams = [transcripts.shingles(transcripts.narrative_text(tr["text"])) for tr in sample]
    worst = 0.0
    for i in range(len(sample)):
        for j in range(i + 1, len(sample)):
            if sample[i]["person_id"] != sample[j]["person_id"]:
                worst = max(worst, transcripts.jaccard(grams[i], grams[j]))
    # then no two are near-identical, by a wide margin
    assert len(sample) == 400
    assert worst < 0.6


def test_copied_transcripts_are_near_identical(demo) -> None:
    texts = {tr["id"]: tr for tr in by_type(demo["records"])["transcript"]}
    rows = [r for r in demo["truth"] if r["rule"] == "ZN-BL-01"]
    assert len(rows) >= 2
    for a, b in zip(rows[::2], rows[1::2], strict=True):
        ta, tb = texts[a["subject_id"]], texts[b["subject_id"]]
        assert ta["person_id"] != tb["person_id"]
        score = transcripts.jaccard(
            transcripts.shingles(transcripts.narrative_text(ta["text"])),
            transcripts.shingles(transcripts.narrative_text(tb["text"])),
        )
        assert score >= 0.85


def test_clean_transcripts_are_plausible(demo) -> None:
    records = demo["records"]
    officers = {o["id"]: o for o in by_type(records)["officer"]}
    flagged = subjects(demo["truth"], "GF-XW-01", "GF-XW-04", "XS-XW-02", "ZA-XW-01", "GF-XW-02")
    for tr in by_type(records)["transcript"]:
        if tr["id"] in flagged:
            continue
        minutes = (parse_iso(tr["ended_at"]) - parse_iso(tr["started_at"])) / 60
        assert len(tr["text"]) <= 60 * minutes
        assert sum(officers[o]["role"] != "辅警" for o in tr["officer_ids"]) >= 2
        assert tr["recorded"] is True
        assert tr["text"].endswith(transcripts.CLOSING_A)
        assert "时间：" in tr["text"]
        assert "记录人：" in tr["text"]


def test_organisation_has_the_county_mix(demo) -> None:
    records = by_type(demo["records"])
    kinds = [u["kind"] for u in records["unit"]]
    assert kinds.count("县局") == 1
    assert kinds.count("派出所") >= 3
    brigades = ("刑侦大队", "治安大队", "交警大队", "经侦大队", "禁毒大队", "网安大队", "法制大队")
    for brigade in (*brigades, "执法办案管理中心"):
        assert kinds.count(brigade) == 1
    roles = [o["role"] for o in records["officer"]]
    assert 0.25 <= roles.count("辅警") / len(roles) <= 0.42
    assert roles.count("法制员") >= kinds.count("派出所")
    for officer in records["officer"]:
        assert (officer["qualification"] == "无") == (officer["qualified_at"] is None)


def test_clean_incidents_carry_no_offence_or_escalation_cue(demo) -> None:
    injected = subjects(demo["truth"], "ZN-JQ-01", "ZN-JF-02", "JQ-01")
    for rec in by_type(demo["records"])["incident"]:
        if rec["id"] in injected or rec["disposition"] in {"受案", "移交", None}:
            continue
        assert incidents.clean_text(rec["description"]), rec
        assert rec["category"] not in {"刑事", "治安"}


def test_incidents_follow_a_daily_rhythm(demo) -> None:
    hours = [int(rec["received_at"][11:13]) for rec in by_type(demo["records"])["incident"]]
    night = sum(1 for h in hours if 2 <= h < 6)
    evening = sum(1 for h in hours if 19 <= h < 23)
    assert evening > 4 * night


def test_every_incident_description_template_is_clean() -> None:
    # the clean pools themselves, not just what one seed drew
    for templates in (*incidents.DISPUTES.values(), *incidents.OTHER_TEXTS.values()):
        for template in templates:
            assert incidents.clean_text(template), template


# --- FZX v1.1 ------------------------------------------------------------------------------

V11_TYPES = ("property_movement", "recording", "review", "complaint", "safety_event", "training",
             "commendation", "discipline")  # fmt: skip


def test_the_county_has_its_v1_1_records_and_they_hang_together(demo) -> None:
    records = by_type(demo["records"])
    # every v1.1 type is written
    assert all(records[name] for name in V11_TYPES), {n: len(records[n]) for n in V11_TYPES}
    # a pending review or complaint has no outcome yet, a decided one has
    for review in records["review"]:
        assert (review["decided_at"] is None) == (review["outcome"] is None), review
    for complaint in records["complaint"]:
        assert (complaint["closed_at"] is None) == (complaint["result"] is None), complaint
    # cases with a minor heard are never disclosable; nothing else says so
    minors = {tr["case_id"] for tr in records["transcript"] if tr["guardian_present"] is not None}
    hidden = {c["id"] for c in records["case"] if c.get("disclosable") is False}
    assert hidden == minors
    # an officer qualified within the year passed his exam before that date
    window = parse_iso(AS_OF) - 325 * 86400
    passed = {
        (tr["officer_id"]) for tr in records["training"]
        if tr["kind"] == "执法资格考试" and tr["result"] == "通过"
    }  # fmt: skip
    for officer in records["officer"]:
        qualified = officer["qualified_at"]
        if qualified and parse_iso(qualified) > window:
            assert officer["id"] in passed, officer
    # recordings are uploaded after they end, and the clean ones within 24 h
    late = subjects(demo["truth"], "LX-02")
    for rec in records["recording"]:
        assert rec["started_at"] <= rec["ended_at"]
        if rec["uploaded_at"] is not None and rec["id"] not in late:
            hours = (parse_iso(rec["uploaded_at"]) - parse_iso(rec["ended_at"])) / 3600
            assert 0 < hours < 24
    # every stored item's chain starts with 入库, but for the GF-CW-05 injections
    chains: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for move in records["property_movement"]:
        chains[move["property_id"]].append(move)
    broken = subjects(demo["truth"], "GF-CW-05")
    for chain in chains.values():
        chain.sort(key=lambda mv: mv["at"])
        if not {mv["id"] for mv in chain} & broken:
            assert chain[0]["kind"] == "入库", chain


@pytest.mark.django_db
def test_the_demo_imports_without_errors(demo) -> None:
    exchange = pytest.importorskip("fazhi.exchange.services")
    if not hasattr(exchange, "import_bundle"):
        pytest.skip("the FZX importer is not there yet")
    report = exchange.import_bundle([demo["out"]])
    assert report.errors == []
    assert report.ok


@pytest.mark.slow
def test_county_truth_is_exact(tmp_path: Path) -> None:
    summary = generate(Options("county", 7, tmp_path / "county.jsonl"))
    verdict, truth = oracle.check(str(summary.out), str(summary.truth))
    assert verdict.ambiguous == []
    assert verdict.findings == truth


def test_a_case_without_a_lead_officer_draws_reviews_that_name_no_officer() -> None:
    # given a decided case whose lead officer is missing (the injected 无主办民警 defect), and
    # enough random streams that some of them file a review the case loses
    from types import SimpleNamespace

    from fazhi.synth.oversight import Oversight

    county: Any = SimpleNamespace(prefix="Q001")
    case = {"id": "Q001-A000001", "lead_officer_id": None, "accepted_at": 0, "unit_id": "U1"}
    decision = {"type": "event", "kind": "处罚决定", "at": 0}
    work: Any = SimpleNamespace(case=case, pair=list)
    emitted: list[dict[str, Any]] = []
    # when the case's aftermath is written under three thousand streams
    for seed in range(3000):
        Oversight(county, random.Random(seed), 10**10, emitted.append).case(work, {"E1": decision})
    # then reviews were filed, lost ones among them, and none names an officer that is not there
    reviews = [r for r in emitted if r["type"] == "review"]
    assert any(r["outcome"] in {"撤销", "变更", "确认违法"} for r in reviews)
    assert all(None not in r["officer_ids"] for r in reviews)
    assert not [r for r in emitted if r["type"] == "discipline"]
