"""The escalation letter (抄告函) to the county 政法委 as a .docx in the layout of a 公文
(GB/T 9704): red 发文机关标志, 文号, red rule, title in 小标宋 (bold), 主送, body in 仿宋 三号,
落款 and date, 抄送 between two rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

RED = RGBColor(0xE0, 0x00, 0x00)
# 字号: 初号 42pt, 二号 22pt, 三号 16pt, 四号 14pt
SIZE_MARK = 36
SIZE_TITLE = 22
SIZE_BODY = 16
SIZE_NOTE = 14
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEAD = "黑体"


@dataclass(frozen=True)
class LetterText:
    issuer: str  # 发文机关, e.g. 示范县公安局
    number: str  # 文号, e.g. 示公抄〔2026〕3号
    title: str
    recipient: str  # 主送
    paragraphs: list[str]  # body, each one paragraph (a leading "一、" makes it a heading)
    signed_on: date
    copy_to: list[str]  # 抄送


def _font(run: object, name: str, size: int, *, bold: bool = False, red: bool = False) -> None:
    font = run.font  # type: ignore[attr-defined]
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    if red:
        font.color.rgb = RED
    r_pr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _rule(paragraph: Paragraph, *, red: bool) -> None:
    """A full-width line under ``paragraph`` (the red rule under the 文号, the 抄送 rules)."""
    p_pr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12" if red else "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "E00000" if red else "000000")
    border.append(bottom)
    p_pr.append(border)


def _paragraph(doc: object, text: str, font: str, size: int, **kw: object) -> Paragraph:
    align = kw.pop("align", None)
    indent = kw.pop("indent", False)
    p: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        p.alignment = align  # type: ignore[assignment]
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        _font(p.add_run(text), font, size, **kw)  # type: ignore[arg-type]
    return p


def write_letter(letter: LetterText, path: Path) -> Path:
    doc = new_document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    mark = _paragraph(
        doc, letter.issuer, FONT_TITLE, SIZE_MARK, bold=True, red=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )  # fmt: skip
    mark.paragraph_format.line_spacing = Pt(60)
    _paragraph(doc, "", FONT_BODY, SIZE_BODY)
    number = _paragraph(doc, letter.number, FONT_BODY, SIZE_BODY, align=WD_ALIGN_PARAGRAPH.CENTER)
    _rule(number, red=True)
    _paragraph(doc, "", FONT_BODY, SIZE_BODY)
    title = _paragraph(
        doc, letter.title, FONT_TITLE, SIZE_TITLE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    title.paragraph_format.line_spacing = Pt(36)
    _paragraph(doc, "", FONT_BODY, SIZE_BODY)
    _paragraph(doc, f"{letter.recipient}：", FONT_BODY, SIZE_BODY)
    for text in letter.paragraphs:
        heading = text[:2] in {"一、", "二、", "三、", "四、", "五、"}
        _paragraph(
            doc, text, FONT_HEAD if heading else FONT_BODY, SIZE_BODY, indent=True,
        )  # fmt: skip
    _paragraph(doc, "", FONT_BODY, SIZE_BODY)
    _paragraph(doc, "", FONT_BODY, SIZE_BODY)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    signer = _paragraph(doc, letter.issuer, FONT_BODY, SIZE_BODY, align=right)
    signer.paragraph_format.right_indent = Pt(SIZE_BODY * 2)
    day = letter.signed_on
    dated = _paragraph(
        doc, f"{day.year}年{day.month}月{day.day}日", FONT_BODY, SIZE_BODY, align=right
    )
    dated.paragraph_format.right_indent = Pt(SIZE_BODY * 2)
    _paragraph(doc, "", FONT_BODY, SIZE_BODY)
    top = _paragraph(doc, "", FONT_BODY, SIZE_NOTE)
    _rule(top, red=False)
    copy = _paragraph(doc, f"抄送：{'，'.join(letter.copy_to)}。", FONT_BODY, SIZE_NOTE)
    copy.paragraph_format.left_indent = Pt(SIZE_NOTE)
    _rule(copy, red=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
