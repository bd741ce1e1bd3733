"""Attachments are checked by what they contain, not by their first bytes: each accepted type is
opened with its own parser, and the disguised files an outside probe got accepted are refused."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from fazhi.rectification.models import Attachment, ProblemStatus
from fazhi.rectification.services.transitions import submit_fix
from fazhi.rectification.services.uploads import validate_upload
from fazhi.rectification.tests import samples
from fazhi.rectification.tests.conftest import T0, upload

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_START = b"\xff\xd8\xff\xe0"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as info:
        validate_upload(upload(name, content))
    (message,) = info.value.messages
    assert f"附件“{name}”" in message  # the refusal names the file
    return message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # a PDF header followed by a Windows program
        ("整改报告.pdf", b"%PDF-1.7\n" + samples.EXE, "不是能打开的 PDF 文件"),
        # a program zipped and named .docx
        ("整改报告.docx", samples.zipped("整改报告.exe", samples.EXE), "内含可执行文件"),
        # a PNG header followed by a web page
        ("现场.png", PNG_SIGNATURE + b"<html><script>alert(1)</script></html>", "不是能打开的 PNG"),
    ],
    ids=["pdf-header-then-exe", "zipped-exe-as-docx", "png-header-then-html"],
)
def test_the_probes_disguised_files_are_refused(bureau, problem, media, name, content, message):
    # given 张伟's open problem and a genuine report beside the disguised file
    # when he submits his fix with both
    with pytest.raises(ValidationError, match=message) as info:
        submit_fix(
            problem,
            actor=bureau.users["zhang"],
            comment="见附件",
            files=[upload(), upload(name, content)],
            now=T0,
        )
    # then the refusal is Chinese and names the file, and nothing was written
    assert f"附件“{name}”" in info.value.messages[0]
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    assert not Attachment.objects.exists()
    assert not (media / "attachments").exists()


@pytest.mark.parametrize(
    ("name", "genuine", "disguised", "message"),
    [
        ("报告.pdf", samples.pdf(), b"%PDF-1.4\n%%EOF\n" + samples.EXE, "不是能打开的 PDF 文件"),
        ("现场.png", samples.image("PNG"), PNG_SIGNATURE + b"\0" * 64, "不是能打开的 PNG 图片"),
        ("现场.jpg", samples.image("JPEG"), JPEG_START + samples.EXE, "不是能打开的 JPEG 图片"),
        ("现场.jpeg", samples.image("JPEG"), JPEG_START + b"<html>", "不是能打开的 JPEG 图片"),
        (
            "报告.docx",
            samples.docx(),
            samples.zipped("[Content_Types].xml", b"<Types/>"),
            "缺少 word/document.xml",
        ),
        (
            "台账.xlsx",
            samples.xlsx(),
            samples.zipped("[Content_Types].xml", b"<Types/>"),
            "缺少 xl/workbook.xml",
        ),
        ("报告.doc", samples.doc(), OLE_SIGNATURE + samples.EXE * 30, "不是能打开的 Word 文档"),
        ("台账.xls", samples.xls(), samples.ole({"Data": samples.EXE}), "缺少正文数据"),
    ],
    ids=["pdf", "png", "jpg", "jpeg", "docx", "xlsx", "doc", "xls"],
)
def test_a_genuine_file_is_accepted_and_its_disguise_refused(name, genuine, disguised, message):
    # given a genuine file of an accepted type, when it is checked, then it passes unchanged
    checked = validate_upload(upload(name, genuine))
    assert (checked.name, checked.size) == (name, len(genuine))
    # and given the same leading bytes with other content, then it is refused
    assert message in refusal(name, disguised)


def test_a_pdf_without_pages_encrypted_or_carrying_files_or_scripts_is_refused():
    # given PDFs that parse but are no proof anyone can read, or carry something to run
    encrypted = PdfWriter()
    encrypted.add_blank_page(width=595, height=842)
    encrypted.encrypt("123456")
    carrying = PdfWriter()
    carrying.add_blank_page(width=595, height=842)
    carrying.add_attachment("说明.exe", samples.EXE)
    scripted = PdfWriter()
    scripted.add_blank_page(width=595, height=842)
    scripted.add_open_action(JavaScript("app.alert('x');"))

    def written(writer: PdfWriter) -> bytes:
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    # then each is refused, saying what is wrong
    assert "没有页面" in refusal("空白.pdf", samples.pdf(pages=0))
    assert "加密" in refusal("加密.pdf", written(encrypted))
    assert "内嵌了其他文件" in refusal("附带.pdf", written(carrying))
    assert "含有脚本" in refusal("脚本.pdf", written(scripted))


def _png_claiming(width: int, height: int) -> bytes:
    """A small genuine PNG whose header claims another size (what a decompression bomb does)."""
    png = bytearray(samples.image("PNG", (1, 1)))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(png[24:29])
    png[12:29] = header
    png[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(png)


def test_an_image_bomb_a_truncated_photo_and_a_png_with_a_tail_are_refused():
    # given images whose pixels would not fit, whose data stops short, or with a page after them
    # then each is refused before (or instead of) decoding it
    assert "9000×9000 像素，超过 8000 万像素" in refusal("巨图.png", _png_claiming(9000, 9000))
    assert "超过 8000 万像素" in refusal("炸弹.png", _png_claiming(30000, 30000))
    assert "不是能打开的 JPEG" in refusal("半张.jpg", samples.image("JPEG", (400, 300))[:-300])
    tail = samples.image("PNG") + b"<html><script>alert(1)</script></html>"
    assert "结束标记之后还附带了其他内容" in refusal("现场.png", tail)


def test_a_zip_bomb_named_docx_is_refused():
    # given a genuine document padded with 101 MB of zeros (about 100 KB once compressed)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(samples.docx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for entry in source.infolist():
            bomb.writestr(entry.filename, source.read(entry))
        with bomb.open("word/media/padding.bin", "w") as padding:
            for _ in range(101):
                padding.write(b"\0" * 1024 * 1024)
    assert len(out.getvalue()) < 1024 * 1024
    # then it is refused by what it would unpack to
    message = refusal("报告.docx", out.getvalue())
    assert "解压后为 10" in message
    assert "超过 100 MB 的上限" in message


def test_office_files_with_macros_or_programs_inside_are_refused():
    docx = samples.docx()
    # given a macro-enabled document (a .docm) renamed .docx
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        types = package.read("[Content_Types].xml")
    docm = samples.rezip(
        docx,
        {"word/vbaProject.bin": samples.ole({"VBA/dir": b"\x01"})},
        {
            "[Content_Types].xml": types.replace(
                b"wordprocessingml.document.main+xml",
                b"ms-word.document.macroEnabled.main+xml",
            )
        },
    )
    assert "含有宏" in refusal("报告.docx", docm)
    # only the content type saying so
    renamed = samples.rezip(docx, {}, {"[Content_Types].xml": types + b"<!-- macroEnabled -->"})
    assert "含宏" in refusal("报告2.docx", renamed)
    # a program stored as if it were a picture, and one packaged in an embedded object
    picture = samples.rezip(samples.xlsx(), {"xl/media/image1.png": samples.EXE})
    assert "内含可执行文件（xl/media/image1.png）" in refusal("台账.xlsx", picture)
    packaged = samples.ole({"\x01Ole10Native": samples.EXE})
    embedded = samples.rezip(docx, {"word/embeddings/oleObject1.bin": packaged})
    assert "内嵌了打包的文件" in refusal("报告3.docx", embedded)
    # binary Word/Excel files with macro storages
    assert "含有宏" in refusal("报告.doc", samples.doc({"Macros/VBA/dir": b"\x01"}))
    assert "含有宏" in refusal("台账.xls", samples.xls({"_VBA_PROJECT_CUR/VBA/dir": b"\x01"}))
