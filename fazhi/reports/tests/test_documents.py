"""Each report opens in python-docx and openpyxl and carries the official elements of GB/T 9704:
the red 发文机关标志, the 文号, the title in 小标宋 二号, the date, the page number field."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from fazhi.reports import charts, services
from fazhi.reports.docx import NO_FONT_NOTE
from fazhi.reports.services import report_root

from .conftest import sh

PERIODS = {"daily": "2026-10-08", "weekly": "2026-W41", "monthly": "2026-10",
           "quarterly": "2026-Q3"}  # fmt: skip


@pytest.fixture
def data(world: Any) -> Any:
    world.finding("south", sh(2026, 10, 8))
    world.problem("south", sh(2026, 10, 8, 11), status="closed")
    world.problem("north", sh(2026, 8, 3), due_at=sh(2026, 8, 5))
    world.dispute("south", sh(2026, 9, 2), "红")
    return world


def _docx(report: Any) -> Any:
    return Document(io.BytesIO((report_root() / report.docx_path).read_bytes()))


@pytest.mark.parametrize("kind", list(PERIODS))
def test_each_report_carries_the_official_elements(data: Any, system: Any, kind: str) -> None:
    # given a bureau with findings, problems and a red dispute
    # when the system issues the report on 12 October 2026
    report = services.generate_report(
        actor=system, kind=kind, period=PERIODS[kind], now=sh(2026, 12, 1, 8)
    )
    doc = _docx(report)
    texts = [p.text for p in doc.paragraphs]
    # then the red 发文机关标志, the 文号, the title, the issuing body and date are there
    mark = doc.paragraphs[0]
    assert mark.text == "示范县公安局法制大队"
    assert mark.runs[0].font.color.rgb is not None
    assert str(mark.runs[0].font.color.rgb) == "E00000"
    assert re.fullmatch(r"示公法〔2026〕\d+号", report.number)
    assert report.number in texts
    number = next(p for p in doc.paragraphs if p.text == report.number)
    assert number._p.pPr.find(qn("w:pBdr")) is not None  # the red separator line
    title = next(p for p in doc.paragraphs if p.text == report.title)
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert texts[-2:] == ["示范县公安局法制大队", "2026年12月1日"]
    body = next(p for p in doc.paragraphs if p.text.startswith(("2026", "截至")))
    assert body.runs[0].font.size == Pt(16)
    # the page number: a PAGE field between dashes in the footer, odd and even pages
    section = doc.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml
        assert "— " in footer.paragraphs[0].text
    assert round(section.page_width.mm) == 210
    assert round(section.top_margin.mm) == 37
    # and the annex opens with the same 文号 and a sheet per table
    wb = load_workbook(io.BytesIO((report_root() / report.xlsx_path).read_bytes()))
    cover = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True)}
    assert cover["文号"] == report.number
    assert cover["标题"] == report.title
    if kind != "monthly":  # an unpublished month has no tables
        assert len(wb.sheetnames) > 1


def test_numbers_follow_each_other_in_the_year(data: Any, system: Any) -> None:
    # given two reports issued in 2026 / then their 文号 run 1, 2
    a = services.generate_report(actor=system, kind="daily", period="2026-10-08",
                                 now=sh(2026, 10, 9, 8))  # fmt: skip
    b = services.generate_report(actor=system, kind="daily", period="2026-10-09",
                                 now=sh(2026, 10, 10, 8))  # fmt: skip
    assert (a.seq, b.seq) == (1, 2)
    assert b.number == "示公法〔2026〕2号"


def test_a_chart_renders_without_a_cjk_font_and_the_report_says_so(
    data: Any, system: Any, monkeypatch: Any
) -> None:
    # given a machine without a Chinese font
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    # when the quarterly report (with charts) is issued
    report = services.generate_report(actor=system, kind="quarterly", period="2026-Q3",
                                      now=sh(2026, 10, 5, 8))  # fmt: skip
    doc = _docx(report)
    # then the charts are there all the same, and a note says why their words may not show
    assert len(doc.inline_shapes) == 3
    assert NO_FONT_NOTE in [p.text for p in doc.paragraphs]


def test_with_the_font_the_charts_carry_no_note(data: Any, system: Any) -> None:
    if charts.cjk_font() is None:
        pytest.skip("本机没有中文字体")
    report = services.generate_report(actor=system, kind="quarterly", period="2026-Q3",
                                      now=sh(2026, 10, 5, 8))  # fmt: skip
    doc = _docx(report)
    assert len(doc.inline_shapes) == 3
    assert NO_FONT_NOTE not in [p.text for p in doc.paragraphs]
