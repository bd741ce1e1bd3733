"""The library as a file (标准库文件): exported, imported into an empty library identical,
imported into a library that has it keeping history, refused whole when anything is wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.standards.error_codes import ErrorCode
from fazhi.standards.library import export_library, import_library
from fazhi.standards.models import Standard
from fazhi.standards.services import (
    StandardError,
    abolish_standard,
    add_standard,
    revise_standard,
)
from fazhi.standards.tests.helpers import client_of

pytestmark = pytest.mark.django_db

FIELDS = (
    "code", "version", "title", "category", "text", "effective_from", "effective_to", "source",
    "reason", "abolished_on", "abolition_reason",
)  # fmt: skip


def _rows() -> list[tuple[Any, ...]]:
    """Every version as the file carries it (not who entered it here, nor when)."""
    return [
        (*(getattr(s, f) for f in FIELDS), tuple(sorted(r.code for r in s.rules.all())))
        for s in Standard.objects.prefetch_related("rules").order_by("code", "version")
    ]


@pytest.fixture
def city(library: Any) -> Any:
    """The city bureau's library: the pack's standards, one revised twice, one abolished, one
    of its own that no rule enforces (written practice only)."""
    zhou = library.users["zhou"]
    first = Standard.objects.get(code="BZ-LC-01")
    second = revise_standard(
        first, actor=zhou, title="警情处置时限规范", text="警情12小时内处置完毕。",
        rules=["JQ-01", "JQ-02"], effective_from=date(2026, 4, 1), reason="市局收紧时限",
    )  # fmt: skip
    revise_standard(
        second, actor=zhou, title="警情处置时限规范", text="警情12小时内处置完毕并录入结果。",
        rules=["JQ-01"], effective_from=date(2026, 7, 1), reason="补充录入要求",
    )  # fmt: skip
    abolish_standard(
        Standard.objects.get(code="BZ-LC-02"), actor=zhou, on=date(2026, 5, 1),
        reason="并入新的办案区规范",
    )  # fmt: skip
    add_standard(
        actor=zhou, code="BZ-GL-90", title="窗口服务文明用语规范", category="管理服务",
        text="接待群众使用文明用语。\n不得推诿。", rules=[], effective_from=date(2026, 3, 1),
        reason="市局服务规范", source="市局文件",
    )  # fmt: skip
    return library


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def _text(lines: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)


# --- round trip ------------------------------------------------------------------------------


def test_a_library_exported_and_imported_into_an_empty_one_is_identical(city: Any) -> None:
    # given the city's library and its file
    before = _rows()
    exported = export_library()
    header, *standards = _lines(exported)
    assert (header["format"], header["format_version"], header["standards"]) == (
        "fazhi-standards", 1, 18,
    )  # fmt: skip
    # when a county with an empty library imports it
    Standard.objects.all().delete()
    result = import_library(exported, actor=city.users["zhou"], name="city.jsonl")
    # then every version is there as it was: text, dates, reasons, rules, abolition
    assert len(result.created) == 18
    assert _rows() == before
    assert Standard.objects.filter(code="BZ-LC-01").count() == 3
    # and its own export is the same file, but for the moment it was written
    again = _lines(export_library())
    assert again[1:] == standards
    # and the import is audited with the file and what it did
    event = AuditEvent.objects.get(action=AuditAction.STANDARD_IMPORT)
    assert (event.actor, event.details["file"], len(event.details["created"])) == (
        "zhou", "city.jsonl", 18,
    )  # fmt: skip


def test_importing_the_same_file_again_changes_nothing(city: Any) -> None:
    before = _rows()
    result = import_library(export_library(), actor=city.users["zhou"])
    assert (result.created, result.revised, result.abolished) == ([], [], [])
    assert len(result.unchanged) == 18
    assert _rows() == before


# --- importing into a library that has the standards ------------------------------------------


def test_a_changed_standard_becomes_a_new_version_and_the_county_keeps_its_own(
    library: Any,
) -> None:
    zhou = library.users["zhou"]
    # given the county's library (the pack's standards) with one standard of its own
    add_standard(
        actor=zhou, code="BZ-XJ-01", title="县局值班规范", category="管理服务", text="值班。",
        rules=[], effective_from=date(2026, 2, 1), reason="县局规定",
    )  # fmt: skip
    # and the city's file, where BZ-LC-01 was revised from 2026-06-01 and BZ-LC-03 abolished
    header, *standards = _lines(export_library())
    city = [s for s in standards if s["code"] != "BZ-XJ-01"]
    header["standards"] = len(city)
    lc01 = next(s for s in city if s["code"] == "BZ-LC-01")
    lc01["versions"][0]["effective_to"] = "2026-05-31"
    lc01["versions"].append(
        {**lc01["versions"][0], "version": 2, "text": "警情12小时内处置完毕。",
         "effective_from": "2026-06-01", "effective_to": None, "reason": "市局收紧时限",
         "source": "市局文件"},
    )  # fmt: skip
    lc03 = next(s for s in city if s["code"] == "BZ-LC-03")
    lc03["versions"][0]["effective_to"] = "2026-08-31"
    lc03["abolished"] = {"on": "2026-09-01", "reason": "市局废止"}
    # when the county imports it
    result = import_library(_text([header, *city]), actor=zhou, name="city.jsonl")
    # then BZ-LC-01 has a second version with the city's text and reason; the first ends before
    assert (result.revised, result.abolished) == (["BZ-LC-01"], ["BZ-LC-03"])
    assert len(result.unchanged) == 15
    old, new = Standard.objects.filter(code="BZ-LC-01").order_by("version")
    assert old.effective_to == date(2026, 5, 31)
    assert (new.version, new.text, new.reason, new.source) == (
        2, "警情12小时内处置完毕。", "市局收紧时限", "市局文件",
    )  # fmt: skip
    assert (new.effective_from, new.updated_by) == (date(2026, 6, 1), "zhou")
    # BZ-LC-03 is abolished here with the city's reason
    lc03_here = Standard.objects.get(code="BZ-LC-03")
    assert (lc03_here.abolished_on, lc03_here.abolition_reason) == (date(2026, 9, 1), "市局废止")
    assert lc03_here.effective_to == date(2026, 8, 31)
    # and the county's own standard is untouched
    assert Standard.objects.get(code="BZ-XJ-01").text == "值班。"
    event = AuditEvent.objects.get(action=AuditAction.STANDARD_IMPORT)
    assert (event.details["revised"], event.details["abolished"]) == (["BZ-LC-01"], ["BZ-LC-03"])
    assert event.details["unchanged"] == 15


def test_a_changed_standard_that_would_not_start_later_refuses_the_whole_file(
    library: Any,
) -> None:
    zhou = library.users["zhou"]
    # given the county revised BZ-LC-01 from July, and a file that changes BZ-LC-01 from June
    # and (validly) abolishes BZ-LC-03
    revise_standard(
        Standard.objects.get(code="BZ-LC-01"), actor=zhou, title="县局版", text="县局文字",
        rules=["JQ-01"], effective_from=date(2026, 7, 1), reason="县局修订",
    )  # fmt: skip
    header, *standards = _lines(export_library())
    lc01 = next(s for s in standards if s["code"] == "BZ-LC-01")
    lc01["versions"] = [{**lc01["versions"][0], "effective_to": None}]
    lc01["versions"][0].update(text="市局文字", effective_from="2026-06-01")
    lc03 = next(s for s in standards if s["code"] == "BZ-LC-03")
    lc03["versions"][0]["effective_to"] = "2026-08-31"
    lc03["abolished"] = {"on": "2026-09-01", "reason": "市局废止"}
    before = _rows()
    # when it is imported, then it is refused naming the standard and field, and nothing changed
    with pytest.raises(StandardError) as refused:
        import_library(_text([header, *standards]), actor=zhou)
    line = 1 + 1 + [s["code"] for s in standards].index("BZ-LC-01")
    assert refused.value.code == ErrorCode.IMPORT_INVALID
    assert (
        f"第{line}行 标准 BZ-LC-01 第1版：生效日期（effective_from）2026-06-01 必须晚于本库第2版的"
        "生效日期 2026-07-01" in refused.value.message
    )
    assert _rows() == before
    assert not AuditEvent.objects.filter(action=AuditAction.STANDARD_IMPORT).exists()


def test_a_standard_abolished_here_but_current_in_the_file_is_refused(library: Any) -> None:
    zhou = library.users["zhou"]
    text = export_library()
    abolish_standard(
        Standard.objects.get(code="BZ-LC-01"), actor=zhou, on=date(2026, 5, 1), reason="废止"
    )
    with pytest.raises(StandardError, match="本库已于 2026-05-01 废除该标准，文件中仍为现行"):
        import_library(text, actor=zhou)


# --- bad files ---------------------------------------------------------------------------------


def _bad(mutate: Callable[[list[dict[str, Any]]], None]) -> Callable[[], str]:
    def build() -> str:
        lines = _lines(export_library())
        mutate(lines)
        return _text(lines)

    return build


def _set(index: int, **values: Any) -> Callable[[list[dict[str, Any]]], None]:
    def mutate(lines: list[dict[str, Any]]) -> None:
        lines[index]["versions"][0].update(values)

    return mutate


def _header(**values: Any) -> Callable[[list[dict[str, Any]]], None]:
    return lambda lines: lines[0].update(values)


def _standard(index: int, **values: Any) -> Callable[[list[dict[str, Any]]], None]:
    return lambda lines: lines[index].update(values)


def _drop_last(lines: list[dict[str, Any]]) -> None:
    lines.pop()


def _drop_header(lines: list[dict[str, Any]]) -> None:
    lines.pop(0)


def _duplicate(lines: list[dict[str, Any]]) -> None:
    lines.append(lines[1])
    lines[0]["standards"] += 1


def _second_version_gap(lines: list[dict[str, Any]]) -> None:
    first = lines[1]["versions"][0]
    lines[1]["versions"].append({**first, "version": 2, "effective_from": "2026-06-01"})


BAD_FILES = [
    ("not-json", lambda: export_library() + "{不是JSON\n", "第19行：不是有效的 JSON"),
    ("no-header", _bad(_drop_header), "第1行：首行不是标准库文件的文件头"),
    ("version", _bad(_header(format_version=2)), "格式版本（format_version）“2”不受支持"),
    ("truncated", _bad(_drop_last), "标准条数（standards）声明 17 条，文件中有 16 条：文件不完整"),
    ("title", _bad(_set(1, title=" ")), "第2行 标准 BZ-DW-01 第1版：标题（title）必须填写"),
    ("category", _bad(_set(1, category="刑侦")), "第1版：类别（category）“刑侦”无效"),
    (
        "rule", _bad(_set(1, rules=["SJ-01", "XX-99"])),
        "第2行 标准 BZ-DW-01 第1版：执行规则（rules）规则 XX-99 在本系统不存在",
    ),
    ("rules", _bad(_set(1, rules="SJ-01")), "执行规则（rules）必须是规则编号的列表"),
    ("date", _bad(_set(1, effective_from="2026-13-01")), "生效日期（effective_from）必须是日期"),
    ("number", _bad(_set(1, version=3)), "版本号（version）应为 1（版本从 1 起连续编号）"),
    ("field", _bad(_set(1, titel="错字")), "第2行 标准 BZ-DW-01 第1版：未知字段“titel”"),
    ("duplicate", _bad(_duplicate), "第19行 标准 BZ-DW-01：与第2行重复"),
    ("code", _bad(_standard(1, code="")), "第2行：标准编号（code）必须填写"),
    (
        "chain", _bad(_second_version_gap),
        "第2行 标准 BZ-DW-01 第1版：失效日期（effective_to）应为第2版生效的前一天 2026-05-31",
    ),
    (
        "open", _bad(_set(1, effective_to="2026-05-31")),
        "失效日期（effective_to）最新版本未废除，应为 null",
    ),
    (
        "abolished", _bad(_standard(1, abolished={"on": "2026-05-01", "reason": ""})),
        "第2行 标准 BZ-DW-01：理由（reason）必须填写",
    ),
    ("empty", lambda: "\n\n", "文件：文件是空的"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "build", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_whole_naming_the_record_and_field(
    library: Any, case: str, build: Callable[[], str], message: str
) -> None:
    zhou = library.users["zhou"]
    # given a good change in the same file (a new standard), besides the problem
    text = build()
    extra: dict[str, Any] = {
        "code": "BZ-NEW-01",
        "versions": [
            {"version": 1, "title": "新标准", "category": "执法办案", "text": "新", "rules": [],
             "effective_from": "2026-05-01", "effective_to": None, "reason": "", "source": ""},
        ],
        "abolished": None,
    }  # fmt: skip
    if text.strip() and case not in {"no-header", "truncated"}:
        lines = text.splitlines()
        head = json.loads(lines[0])
        head["standards"] += 1
        text = "\n".join([json.dumps(head), *lines[1:], json.dumps(extra, ensure_ascii=False)])
    before = _rows()
    # when it is imported, then it is refused (400) with a Chinese message naming the problem
    with pytest.raises(StandardError) as refused:
        import_library(text, actor=zhou)
    assert (refused.value.code, refused.value.status) == (ErrorCode.IMPORT_INVALID, 400)
    assert message in refused.value.message, refused.value.message
    assert refused.value.message.startswith("标准库文件有误，未导入任何内容")
    # and nothing at all was written
    assert _rows() == before
    assert not Standard.objects.filter(code="BZ-NEW-01").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.STANDARD_IMPORT).exists()


def test_bytes_that_are_not_utf8_are_refused(library: Any) -> None:
    data = export_library().encode("gb18030")
    with pytest.raises(StandardError, match="不是 UTF-8 编码的文本"):
        import_library(data, actor=library.users["zhou"])


# --- who may import ----------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["zhang", "li", "sun", "wu"])
def test_only_the_legal_brigade_and_administrators_import(library: Any, user: str) -> None:
    text = export_library()
    Standard.objects.filter(code="BZ-LC-01").delete()
    with pytest.raises(StandardError, match="无权导入标准库") as refused:
        import_library(text, actor=library.users[user])
    assert refused.value.status == 403
    assert not Standard.objects.filter(code="BZ-LC-01").exists()
    # and the administrator may
    result = import_library(text, actor=library.users["admin"])
    assert result.created == ["BZ-LC-01"]


# --- the page and the command ------------------------------------------------------------------


def test_every_signed_in_user_downloads_the_library_and_it_is_audited(city: Any) -> None:
    response = client_of(city, "zhang").get("/standards/export.jsonl")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="standards-')
    assert _lines(response.content.decode("utf-8"))[1:] == _lines(export_library())[1:]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT_STANDARDS)
    assert (event.actor, event.details["count"]) == ("zhang", 18)
    anonymous = Client().get("/standards/export.jsonl")
    assert (anonymous.status_code, anonymous["Location"][:7]) == (302, "/login/")


def test_the_legal_brigade_imports_a_file_from_the_page(library: Any) -> None:
    text = export_library()
    Standard.objects.filter(code="BZ-LC-01").delete()
    client = client_of(library, "zhou")
    assert client.get("/standards/import/").status_code == 200
    upload = SimpleUploadedFile("city.jsonl", text.encode("utf-8"))
    response = client.post("/standards/import/", {"file": upload}, follow=True)
    assert response.redirect_chain == [("/standards/", 302)]
    assert "标准库文件已导入：新增 1 条，发布新版本 0 条，废除 0 条，未变 16 条" in (
        response.content.decode()
    )
    assert Standard.objects.filter(code="BZ-LC-01").exists()


def test_a_bad_file_on_the_page_lists_every_problem_and_writes_nothing(library: Any) -> None:
    lines = _lines(export_library())
    lines[1]["versions"][0]["category"] = "刑侦"
    lines[2]["versions"][0]["rules"] = ["XX-99"]
    upload = SimpleUploadedFile("bad.jsonl", _text(lines).encode("utf-8"))
    response = client_of(library, "zhou").post("/standards/import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "第2行 标准 BZ-DW-01 第1版：类别（category）“刑侦”无效" in page
    assert "执行规则（rules）规则 XX-99 在本系统不存在" in page
    assert not AuditEvent.objects.filter(action=AuditAction.STANDARD_IMPORT).exists()


@pytest.mark.parametrize("user", ["zhang", "li", "wu"])
def test_other_users_may_not_open_or_post_the_import(library: Any, user: str) -> None:
    text = export_library()
    Standard.objects.filter(code="BZ-LC-01").delete()
    client = client_of(library, user)
    assert client.get("/standards/import/").status_code == 403
    upload = SimpleUploadedFile("city.jsonl", text.encode("utf-8"))
    assert client.post("/standards/import/", {"file": upload}).status_code == 403
    assert not Standard.objects.filter(code="BZ-LC-01").exists()
    assert "/standards/import/" not in client.get("/standards/").content.decode()


def test_the_command_exports_and_imports_the_library(city: Any, tmp_path: Path) -> None:
    target = tmp_path / "city.jsonl"
    before = _rows()
    call_command("standards", "export", "--output", str(target))
    Standard.objects.all().delete()
    call_command("standards", "import", str(target), "--actor", "zhou")
    assert _rows() == before
    # a refused user, or a bad file, is a Chinese error and writes nothing
    Standard.objects.filter(code="BZ-LC-01").delete()
    with pytest.raises(CommandError, match="无权导入标准库"):
        call_command("standards", "import", str(target), "--actor", "li")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(target.read_text(encoding="utf-8") + "{\n", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("standards", "import", str(bad))
    assert not Standard.objects.filter(code="BZ-LC-01").exists()
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("standards", "import", str(tmp_path / "missing.jsonl"))
