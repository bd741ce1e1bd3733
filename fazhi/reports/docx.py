"""A ``ReportDoc`` as a .docx in the layout of GB/T 9704-2012 (党政机关公文格式): A4 with the
standard's margins (天头 37 mm, 订口 28 mm, 版心 156 × 225 mm), the red 发文机关标志, the 文号
(``示公法〔2026〕3号``) above a red separator line, the title in 小标宋 二号, the body in
仿宋_GB2312 三号 with headings by level (一、黑体, （一）楷体), tables and charts, the issuing
body and date at the end, and the page number ``— N —`` in 四号 宋体 in the footer (odd pages
right, even left).

Word shows the named fonts where the machine has them and its own fallback elsewhere; each run
names the font for East Asian text too (``w:eastAsia``), without which Word would set the Chinese
in its default font."""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from fazhi.reports import charts
from fazhi.reports.document import Chart, Letterhead, ReportDoc, Sub, Table

RED = RGBColor(0xE0, 0x00, 0x00)
# 字号: 初号 42, 小初 36, 二号 22, 三号 16, 四号 14, 五号 10.5 (pt)
SIZE_MARK = 36
SIZE_TITLE = 22
SIZE_BODY = 16
SIZE_PAGE = 14
SIZE_TABLE = 10.5
FONT_MARK = FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE = "宋体"
LINE = Pt(28.95)  # 22 lines of 三号 on the 225 mm 版心
DOC_ROWS = 50  # rows of a table in the .docx; the annex has them all
NO_FONT_NOTE = "（注：本机未安装中文字体，图中文字可能无法正常显示。）"


def _font(run: Any, name: str, size: float, *, bold: bool = False, red: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if red:
        run.font.color.rgb = RED
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _para(container: Any, text: str, font: str, size: float, *, align: Any = None,
          indent: bool = False, bold: bool = False, red: bool = False) -> Paragraph:  # fmt: skip
    p: Paragraph = container.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = LINE if size >= SIZE_BODY else Pt(size * 1.4)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        _font(p.add_run(text), font, size, bold=bold, red=red)
    return p


def _red_rule(paragraph: Paragraph) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "E00000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    p_pr.append(border)


def _page_number(paragraph: Paragraph) -> None:
    """``— N —`` with N a PAGE field, so Word numbers every page."""
    _font(paragraph.add_run("— "), FONT_PAGE, SIZE_PAGE)
    run = paragraph.add_run()
    _font(run, FONT_PAGE, SIZE_PAGE)
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
        run._r.append(el)
        if kind == "separate":
            t = OxmlElement("w:t")
            t.text = "1"
            run._r.append(t)
    _font(paragraph.add_run(" —"), FONT_PAGE, SIZE_PAGE)


def _table(doc: Any, table: Table) -> None:
    _para(doc, table.title, FONT_H1, SIZE_TABLE + 1.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    rows = table.rows[:DOC_ROWS]
    extra = [table.total_row] if table.total_row else []
    grid = doc.add_table(rows=1 + len(rows) + len(extra), cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for j, head in enumerate(table.header):
        cell = grid.rows[0].cells[j]
        cell.text = ""
        _font(cell.paragraphs[0].add_run(str(head)), FONT_H1, SIZE_TABLE)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, row in enumerate([*rows, *extra], start=1):
        for j, value in enumerate(row):
            cell = grid.rows[i].cells[j]
            cell.text = ""
            _font(cell.paragraphs[0].add_run("—" if value is None else str(value)), FONT_BODY,
                  SIZE_TABLE, bold=bool(extra) and i == len(rows) + 1)  # fmt: skip
            if isinstance(value, int | float):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if not table.rows:
        _para(doc, "（无）", FONT_BODY, SIZE_TABLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    note = table.note or (
        f"（正文列前 {DOC_ROWS} 行，共 {len(table.rows)} 行，全部见附件）"
        if len(table.rows) > DOC_ROWS
        else ""
    )
    if note:
        _para(doc, note, FONT_BODY, SIZE_TABLE, align=WD_ALIGN_PARAGRAPH.CENTER)


def _chart(doc: Any, chart: Chart) -> None:
    png = charts.render(chart)
    doc.add_picture(io.BytesIO(png), width=Cm(15.0))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if charts.cjk_font() is None:
        _para(doc, NO_FONT_NOTE, FONT_BODY, SIZE_TABLE, align=WD_ALIGN_PARAGRAPH.CENTER)


def render(report: ReportDoc, head: Letterhead) -> bytes:
    doc = new_document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Pt(SIZE_PAGE)  # the number 7 mm below the 版心
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):  # fmt: skip
        p = footer.paragraphs[0]
        p.alignment = align
        _page_number(p)
    center = WD_ALIGN_PARAGRAPH.CENTER
    mark = _para(doc, head.mark, FONT_MARK, SIZE_MARK, align=center, red=True)
    mark.paragraph_format.line_spacing = Pt(SIZE_MARK * 1.5)
    _para(doc, "", FONT_BODY, SIZE_BODY)
    number = _para(doc, head.number, FONT_BODY, SIZE_BODY, align=center)
    _red_rule(number)
    _para(doc, "", FONT_BODY, SIZE_BODY)
    title = _para(doc, report.title, FONT_TITLE, SIZE_TITLE, align=center)
    title.paragraph_format.line_spacing = Pt(SIZE_TITLE * 1.5)
    if report.scope_name:
        _para(doc, f"（{report.scope_name}）", FONT_H2, SIZE_BODY, align=center)
    _para(doc, "", FONT_BODY, SIZE_BODY)
    _para(doc, report.lead, FONT_BODY, SIZE_BODY, indent=True)
    for sec in report.sections:
        _para(doc, sec.heading, FONT_H1, SIZE_BODY, indent=True)
        for block in sec.blocks:
            if isinstance(block, Sub):
                _para(doc, block.text, FONT_H2, SIZE_BODY, indent=True)
            elif isinstance(block, Table):
                _table(doc, block)
            elif isinstance(block, Chart):
                _chart(doc, block)
            else:
                _para(doc, block, FONT_BODY, SIZE_BODY, indent=True)
    _para(doc, "", FONT_BODY, SIZE_BODY)
    _para(doc, "附件：" + report.title + "数据表（.xlsx）", FONT_BODY, SIZE_BODY, indent=True)
    _para(doc, "", FONT_BODY, SIZE_BODY)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    signer = _para(doc, head.issuer, FONT_BODY, SIZE_BODY, align=right)
    signer.paragraph_format.right_indent = Pt(SIZE_BODY * 4)
    d = head.signed_on
    dated = _para(doc, f"{d.year}年{d.month}月{d.day}日", FONT_BODY, SIZE_BODY, align=right)
    dated.paragraph_format.right_indent = Pt(SIZE_BODY * 4)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
